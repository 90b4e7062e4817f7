"""The `plan` pipeline: team → candidates → solver → schedule, judged by the referee."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from rota.assignment import Assignment
from rota.candidates import Candidate, generate
from rota.check import CheckResult, check
from rota.control import CLOCK_MARGIN, SearchControl
from rota.history import HistorySplit, past_load, with_facts
from rota.metrics import daytime_share
from rota.problem import Team
from rota.solver import PlanResult, solve
from rota.timeline import Span


@dataclass
class Plan:
    team: Team
    span: Span
    result: PlanResult
    verdict: CheckResult  # the referee's view of what the solver chose
    time_limit: float | None = None  # the limit it ran under, if not the team file's
    history: HistorySplit | None = None  # what was published before (SPEC §8)

    @property
    def covered(self) -> bool:
        return not self.verdict.gaps

    @cached_property
    def daytime_share(self) -> dict[str, float | None]:
        """Per tier: the share of required person-minutes staffed outside local nights."""
        return daytime_share(self.team, self.span, self.verdict.segments,
                             self.result.assignments)


def plan(team: Team, *, time_limit: float | None = None, workers: int | None = None,
         seed: int | None = None, log: Callable[[str], None] | None = None,
         progress: Callable[[str], None] | None = None,
         control: SearchControl | None = None, history: HistorySplit | None = None,
         stages: tuple | None = None, start: list[Assignment] | None = None) -> Plan:
    """Plan the team's horizon within `time_limit` wall-clock seconds (default: the team
    file's), counted from now; the returned verdict is `check` run on the result, with
    the same history. `control` may carry an earlier deadline and receives interrupts.
    With `history`, its facts are kept (fixed candidates: coverage, written unchanged),
    every rule crosses the boundary and fairness counts its window (SPEC §8). `stages`
    (default: the team's objective) goes to the solver: what-if and explain re-plan with
    coverage alone. `start`: a legal schedule of the team the search may start from
    (resilience starts a re-plan without someone from a repaired plan)."""
    control = start_clock(team, time_limit, control)
    span = Span.of(team.horizon)
    candidates = generate(team, span)
    lookback: list[Candidate] = []
    if history is not None:
        candidates, lookback = with_facts(team, span, candidates, history.facts,
                                          history.for_rules)
    chosen = None
    if start is not None:
        keys = {(a.engineer, a.tier, a.start, a.end) for a in start}
        chosen = [int((team.engineers[c.engineer].name, c.tier, c.start, c.end) in keys)
                  for c in candidates]
    return solve_plan(team, span, candidates, lookback, history, time_limit=time_limit,
                      workers=workers, seed=seed, log=log, progress=progress, control=control,
                      stages=stages, start=chosen)


def start_clock(team: Team, time_limit: float | None,
                control: SearchControl | None) -> SearchControl:
    """The search control whose deadline is `time_limit` (default: the team file's)
    wall-clock seconds from now, or `control`'s own if that is earlier."""
    limit = team.solver.time_limit_seconds if time_limit is None else time_limit
    deadline = time.perf_counter() + limit * CLOCK_MARGIN
    if control is None:
        return SearchControl(deadline)
    if control.deadline is None or control.deadline > deadline:
        control.deadline = deadline
    return control


def solve_plan(team: Team, span: Span, candidates: list[Candidate],
               lookback: list[Candidate], history: HistorySplit | None, *,
               time_limit: float | None = None, control: SearchControl | None = None,
               **options) -> Plan:
    """Solve prepared candidates (`plan`'s, or replan's) and judge the result with the
    referee, with the same history. `options` go to `rota.solver.solve`."""
    limit = team.solver.time_limit_seconds if time_limit is None else time_limit
    log = options.get("log")
    if log:
        log(f"{len(candidates)} candidate shifts for {len(team.engineers)} engineers")
    result = solve(team, span, candidates, lookback=lookback, time_limit=time_limit,
                   control=control, past=past_load(team, span, history), **options)
    judged = history.judged if history else ()
    return Plan(team, span, result, check(team, result.assignments, history=judged), limit,
                history)
