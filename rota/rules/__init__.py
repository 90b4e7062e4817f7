"""The registry of hard rules: one module per rule family, each holding its YAML keys,
its violation names, its model constraint, its referee check and its greedy test.

A new rule is a new module here and one line in RULES or CANDIDATE_RULES below; `check`,
`plan`, the greedy start, the generator, config's key parsing, the README's rule table
and the CLI help all read these tuples.
"""

from __future__ import annotations

from rota.rules import consecutive, nights, per_candidate, per_day, rest, weekends, weekly
from rota.rules.base import (
    Bounds,
    CandidateRule,
    Duty,
    Key,
    Ledger,
    ModelView,
    Rule,
    Violation,
)

CANDIDATE_RULES: tuple[CandidateRule, ...] = (
    per_candidate.AVAILABILITY, per_candidate.LEAVE, per_candidate.HOLIDAYS,
    per_candidate.SHIFT_LENGTH, per_candidate.TIER)
RULES: tuple[Rule, ...] = (
    rest.RULE, weekly.RULE, consecutive.RULE, weekends.RULE, per_day.RULE, nights.RULE)

# The referee's own finding: a row that names nobody in the team (the planner only ever
# plans the team's engineers, so there is no model side to it).
UNKNOWN_ENGINEER = "unknown_engineer"

ALL = (*CANDIDATE_RULES, *RULES)
VIOLATIONS: tuple[str, ...] = (*(v for r in ALL for v in r.violations), UNKNOWN_ENGINEER)
KEYS: tuple[Key, ...] = tuple(k for r in ALL for k in r.keys)


def table() -> str:
    """The README's rule table: every rule, its keys with their defaults, its violations."""
    from rota.problem import Rules

    defaults = Rules()
    lines = ["| rule | keys (default) | `check` reports | what it means |",
             "|---|---|---|---|"]
    for rule in (*RULES, *CANDIDATE_RULES):
        keys = "<br>".join(f"`{k.name}` ({_default(getattr(defaults, k.name), k.kind)})"
                           for k in rule.keys) or "—"
        names = ", ".join(f"`{v}`" for v in rule.violations)
        lines.append(f"| {rule.name} | {keys} | {names} | {rule.about} |")
    lines.append(f"| roster | — | `{UNKNOWN_ENGINEER}` | a row names an engineer of the team "
                 "(by name or id) |")
    return "\n".join(lines) + "\n"


def help_rows() -> list[tuple[str, str]]:
    """(keys, what it means and what `check` reports) per rule, for the CLI help."""
    return [(", ".join(k.name for k in rule.keys) or rule.name,
             f"{rule.about} ({', '.join(rule.violations)})")
            for rule in (*RULES, *CANDIDATE_RULES)]


def _default(value, kind: str) -> str:
    if value is None:
        return "no limit"
    if kind == "window":
        start, end = value
        return f"{start // 60:02d}:{start % 60:02d}-{end % 1440 // 60:02d}:{end % 60:02d}"
    return str(value).lower() if isinstance(value, bool) else f"{value:g}"


def fits(eng, c, ledger: Ledger, rules: tuple[Rule, ...] = RULES) -> bool:
    """Whether candidate `c` may join what `ledger` holds for `eng` under every rule."""
    return all(rule.fits(eng, c, ledger) for rule in rules)


def violations(duty: Duty, rules=ALL) -> list[Violation]:
    """Every violation the referee finds in one engineer's schedule."""
    return [v for rule in rules for v in rule.check(duty)]


__all__ = ["ALL", "Bounds", "CANDIDATE_RULES", "CandidateRule", "Duty", "KEYS", "Key",
           "Ledger", "ModelView", "RULES", "Rule", "UNKNOWN_ENGINEER", "VIOLATIONS",
           "Violation", "fits", "help_rows", "table", "violations"]
