"""Candidates + demand → a schedule, with OR-Tools CP-SAT. The only module that imports ortools.

The model: one boolean per candidate. Coverage is cut into elementary intervals (between
two consecutive boundaries of any candidate or requirement nothing changes), each with an
integer slack for the people missing, so there is always an answer. The objective is
lexicographic and solved in stages, each stage fixing the optimum of the one before.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from ortools.sat.python import cp_model

from rota.assignment import Assignment
from rota.candidates import Candidate, demand_segments, soft_costs
from rota.control import BUDGET, CLOCK, CLOCK_MARGIN, INTERRUPT, PROOF, SearchControl
from rota.greedy import (
    FAIR_COVER_PASSES,
    RATIO_SCALE,
    fair_cover,
    greedy_cover,
    load_ratio,
    prune,
)
from rota.objective import STAGES
from rota.problem import MINUTES_PER_DAY, Team
from rota.rules import RULES, Rule
from rota.timeline import Span, public_holidays

DTIME_PER_SECOND = 0.5  # CP-SAT deterministic time per second of the limit (2 cores: it
# runs at 0.55-0.9 a second on small models, so the budget usually ends before the clock)
# Past this many candidates CP-SAT's deterministic clock runs slow against the wall clock
# (measured: 1 s of it takes about 1 s at 16,000 candidates, 2-12 s at 500,000), so the
# budget shrinks with the size to the power 0.75; and the LP-based full-problem workers,
# which take minutes a task and a copy of the model each, are left out, and so are the
# stages after fairness.
DTIME_REFERENCE_CANDIDATES = 20_000
LARGE_MODEL_CANDIDATES = 100_000
LP_SUBSOLVERS = ("default_lp", "max_lp", "quick_restart")
SLOW_SUBSOLVERS = ("max_lp_sym", "reduced_costs", "pseudo_costs")
NOT_RUN = -1  # a stage the wall-clock deadline left out
MIN_STAGE_DTIME = 0.05  # less deterministic time than this is no search worth starting
COVERAGE_STRETCH = 4.0  # the coverage stage's budget is this many times the plan's
STATUS_NAMES = {NOT_RUN: "NOT_RUN", cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE",
                cp_model.INFEASIBLE: "INFEASIBLE", cp_model.MODEL_INVALID: "MODEL_INVALID",
                cp_model.UNKNOWN: "UNKNOWN"}


@dataclass(frozen=True)
class StageResult:
    name: str
    status: str
    objective: int
    bound: int
    seconds: float
    stopped_by: str | None = None  # proof, budget, clock or interrupt (rota.control)
    deterministic_time: float = 0.0


@dataclass
class PlanResult:
    """What the solver found; no solver object leaks out."""

    assignments: list[Assignment]
    stages: list[StageResult]
    candidates: int
    variables: int
    constraints: int
    build_seconds: float
    solve_seconds: float
    stats: dict[str, int] = field(default_factory=dict)
    interrupted: bool = False

    @property
    def reproducible(self) -> bool:
        """No stage was cut short by the wall clock or an interrupt."""
        return all(s.stopped_by not in (CLOCK, INTERRUPT) for s in self.stages)

    @property
    def coverage_stage(self) -> StageResult:
        return self.stages[0]


class RuleModel:
    """One boolean per candidate and the hard rules over them, each from its home in
    `rota.rules` (this object is the rules' `ModelView`)."""

    def __init__(self, team: Team, span: Span, candidates: list[Candidate]):
        self.team, self.span, self.cands = team, span, candidates
        self.model = cp_model.CpModel()
        self.x = [self.model.new_bool_var(f"x{i}") for i in range(len(candidates))]
        # Auxiliary variables and how to compute each from a 0/1 choice of candidates,
        # so that a hint is complete and the solver starts from a feasible solution.
        self.derived: list[tuple[cp_model.IntVar, Callable[[list[int]], int]]] = []
        self.by_engineer: dict[int, list[int]] = defaultdict(list)
        for i, c in enumerate(candidates):
            self.by_engineer[c.engineer].append(i)

    def constrain(self, rules: tuple[Rule, ...] = RULES) -> None:
        """Add each rule's constraints, rule by rule, engineer by engineer."""
        for rule in rules:
            for eng_index, ids in self.by_engineer.items():
                rule.constrain(self, self.team.engineers[eng_index], ids)

    def day_flags(self, ids: list[int], key: Callable[[Candidate], object]) -> dict:
        """A boolean per key value that is 1 whenever a candidate with that key is chosen."""
        groups: dict[object, list[int]] = defaultdict(list)
        for i in ids:
            groups[key(self.cands[i])].append(i)
        flags = {}
        for value, members in groups.items():
            flag = self.model.new_bool_var(f"day_{value}")
            for i in members:
                self.model.add_implication(self.x[i], flag)
            self.derived.append((flag, lambda v, m=members: int(any(v[i] for i in m))))
            flags[value] = flag
        return flags


class RotaModel(RuleModel):
    """The CP-SAT model of one planning problem: the hard rules, coverage with slack, and
    the objectives of `rota.objective`'s stages."""

    def __init__(self, team: Team, span: Span, candidates: list[Candidate]):
        super().__init__(team, span, candidates)
        self._soft_costs: list[int] | None = None
        self.uncovered = self._coverage()
        self.constrain()

    # ----- hard constraints ----------------------------------------------------------------
    def _coverage(self) -> cp_model.LinearExprT:
        """Per tier and elementary interval: on duty + missing >= required."""
        terms = []
        self.segments = demand_segments(self.team, self.span, self.cands)
        for seg in self.segments:
            missing = self.model.new_int_var(0, seg.need, f"missing_{seg.tier}_{seg.start}")
            self.model.add(sum(self.x[i] for i in seg.covering) + missing >= seg.need)
            self.derived.append((missing, lambda v, s=seg: max(
                0, s.need - sum(v[i] for i in s.covering))))
            terms.append(seg.minutes * missing)
        return sum(terms)

    # ----- objectives --------------------------------------------------------------------
    def soft_cost(self) -> cp_model.LinearExprT:
        """Minutes inside `avoid`, plus minutes outside `prefer` for those who gave it."""
        return sum(cost * self.x[i] for i, cost in enumerate(self.soft_costs()) if cost)

    def soft_costs(self) -> list[int]:
        if self._soft_costs is None:
            self._soft_costs = soft_costs(self.team, self.span, self.cands)
        return self._soft_costs

    def load(self, eng_index: int) -> cp_model.LinearExprT:
        return sum(self.cands[i].minutes * self.x[i] for i in self.by_engineer[eng_index])

    def capacity(self, eng_index: int) -> int:
        return self.team.capacity_minutes(self.team.engineers[eng_index])

    def max_load_ratio(self) -> cp_model.LinearExprT:
        """The largest hours/capacity ratio, in basis points."""
        top = self.model.new_int_var(0, 100 * RATIO_SCALE, "max_load_ratio")
        for e in self.by_engineer:
            self.model.add(RATIO_SCALE * self.load(e) <= top * self.capacity(e))
        self.derived.append((top, lambda v: load_ratio(self.team, self.cands, v)))
        return top

    def load_minutes(self, eng_index: int, values: list[int]) -> int:
        return sum(self.cands[i].minutes for i in self.by_engineer[eng_index] if values[i])

    def hint(self, values: list[int]) -> None:
        """Hint a 0/1 choice of candidates and every auxiliary variable it determines."""
        self.model.clear_hints()
        for var, value in zip(self.x, values):
            self.model.add_hint(var, value)
        for var, compute in self.derived:
            self.model.add_hint(var, compute(values))

    def total_minutes(self) -> cp_model.LinearExprT:
        return sum(c.minutes * self.x[i] for i, c in enumerate(self.cands))

    def load_deviation(self, total: int) -> cp_model.LinearExprT:
        """Σ |hours − fair share|, the fair share of `total` being in proportion to capacity."""
        caps = {e: self.capacity(e) for e in self.by_engineer}
        whole = sum(caps.values()) or 1
        terms = []
        for e, cap in caps.items():
            target = round(total * cap / whole)
            dev = self.model.new_int_var(0, max(total, target), f"dev_{e}")
            # Two inequalities, not an abs equality: minimised, dev is |load − target|,
            # and presolve of an abs equality over minute sums took longer than a stage.
            load = self.load(e)
            self.model.add(dev >= load - target)
            self.model.add(dev >= target - load)
            self.derived.append((dev, lambda v, e=e, t=target: abs(self.load_minutes(e, v) - t)))
            terms.append(dev)
        return sum(terms)

    def weekend_holiday_peak(self) -> cp_model.LinearExprT | None:
        """The most weekend minutes of anyone plus the most holiday minutes of anyone."""
        weekend: dict[int, list[int]] = defaultdict(list)
        holiday: dict[int, list[int]] = defaultdict(list)
        for e, ids in self.by_engineer.items():
            eng = self.team.engineers[e]
            hols = public_holidays(eng, self.span)
            for i in ids:
                if self.cands[i].day.weekday() in eng.weekend:
                    weekend[e].append(i)
                if self.cands[i].day in hols:
                    holiday[e].append(i)
        parts = []
        for name, groups in (("weekend", weekend), ("holiday", holiday)):
            if not groups:
                continue
            peak = self.model.new_int_var(0, 366 * MINUTES_PER_DAY, f"max_{name}_minutes")
            for ids in groups.values():
                self.model.add(sum(self.cands[i].minutes * self.x[i] for i in ids) <= peak)
            self.derived.append((peak, lambda v, g=groups: max(
                sum(self.cands[i].minutes for i in ids if v[i]) for ids in g.values())))
            parts.append(peak)
        return sum(parts) if parts else None


def dtime_rate(candidates: int) -> float:
    """CP-SAT deterministic time budgeted per second of the limit: DTIME_PER_SECOND on
    small models (their LNS tasks spend more time copying than working), and
    (DTIME_REFERENCE_CANDIDATES / candidates)^0.75 once that is less (about 50,000
    candidates on), whose work runs slower still."""
    return min(DTIME_PER_SECOND, (DTIME_REFERENCE_CANDIDATES / max(1, candidates)) ** 0.75)


def _reproducible(params, dtime: float, workers: int, seed: int, candidates: int = 0) -> None:
    """Search parameters that give the same answer for the same model, seed and workers.

    Interleaved search runs its subsolvers in deterministic batches; a budget counted in
    CP-SAT's deterministic time (work done, not seconds) and no clause sharing between
    workers keep it reproducible. The wall-clock deadline is kept from outside
    (`rota.control`): given to CP-SAT, it changes the search even when it never strikes.
    """
    params.interleave_search = True
    params.max_deterministic_time = max(0.01, dtime)
    params.share_glue_clauses = False
    params.share_binary_clauses = False
    params.catch_sigint_signal = False  # rota.control handles Ctrl-C
    # The slowest full-problem workers make every batch wait for them; without these three
    # a batch of the real-team week takes a third less time for as good a schedule.
    params.ignore_subsolvers.extend(SLOW_SUBSOLVERS)
    if candidates > LARGE_MODEL_CANDIDATES:
        params.ignore_subsolvers.extend(LP_SUBSOLVERS)
        params.symmetry_level = 0
        params.cp_model_probing_level = 0
    params.num_workers = workers or os.cpu_count() or 1
    params.random_seed = seed


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


def solve(team: Team, span: Span, candidates: list[Candidate], *,
          time_limit: float | None = None, workers: int | None = None, seed: int | None = None,
          log: Callable[[str], None] | None = None,
          progress: Callable[[str], None] | None = None,
          control: SearchControl | None = None, stages: tuple | None = None) -> PlanResult:
    """Build the model and solve it stage by stage within `time_limit` seconds in all.
    `stages` (default: rota.objective.STAGES) may leave later stages out: what-if and
    explain re-plan with the coverage stage alone.

    Coverage comes first in time as well as in order: it may spend the whole budget, and
    the later stages share what it leaves. Each stage's budget is CP-SAT deterministic
    time (so the answer does not depend on the machine's speed); `control` stops a search
    at the wall-clock deadline or on an interrupt, whichever comes first. `log` gets a
    line when a stage ends; `progress` one whenever a better solution is found.
    """
    started = time.perf_counter()
    limit = team.solver.time_limit_seconds if time_limit is None else time_limit
    control = control or SearchControl(started + limit * CLOCK_MARGIN)
    rota = RotaModel(team, span, candidates)
    model = rota.model
    build_seconds = time.perf_counter() - started
    workers = team.solver.workers if workers is None else workers
    seed = team.solver.seed if seed is None else seed

    # Stage objectives computed in Python, to judge a schedule before any search.
    evaluate = {stage.name: partial(stage.evaluate, rota) for stage in STAGES if stage.evaluate}
    achieved: dict[str, int] = {}

    fair: list[list[int]] = []  # the fair greedy cover, made when a stage first needs it
    clock_cut: list[str] = []  # stages that went without a fair cover for want of time

    def affordable(name: str) -> bool:
        """Whether a fair greedy cover (several greedy passes) fits the time left; if not,
        the stage does without, and that run is no longer reproducible."""
        left = control.seconds_left()
        if left is None or left > FAIR_COVER_PASSES * greedy_seconds:
            return True
        clock_cut.append(name)
        return False

    def starting_point(name: str) -> list[int]:
        """The previous stage's schedule, or a greedy one if it is as good on every stage
        so far and better on this one: the first greedy cover, the fair greedy cover or,
        for fairness, the fair greedy cover that uses no soft-cost candidate the previous
        schedule does not use."""
        if not values:
            return cover

        def better(other: list[int], than: list[int]) -> bool:
            return evaluate[name](other) < evaluate[name](than) and all(
                evaluate[n](other) <= v for n, v in achieved.items() if n in evaluate)

        if name not in evaluate or not affordable(name):
            return values
        if not fair:
            fair.append(fair_cover(team, candidates, rota.segments, rota.soft_costs()))
        if better(fair[0], values):
            return fair[0]
        if name == "max_load_ratio" and values is not fair[0] and any(rota.soft_costs()):
            allowed = [not cost or v for cost, v in zip(rota.soft_costs(), values)]
            repaired = fair_cover(team, candidates, rota.segments, rota.soft_costs(), allowed)
            if better(repaired, values):
                return repaired
        return values

    stages = list(STAGES if stages is None else stages)
    skipped: list[str] = []
    if len(candidates) > LARGE_MODEL_CANDIDATES:
        # Each stage costs a load and presolve of the whole model; on a model this large
        # the time goes to coverage and the largest load, and the later stages are left out.
        skipped = [stage.name for stage in stages if not stage.on_large_models]
        stages = [stage for stage in stages if stage.on_large_models]
    results: list[StageResult] = []
    values: list[int] = []
    # Coverage starts from one greedy pass; the fair cover (a dozen passes) waits for the
    # stages that use it, so that on a large, tight team coverage gets the time.
    clock = time.perf_counter()
    cover = greedy_cover(team, candidates, rota.segments, rota.soft_costs())
    greedy_seconds = time.perf_counter() - clock
    # The budget in deterministic time: the same for every run, whatever the machine does.
    dtime_left = limit * dtime_rate(len(candidates))
    for n, stage in enumerate(stages):
        name = stage.name
        later = sum(s.share for s in stages[n:])
        fraction = 1.0 if n == 0 or not later else stage.share / later
        if control.interrupted:
            results.append(StageResult(name, "NOT_RUN", -1, -1, 0.0, INTERRUPT))
            continue
        left = control.seconds_left()
        if n > 0 and left is not None and left <= 0:  # no time: keep what we have
            value = evaluate[name](values) if name in evaluate else -1
            results.append(StageResult(name, "NOT_RUN", value, -1, 0.0, CLOCK))
            continue
        start = starting_point(name)
        expr = stage.expression(rota, start)
        if expr is None or isinstance(expr, int):  # nothing to optimise here
            results.append(StageResult(name, "OPTIMAL", expr or 0, expr or 0, 0.0, PROOF))
            continue
        if stage.never_negative and evaluate[name](start) == 0:
            values = start
            model.add(expr <= 0)
            achieved[name] = 0
            results.append(StageResult(name, "OPTIMAL", 0, 0, 0.0, PROOF))
            if log:
                log(f"{name}: OPTIMAL objective=0 bound=0 (the greedy schedule, no search)")
            continue
        # Coverage may go on past its budget until the clock: an unproven gap is a failure,
        # worth more than a reproducible run (which then says it is not one).
        dtime = dtime_left * (COVERAGE_STRETCH if n == 0 else fraction)
        left = control.seconds_left()
        # A stage may overrun its share of the clock (its budget is deterministic time),
        # but not so far that the stages after it get nothing.
        until = None if left is None else time.perf_counter() + left * min(1.0, 2 * fraction)
        status, seconds, used, stopped_by = NOT_RUN, 0.0, 0.0, CLOCK
        if dtime >= MIN_STAGE_DTIME and (left is None or left > 0):
            model.minimize(expr)
            rota.hint(start)
            solver = cp_model.CpSolver()
            _reproducible(solver.parameters, dtime, workers, seed, len(candidates))
            callback = _ProgressCallback(name, progress) if progress else None
            status, stopped_by = control.run(partial(solver.solve, model, callback),
                                             solver.stop_search, until)
            seconds, used = solver.wall_time, solver.deterministic_time
            dtime_left = max(0.0, dtime_left - used)
            stopped_by = stopped_by or (PROOF if status in (cp_model.OPTIMAL,
                                                            cp_model.INFEASIBLE) else BUDGET)
            if name in clock_cut and stopped_by != INTERRUPT:
                stopped_by = CLOCK
        elif dtime < MIN_STAGE_DTIME:
            stopped_by = BUDGET
        status_name = STATUS_NAMES.get(status, str(status))
        value = bound = -1
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            value = round(solver.objective_value)
            bound = round(solver.best_objective_bound)
            values = [int(solver.boolean_value(v)) for v in rota.x]
            if stage.prunable:
                values = prune(candidates, rota.segments, values)
            model.add(expr <= value)
            achieved[name] = value
        else:  # no better schedule found: keep the starting point and its value here
            values = start
            if name in evaluate:
                value = evaluate[name](start)
                model.add(expr <= value)
                achieved[name] = value
        results.append(StageResult(name, status_name, value, bound, round(seconds, 3),
                                   stopped_by, round(used, 3)))
        if log:
            log(f"{name}: {status_name} objective={value} bound={bound} ({seconds:.1f}s, "
                f"stopped by {stopped_by})")

    results += [StageResult(name, "NOT_RUN", -1, -1, 0.0, BUDGET) for name in skipped]
    chosen = [c for c, v in zip(candidates, values or cover) if v]
    assignments = [Assignment(team.engineers[c.engineer].name, c.tier, c.start, c.end, c.shift)
                   for c in chosen]
    proto = model.proto
    return PlanResult(assignments, results, len(candidates), len(proto.variables),
                      len(proto.constraints), round(build_seconds, 3),
                      round(time.perf_counter() - started - build_seconds, 3),
                      interrupted=control.interrupted)
