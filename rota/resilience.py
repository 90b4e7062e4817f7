"""`rota resilience`: what each engineer's absence for the whole horizon would cost, and
the single points of failure (intervals that only one engineer can cover).

Cheap answers come first, and each is a proof, not a guess:

- Bounds. Nobody's absence can make the optimum better, so the team's proven bound is a
  lower bound for every absence. The candidates give another: wherever fewer engineers
  than required can cover a stretch once someone is away, those minutes stay uncovered.
- Idle. An engineer with no assignment in the team's plan can be away: the plan stays
  valid, so their absence costs nothing more than the plan's own gaps.
- Repaired. Otherwise their shifts are handed, greedily, to colleagues for whom a
  candidate shift still keeps every rule (`rota.rules`' greedy tests); the repaired
  schedule is judged by the referee. If it covers as much as the plan, the absence is free.

Where an interval remains, small CP-SAT searches (`rota.absence`), each within a fixed
deterministic time: first a lower bound from the demand inside the engineer's reach
alone, for every open absence; then a reshaping repair, which frees the colleagues who
could cover their shifts, and those colleagues' neighbours, and keeps the rest of the
schedule. Last, with the time left, the team is re-planned without the engineer
(coverage stage only), starting from the best schedule found. Every schedule is judged
by the referee. What is not proven says why.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rota import absence, scenarios
from rota.assignment import Assignment
from rota.candidates import Candidate, DemandSegment, demand_segments, generate
from rota.check import check
from rota.jobs import SEARCH_WORKERS, run_all
from rota.problem import Team
from rota.rules import Ledger, fits
from rota.solve.cpsat import Found
from rota.solve.planner import Plan
from rota.timeline import iso_utc

IDLE, REPAIRED, RESHAPED, REPLANNED, BOUNDS = (
    "idle", "repaired", "reshaped", "re-planned", "bounds")
REPLAN_SHARE = 3  # each re-plan gets the time limit / this, unless told
TOTAL_TIMES = 10  # no search starts after this many time limits, unless told
# Deterministic time (CP-SAT's measure of work) of each absence's searches; all of them
# together get at most SEARCH_DTIME_PER_SECOND of it per second of the total, each
# charged what it is given.
SEARCH_DTIME_PER_SECOND = 0.5
BOUND_DTIME = 2.0  # the window's lower bound (one worker: it proves small models soonest)
RESHAPE_DTIME = 2.0  # the reshaping repair


@dataclass
class Absence:
    engineer: str
    uncovered: int  # the best schedule found without them (person-minutes)
    lower: int  # a proven lower bound on it
    how: str  # idle, repaired, re-planned or bounds (what gave `uncovered`)
    status: str = ""  # the re-plan's coverage stage status, if re-planned
    seconds: float = 0.0
    note: str = ""
    # The best schedule found without them (judged by the referee), if any.
    schedule: list[Assignment] | None = field(default=None, repr=False)

    @property
    def proven(self) -> bool:
        return self.lower >= self.uncovered


@dataclass(frozen=True)
class SinglePoint:
    """A stretch that the named engineers alone can cover, and it needs all of them."""

    tier: str
    start: int
    end: int
    required: int
    engineers: tuple[str, ...]

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass
class Resilience:
    plan: scenarios.Probe
    absences: list[Absence]
    single_points: list[SinglePoint]
    seconds: float = 0.0
    replans: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    search_dtime: float = 0.0  # deterministic time of the searches of `rota.absence`

    @property
    def uncovered(self) -> int:
        return self.plan.uncovered

    @property
    def fragile(self) -> list[Absence]:
        """Absences after which no schedule as good as the team's plan was found."""
        return [a for a in self.absences if a.uncovered > self.uncovered]


def single_points(team: Team, segments: list[DemandSegment], cands: list[Candidate]
                  ) -> list[SinglePoint]:
    """Stretches whose covering candidates belong to no more engineers than required
    (at least one): each of those engineers is indispensable there."""
    out: list[SinglePoint] = []
    for seg in segments:
        if not seg.need:
            continue
        who = {cands[i].engineer for i in seg.covering}
        if not who or len(who) > seg.need:
            continue
        names = tuple(sorted(team.engineers[e].name for e in who))
        last = out[-1] if out else None
        if last and (last.tier, last.end, last.required, last.engineers) == (
                seg.tier, seg.start, seg.need, names):
            out[-1] = SinglePoint(seg.tier, last.start, seg.end, seg.need, names)
        else:
            out.append(SinglePoint(seg.tier, seg.start, seg.end, seg.need, names))
    out.sort(key=lambda s: (s.tier, s.start))
    return out


class _Repair:
    """The plan's schedule as candidates, ledgers and head-counts, to hand an absent
    engineer's shifts to colleagues."""

    def __init__(self, team: Team, cands: list[Candidate], segments: list[DemandSegment],
                 assignments: list[Assignment]):
        self.team, self.cands, self.segments = team, cands, segments
        index = {(team.engineers[c.engineer].name, c.tier, c.start, c.end): i
                 for i, c in enumerate(cands)}
        self.chosen = {index[(a.engineer, a.tier, a.start, a.end)] for a in assignments
                       if (a.engineer, a.tier, a.start, a.end) in index}
        self.complete = len(self.chosen) == len(assignments)
        self.seg_of: dict[int, list[int]] = defaultdict(list)
        for k, seg in enumerate(segments):
            for i in seg.covering:
                self.seg_of[i].append(k)
        self.count = [sum(1 for i in seg.covering if i in self.chosen) for seg in segments]

    def assignments(self, chosen: set[int]) -> list[Assignment]:
        names = self.team.engineers
        return [Assignment(names[self.cands[i].engineer].name, self.cands[i].tier,
                           self.cands[i].start, self.cands[i].end, self.cands[i].shift)
                for i in sorted(chosen)]

    def mine(self, eng_index: int) -> list[int]:
        """The engineer's shifts in the plan."""
        return sorted(i for i in self.chosen if self.cands[i].engineer == eng_index)

    def without(self, eng_index: int) -> set[int]:
        """A schedule without the engineer: theirs handed to colleagues where the rules
        let them (the caller has the referee judge it)."""
        mine = self.mine(eng_index)
        count = list(self.count)
        for i in mine:
            for k in self.seg_of[i]:
                count[k] -= 1
        chosen = self.chosen - set(mine)
        ledgers: dict[int, Ledger] = {}

        def ledger(e: int) -> Ledger:
            if e not in ledgers:
                ledgers[e] = Ledger()
                for i in chosen:
                    if self.cands[i].engineer == e:
                        ledgers[e].add(self.cands[i])
            return ledgers[e]

        short = sorted({k for i in mine for k in self.seg_of[i]
                        if count[k] < self.segments[k].need},
                       key=lambda k: (len(self.segments[k].covering), self.segments[k].start))
        for k in short:
            while count[k] < self.segments[k].need:
                best, gain = None, 0
                for i in self.segments[k].covering:
                    c = self.cands[i]
                    if c.engineer == eng_index or i in chosen:
                        continue
                    g = sum(self.segments[j].minutes for j in self.seg_of[i]
                            if count[j] < self.segments[j].need)
                    if g > gain and fits(self.team.engineers[c.engineer], c, ledger(c.engineer)):
                        best, gain = i, g
                if best is None:
                    break
                chosen.add(best)
                ledger(self.cands[best].engineer).add(self.cands[best])
                for j in self.seg_of[best]:
                    count[j] += 1
        return chosen


def resilience(team: Team, *, time_limit: float | None = None,
               replan_time_limit: float | None = None, total_seconds: float | None = None,
               workers: int | None = None, seed: int | None = None,
               base: Plan | None = None, jobs: int = 1, log=None) -> Resilience:
    """Each engineer's absence for the whole horizon, and the single points of failure;
    `jobs` searches at once (`rota.jobs`: the answers do not depend on it)."""
    started = time.perf_counter()
    limit = team.solver.time_limit_seconds if time_limit is None else time_limit
    each = replan_time_limit or limit / REPLAN_SHARE
    total_seconds = TOTAL_TIMES * limit if total_seconds is None else total_seconds
    probe = (scenarios.probe_of(base) if base is not None else
             scenarios.coverage_plan(team, time_limit=time_limit,
                                     workers=workers or SEARCH_WORKERS, seed=seed))
    if log:
        log(f"team plan: {probe.uncovered} uncovered ({probe.status}, {probe.seconds:.1f}s)")
    span = probe.plan.span
    cands = generate(team, span)
    segments = demand_segments(team, span, cands)
    points = single_points(team, segments, cands)
    # The shortfall that the candidates alone force, for the team and without each one.
    short = []  # per segment, how many fewer engineers have a candidate than it needs
    extra: dict[int, int] = defaultdict(int)
    for seg in segments:
        who = {cands[i].engineer for i in seg.covering}
        short.append(max(0, seg.need - len(who)))
        if 0 < len(who) <= seg.need:
            for e in who:
                extra[e] += seg.minutes
    base_short = sum(n * seg.minutes for seg, n in zip(segments, short))
    lower_all = max(probe.lower, base_short)
    repair = _Repair(team, cands, segments, probe.plan.result.assignments)
    on_duty = {a.engineer for a in probe.plan.result.assignments}
    absences: list[Absence] = []
    best: dict[str, set[int]] = {}  # the best legal schedule found without each engineer
    for index, eng in enumerate(team.engineers):
        lower = max(lower_all, base_short + extra[index])
        clock = time.perf_counter()
        if eng.name not in on_duty:
            found = Absence(eng.name, probe.uncovered, lower, IDLE)
        else:
            chosen = repair.without(index)
            verdict = check(scenarios.without(team, [eng.name]), repair.assignments(chosen))
            if verdict.violations or not repair.complete:  # never expected; no proof then
                found = Absence(eng.name, probe.uncovered + sum(
                    a.minutes for a in probe.plan.result.assignments if a.engineer == eng.name),
                    lower, BOUNDS, note="repair not judged legal")
            else:
                found = Absence(eng.name, sum(verdict.uncovered.values()), lower, REPAIRED)
                best[eng.name] = chosen
        found.seconds = round(time.perf_counter() - clock, 3)
        absences.append(found)
    budget = _Budget(started, total_seconds, workers or SEARCH_WORKERS,
                     team.solver.seed if seed is None else seed)
    searches = _Searches(team, span, cands, repair, budget, short, jobs, log)
    searches.bound_all(absences)
    searches.reshape_all(absences, best)
    replans = _replan_all(team, absences, repair, best, budget, each, jobs, log)
    counts: dict[str, int] = defaultdict(int)
    for a in absences:
        counts[a.how] += 1
        if a.how == IDLE:
            a.schedule = probe.plan.result.assignments
        elif a.how in (REPAIRED, RESHAPED):
            a.schedule = repair.assignments(best[a.engineer])
    return Resilience(probe, absences, points, round(time.perf_counter() - started, 3),
                      replans, dict(counts), searches.dtime)


def _open(absences: list[Absence]) -> list[Absence]:
    """The unproven absences, the widest interval first."""
    return sorted((a for a in absences if not a.proven),
                  key=lambda a: (-(a.uncovered - a.lower), a.engineer))


class _Budget:
    """The searches' shared budget: deterministic time (so that the same team gives the
    same answers), and the wall clock of `--total` as a guard."""

    def __init__(self, started: float, total_seconds: float, workers: int, seed: int):
        self.started, self.total = started, total_seconds
        self.dtime_left = total_seconds * SEARCH_DTIME_PER_SECOND
        self.search = {"workers": workers, "seed": seed}

    def seconds_left(self) -> float:
        return self.total - (time.perf_counter() - self.started)

    def allows(self, dtime: float, seconds: float = 0.0) -> bool:
        return self.dtime_left >= dtime and self.seconds_left() > seconds

    def why_not(self) -> str:
        return ("not searched: --total time spent" if self.seconds_left() <= 0 else
                "not searched: the searches' deterministic time is spent")


class _Searches:
    """The CP-SAT searches of `rota.absence`, over the team's candidates, `jobs` at once.
    Which absences are searched is settled before any search runs, each charged the
    deterministic time it is given, so the answers do not depend on `jobs`."""

    def __init__(self, team: Team, span, cands: list[Candidate], repair: _Repair,
                 budget: _Budget, short: list[int], jobs: int, log):
        self.team, self.span, self.cands, self.repair = team, span, cands, repair
        self.short, self.jobs = short, jobs
        self.budget, self.log = budget, log
        self.shared = (team, span, cands, absence.Overlaps(cands))
        self.names = {eng.name: n for n, eng in enumerate(team.engineers)}
        self.dtime = 0.0

    def _afford(self, found: Absence, dtime: float) -> bool:
        """Whether the budget allows one more search of `dtime`; if so it is charged."""
        if not self.budget.allows(dtime):
            found.note = found.note or self.budget.why_not()
            return False
        self.budget.dtime_left -= dtime
        return True

    def bound_all(self, absences: list[Absence]) -> None:
        """Raise each open absence's lower bound with its window's relaxation. Engineers
        alike in everything the rules read (`absence.twin_key`) share it: without one or
        the other, the model is the same up to names."""
        twins = absence.twin_keys(self.team, self.cands)
        todo: dict[tuple, tuple[int, list]] = {}  # per twin key: engineer, window
        for found in _open(absences):
            index = self.names[found.engineer]
            if twins[index] not in todo and self._afford(found, BOUND_DTIME):
                todo[twins[index]] = (index, absence.reach(self.span, self.cands, index))
        results = run_all(_window_bound, [(index, window, BOUND_DTIME, self.budget.search)
                                          for index, window in todo.values()],
                          self.jobs, self.shared)
        known: dict[tuple, tuple[int, str]] = {}
        for peer, (_, window), got in zip(todo, todo.values(), results):
            self.dtime += got.dtime
            inside = got.objective if got.status == "OPTIMAL" else got.bound
            if inside >= 0:
                bound = inside + absence.outside(self.repair.segments, self.short, window)
                known[peer] = (bound, got.status)
        for found in _open(absences):
            bound, status = known.get(twins[self.names[found.engineer]], (-1, ""))
            if bound >= 0:
                found.lower = max(found.lower, bound)
                if self.log:
                    self.log(f"without {found.engineer}: at least {bound} ({status})")

    def reshape_all(self, absences: list[Absence], best: dict[str, set[int]]) -> None:
        """Reshape the neighbourhood of each open absence's shifts; keep what is better."""
        todo = [found for found in _open(absences)
                if found.engineer in best and self._afford(found, RESHAPE_DTIME)]
        jobs = [(self.names[f.engineer], self.repair.mine(self.names[f.engineer]),
                 best[f.engineer], RESHAPE_DTIME, self.budget.search) for f in todo]
        for found, (chosen, got) in zip(todo, run_all(_reshape, jobs, self.jobs,
                                                      self.shared)):
            self.dtime += got.dtime
            found.seconds = round(found.seconds + got.seconds, 3)
            if chosen is None:
                continue
            verdict = check(scenarios.without(self.team, [found.engineer]),
                            self.repair.assignments(chosen))
            uncovered = sum(verdict.uncovered.values())
            if not verdict.violations and uncovered < found.uncovered:
                found.uncovered, found.how = uncovered, RESHAPED
                best[found.engineer] = chosen
            if self.log:
                self.log(f"without {found.engineer}: {uncovered} uncovered, reshaped "
                         f"({got.status})")


def _window_bound(shared: tuple, job: tuple) -> Found:
    team, span, cands, index = shared
    eng_index, window, amount, search = job
    return absence.window_bound(team, span, cands, index, eng_index, window, amount=amount,
                                **search)


def _reshape(shared: tuple, job: tuple) -> tuple[set[int] | None, Found]:
    team, span, cands, index = shared
    eng_index, own, schedule, amount, search = job
    return absence.reshape(team, span, cands, index, eng_index, own, schedule, amount=amount,
                           **search)


def _replan_all(team: Team, absences: list[Absence], repair: _Repair,
                best: dict[str, set[int]], budget: _Budget, each: float, jobs: int,
                log) -> int:
    """Re-plan the team without each still open absence, the widest first, from the best
    schedule found, `jobs` at once, as many as the clock of `--total` allows."""
    todo = _open(absences)
    rounds = max(0, int(budget.seconds_left() // each))
    for found in todo[rounds * max(1, jobs):]:
        found.note = found.note or "not re-planned: --total time spent"
    todo = todo[:rounds * max(1, jobs)]
    options = [{"time_limit": each, "start": repair.assignments(best[f.engineer])
                if f.engineer in best else None, **budget.search} for f in todo]
    probes = run_all(scenarios.coverage_probe,
                     [(scenarios.without(team, [f.engineer]), o) for f, o in zip(todo, options)],
                     jobs)
    for found, again in zip(todo, probes):
        if again.uncovered <= found.uncovered:
            found.uncovered, found.how = again.uncovered, REPLANNED
            found.schedule = again.plan.result.assignments
        found.lower = max(found.lower, again.lower)
        found.status, found.seconds = again.status, round(found.seconds + again.seconds, 3)
        if not found.proven:
            found.note = f"re-plan's coverage stage {again.status}, bound {again.bound}"
        if log:
            log(f"without {found.engineer}: {again.uncovered} uncovered ({again.status}, "
                f"{again.seconds:.1f}s)")
    return len(todo)


# ----- output -----------------------------------------------------------------------------

_HOW = {IDLE: "no shift in the team's plan, which stays valid",
        REPAIRED: "their shifts handed to colleagues within the rules",
        RESHAPED: "colleagues' shifts reshaped around theirs",
        REPLANNED: "re-planned without them",
        BOUNDS: "bounds only"}


def _proof(a: Absence) -> str:
    if a.proven:
        return "proven"
    return f"not proven: at least {a.lower}" + (f" ({a.note})" if a.note else "")


def resilience_text(r: Resilience) -> str:
    team = r.plan.plan.team
    proven = "proven minimal" if r.plan.proven else f"NOT proven (bound {r.plan.bound})"
    lines = [f"{team.name}: the team's plan leaves {r.uncovered} person-minutes uncovered "
             f"({proven})", "",
             "If one engineer is away for the whole horizon (person-minutes uncovered):"]
    width = max((len(a.engineer) for a in r.absences), default=8)
    lines.append(f"  {'engineer':<{width}}  {'uncovered':>9}  {'added':>7}  how")
    for a in sorted(r.absences, key=lambda a: (-a.uncovered, a.engineer)):
        lines.append(f"  {a.engineer:<{width}}  {a.uncovered:>9}  {a.uncovered - r.uncovered:>+7}"
                     f"  {_HOW[a.how]}; {_proof(a)}")
    lines.append("")
    if r.single_points:
        lines.append(f"Single points of failure ({len(r.single_points)}): intervals only these "
                     "engineers can cover")
        for s in r.single_points:
            lines.append(f"  {s.tier} {iso_utc(s.start)} .. {iso_utc(s.end)}  {s.minutes} min, "
                         f"needs {s.required}: only {', '.join(s.engineers)}")
    else:
        lines.append("Single points of failure: none (every interval has more engineers who "
                     "can cover it than it needs)")
    sure = [a.engineer for a in r.fragile if a.lower > r.uncovered]
    maybe = [a.engineer for a in r.fragile if a.lower <= r.uncovered]
    verdict = []
    if sure:
        verdict.append(f"{len(sure)} absence(s) open a gap (proven): " + ", ".join(sure))
    if maybe:
        verdict.append(f"{len(maybe)} absence(s) may open a gap (no schedule as good as the "
                       f"team's plan found without them, not proven): " + ", ".join(maybe))
    lines += ["", *(verdict or ["No single absence opens a gap."]),
              f"checked in {r.seconds:.1f}s: " + ", ".join(
                  f"{n} {how}" for how, n in sorted(r.counts.items()))
              + f"; {r.replans} re-plan(s)"]
    return "\n".join(lines) + "\n"


def resilience_json(r: Resilience) -> dict[str, Any]:
    return {
        "team": r.plan.plan.team.name, "uncovered_minutes": r.uncovered,
        "proven_minimal": r.plan.proven,
        "absences": [{"engineer": a.engineer, "uncovered_minutes": a.uncovered,
                      "added_minutes": a.uncovered - r.uncovered, "lower_bound": a.lower,
                      "proven": a.proven, "how": a.how, "status": a.status or None,
                      "note": a.note or None, "seconds": a.seconds} for a in r.absences],
        "single_points_of_failure": [
            {"tier": s.tier, "start_utc": iso_utc(s.start), "end_utc": iso_utc(s.end),
             "minutes": s.minutes, "required": s.required, "engineers": list(s.engineers)}
            for s in r.single_points],
        "opens_gap": [a.engineer for a in r.fragile],
        "seconds": r.seconds, "replans": r.replans, "search_dtime": round(r.search_dtime, 3)}
