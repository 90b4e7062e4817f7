"""Changed copies of a team, and the coverage-only plan that measures them.

`explain`, `what-if` and `resilience` all ask one question of a changed team: how many
person-minutes stay uncovered, and is that proven? Each change is a new frozen `Team`
(`dataclasses.replace`); `coverage_plan` plans it with the coverage stage alone, which
is all these questions need (the later stages only move hours between people).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from rota.assignment import Assignment
from rota.problem import Engineer, Team, Unavailable
from rota.solve.objective import STAGES
from rota.solve.planner import Plan, plan
from rota.timeline import Interval, from_minute, merge, zone

COVERAGE_ONLY = (STAGES[0],)


@dataclass(frozen=True)
class Probe:
    """What one (coverage-only) plan of a team says about coverage."""

    uncovered: int  # person-minutes, from the referee
    bound: int  # the coverage stage's proven lower bound (-1: none)
    status: str  # the coverage stage's status
    seconds: float
    plan: Plan

    @property
    def proven(self) -> bool:
        return self.status == "OPTIMAL"

    @property
    def lower(self) -> int:
        """A proven lower bound on the team's least uncovered minutes."""
        return self.uncovered if self.proven else max(0, self.bound)


def probe_of(p: Plan, seconds: float = 0.0) -> Probe:
    stage = p.result.coverage_stage
    return Probe(sum(p.verdict.uncovered.values()), stage.bound, stage.status,
                 round(seconds or p.result.build_seconds + p.result.solve_seconds, 3), p)


def coverage_plan(team: Team, *, time_limit: float | None = None, workers: int | None = None,
                  seed: int | None = None, start: list[Assignment] | None = None) -> Probe:
    """Plan `team` with the coverage stage only, with the budget of `time_limit` seconds,
    from the schedule `start` if given (a hint: the search begins where it leaves off).
    It is bounded by work alone, so the same team always gives the same answer, whatever
    else the machine runs (`rota.jobs`)."""
    clock = time.perf_counter()
    p = plan(team, time_limit=time_limit, workers=workers, seed=seed, stages=COVERAGE_ONLY,
             start=start, reproducible=True, guarded=False)
    return probe_of(p, time.perf_counter() - clock)


def coverage_probe(job: tuple[Team, dict[str, Any]]) -> Probe:
    """`coverage_plan(team, **options)` for `rota.jobs.run_all`."""
    team, options = job
    return coverage_plan(team, **options)


# ----- changed teams ----------------------------------------------------------------------

def without(team: Team, names: list[str]) -> Team:
    """The team with these engineers away for the whole horizon."""
    gone = set(names)
    return replace(team, engineers=tuple(e for e in team.engineers if e.name not in gone))


def with_rule(team: Team, name: str, key: str, value: Any) -> Team:
    """The team with one rule of one engineer set to `value`."""
    engineers = tuple(replace(e, rules=replace(e.rules, **{key: value})) if e.name == name else e
                      for e in team.engineers)
    return replace(team, engineers=engineers)


def with_engineers(team: Team, extra: list[Engineer]) -> Team:
    return replace(team, engineers=(*team.engineers, *extra))


def with_time_off(team: Team, name: str, entries: list[Unavailable]) -> Team:
    engineers = tuple(replace(e, unavailable=(*e.unavailable, *entries)) if e.name == name else e
                      for e in team.engineers)
    return replace(team, engineers=engineers)


def _local(minute: int, tz: str) -> datetime:
    return from_minute(minute).astimezone(zone(tz)).replace(tzinfo=None)


def stand_in(team: Team, tier: str, tz: str, window: Interval, name: str,
             more: tuple[Interval, ...] = ()) -> Engineer:
    """One more engineer of `tier` in zone `tz`, free only in the UTC `window` (and the
    windows `more`), with the team's rules and no holidays: everything else of their
    local time is `unavailable`."""
    free = merge([window, *more])
    edges = [free[0][0] - 400 * 1440, *(t for w in free for t in w), free[-1][1] + 400 * 1440]
    unavailable = tuple(Unavailable(_local(a, tz), _local(b, tz))
                        for a, b in zip(edges[::2], edges[1::2]))
    return Engineer(id=_slug(name), name=name, timezone=tz, tiers=(tier,), rules=team.rules,
                    unavailable=unavailable)


def _slug(name: str) -> str:
    from rota.config import slug

    return slug(name)
