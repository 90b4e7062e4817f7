"""The staged search (SPEC §3 and §7): coverage first, then each stage of the objective in
turn, each keeping the value it found for the stages after it.

Coverage may spend the whole budget (`rota.solve.budget`); each later stage gets its share
(`Stage.share`) of what is left then, so time that a stage does not need (it was proven,
or its start was already optimal) goes to the stages after it. A stage with
neighbourhoods (`Stage.moves`) spends its share in three parts: a full search from the
previous stage's schedule (its bound, and on a small model often the proof); searches of
neighbourhoods from the best schedule (`rota.solve.lns`); and the full search again from
there with what is left.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from rota.assignment import Assignment
from rota.candidates import Candidate
from rota.history import PastLoad
from rota.problem import Team
from rota.solve import cpsat, lns
from rota.solve.budget import Budget
from rota.solve.control import BUDGET, CLOCK, INTERRUPT, PROOF
from rota.solve.greedy import (
    FAIR_COVER_PASSES,
    fair_cover,
    greedy_cover,
    prune,
    trim,
    uncovered_minutes,
)
from rota.solve.model import RotaModel
from rota.solve.objective import Stage, stages_for
from rota.solve.start import restricted_start
from rota.timeline import Span

FIRST_SHARE = 0.3  # of a stage's share: the first full search, before the neighbourhoods
NEIGHBOURHOOD_SHARE = 0.5  # of a stage's share: the neighbourhood searches
MIN_SEARCH = 0.05  # seconds or deterministic time: less is no search worth starting
# Reproducible mode with its clock guard: coverage may run this many times the budget (an
# unproven gap is a failure worth more than a reproducible run), the guard stopping it.
COVERAGE_STRETCH = 4.0


@dataclass(frozen=True)
class StageResult:
    name: str
    status: str  # OPTIMAL (value proven), FEASIBLE, NOT_RUN
    objective: int
    bound: int  # proven lower bound, -1 if none
    seconds: float
    stopped_by: str | None = None  # proof, budget, clock or interrupt (rota.solve.control)
    deterministic_time: float = 0.0
    neighbourhoods: int = 0  # neighbourhood searches run
    improved_by_neighbourhoods: int = 0  # how many of them found a better schedule

    @property
    def proven(self) -> bool:
        return self.status == "OPTIMAL"


@dataclass
class PlanResult:
    """What the search found; no solver object leaks out."""

    assignments: list[Assignment]
    stages: list[StageResult]
    candidates: int
    variables: int
    constraints: int
    build_seconds: float
    solve_seconds: float
    reproducible_mode: bool = False
    workers: int = 1
    interrupted: bool = False
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def reproducible(self) -> bool:
        """Reproducible mode, and no stage was cut by the clock or an interrupt."""
        return self.reproducible_mode and all(
            s.stopped_by not in (CLOCK, INTERRUPT) for s in self.stages)

    @property
    def proven(self) -> bool:
        """Every stage proven optimal."""
        return all(s.proven for s in self.stages)

    @property
    def coverage_stage(self) -> StageResult:
        return self.stages[0]


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    """Reports elapsed time, the objective found and the proven bound as the search goes."""

    def __init__(self, stage: str, report: Callable[[str], None]):
        super().__init__()
        self.stage, self.report = stage, report

    def on_solution_callback(self) -> None:
        value, bound = self.objective_value, self.best_objective_bound
        gap = f"{(value - bound) / value:.1%}" if value else "0%"
        self.report(f"{self.stage}: {self.wall_time:5.1f}s  found {value:.0f}  "
                    f"bound {bound:.0f}  gap {gap}")


class StagedSearch:
    """One plan's model and its search, stage by stage."""

    def __init__(self, team: Team, span: Span, candidates: list[Candidate], budget: Budget, *,
                 workers: int, seed: int, lookback: list[Candidate] | tuple[Candidate, ...] = (),
                 past: PastLoad | None = None, log: Callable[[str], None] | None = None,
                 progress: Callable[[str], None] | None = None):
        self.team, self.span, self.candidates = team, span, candidates
        self.budget, self.workers, self.seed = budget, workers, seed
        self.lookback, self.log, self.progress = list(lookback), log, progress
        self.rota = RotaModel(team, span, candidates, lookback, past)
        self.terms = sum(len(seg.covering) for seg in self.rota.segments)
        self.achieved: dict[str, int] = {}  # each stage's value, kept by the ones after it
        self.values: list[int] = []  # the schedule so far, 0/1 per candidate
        self.fair: list[int] | None = None  # the fair greedy cover, once a stage needs it
        self.clock_cut: set[str] = set()  # stages whose start depended on the clock
        clock = time.perf_counter()
        self.cover = greedy_cover(team, candidates, self.rota.segments,
                                  self.rota.greedy_costs(), lookback=lookback)
        self.greedy_seconds = time.perf_counter() - clock
        self.greedy_short = uncovered_minutes(self.rota.segments, self.cover)

    # ----- one CP-SAT search ----------------------------------------------------------------
    def configure(self, params, amount: float, light: bool, workers: int | None = None
                  ) -> None:
        cpsat.configure(params, reproducible=self.budget.reproducible, amount=amount,
                        workers=workers or self.workers, seed=self.seed,
                        candidates=len(self.candidates), terms=self.terms,
                        light_presolve=light)

    def full_search(self, name: str, start: list[int], amount: float, light: bool
                    ) -> cpsat.Found:
        """The whole model, minimising its objective, from `start`."""
        self.rota.hint(start)
        callback = _ProgressCallback(name, self.progress) if self.progress else None
        found = cpsat.run(self.rota.model, self.rota.x,
                          lambda params: self.configure(params, amount, light),
                          self.budget.control, self.budget.until(amount), callback)
        self.budget.spend(found.dtime)
        return found

    # ----- coverage's start -----------------------------------------------------------------
    def start_from(self, start: list[int] | None) -> None:
        """Coverage's first schedule: `start` (a legal schedule) where it covers at least as
        much as the greedy pass; then, on a tight team, the best cover of the fixed shifts
        alone (`rota.solve.start`)."""
        if start is not None and uncovered_minutes(self.rota.segments, start) <= self.greedy_short:
            self.cover = list(start)
            self.greedy_short = uncovered_minutes(self.rota.segments, start)

        def search_subset(subset: list[int], hint: list[int], amount: float
                          ) -> tuple[list[int] | None, float]:
            from rota.solve.cover import search_cover

            budget = self.budget
            found = search_cover(self.team, self.span, [self.candidates[i] for i in subset],
                                 amount=amount, workers=self.workers, seed=self.seed,
                                 reproducible=budget.reproducible, hint=hint,
                                 control=budget.control, until=budget.until(amount))
            if found.stopped_by:  # this start, and so the plan, depends on the clock
                self.clock_cut.add("uncovered_minutes")
            budget.spend(found.dtime)
            return found.values, found.dtime if budget.reproducible else found.seconds

        self.cover, _ = restricted_start(self.team, self.candidates, self.rota.segments,
                                         self.cover, self.rota.greedy_costs(), search_subset,
                                         self.budget.left(), self.log)

    # ----- the starting point of a stage ------------------------------------------------------
    def evaluate(self, stage: Stage, values: list[int]) -> int:
        return stage.evaluate(self.rota, values)

    def affordable(self, name: str) -> bool:
        """Whether a fair greedy cover (several greedy passes) fits the time left; if not,
        the stage does without, and that run no longer depends on its budget alone."""
        left = self.budget.control.seconds_left()
        if left is None or left > FAIR_COVER_PASSES * self.greedy_seconds:
            return True
        self.clock_cut.add(name)
        return False

    def starting_point(self, stage: Stage, stages: list[Stage]) -> list[int]:
        """The previous stage's schedule, or a greedy one if it is as good on every stage
        so far and better on this one: the fair greedy cover or, for the largest load, the
        fair greedy cover that uses no soft-cost candidate the previous schedule does not."""
        if not self.values:
            return self.cover
        values = self.values
        judged = {s.name: s for s in stages}

        def better(other: list[int], than: list[int]) -> bool:
            return self.evaluate(stage, other) < self.evaluate(stage, than) and all(
                self.evaluate(judged[n], other) <= v for n, v in self.achieved.items())

        if self.greedy_short > self.achieved.get("uncovered_minutes", 0):
            # Its passes cover no more than the first greedy pass: of no use once coverage
            # did better, and on a large team a dozen passes take half a minute.
            return values
        if not self.affordable(stage.name):
            return values
        costs = self.rota.greedy_costs()
        if self.fair is None:
            self.fair = fair_cover(self.team, self.candidates, self.rota.segments, costs,
                                   lookback=self.lookback)
        if better(self.fair, values):
            return self.fair
        if stage.name == "max_load_ratio" and values is not self.fair and any(costs):
            allowed = [not cost or v for cost, v in zip(costs, values)]
            repaired = fair_cover(self.team, self.candidates, self.rota.segments, costs,
                                  allowed, self.lookback)
            if better(repaired, values):
                return repaired
        return values

    # ----- one stage ------------------------------------------------------------------------
    def run_stage(self, n: int, stage: Stage, stages: list[Stage]) -> StageResult:
        name, budget = stage.name, self.budget
        if budget.control.interrupted:
            return StageResult(name, "NOT_RUN", -1, -1, 0.0, INTERRUPT)
        if n > 0 and budget.stopped:  # no time: keep what we have
            return StageResult(name, "NOT_RUN", self.evaluate(stage, self.values), -1, 0.0,
                               CLOCK)
        start = self.starting_point(stage, stages)
        expr = stage.expression(self.rota, start)
        if expr is None or isinstance(expr, int):  # nothing to optimise here
            self.values = start
            return StageResult(name, "OPTIMAL", expr or 0, expr or 0, 0.0, PROOF)
        if stage.never_negative and self.evaluate(stage, start) == 0:
            self.log_line(f"{name}: OPTIMAL objective=0 bound=0 (the starting schedule, "
                          "no search)")
            return self.keep(n, stages, expr, start, StageResult(
                name, "OPTIMAL", 0, 0, 0.0, CLOCK if name in self.clock_cut else PROOF))
        later = sum(s.share for s in stages[n:])
        if n == 0:  # coverage first, in time as in order (SPEC §3)
            stretch = budget.reproducible and budget.control.deadline is not None
            amount = budget.left() * (COVERAGE_STRETCH if stretch else 1.0)
        else:
            amount = budget.left() * (stage.share / later if later else 1.0)
        if amount < MIN_SEARCH:
            return self.keep(n, stages, expr, start, StageResult(
                name, "NOT_RUN", self.evaluate(stage, start), -1, 0.0,
                BUDGET if budget.reproducible else CLOCK))
        return self.keep(n, stages, expr, *self.search_stage(n, stage, start, expr, amount))

    def search_stage(self, n: int, stage: Stage, start: list[int], expr, amount: float
                     ) -> tuple[list[int], StageResult]:
        """Spend `amount` on one stage; return the best schedule and what the stage found.
        With neighbourhoods (`Stage.moves`) and the time limit to use, they run beside a
        full search for the bound (`beside`); in reproducible mode, or on one worker, after
        a full search and before another (`in_turn`); without, one full search."""
        name, budget = stage.name, self.budget
        self.rota.model.minimize(expr)
        clock = time.perf_counter()
        moves = stage.moves if n > 0 else ()
        if moves and not budget.reproducible and self.workers > 1:
            best, value, bound, dtime, hoods, stopped_by = self.beside(
                stage, expr, start, amount)
        else:
            best, value, bound, dtime, hoods, stopped_by = self.in_turn(
                n, stage, expr, start, amount, moves)
        seconds = time.perf_counter() - clock
        proven = bound >= value
        if proven:
            stopped_by = PROOF
        elif stopped_by is None:
            stopped_by = BUDGET if budget.reproducible else CLOCK
        if name in self.clock_cut and stopped_by != INTERRUPT:
            stopped_by = CLOCK
        status = "OPTIMAL" if proven else "FEASIBLE"
        self.log_line(f"{name}: {status} objective={value} bound={min(bound, value)} "
                      f"({seconds:.1f}s, stopped by {stopped_by})")
        return best, StageResult(name, status, value, min(bound, value), round(seconds, 3),
                                 stopped_by, round(dtime, 3), *hoods)

    def beside(self, stage: Stage, expr, start: list[int], amount: float):
        """Neighbourhood searches on most workers, beside a full search on the others
        (a quarter, at least one) whose bound may prove the best schedule optimal first."""
        aside = max(1, self.workers // 4)

        def bound_params(params) -> None:
            self.configure(params, amount, True, workers=aside)
            if aside == 1:  # one worker: the LP with cuts at every node, for the bound
                params.interleave_search = False
                params.linearization_level = 2

        self.rota.hint(start)
        background = cpsat.Background(self.rota.model, self.rota.x, bound_params)
        got = lns.improve(self.rota, stage, expr, start, amount, self.budget,
                          lambda params, a: self.configure(params, a, True,
                                                           workers=self.workers - aside),
                          self.seed + len(self.achieved), background)
        found = background.stop()
        best, value = got.values, got.objective
        if found.solved and found.objective < value:
            best, value = found.values, found.objective
        bound = max(found.bound, math.ceil(background.bound) if background.bound > 0 else -1)
        if found.proven:
            bound = max(bound, found.objective)
        self.log_line(f"{stage.name}: {got.objective} after {got.searches} neighbourhood "
                      f"searches ({got.improved} better), {found.objective} beside them")
        return (best, value, bound, got.dtime + found.dtime, (got.searches, got.improved),
                got.stopped_by)

    def in_turn(self, n: int, stage: Stage, expr, start: list[int], amount: float,
                moves: tuple[str, ...]):
        """A full search, then (with `moves`) neighbourhoods and the full search again with
        what is left; each step starts from the best schedule so far."""
        budget = self.budget
        left_at_start = budget.left()
        best, value = start, self.evaluate(stage, start)
        bound, dtime, stopped_by = -1, 0.0, None
        hoods = (0, 0)

        def spent() -> float:
            return left_at_start - budget.left()

        parts = [("full", FIRST_SHARE if moves else 1.0)]
        if moves:
            parts += [("neighbourhoods", NEIGHBOURHOOD_SHARE), ("full", 1.0)]
        for part, share in parts:
            give = amount * share if share < 1.0 else amount - spent()
            if give < MIN_SEARCH or budget.stopped:
                break
            if part == "full":
                found = self.full_search(stage.name, best, give, light=n > 0)
                dtime += found.dtime
                bound = max(bound, found.bound)
                if found.solved and found.objective <= value:
                    best, value = found.values, found.objective
                    if found.proven:
                        bound = value
            else:
                got = lns.improve(self.rota, stage, expr, best, give, budget,
                                  lambda params, a: self.configure(params, a, True),
                                  self.seed + n)
                best, value = got.values, got.objective
                dtime += got.dtime
                hoods = (got.searches, got.improved)
                self.log_line(f"{stage.name}: {value} after {got.searches} neighbourhood "
                              f"searches ({got.improved} better)")
            if bound >= value or budget.stopped:
                break
        if budget.stopped and bound < value:  # interrupted, or the plan's time is up
            stopped_by = INTERRUPT if budget.control.interrupted else CLOCK
        return best, value, bound, dtime, hoods, stopped_by

    def keep(self, n: int, stages: list[Stage], expr, values: list[int],
             result: StageResult) -> StageResult:
        """Make `values` the schedule so far and hold the stage's expression at its value
        for the stages after it; then, if no stage so far can get worse by it, drop what
        nobody needs and end shifts where they cover nothing needed."""
        self.rota.model.add(expr <= result.objective)
        self.achieved[result.name] = result.objective
        self.values = values
        if all(s.prunable for s in stages[:n + 1]):
            kept = prune(self.candidates, self.rota.segments, values)
            shorter = trim(self.team, self.candidates, self.rota.segments, kept, self.lookback)
            judged = {s.name: s for s in stages}
            if shorter != kept and all(self.evaluate(judged[other], shorter) <= v
                                       for other, v in self.achieved.items()):
                kept = shorter
            self.values = kept
        return result

    def log_line(self, text: str) -> None:
        if self.log:
            self.log(text)

    # ----- the whole search ------------------------------------------------------------------
    def run(self, stages: list[Stage]) -> list[StageResult]:
        """Every stage in turn; the schedule is `self.values` after."""
        results = []
        for n, stage in enumerate(stages):
            results.append(self.run_stage(n, stage, stages))
        if not self.values:
            self.values = self.cover
        return results


def solve(team: Team, span: Span, candidates: list[Candidate], budget: Budget, *,
          workers: int, seed: int, log: Callable[[str], None] | None = None,
          progress: Callable[[str], None] | None = None,
          lookback: list[Candidate] | tuple[Candidate, ...] = (),
          past: PastLoad | None = None, replan: bool = False,
          stages: tuple[Stage, ...] | None = None, start: list[int] | None = None
          ) -> PlanResult:
    """Build the model and search it stage by stage within `budget`. `stages` (default:
    the team's objective, `rota.solve.objective.stages_for`) may leave later stages out:
    what-if and explain re-plan with the coverage stage alone. History's facts are the
    `fixed` candidates; `lookback` holds its rows before the horizon, which only the rules
    see; `past` its fairness window. `replan` enables the stages only replan has. `start`
    (a legal 0/1 choice, such as a known schedule) is the search's first hint where it
    covers at least as much as the greedy pass. `log` gets a line when a stage ends;
    `progress` one whenever a full search finds a better schedule."""
    started = time.perf_counter()
    search = StagedSearch(team, span, candidates, budget, workers=workers, seed=seed,
                          lookback=lookback, past=past, log=log, progress=progress)
    build_seconds = time.perf_counter() - started
    every = list(stages) if stages is not None else stages_for(team.objective, replan)
    # Each stage costs a load and presolve of the whole model; on a large model the time
    # goes to coverage, preferences and the largest load, and the others are left out.
    large = len(candidates) > cpsat.LARGE_MODEL_CANDIDATES
    running = [s for s in every if s.on_large_models or not large]
    search.start_from(start)
    ran = {r.name: r for r in search.run(running)}
    results = [ran.get(s.name) or StageResult(s.name, "NOT_RUN", -1, -1, 0.0, BUDGET)
               for s in every]
    chosen = [c for c, v in zip(candidates, search.values) if v]
    assignments = [Assignment(team.engineers[c.engineer].name, c.tier, c.start, c.end, c.shift)
                   for c in chosen]
    proto = search.rota.model.proto
    return PlanResult(assignments, results, len(candidates), len(proto.variables),
                      len(proto.constraints), round(build_seconds, 3),
                      round(time.perf_counter() - started - build_seconds, 3),
                      budget.reproducible, workers, budget.control.interrupted)
