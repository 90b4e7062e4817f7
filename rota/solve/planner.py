"""The `plan` pipeline: team → candidates → search → schedule, judged by the referee."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from rota.assignment import Assignment
from rota.candidates import Candidate, generate
from rota.check import CheckResult, check
from rota.history import HistorySplit, past_load, with_facts
from rota.metrics import daytime_share
from rota.problem import Team
from rota.solve.budget import CLOCK_MARGIN, Budget, dtime_rate
from rota.solve.control import SearchControl
from rota.solve.cpsat import workers_of
from rota.solve.search import PlanResult, solve
from rota.timeline import Span


@dataclass(frozen=True)
class Settings:
    """How one plan searches: the limit in seconds, the mode, threads and seed (SPEC §7);
    each is the team file's `solver:` value unless given."""

    time_limit: float
    reproducible: bool
    workers: int
    seed: int
    # Reproducible mode only: False leaves the clock out altogether, so the search ends by
    # its budget whatever the machine's load (independent searches, `rota.jobs`).
    guarded: bool = True

    @classmethod
    def of(cls, team: Team, time_limit: float | None = None, reproducible: bool | None = None,
           workers: int | None = None, seed: int | None = None, guarded: bool = True
           ) -> Settings:
        solver = team.solver
        return cls(solver.time_limit_seconds if time_limit is None else time_limit,
                   solver.reproducible if reproducible is None else reproducible,
                   solver.workers if workers is None else workers,
                   solver.seed if seed is None else seed, guarded)


@dataclass
class Plan:
    team: Team
    span: Span
    result: PlanResult
    verdict: CheckResult  # the referee's view of what the search chose
    time_limit: float | None = None  # the limit it ran under
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
         seed: int | None = None, reproducible: bool | None = None, guarded: bool = True,
         log: Callable[[str], None] | None = None,
         progress: Callable[[str], None] | None = None,
         control: SearchControl | None = None, history: HistorySplit | None = None,
         stages: tuple | None = None, start: list[Assignment] | None = None) -> Plan:
    """Plan the team's horizon within `time_limit` wall-clock seconds (default: the team
    file's), counted from now; by default the search uses that time, and with
    `reproducible` it is bounded by work done instead (SPEC §7), and with `guarded` False
    as well, by work alone, never the clock. The returned verdict is
    `check` run on the result, with the same history. `control` may carry an earlier
    deadline and receives interrupts. With `history`, its facts are kept (fixed
    candidates: coverage, written unchanged), every rule crosses the boundary and fairness
    counts its window (SPEC §8). `stages` (default: the team's objective) may leave later
    stages out: what-if and explain re-plan with coverage alone. `start`: a legal schedule
    of the team the search may start from (resilience starts a re-plan without someone
    from a repaired plan)."""
    settings = Settings.of(team, time_limit, reproducible, workers, seed, guarded)
    control = start_clock(settings, control)
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
    return solve_plan(team, span, candidates, lookback, history, settings, control,
                      log=log, progress=progress, stages=stages, start=chosen)


def start_clock(settings: Settings, control: SearchControl | None) -> SearchControl:
    """The search control whose deadline is the limit from now (CLOCK_MARGIN × the limit
    in reproducible mode, where it is only a guard, and none unguarded), or `control`'s
    own if earlier."""
    if settings.reproducible and not settings.guarded:
        return control or SearchControl()
    margin = CLOCK_MARGIN if settings.reproducible else 1.0
    deadline = time.perf_counter() + settings.time_limit * margin
    if control is None:
        return SearchControl(deadline)
    if control.deadline is None or control.deadline > deadline:
        control.deadline = deadline
    return control


def solve_plan(team: Team, span: Span, candidates: list[Candidate],
               lookback: list[Candidate], history: HistorySplit | None, settings: Settings,
               control: SearchControl, **options) -> Plan:
    """Search prepared candidates (`plan`'s, or replan's) and judge the result with the
    referee, with the same history. `options` go to `rota.solve.search.solve`."""
    log = options.get("log")
    workers = workers_of(settings.workers)
    if log:
        log(f"{len(candidates)} candidate shifts for {len(team.engineers)} engineers")
        log(f"{settings.time_limit:g}s, {workers} workers, " + (
            "reproducible: bounded by work done" if settings.reproducible else
            "using the time limit"))
    budget = Budget(control, settings.reproducible,
                    settings.time_limit * dtime_rate(len(candidates), workers))
    result = solve(team, span, candidates, budget, workers=workers, seed=settings.seed,
                   lookback=lookback, past=past_load(team, span, history), **options)
    judged = history.judged if history else ()
    return Plan(team, span, result, check(team, result.assignments, history=judged),
                settings.time_limit, history)
