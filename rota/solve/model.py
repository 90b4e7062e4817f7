"""The CP-SAT model of one planning problem: one boolean per candidate, the hard rules,
coverage with slack, and the expression of each objective stage (`rota.solve.objective`).

Coverage is cut into elementary intervals (between two consecutive boundaries of any
candidate or requirement nothing changes), each with an integer slack for the people
missing, so there is always an answer. Every auxiliary variable is recorded with how to
compute it from a 0/1 choice of candidates, so that a hint is complete.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from rota import metrics
from rota.candidates import Candidate, demand_segments, soft_costs
from rota.history import PastLoad
from rota.problem import MINUTES_PER_DAY, Team
from rota.rules import RULES, ModelView, Rule
from rota.rules.nights import NIGHT_SHIFT_MINUTES
from rota.solve.greedy import RATIO_SCALE
from rota.timeline import Interval, Span, public_holidays


@dataclass(frozen=True)
class Refinement:
    """A second measure for a neighbourhood search of a stage whose value is a maximum:
    `add` puts it into a part (a clone of the model) over the engineers freed; `value`
    gives it for a whole schedule."""

    add: Callable[[cp_model.CpModel, set[int]], Any]
    value: Callable[[list[int]], int]


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
    the objectives of `rota.solve.objective`'s stages."""

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
        self._shares: dict[int, int] | None = None  # load_deviation's fair shares
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

    def load_excess(self, ratio: int) -> Refinement:
        """Minutes of load above what keeps an engineer's ratio at or below `ratio`: a
        neighbourhood search of the largest load lowers them among the engineers it frees,
        so that it makes progress while others stay at the top."""
        limit = {e: ratio * self.capacity(e) // RATIO_SCALE for e in self.by_engineer}

        def add(part: cp_model.CpModel, engineers: set[int]) -> cp_model.LinearExprT:
            terms = []
            for e in sorted(engineers):
                over = part.new_int_var(0, MINUTES_PER_DAY * 400, f"over_{e}")
                part.add(over >= self.load(e) - limit[e])
                terms.append(over)
            return sum(terms)

        def value(values: list[int]) -> int:
            return sum(max(0, self.load_minutes(e, values) - limit[e]) for e in limit)

        return Refinement(add, value)

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

    def fair_shares(self, total: int) -> dict[int, int]:
        """Each engineer's fair share of `total` minutes (and history's), by capacity."""
        caps = {e: self.capacity(e) for e in self.by_engineer}
        whole = sum(caps.values()) or 1
        total += sum(self.past.minutes.get(e, 0) for e in caps)
        return {e: round(total * cap / whole) for e, cap in caps.items()}

    def load_deviation(self, total: int) -> cp_model.LinearExprT:
        """Σ |minutes − fair share of `total`| (`fair_shares`)."""
        self._shares = self.fair_shares(total)
        terms = []
        for e, target in self._shares.items():
            dev = self.model.new_int_var(0, max(total, target), f"dev_{e}")
            # Two inequalities, not an abs equality: minimised, dev is |load − target|,
            # and presolve of an abs equality over minute sums took longer than a stage.
            load = self.load(e)
            self.model.add(dev >= load - target)
            self.model.add(dev >= target - load)
            self.derived.append((dev, lambda v, e=e, t=target: abs(self.load_minutes(e, v) - t)))
            terms.append(dev)
        return sum(terms)

    def deviation_value(self, values: list[int]) -> int:
        """`load_deviation` of a 0/1 choice, against the shares the model holds (or the
        choice's own total, before the stage is built)."""
        shares = self._shares or self.fair_shares(
            sum(c.minutes for c, v in zip(self.cands, values) if v))
        return sum(abs(self.load_minutes(e, values) - t) for e, t in shares.items())

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
        engineer (a rota whose starts drift through the week is one nobody can live by),
        plus the distinct UTC times of day at which each tier hands over (a team's
        hand-offs at the same few times every day)."""
        times = self.start_times()
        flags = []
        for ids in self.by_engineer.values():
            flags.extend(self.day_flags(ids, lambda c: (
                "start", c.engineer, times[(c.engineer, c.start)])).values())
        for tier in sorted({c.tier for c in self.cands}):
            ids = [i for i, c in enumerate(self.cands) if c.tier == tier]
            flags.extend(self.day_flags(ids, lambda c: (
                "utc", c.tier, c.start % MINUTES_PER_DAY)).values())
        return sum(self.x) + sum(flags)

    def handoffs_value(self, values: list[int]) -> int:
        times = self.start_times()
        chosen = [c for c, v in zip(self.cands, values) if v]
        regular = len({(c.tier, c.start % MINUTES_PER_DAY) for c in chosen})
        return (len(chosen) + len({(c.engineer, times[(c.engineer, c.start)]) for c in chosen})
                + regular)

    def _kinds(self, night_from: int) -> tuple[dict[int, list[int]], ...]:
        """Engineer → their candidates on a local weekend day, on a public holiday, and
        with at least `night_from` minutes in their local night (a shift's day is the local
        date of its start)."""
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
                if nights[i] >= night_from:
                    night[e].append(i)
        return weekend, holiday, night

    def _turn_groups(self) -> list[tuple[dict[int, list[int]], dict[int, int]]]:
        """(engineer → their candidates that are such a shift, such shifts in history's
        fairness window) for weekend, public-holiday and night shifts (SPEC §3 stage 6; a
        night shift has NIGHT_SHIFT_MINUTES in the local night)."""
        weekend, holiday, night = self._kinds(NIGHT_SHIFT_MINUTES)
        past = self.past
        return [(groups, before) for groups, before in (
            (weekend, past.weekend_shifts), (holiday, past.holiday_shifts),
            (night, past.night_shifts)) if groups]

    def turns(self) -> cp_model.LinearExprT | None:
        """Σ over engineers and kinds (weekend, holiday, night) of n(n−1)/2, n their shifts
        of that kind with history's window: minimised, nobody takes a second while a
        colleague who could take one of theirs has none (moving a shift from n to m shifts
        changes it by m − n + 1). Each term is Σ_k max(0, n − k), exact in the LP."""
        terms = []
        for groups, past in self._turn_groups():
            for e, ids in groups.items():
                before = past.get(e, 0)
                most = before + min(len(ids), 2 * len({self.cands[i].day for i in ids}))
                count = before + sum(self.x[i] for i in ids)
                for k in range(1, most):
                    over = self.model.new_int_var(0, most - k, f"turns_{e}_{k}")
                    self.model.add(over >= count - k)
                    self.derived.append((over, lambda v, ids=ids, b=before, k=k: max(
                        0, b + sum(v[i] for i in ids) - k)))
                    terms.append(over)
        return sum(terms) if terms else None

    def turns_value(self, values: list[int]) -> int:
        out = 0
        for groups, past in self._turn_groups():
            for e, ids in groups.items():
                n = past.get(e, 0) + sum(values[i] for i in ids)
                out += n * (n - 1) // 2
        return out

    def _peak_groups(self) -> list[tuple[str, dict[int, list[int]], list[int], dict[int, int]]]:
        """(name, engineer → their candidates that count, minutes each counts, minutes in
        history's fairness window) for the weekend, holiday and night peaks."""
        weekend, holiday, night = self._kinds(1)
        nights = self.night_minutes()
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
