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
from typing import Any

from ortools.sat.python import cp_model

from rota import metrics
from rota.assignment import Assignment
from rota.candidates import Candidate, demand_segments, soft_costs
from rota.control import BUDGET, CLOCK, CLOCK_MARGIN, INTERRUPT, PROOF, SearchControl
from rota.greedy import (
    FAIR_COVER_PASSES,
    RATIO_SCALE,
    fair_cover,
    greedy_cover,
    prune,
    trim,
    uncovered_minutes,
)
from rota.history import PastLoad
from rota.objective import STAGES, stages_for
from rota.problem import MINUTES_PER_DAY, Team
from rota.rules import RULES, ModelView, Rule
from rota.start import LEVEL_SHARE, restricted_start
from rota.timeline import Interval, Span, public_holidays

DTIME_PER_SECOND = 0.5  # CP-SAT deterministic time per second of the limit (2 cores: it
# runs at 0.55-0.9 a second on small models, so the budget usually ends before the clock)
# Past this many candidates CP-SAT's deterministic clock runs slow against the wall clock
# (measured: 1 s of it takes about 1 s at 16,000 candidates, 2-12 s at 500,000), so the
# budget shrinks with the size to the power 0.75; and the LP-based full-problem workers,
# which take minutes a task and a copy of the model each, are left out, and so are the
# stages after fairness.
DTIME_REFERENCE_CANDIDATES = 20_000
LARGE_MODEL_CANDIDATES = 100_000
# Or past this many candidate-segment terms in the coverage constraints: the LP workers'
# first task then takes minutes (the 200-engineer week at load 0.85, 670,000 terms: its
# first LNS improvement came 180 s in, behind them; without them, 10 s in).
LARGE_MODEL_TERMS = 500_000
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

    def __init__(self, team: Team, span: Span, candidates: list[Candidate],
                 lookback: list[Candidate] | tuple[Candidate, ...] = ()):
        self.team, self.span, self.cands = team, span, candidates
        self.lookback = list(lookback)  # history before the horizon, for the rules only
        self.model = cp_model.CpModel()
        self.x = [self.model.new_bool_var(f"x{i}") for i in range(len(candidates))]
        for i, c in enumerate(candidates):
            if c.fixed:
                self.model.add(self.x[i] == 1)
        # Auxiliary variables and how to compute each from a 0/1 choice of candidates,
        # so that a hint is complete and the solver starts from a feasible solution.
        self.derived: list[tuple[cp_model.IntVar, Callable[[list[int]], int]]] = []
        self.by_engineer: dict[int, list[int]] = defaultdict(list)
        for i, c in enumerate(candidates):
            self.by_engineer[c.engineer].append(i)

    def constrain(self, rules: tuple[Rule, ...] = RULES) -> None:
        """Add each rule's constraints, rule by rule, engineer by engineer; with history,
        through `HistoryView`, which crosses the boundary."""
        view: ModelView = self
        ids_of = self.by_engineer
        if self.lookback or any(c.fixed for c in self.cands):
            view = HistoryView(self)
            ids_of = view.by_engineer
        for rule in rules:
            for eng_index, ids in ids_of.items():
                rule.constrain(view, self.team.engineers[eng_index], ids)

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


class HistoryView:
    """The rules' view of a model with history: the look-back rows follow the candidates,
    and every fixed candidate (a fact, a look-back row) is the constant 1, so each rule's
    own constraint crosses the horizon's boundary unchanged. Where history alone already
    breaks a limit (its constant part is above the bound), the constraint becomes "no new
    assignment takes part": plan never makes a broken rule worse, and is never infeasible
    because of the past."""

    def __init__(self, base: RuleModel):
        self.base = base
        self.cands = base.cands + base.lookback
        self.fixed = {i for i, c in enumerate(self.cands) if c.fixed}
        self.x: list = [1 if i in self.fixed else v for i, v in enumerate(base.x)]
        self.x += [1] * len(base.lookback)
        self.model = _Guarded(base.model)
        self.by_engineer: dict[int, list[int]] = defaultdict(list)
        for i, c in enumerate(self.cands):
            self.by_engineer[c.engineer].append(i)

    def day_flags(self, ids: list[int], key: Callable[[Candidate], object]) -> dict:
        """As `RuleModel.day_flags`, a key with a fixed candidate being the constant 1."""
        fixed = {key(self.cands[i]) for i in ids if i in self.fixed}
        open_ = [i for i in ids if i not in self.fixed and key(self.cands[i]) not in fixed]
        flags: dict = self.base.day_flags(open_, key)
        flags.update(dict.fromkeys(fixed, 1))
        return flags


class _Guarded:
    """A CpModel whose `add` and `add_at_most_one` keep what history fixed: a constraint
    whose constants alone break it forbids its variables instead (SPEC §8)."""

    def __init__(self, model: cp_model.CpModel):
        self._model = model

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._model, name)

    def add(self, ct):  # type: ignore[no-untyped-def]
        if isinstance(ct, bool):  # constants only: history alone, nothing to decide
            return None
        if ct.offset > ct.bounds.max():  # rules' constraints are Σ positive terms <= bound
            for var, coeff in zip(ct.vars, ct.coeffs):
                if coeff > 0:
                    self._model.add(var == 0)
            return None
        return self._model.add(ct)

    def add_at_most_one(self, literals):  # type: ignore[no-untyped-def]
        literals = list(literals)
        open_ = [lit for lit in literals if not isinstance(lit, int)]
        if len(open_) < len(literals):  # a fixed one takes the place
            for lit in open_:
                self._model.add(lit == 0)
            return None
        return self._model.add_at_most_one(open_)


class RotaModel(RuleModel):
    """The CP-SAT model of one planning problem: the hard rules, coverage with slack, and
    the objectives of `rota.objective`'s stages."""

    def __init__(self, team: Team, span: Span, candidates: list[Candidate],
                 lookback: list[Candidate] | tuple[Candidate, ...] = (),
                 past: PastLoad | None = None, window: list[Interval] | None = None):
        super().__init__(team, span, candidates, lookback)
        self.window = window  # only the demand inside it counts (a relaxation's model)
        # History's fairness window (SPEC §8): constants per engineer that the loads, the
        # capacities and the weekend/holiday peaks add; empty without history.
        self.past = past or PastLoad()
        self._soft_costs: list[int] | None = None
        self._night_minutes: list[int] | None = None
        self._greedy_costs: list[int] | None = None
        self._start_times: dict[tuple[int, int], int] | None = None
        self.uncovered = self._coverage()
        self.constrain()

    # ----- hard constraints ----------------------------------------------------------------
    def _coverage(self) -> cp_model.LinearExprT:
        """Per tier and elementary interval: on duty + missing >= required."""
        terms = []
        self.segments = demand_segments(self.team, self.span, self.cands, self.window)
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
        if self._soft_costs is None:  # a fact costs nothing: nobody can change it
            self._soft_costs = [0 if c.fixed else cost for c, cost in
                                zip(self.cands, soft_costs(self.team, self.span, self.cands))]
        return self._soft_costs

    def load(self, eng_index: int) -> cp_model.LinearExprT:
        """Minutes on duty, with the fairness window's (`past`)."""
        return self.past.minutes.get(eng_index, 0) + sum(
            self.cands[i].minutes * self.x[i] for i in self.by_engineer[eng_index])

    def capacity(self, eng_index: int) -> int:
        """Capacity over the horizon and the fairness window."""
        cap = self.team.capacity_minutes(self.team.engineers[eng_index])
        days = self.team.horizon.days
        return cap if not self.past.days else round(cap * (days + self.past.days) / days)

    def load_ratio(self, values: list[int]) -> int:
        """`max_load_ratio` of a 0/1 choice of candidates, computed in Python."""
        return max((-(-RATIO_SCALE * self.load_minutes(e, values) // self.capacity(e))
                    for e in self.by_engineer), default=0)

    def greedy_costs(self) -> list[int]:
        """Per candidate, what the greedy passes avoid: its soft cost first, then its night
        minutes (stages 2 and 3). A greedy start with night minutes the night stage does
        without is of no use to the stages after it."""
        if self._greedy_costs is None:
            nights = self.night_minutes()
            scale = max(nights, default=0) + 1
            self._greedy_costs = [cost * scale + (0 if c.fixed else night) for c, cost, night
                                  in zip(self.cands, self.soft_costs(), nights)]
        return self._greedy_costs

    def max_load_ratio(self) -> cp_model.LinearExprT:
        """The largest hours/capacity ratio, in basis points."""
        top = self.model.new_int_var(0, 100 * RATIO_SCALE, "max_load_ratio")
        for e in self.by_engineer:
            self.model.add(RATIO_SCALE * self.load(e) <= top * self.capacity(e))
        self.derived.append((top, self.load_ratio))
        return top

    def changes(self) -> cp_model.LinearExprT:
        """Replan: published assignments left out plus new ones chosen (facts aside)."""
        return sum((1 - self.x[i]) if c.published else self.x[i]
                   for i, c in enumerate(self.cands) if not c.fixed)

    def changes_of(self, values: list[int]) -> int:
        return sum((1 - v) if c.published else v
                   for c, v in zip(self.cands, values) if not c.fixed)

    def load_minutes(self, eng_index: int, values: list[int]) -> int:
        return self.past.minutes.get(eng_index, 0) + sum(
            self.cands[i].minutes for i in self.by_engineer[eng_index] if values[i])

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
        total += sum(self.past.minutes.get(e, 0) for e in caps)
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

    def night_minutes(self) -> list[int]:
        """Per candidate: its minutes inside the engineer's local night."""
        if self._night_minutes is None:
            out = [0] * len(self.cands)
            for e, ids in self.by_engineer.items():
                minutes = metrics.night_minutes_of(self.team.engineers[e], self.span,
                                                [(self.cands[i].start, self.cands[i].end)
                                                 for i in ids])
                for i, n in zip(ids, minutes):
                    out[i] = n
            self._night_minutes = out
        return self._night_minutes

    def night_cost(self) -> cp_model.LinearExprT:
        """Minutes on duty inside each engineer's local night (SPEC §3 stage 3)."""
        return sum(n * self.x[i] for i, n in enumerate(self.night_minutes()) if n)

    def _spread_measures(self) -> list[tuple[str, dict[int, list[int]], dict[int, int]]]:
        """What the spread evens out between interchangeable engineers: (name, engineer →
        candidates that count, minutes already counted from history) for all minutes on
        duty and for weekend minutes (a weekend missed by the rotation is a fairness
        matter, not a polish)."""
        weekend: dict[int, list[int]] = defaultdict(list)
        for e, ids in self.by_engineer.items():
            days = self.team.engineers[e].weekend
            weekend[e] = [i for i in ids if self.cands[i].day.weekday() in days]
        return [("load", self.by_engineer, self.past.minutes),
                ("weekend", weekend, self.past.weekend_minutes)]

    def load_spread(self) -> cp_model.LinearExprT | None:
        """Σ over groups of interchangeable engineers (`metrics.peer_groups`) and over the
        measures of `_spread_measures` of the most minutes of one minus the fewest of
        another: minimised, identical engineers end up with loads (and weekends) that
        differ by as little as the rules allow."""
        terms = []
        for group in metrics.peer_groups(self.team):
            members = [e for e in group if e in self.by_engineer]
            if len(members) < 2:
                continue
            for name, ids, past in self._spread_measures():
                def minutes(e: int, ids=ids, past=past) -> cp_model.LinearExprT:
                    return past.get(e, 0) + sum(self.cands[i].minutes * self.x[i]
                                                for i in ids.get(e, ()))

                most = max(past.get(e, 0) + sum(self.cands[i].minutes for i in ids.get(e, ()))
                           for e in members)
                hi = self.model.new_int_var(0, most, f"spread_{name}_hi_{members[0]}")
                lo = self.model.new_int_var(0, most, f"spread_{name}_lo_{members[0]}")
                for e in members:
                    self.model.add(minutes(e) <= hi)
                    self.model.add(minutes(e) >= lo)
                values_of = [self._measure_value(ids, past, e) for e in members]
                self.derived.append((hi, lambda v, f=values_of: max(g(v) for g in f)))
                self.derived.append((lo, lambda v, f=values_of: min(g(v) for g in f)))
                terms.append(hi - lo)
        return sum(terms) if terms else None

    def _measure_value(self, ids: dict[int, list[int]], past: dict[int, int], e: int
                       ) -> Callable[[list[int]], int]:
        return lambda v: past.get(e, 0) + sum(self.cands[i].minutes for i in ids.get(e, ())
                                              if v[i])

    def load_spread_value(self, values: list[int]) -> int:
        out = 0
        for group in metrics.peer_groups(self.team):
            members = [e for e in group if e in self.by_engineer]
            if len(members) < 2:
                continue
            for _, ids, past in self._spread_measures():
                got = [self._measure_value(ids, past, e)(values) for e in members]
                out += max(got) - min(got)
        return out

    def start_times(self) -> dict[tuple[int, int], int]:
        """(engineer, start instant) → the local time of day it is, in minutes."""
        if self._start_times is None:
            self._start_times = {}
            for c in self.cands:
                if (c.engineer, c.start) not in self._start_times:
                    self._start_times[(c.engineer, c.start)] = metrics.local_minute_of_day(
                        c.start, self.team.engineers[c.engineer].timezone)
        return self._start_times

    def handoffs(self) -> cp_model.LinearExprT:
        """Assignments (each a hand-off), plus the distinct local start times of each
        engineer (a rota whose starts drift through the week is one nobody can live by)."""
        times = self.start_times()
        flags = []
        for ids in self.by_engineer.values():
            flags.extend(self.day_flags(ids, lambda c: (
                "start", c.engineer, times[(c.engineer, c.start)])).values())
        return sum(self.x) + sum(flags)

    def handoffs_value(self, values: list[int]) -> int:
        times = self.start_times()
        chosen = [c for c, v in zip(self.cands, values) if v]
        return len(chosen) + len({(c.engineer, times[(c.engineer, c.start)]) for c in chosen})

    def _peak_groups(self) -> list[tuple[str, dict[int, list[int]], list[int], dict[int, int]]]:
        """(name, engineer → their candidates that count, minutes each counts, minutes in
        history's fairness window) for the weekend, holiday and night peaks."""
        weekend: dict[int, list[int]] = defaultdict(list)
        holiday: dict[int, list[int]] = defaultdict(list)
        night: dict[int, list[int]] = defaultdict(list)
        nights = self.night_minutes()
        for e, ids in self.by_engineer.items():
            eng = self.team.engineers[e]
            hols = public_holidays(eng, self.span)
            for i in ids:
                if self.cands[i].day.weekday() in eng.weekend:
                    weekend[e].append(i)
                if self.cands[i].day in hols:
                    holiday[e].append(i)
                if nights[i]:
                    night[e].append(i)
        lengths = [c.minutes for c in self.cands]
        past = self.past
        return [(name, groups, minutes, before) for name, groups, minutes, before in (
            ("weekend", weekend, lengths, past.weekend_minutes),
            ("holiday", holiday, lengths, past.holiday_minutes),
            ("night", night, nights, past.night_minutes)) if groups]

    def peaks(self) -> cp_model.LinearExprT | None:
        """The most weekend minutes of anyone, plus the most public-holiday minutes, plus
        the most night minutes (SPEC §3 stage 6)."""
        parts = []
        for name, groups, minutes, past in self._peak_groups():
            peak = self.model.new_int_var(0, 2 * 366 * MINUTES_PER_DAY, f"max_{name}_minutes")
            for e, ids in groups.items():
                self.model.add(past.get(e, 0) + sum(minutes[i] * self.x[i] for i in ids)
                               <= peak)
            self.derived.append((peak, lambda v, g=groups, m=minutes, p=past: _peak(g, m, p, v)))
            parts.append(peak)
        return sum(parts) if parts else None

    def peaks_value(self, values: list[int]) -> int:
        return sum(_peak(groups, minutes, past, values)
                   for _, groups, minutes, past in self._peak_groups())


def _peak(groups: dict[int, list[int]], minutes: list[int], past: dict[int, int],
          values: list[int]) -> int:
    return max(past.get(e, 0) + sum(minutes[i] for i in ids if values[i])
               for e, ids in groups.items())


WINDOW_DAYS = 2  # a window search frees the candidates starting in this many days
WINDOW_SHARE = 0.5  # of a windowed stage's budget, spent on window searches first
WINDOW_PASSES = 3  # over the horizon at most, while a pass still improves
MIN_WINDOW_DTIME = 0.15  # a window search with less finds little


def window_search(rota: RotaModel, span: Span, values: list[int], dtime: float,
                  configure: Callable[[Any, float], None], control: SearchControl,
                  until: float | None) -> tuple[list[int], float, str | None]:
    """Improve `values` on the model's objective one stretch of the horizon at a time:
    every candidate starting outside the window is fixed to its value, and the small
    model that is left is solved (CP-SAT's own neighbourhoods are random, and on a
    follow-the-sun day the moves that matter, merging two people's shifts into one, free
    the candidates of one day together). Windows step a day at a time over the horizon,
    in up to WINDOW_PASSES passes while a pass still improves and `dtime` lasts. Returns
    the best schedule, the time used and what stopped it early (the clock, an
    interrupt), if anything."""
    day = MINUTES_PER_DAY
    windows = [(w, w + WINDOW_DAYS * day) for w in range(span.start, span.end, day)]
    if dtime < MIN_WINDOW_DTIME * len(windows):  # not one pass: on a long horizon, the
        return values, 0.0, None  # windows' wall time is better spent by CP-SAT itself
    each = max(MIN_WINDOW_DTIME, dtime / (WINDOW_PASSES * len(windows)))
    used, stopped_by = 0.0, None
    for _ in range(WINDOW_PASSES):
        improved = False
        for lo, hi in windows:
            rota.hint(values)
            part = rota.model.clone()
            for i, (var, c) in enumerate(zip(rota.x, rota.cands)):
                if not lo <= c.start < hi:
                    domain = part.proto.variables[var.index].domain
                    domain[0] = domain[1] = values[i]
            solver = cp_model.CpSolver()
            configure(solver.parameters, each)
            status, stopped_by = control.run(partial(solver.solve, part), solver.stop_search,
                                             until)
            used += solver.deterministic_time
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                found = [int(solver.boolean_value(v)) for v in rota.x]
                improved = improved or found != values
                values = found
            if stopped_by:
                return values, used, stopped_by
        if not improved or used + len(windows) * each > dtime:
            break
    return values, used, stopped_by
    return values, used, stopped_by


def dtime_rate(candidates: int) -> float:
    """CP-SAT deterministic time budgeted per second of the limit: DTIME_PER_SECOND on
    small models (their LNS tasks spend more time copying than working), and
    (DTIME_REFERENCE_CANDIDATES / candidates)^0.75 once that is less (about 50,000
    candidates on), whose work runs slower still."""
    return min(DTIME_PER_SECOND, (DTIME_REFERENCE_CANDIDATES / max(1, candidates)) ** 0.75)


def _reproducible(params, dtime: float, workers: int, seed: int, candidates: int = 0,
                  terms: int = 0, light_presolve: bool = False) -> None:
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
    if candidates > LARGE_MODEL_CANDIDATES or terms > LARGE_MODEL_TERMS:
        params.ignore_subsolvers.extend(LP_SUBSOLVERS)
        params.symmetry_level = 0
        params.cp_model_probing_level = 0
    if light_presolve:
        # The stages after coverage presolve the same model again, plus one bound. Full
        # probing and the search for overlapping linear blocks cost about 5 deterministic
        # seconds a stage on the real 53-person week: the whole share of a later stage,
        # which then stopped after presolve with no search at all.
        params.cp_model_probing_level = 0
        params.find_big_linear_overlap = False
    params.num_workers = workers or os.cpu_count() or 1
    params.random_seed = seed


@dataclass(frozen=True)
class Cover:
    """What a coverage-only search over some candidates found."""

    values: list[int] | None  # 0/1 per candidate, None if no schedule was found
    objective: int  # uncovered person-minutes of `values` (-1: none)
    bound: int  # its proven lower bound (-1: none)
    status: str
    dtime: float  # deterministic time used
    stopped_by: str | None = None  # CLOCK or INTERRUPT if the clock or a signal ended it


def search_cover(team: Team, span: Span, candidates: list[Candidate], *, dtime: float,
                 workers: int, seed: int, hint: list[int] | None = None,
                 window: list[Interval] | None = None, single: bool = False,
                 light: bool = False, control: SearchControl | None = None,
                 until: float | None = None) -> Cover:
    """Minimise the uncovered person-minutes over `candidates` alone, under every rule,
    within `dtime` deterministic time, starting from `hint` (a legal 0/1 choice). With
    `window`, only the demand inside it counts. `single`: one worker, no interleaving,
    the LP with cuts at every node (a bound on a small model is proven soonest so: the
    load-0.85 week's window bounds in about 1 dtime, where the interleaved batch takes 6);
    `light`: no LP-based full-problem workers (their first task on a model of tens of
    thousands of candidates takes the whole budget)."""
    part = RotaModel(team, span, candidates, window=window)
    part.model.minimize(part.uncovered)
    if hint is not None:
        part.hint(hint)
    solver = cp_model.CpSolver()
    _reproducible(solver.parameters, dtime, workers, seed, len(candidates),
                  LARGE_MODEL_TERMS + 1 if light else 0)
    if single:
        solver.parameters.num_workers = 1
        solver.parameters.interleave_search = False
        solver.parameters.linearization_level = 2
    status, stopped_by = (control or SearchControl()).run(
        partial(solver.solve, part.model), solver.stop_search, until)
    name = STATUS_NAMES.get(status, str(status))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Cover(None, -1, -1, name, solver.deterministic_time, stopped_by)
    return Cover([int(solver.boolean_value(v)) for v in part.x], round(solver.objective_value),
                 round(solver.best_objective_bound), name, solver.deterministic_time,
                 stopped_by)


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
          control: SearchControl | None = None,
          lookback: list[Candidate] | tuple[Candidate, ...] = (),
          past: PastLoad | None = None, replan: bool = False,
          stages: tuple | None = None, start: list[int] | None = None) -> PlanResult:
    """Build the model and solve it stage by stage within `time_limit` seconds in all.
    `stages` (default: the team's objective, `rota.objective.stages_for`) may leave
    later stages out: what-if and explain re-plan with the coverage stage alone.

    Coverage comes first in time as well as in order: it may spend the whole budget, and
    the later stages share what it leaves. Each stage's budget is CP-SAT deterministic
    time (so the answer does not depend on the machine's speed); `control` stops a search
    at the wall-clock deadline or on an interrupt, whichever comes first. `log` gets a
    line when a stage ends; `progress` one whenever a better solution is found.
    History's facts are the `fixed` candidates; `lookback` holds its rows before the
    horizon, which only the rules see; `past` its fairness window. `replan` enables the
    stages only replan has (fewest changes to the `published` candidates). `start` (a
    legal 0/1 choice of candidates, such as a known schedule) is the search's first hint
    where it covers at least as much as the greedy pass.
    """
    started = time.perf_counter()
    limit = team.solver.time_limit_seconds if time_limit is None else time_limit
    control = control or SearchControl(started + limit * CLOCK_MARGIN)
    rota = RotaModel(team, span, candidates, lookback, past)
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

        if name not in evaluate or greedy_short > achieved.get("uncovered_minutes", 0):
            # Its passes cover no more than the first greedy pass (fair_cover): of no use
            # once coverage did better, and on a large team a dozen passes take half a minute.
            return values
        if not affordable(name):
            return values
        if not fair:
            fair.append(fair_cover(team, candidates, rota.segments, rota.greedy_costs(),
                                   lookback=lookback))
        if better(fair[0], values):
            return fair[0]
        if name == "max_load_ratio" and values is not fair[0] and any(rota.greedy_costs()):
            allowed = [not cost or v for cost, v in zip(rota.greedy_costs(), values)]
            repaired = fair_cover(team, candidates, rota.segments, rota.greedy_costs(), allowed,
                                  lookback)
            if better(repaired, values):
                return repaired
        return values

    # Each stage costs a load and presolve of the whole model; on a large model the time
    # goes to coverage, preferences and the largest load, and the other stages are left out.
    large = len(candidates) > LARGE_MODEL_CANDIDATES
    every = list(stages) if stages is not None else stages_for(team.objective, replan)
    stages = [s for s in every if s.on_large_models or not large]
    skipped = {s.name for s in every} - {s.name for s in stages}
    results: list[StageResult] = []
    values: list[int] = []
    terms = sum(len(seg.covering) for seg in rota.segments)
    # Coverage starts from one greedy pass; the fair cover (a dozen passes) waits for the
    # stages that use it, so that on a large, tight team coverage gets the time.
    clock = time.perf_counter()
    cover = greedy_cover(team, candidates, rota.segments, rota.greedy_costs(), lookback=lookback)
    greedy_seconds = time.perf_counter() - clock
    greedy_short = uncovered_minutes(rota.segments, cover)
    if start is not None and uncovered_minutes(rota.segments, start) <= greedy_short:
        cover, greedy_short = list(start), uncovered_minutes(rota.segments, start)
    # The budget in deterministic time: the same for every run, whatever the machine does.
    dtime_left = limit * dtime_rate(len(candidates))

    def search_subset(subset: list[int], hint: list[int],
                      dtime: float) -> tuple[list[int] | None, float]:
        """Coverage alone over some of the candidates (rota.start), under the same rules."""
        left = control.seconds_left()
        until = None if left is None else time.perf_counter() + left * LEVEL_SHARE
        found = search_cover(team, span, [candidates[i] for i in subset], dtime=dtime,
                             workers=workers, seed=seed, hint=hint, control=control,
                             until=until)
        if found.stopped_by:  # this start, and so the plan, depends on the clock
            clock_cut.append("uncovered_minutes")
        return found.values, found.dtime

    # On a tight team, cover with the fixed shifts first: a far smaller search (rota.start).
    cover, used = restricted_start(team, candidates, rota.segments, cover, rota.greedy_costs(),
                                   search_subset, dtime_left, log)
    dtime_left = max(0.0, dtime_left - used)
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
            results.append(StageResult(name, "OPTIMAL", 0, 0, 0.0,
                                       CLOCK if name in clock_cut else PROOF))
            if log:
                log(f"{name}: OPTIMAL objective=0 bound=0 (the starting schedule, no search)")
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
            window_seconds = window_used = 0.0
            if stage.windowed:
                clock = time.perf_counter()
                start, window_used, _ = window_search(
                    rota, span, start, dtime * WINDOW_SHARE,
                    lambda params, d: _reproducible(params, d, workers, seed, len(candidates),
                                                    terms, light_presolve=True),
                    control, until)
                window_seconds = time.perf_counter() - clock
                dtime -= window_used
                if log and name in evaluate:
                    log(f"{name}: {evaluate[name](start)} after the window searches "
                        f"({window_seconds:.1f}s)")
            rota.hint(start)
            solver = cp_model.CpSolver()
            _reproducible(solver.parameters, dtime, workers, seed, len(candidates), terms,
                          light_presolve=n > 0)
            callback = _ProgressCallback(name, progress) if progress else None
            status, stopped_by = control.run(partial(solver.solve, model, callback),
                                             solver.stop_search, until)
            seconds = window_seconds + solver.wall_time
            used = window_used + solver.deterministic_time
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
            model.add(expr <= value)
            achieved[name] = value
            if all(s.prunable for s in stages[:n + 1]):  # no stage so far can get worse
                values = prune(candidates, rota.segments, values)
                shorter = trim(team, candidates, rota.segments, values, lookback)
                if shorter != values and all(evaluate[other](shorter) <= v for other, v
                                             in achieved.items() if other in evaluate):
                    values = shorter
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

    ran = {r.name: r for r in results}
    results = [ran.get(s.name) or StageResult(s.name, "NOT_RUN", -1, -1, 0.0, BUDGET)
               for s in every if s.name in ran or s.name in skipped]
    chosen = [c for c, v in zip(candidates, values or cover) if v]
    assignments = [Assignment(team.engineers[c.engineer].name, c.tier, c.start, c.end, c.shift)
                   for c in chosen]
    proto = model.proto
    return PlanResult(assignments, results, len(candidates), len(proto.variables),
                      len(proto.constraints), round(build_seconds, 3),
                      round(time.perf_counter() - started - build_seconds, 3),
                      interrupted=control.interrupted)
