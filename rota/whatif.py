"""`rota what-if`: plan the team as it is and with each change, side by side.

Each flag is one scenario, planned on its own against the team as it is; with more than
one flag a last scenario applies them all together. A scenario is a changed copy of the
team (`rota.scenarios`), planned with every stage, like `rota plan`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from rota import scenarios
from rota.errors import ConfigError, InputError, Problem
from rota.jobs import SEARCH_WORKERS, run_all
from rota.limits import MAX_CONFIG_BYTES, read_capped
from rota.loads import engineer_loads
from rota.metrics import schedule_night_minutes
from rota.problem import Team
from rota.solve.planner import Plan, plan


@dataclass(frozen=True)
class Change:
    label: str
    apply: Callable[[Team], Team]


@dataclass
class Outcome:
    label: str
    uncovered: int
    proven: bool
    largest_load: float
    most_loaded: str
    handoffs: int
    night_minutes: int
    daytime_share: dict[str, float | None] = field(default_factory=dict)
    seconds: float = 0.0


# ----- the changes ------------------------------------------------------------------------

def _bad(flag: str, message: str) -> InputError:
    return InputError([Problem(flag, message)])


def _engineer(team: Team, flag: str, key: str) -> str:
    eng = team.engineer(key.strip())
    if eng is None:
        from rota.config import _suggest

        names = [e.name for e in team.engineers]
        raise _bad(flag, f"no engineer '{key.strip()}' in the team{_suggest(key, names)}")
    return eng.name


def parse_changes(team: Team, config: str, without: tuple[str, ...] = (),
                  add: tuple[str, ...] = (), settings: tuple[str, ...] = (),
                  unavailable: tuple[str, ...] = ()) -> list[Change]:
    """The flags as changes; bad input raises InputError (one problem per bad flag)."""
    from rota.config import parse_engineers, parse_rule_value, parse_unavailable

    changes: list[Change] = []
    problems: list[Problem] = []
    for name in without:
        try:
            who = _engineer(team, "--without", name)
            changes.append(Change(f"without {who}", lambda t, w=who: scenarios.without(t, [w])))
        except InputError as exc:
            problems += exc.problems
    for path in add:
        try:
            extra = parse_engineers(read_capped(path, MAX_CONFIG_BYTES, ConfigError), path,
                                    config, team)
            for eng in extra:
                if team.engineer(eng.name) or team.engineer(eng.id):
                    raise _bad(path, f"engineer '{eng.name}' is already in the team")
            label = f"add {Path(path).name} ({', '.join(e.name for e in extra)})"
            changes.append(Change(label, lambda t, x=tuple(extra): scenarios.with_engineers(
                t, list(x))))
        except InputError as exc:
            problems += exc.problems
    for text in settings:
        try:
            changes.append(_setting(team, text, parse_rule_value))
        except InputError as exc:
            problems += exc.problems
    for text in unavailable:
        try:
            who, sep, when = text.rpartition("=")
            if not sep or not who.strip():
                raise _bad("--unavailable", f"expected NAME=DATE[..DATE], not '{text}'")
            name = _engineer(team, "--unavailable", who)
            entry = parse_unavailable(when.strip(), f"--unavailable {text}")
            changes.append(Change(f"{name} away {when.strip()}",
                                  lambda t, n=name, e=entry: scenarios.with_time_off(t, n, [e])))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return changes


def _setting(team: Team, text: str, parse: Callable[[str, str, str], Any]) -> Change:
    """`KEY=VALUE` (the team-wide rule) or `NAME.KEY=VALUE` (one engineer's)."""
    target, sep, value = text.partition("=")
    if not sep:
        raise _bad("--set", f"expected KEY=VALUE, not '{text}'")
    target = target.strip()
    who, dot, key = target.rpartition(".")
    if not dot or who == "rules":
        who, key = "", key if dot else target
    name = _engineer(team, "--set", who) if who else None
    new = parse(key, value.strip(), f"--set {text}")
    if name:
        return Change(f"{name}: {key}={value.strip()}",
                      lambda t: scenarios.with_rule(t, name, key, new))

    def everyone(t: Team) -> Team:
        """The team-wide value; an engineer (or site) that sets its own keeps it."""
        old = getattr(t.rules, key)
        engineers = tuple(replace(e, rules=replace(e.rules, **{key: new}))
                          if getattr(e.rules, key) == old else e for e in t.engineers)
        return replace(t, rules=replace(t.rules, **{key: new}), engineers=engineers)

    return Change(f"{key}={value.strip()}", everyone)


# ----- measuring a plan -------------------------------------------------------------------

def outcome(label: str, p: Plan, seconds: float) -> Outcome:
    team, assignments = p.team, p.result.assignments
    loads = engineer_loads(team, assignments, p.span)
    top = max(loads, key=lambda r: r["load"], default=None)
    return Outcome(label, sum(p.verdict.uncovered.values()),
                   p.result.coverage_stage.status == "OPTIMAL",
                   top["load"] if top else 0.0, top["name"] if top else "", len(assignments),
                   schedule_night_minutes(team, p.span, assignments), p.daytime_share,
                   round(seconds, 3))


def what_if(team: Team, changes: list[Change], *, time_limit: float | None = None,
            workers: int | None = None, seed: int | None = None, jobs: int = 1,
            log=None) -> list[Outcome]:
    """The team as it is, each change alone, and (with several) all of them together; each
    planned on its own, reproducibly (`rota.jobs`), `jobs` of them at once."""
    runs: list[tuple[str, Team]] = [("as is", team)]
    runs += [(c.label, c.apply(team)) for c in changes]
    if len(changes) > 1:
        together = team
        for c in changes:
            together = c.apply(together)
        runs.append((f"all {len(changes)} changes", together))
    out = run_all(partial(_scenario, time_limit=time_limit,
                          workers=workers or SEARCH_WORKERS, seed=seed), runs, jobs)
    if log:
        for o in out:
            log(f"{o.label}: {o.uncovered} uncovered ({o.seconds:.1f}s)")
    return out


def _scenario(run: tuple[str, Team], *, time_limit: float | None, workers: int | None,
              seed: int | None) -> Outcome:
    """One scenario's plan, bounded by work alone so that its answer never depends on
    what else the machine runs."""
    label, team = run
    clock = time.perf_counter()
    p = plan(team, time_limit=time_limit, workers=workers, seed=seed, reproducible=True,
             guarded=False)
    return outcome(label, p, time.perf_counter() - clock)


# ----- output -----------------------------------------------------------------------------

def _rows(outcomes: list[Outcome]) -> list[tuple[str, list[str]]]:
    tiers = list(dict.fromkeys(t for o in outcomes for t in o.daytime_share))
    rows = [
        ("uncovered person-minutes", [f"{o.uncovered}{'' if o.proven else ' (unproven)'}"
                                      for o in outcomes]),
        ("largest load", [f"{o.largest_load:.0%} {o.most_loaded}" if o.most_loaded else "—"
                          for o in outcomes]),
        ("hand-offs (assignments)", [str(o.handoffs) for o in outcomes]),
        ("night minutes", [str(o.night_minutes) for o in outcomes]),
    ]
    for tier in tiers:
        rows.append((f"daytime share {tier}", [
            "—" if o.daytime_share.get(tier) is None else f"{o.daytime_share[tier]:.1%}"
            for o in outcomes]))
    rows.append(("seconds", [f"{o.seconds:.1f}" for o in outcomes]))
    return rows


def what_if_text(team: Team, outcomes: list[Outcome]) -> str:
    rows = _rows(outcomes)
    head = max(len(name) for name, _ in rows)
    widths = [max(len(o.label), *(len(values[n]) for _, values in rows))
              for n, o in enumerate(outcomes)]
    lines = [f"{team.name}: what if",
             "  ".join([" " * head, *(o.label.rjust(w) for o, w in zip(outcomes, widths))])]
    for name, values in rows:
        lines.append("  ".join([name.ljust(head), *(v.rjust(w) for v, w in zip(values, widths))]))
    return "\n".join(lines) + "\n"


def what_if_json(team: Team, outcomes: list[Outcome]) -> dict[str, Any]:
    return {"team": team.name, "scenarios": [
        {"scenario": o.label, "uncovered_minutes": o.uncovered, "proven_minimal": o.proven,
         "largest_load": {"engineer": o.most_loaded, "load": o.largest_load},
         "handoffs": o.handoffs, "night_minutes": o.night_minutes,
         "daytime_share": o.daytime_share, "seconds": o.seconds} for o in outcomes]}

