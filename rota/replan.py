"""`rota replan` (SPEC §8): the instant it starts from (`--from`), what is kept, the plan
that changes as little as it can, and what changed: changes.csv, summary.json's `changes`
block and the lines that tell each affected engineer. The matching itself is
`rota.diff`'s; the solving is the planner's, with the `changes` stage of
`rota.solve.objective` enabled."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from rota.assignment import Assignment, match_key, sort_key
from rota.candidates import Candidate, generate
from rota.diff import Changes, changes_text, compare
from rota.errors import InputError, Problem
from rota.history import fixed_candidate, split_history, with_facts
from rota.problem import Team
from rota.rules import CANDIDATE_RULES, Duty
from rota.schedule import csv_text, instant, instant_problem, resolve_names
from rota.solve.planner import Plan, Settings, solve_plan, start_clock
from rota.timeline import EPOCH, Span, iso_local, iso_utc, local_date

CHANGE_COLUMNS = ("change", "engineer", "tier", "start_utc", "end_utc", "start_local",
                  "end_local")
FROM_OPTION = "--from"


def parse_from(text: str, span: Span, now: datetime | None = None) -> int:
    """The epoch minute `--from` names: an ISO 8601 instant with an offset inside the
    horizon, or `now`. `now` before the horizon is its start (nothing has happened yet);
    within a minute, `now` rounds up, so a shift that began this minute counts as begun.
    Raises InputError with one line."""
    text = text.strip()
    horizon = f"the horizon {iso_utc(span.start)}..{iso_utc(span.end)}"
    if text.lower() == "now":
        moment = now or datetime.now(UTC)
        minute = math.ceil((moment - EPOCH).total_seconds() / 60)
        if minute >= span.end:
            _refuse(f"now ({iso_utc(minute)}) is after {horizon}: nothing is left to replan")
        return max(minute, span.start)
    bad = instant_problem(text)
    if bad:
        _refuse(f"{bad}; give an instant with an offset like 2026-03-04T09:00:00+01:00, "
                f"or now")
    minute = instant(text)
    if not span.start <= minute < span.end:
        _refuse(f"{iso_utc(minute)} is outside {horizon}")
    return minute


def _refuse(message: str) -> None:
    raise InputError([Problem(FROM_OPTION, message)])


def kept(published: list[Assignment], start: int) -> list[Assignment]:
    """The published assignments that begin before `start`: they stay as they are."""
    return [a for a in published if a.start < start]


def published_problems(team: Team, published: list[Assignment], name: str) -> list[Problem]:
    """Why `published` cannot be this team's rota of this horizon, if it cannot."""
    if not published:
        return []
    known, _ = resolve_names(team, published)
    if not known:
        return [Problem(name, f"none of its {len(published)} rows names an engineer of "
                              f"'{team.name}' ({team.source}): is it another team's rota?")]
    span = Span.of(team.horizon)
    if not any(a.start < span.end and a.end > span.start for a in published):
        return [Problem(name, f"none of its rows lies in the horizon "
                              f"{iso_utc(span.start)}..{iso_utc(span.end)}")]
    return []


def published_changes(team: Team, published: list[Assignment],
                      new: list[Assignment]) -> Changes:
    """What `new` changes in `published`, engineers named by name or id alike; a row of
    someone no longer in the team is compared as written (so it shows as removed)."""
    def named(rows: list[Assignment]) -> list[Assignment]:
        known, unknown = resolve_names(team, rows)
        return known + unknown

    return compare(named(published), named(new))


def _zone(team: Team, engineer: str) -> str:
    eng = team.engineer(engineer)
    return eng.timezone if eng else "UTC"


def changes_csv(team: Team, changes: Changes) -> str:
    """changes.csv (SPEC §8), per engineer then by start, local times in the engineer's
    zone (UTC for someone no longer in the team); cells made safe like schedule.csv's."""
    rows: list[list[object]] = []
    for change, a in changes.rows():
        tz = _zone(team, a.engineer)
        rows.append([change, a.engineer, a.tier, iso_utc(a.start), iso_utc(a.end),
                     iso_local(a.start, tz), iso_local(a.end, tz)])
    return csv_text(CHANGE_COLUMNS, rows)


def changes_summary(changes: Changes, status: str | None = None,
                    bound: int | None = None) -> dict[str, object]:
    """summary.json's `changes` block; `status` and `bound` are the changes stage's."""
    block: dict[str, object] = {"removed": len(changes.removed), "added": len(changes.added),
                                "engineers": changes.engineers}
    if status is not None:
        block["status"] = status
    if bound is not None:
        block["bound"] = bound
    return block


def changes_lines(team: Team, changes: Changes) -> str:
    """What to print: per affected engineer, what moved, in UTC and their local time."""
    return changes_text(changes, "changes", lambda name: _zone(team, name))


# ----- the replan itself ---------------------------------------------------------------------

@dataclass
class Replan:
    plan: Plan
    since: int  # `--from`
    changes: Changes
    status: str | None  # the changes stage's
    bound: int | None  # its proven bound, with the removals nothing could avoid

    def summary(self) -> dict[str, object]:
        return changes_summary(self.changes, self.status, self.bound)


def replan(team: Team, published: list[Assignment], since: int,
           history: Iterable[Assignment] = (), **options) -> Replan:
    """Plan `team` again from `since` on, keeping `published` before it and changing as
    little of it as the uncovered minutes allow after it (`options` are the planner's:
    time_limit, reproducible, workers, seed, log, progress, control).

    The published assignments that start before `since` are facts, like history's (which
    counts up to `since` only: the published rota supersedes it after). Those from `since`
    on are candidates, marked published, whenever the team as it is now allows them
    (availability, leave, holidays, shift length, tier), even if no shift template or
    flexible setting would make them; the others (someone who left, or is now off) can
    only be removed."""
    settings = Settings.of(team, options.pop("time_limit", None),
                           options.pop("reproducible", None), options.pop("workers", None),
                           options.pop("seed", None))
    control = start_clock(settings, options.pop("control", None))
    span = Span.of(team.horizon)
    known, _ = resolve_names(team, published)
    inside = [a for a in known if a.start < span.end and a.end > span.start]
    rows = {match_key(a): a for a in [*history, *kept(known, since)] if a.start < since}
    split = split_history(team, sorted(rows.values(), key=sort_key))
    candidates, lookback = with_facts(team, span, generate(team, span), split.facts,
                                      split.for_rules, since=since)
    candidates, unkeepable = with_published(team, span, candidates,
                                            [a for a in inside if a.start >= since])
    done = solve_plan(team, span, candidates, lookback, split, settings, control, replan=True,
                      **options)
    before = [a for a in published if a.start < span.end and a.end > span.start]
    changes = published_changes(team, before, done.result.assignments)
    stage = next((s for s in done.result.stages if s.name == "changes"), None)
    status = stage.status if stage else None
    bound = stage.bound + unkeepable if stage and stage.bound >= 0 else None
    return Replan(done, since, changes, status, bound)


def with_published(team: Team, span: Span, candidates: list[Candidate],
                   rows: list[Assignment]) -> tuple[list[Candidate], int]:
    """The candidates with each published row marked (added if no template made it), and
    how many rows cannot be kept because the team no longer allows them."""
    index = {(c.engineer, c.tier, c.start, c.end): n for n, c in enumerate(candidates)}
    out = list(candidates)
    unkeepable = 0
    for a in rows:
        c = fixed_candidate(team, span, a, fixed=False, published=True)
        at = index.get((c.engineer, c.tier, c.start, c.end))
        if at is not None:
            out[at] = replace(out[at], published=True)
        elif allowed(team, span, a):
            index[(c.engineer, c.tier, c.start, c.end)] = len(out)
            out.append(c)
        else:
            unkeepable += 1
    out.sort(key=lambda c: (c.engineer, c.start, c.end, c.tier, c.shift))
    return out, unkeepable


def allowed(team: Team, span: Span, a: Assignment) -> bool:
    """Whether the per-candidate rules let the team's engineer of `a` work it now."""
    eng = team.engineer(a.engineer)
    if eng is None:
        return False
    duty = Duty(eng, span, [a], [local_date(a.start, eng.timezone)])
    return not any(True for rule in CANDIDATE_RULES for _ in rule.check(duty))
