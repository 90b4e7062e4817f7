"""Candidates + demand → a schedule, with OR-Tools CP-SAT. The only module that imports ortools.

The model: one boolean per candidate. Coverage is cut into elementary intervals (between
two consecutive boundaries of any candidate or requirement nothing changes), each with an
integer slack for the people missing, so there is always an answer. The objective is
lexicographic and solved in stages, each stage fixing the optimum of the one before.
"""

from __future__ import annotations

import heapq
import math
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from rota.candidates import Candidate, DemandSegment, demand_segments
from rota.greedy import greedy_cover, prune
from rota.problem import MINUTES_PER_DAY, Team
from rota.schedule import Assignment
from rota.timeline import Span, overlap, public_holidays, soft_intervals

RATIO_SCALE = 10_000  # load ratios in basis points
BATCHES_PER_SECOND = 0.5  # interleaved search batches a second, measured on 2 cores
# Stages whose objective no removal of an unneeded assignment can worsen (not load_deviation).
PRUNABLE = ("uncovered_minutes", "soft_preferences", "max_load_ratio", "assigned_minutes")
SLOW_SUBSOLVERS = ("max_lp_sym", "reduced_costs", "pseudo_costs")
NOT_RUN = -1  # a stage the wall-clock deadline left out
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

    @property
    def coverage_stage(self) -> StageResult:
        return self.stages[0]


class RotaModel:
    """The CP-SAT model of one planning problem; one method per constraint family."""

    def __init__(self, team: Team, span: Span, candidates: list[Candidate]):
        self.team, self.span, self.cands = team, span, candidates
        self.model = cp_model.CpModel()
        self.x = [self.model.new_bool_var(f"x{i}") for i in range(len(candidates))]
        self.by_engineer: dict[int, list[int]] = defaultdict(list)
        for i, c in enumerate(candidates):
            self.by_engineer[c.engineer].append(i)
        self.uncovered = self._coverage()
        self._rest()
        self._weekly_limits()
        self._consecutive_days()
        self._weekend_days()

    # ----- hard constraints ----------------------------------------------------------------
    def _coverage(self) -> cp_model.LinearExprT:
        """Per tier and elementary interval: on duty + missing >= required."""
        terms = []
        self.segments = demand_segments(self.team, self.span, self.cands)
        for seg in self.segments:
            missing = self.model.new_int_var(0, seg.need, f"missing_{seg.tier}_{seg.start}")
            self.model.add(sum(self.x[i] for i in seg.covering) + missing >= seg.need)
            terms.append(seg.minutes * missing)
        return sum(terms)

    def _rest(self) -> None:
        """No two assignments of one engineer closer than min_rest (nor overlapping).

        Intervals [start, end + rest) of one engineer must not overlap: one at-most-one
        constraint per maximal clique of that interval graph, found by a sweep.
        """
        for eng_index, ids in self.by_engineer.items():
            rest = self.team.engineers[eng_index].rules.min_rest_minutes
            starts = sorted({self.cands[i].start for i in ids})
            by_start: dict[int, list[int]] = defaultdict(list)
            for i in ids:
                by_start[self.cands[i].start].append(i)
            active: dict[int, int] = {}
            expiry: list[tuple[int, int]] = []
            for n, t in enumerate(starts):
                for i in by_start[t]:
                    release = self.cands[i].end + rest
                    active[i] = release
                    heapq.heappush(expiry, (release, i))
                while expiry and expiry[0][0] <= t:
                    active.pop(heapq.heappop(expiry)[1], None)
                following = starts[n + 1] if n + 1 < len(starts) else None
                if len(active) > 1 and (following is None or expiry[0][0] <= following):
                    self.model.add_at_most_one(self.x[i] for i in active)

    def _weekly_limits(self) -> None:
        for eng_index, ids in self.by_engineer.items():
            rules = self.team.engineers[eng_index].rules
            blocks: dict[int, list[int]] = defaultdict(list)
            for i in ids:
                blocks[self.cands[i].block].append(i)
            for items in blocks.values():
                limit = rules.max_minutes_per_week
                if limit is not None and sum(self.cands[i].minutes for i in items) > limit:
                    self.model.add(sum(self.cands[i].minutes * self.x[i] for i in items) <= limit)
                count = rules.max_shifts_per_week
                if count is not None and len(items) > count:
                    self.model.add(sum(self.x[i] for i in items) <= count)

    def _day_flags(self, ids: list[int], key: Callable[[Candidate], object]) -> dict:
        """A boolean per key value that is 1 whenever a candidate with that key is chosen."""
        groups: dict[object, list[int]] = defaultdict(list)
        for i in ids:
            groups[key(self.cands[i])].append(i)
        flags = {}
        for value, members in groups.items():
            flag = self.model.new_bool_var(f"day_{value}")
            for i in members:
                self.model.add_implication(self.x[i], flag)
            flags[value] = flag
        return flags

    def _consecutive_days(self) -> None:
        from datetime import timedelta

        for eng_index, ids in self.by_engineer.items():
            limit = self.team.engineers[eng_index].rules.max_consecutive_days
            days = sorted({self.cands[i].day for i in ids})
            if limit is None or len(days) <= limit:
                continue
            flags = None
            for first in days:
                window = [first + timedelta(days=d) for d in range(limit + 1)]
                if all(d in set(days) for d in window):
                    flags = flags or self._day_flags(ids, lambda c: c.day)
                    self.model.add(sum(flags[d] for d in window) <= limit)

    def _weekend_days(self) -> None:
        for eng_index, ids in self.by_engineer.items():
            eng = self.team.engineers[eng_index]
            limit = eng.rules.max_weekend_days
            weekend = [i for i in ids if self.cands[i].day.weekday() in eng.weekend]
            if limit is None or not weekend:
                continue
            flags = self._day_flags(weekend, lambda c: (c.block, c.day))
            per_block: dict[int, list] = defaultdict(list)
            for (block, _), flag in flags.items():
                per_block[block].append(flag)
            for block_flags in per_block.values():
                if len(block_flags) > limit:
                    self.model.add(sum(block_flags) <= limit)

    # ----- objectives --------------------------------------------------------------------
    def soft_cost(self) -> cp_model.LinearExprT:
        """Minutes inside `avoid`, plus minutes outside `prefer` for those who gave it."""
        terms = []
        cache: dict[int, tuple] = {}
        for i, c in enumerate(self.cands):
            if c.engineer not in cache:
                eng = self.team.engineers[c.engineer]
                cache[c.engineer] = (soft_intervals(eng, self.span, "avoid"),
                                     soft_intervals(eng, self.span, "prefer"))
            avoid, prefer = cache[c.engineer]
            cost = overlap(avoid, c.start, c.end) if avoid else 0
            if prefer is not None:
                cost += c.minutes - overlap(prefer, c.start, c.end)
            if cost:
                terms.append(cost * self.x[i])
        return sum(terms)

    def load(self, eng_index: int) -> cp_model.LinearExprT:
        return sum(self.cands[i].minutes * self.x[i] for i in self.by_engineer[eng_index])

    def capacity(self, eng_index: int) -> int:
        """Minutes the engineer may work over the horizon: weekly limit × weeks."""
        weekly = self.team.engineers[eng_index].rules.max_minutes_per_week or 7 * MINUTES_PER_DAY
        return max(1, round(weekly * self.team.horizon.days / 7))

    def max_load_ratio(self) -> cp_model.LinearExprT:
        """The largest hours/capacity ratio, in basis points."""
        top = self.model.new_int_var(0, 100 * RATIO_SCALE, "max_load_ratio")
        for e in self.by_engineer:
            self.model.add(RATIO_SCALE * self.load(e) <= top * self.capacity(e))
        return top

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
            self.model.add_abs_equality(dev, self.load(e) - target)
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
            parts.append(peak)
        return sum(parts) if parts else None


def _reproducible(params, budget: float, workers: int, seed: int) -> None:
    """Search parameters that give the same answer for the same model, seed and workers.

    Interleaved search runs its subsolvers in deterministic batches; a budget counted in
    batches (not seconds) and no clause sharing between workers keep it reproducible.
    There is deliberately no wall-clock limit: measured, even one that never struck made
    two runs of the real-team week differ.
    """
    params.interleave_search = True
    params.max_num_deterministic_batches = max(1, math.ceil(budget * BATCHES_PER_SECOND))
    params.share_glue_clauses = False
    params.share_binary_clauses = False
    # The slowest full-problem workers make every batch wait for them; without these three
    # a batch of the real-team week takes a third less time for as good a schedule.
    params.ignore_subsolvers.extend(SLOW_SUBSOLVERS)
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


def _uncovered(segments: list[DemandSegment], chosen: list[int]) -> int:
    return sum(seg.minutes * max(0, seg.need - sum(chosen[i] for i in seg.covering))
               for seg in segments)


def solve(team: Team, span: Span, candidates: list[Candidate], *,
          time_limit: float | None = None, workers: int | None = None, seed: int | None = None,
          log: Callable[[str], None] | None = None,
          progress: Callable[[str], None] | None = None,
          wall_limit: float | None = None) -> PlanResult:
    """Build the model and solve it stage by stage within `time_limit` seconds in all.

    `log` gets a line when a stage ends; `progress` one whenever a better solution is found.
    `wall_limit` is an optional hard deadline in wall-clock seconds: stages it cuts short
    or leaves out make the answer depend on the machine's speed, so it is off by default.
    """
    started = time.perf_counter()
    rota = RotaModel(team, span, candidates)
    model = rota.model
    build_seconds = time.perf_counter() - started
    limit = team.solver.time_limit_seconds if time_limit is None else time_limit
    workers = team.solver.workers if workers is None else workers
    seed = team.solver.seed if seed is None else seed

    def deviation(values: list[int]) -> cp_model.LinearExprT:
        return rota.load_deviation(sum(c.minutes for c, v in zip(candidates, values) if v))

    # (name, objective builder given the previous solution, share of the time limit)
    stages: list[tuple[str, Callable[[list[int]], cp_model.LinearExprT | None], float]] = [
        ("uncovered_minutes", lambda _: rota.uncovered, 2.0),
        ("soft_preferences", lambda _: rota.soft_cost(), 1.0),
        ("max_load_ratio", lambda _: rota.max_load_ratio(), 2.0),
        ("assigned_minutes", lambda _: rota.total_minutes(), 1.0),
        ("load_deviation", deviation, 1.0),
        ("weekend_holiday_peak", lambda _: rota.weekend_holiday_peak(), 1.0),
    ]
    results: list[StageResult] = []
    values: list[int] = []
    hint = greedy_cover(team, candidates, rota.segments)
    deadline = None if wall_limit is None else started + wall_limit
    # A stage's budget is fixed in advance, so that the batches it gets, and so the answer,
    # do not depend on the machine's speed. Skipped stages pass their budget on, and a
    # stage proven optimal passes on half of it (a deterministic guess at what it left).
    carried = 0.0
    for name, build, share in stages:
        expr = build(values or hint)
        budget = limit * share / sum(s for _, _, s in stages) + carried
        if expr is None or isinstance(expr, int):  # nothing to optimise here
            results.append(StageResult(name, "OPTIMAL", expr or 0, expr or 0, 0.0))
            carried = budget
            continue
        if name == "uncovered_minutes" and _uncovered(rota.segments, hint) == 0:
            # The greedy schedule covers everything: 0 is optimal, no search needed.
            values = hint
            model.add(expr <= 0)
            results.append(StageResult(name, "OPTIMAL", 0, 0, 0.0))
            carried = budget
            continue
        carried = 0.0
        model.minimize(expr)
        model.clear_hints()
        for var, value in zip(rota.x, values or hint):
            model.add_hint(var, value)
        solver = cp_model.CpSolver()
        _reproducible(solver.parameters, budget, workers, seed)
        left = None if deadline is None else deadline - time.perf_counter()
        if left is not None and left <= 0:
            status, seconds = NOT_RUN, 0.0
        else:
            if left is not None:
                solver.parameters.max_time_in_seconds = left
            status = solver.solve(model, _ProgressCallback(name, progress) if progress else None)
            seconds = solver.wall_time
        status_name = STATUS_NAMES.get(status, str(status))
        value = bound = -1
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            value = round(solver.objective_value)
            bound = round(solver.best_objective_bound)
            values = [int(solver.boolean_value(v)) for v in rota.x]
            if name in PRUNABLE:
                values = prune(candidates, rota.segments, values)
            model.add(expr <= value)
            carried = budget / 2 if status == cp_model.OPTIMAL else 0.0
        elif not values:  # no schedule yet: keep the greedy one, and its coverage
            values = hint
            value = _uncovered(rota.segments, hint)
            model.add(expr <= value)
        results.append(StageResult(name, status_name, value, bound, round(seconds, 3)))
        if log:
            log(f"{name}: {status_name} objective={value} bound={bound} ({seconds:.1f}s)")

    chosen = [c for c, v in zip(candidates, values or hint) if v]
    assignments = [Assignment(team.engineers[c.engineer].name, c.tier, c.start, c.end, c.shift)
                   for c in chosen]
    proto = model.proto
    return PlanResult(assignments, results, len(candidates), len(proto.variables),
                      len(proto.constraints), round(build_seconds, 3),
                      round(time.perf_counter() - started - build_seconds, 3))
