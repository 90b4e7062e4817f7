"""The referee: a schedule + the team → coverage gaps and broken rules.

It recomputes everything from the assignments alone and never imports the solver, so it
can judge a hand-edited schedule, another tool's, or `plan`'s own output.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from rota.assignment import Assignment, match_key
from rota.problem import Team
from rota.rules import UNKNOWN_ENGINEER, VIOLATIONS, Duty, Violation
from rota.rules import violations as rule_violations
from rota.timeline import Interval, Span, demand, local_date, merge

RULES = VIOLATIONS  # every violation name, in the registry's order


@dataclass(frozen=True)
class Segment:
    """A stretch of time in which a tier's requirement and head-count do not change."""

    tier: str
    start: int
    end: int
    required: int
    assigned: int

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def missing(self) -> int:
        return max(0, self.required - self.assigned)


Gap = Segment  # a gap is a maximal segment that is short


HourRow = tuple[int, str, int, int, bool]
"""(hour start, tier, required, fewest on duty, covered) for one UTC hour and tier."""


def hourly(span: Span, segments: dict[str, list[Segment]]) -> list[HourRow]:
    """Each UTC hour of the horizon and tier: the most required and the fewest on duty in
    it, and whether every minute has what it requires."""
    first = span.start - span.start % 60
    rows = []
    for hour in range(first, span.end, 60):
        for tier, segs in segments.items():
            inside = [s for s in segs if s.start < hour + 60 and s.end > hour]
            rows.append((hour, tier, max(s.required for s in inside),
                         min(s.assigned for s in inside),
                         all(s.assigned >= s.required for s in inside)))
    return rows


@dataclass
class CheckResult:
    span: Span
    segments: dict[str, list[Segment]]  # per tier, covering the whole horizon
    gaps: list[Gap]
    violations: list[Violation]
    ignored: int = 0  # rows outside the horizon
    uncovered: dict[str, int] = field(default_factory=dict)  # person-minutes per tier

    @property
    def passed(self) -> bool:
        return not self.gaps and not self.violations

    def hours(self) -> list[HourRow]:
        return hourly(self.span, self.segments)


def check(team: Team, assignments: list[Assignment],
          history: Iterable[Assignment] = ()) -> CheckResult:
    """Judge `assignments` against `team`: every coverage gap and every broken rule.

    `history` holds rows published before (SPEC §8; for `check --history`, the facts and
    the rules' look-back window of `rota.history`). Its rows that overlap the horizon
    count as coverage; a row in both history and the schedule counts once; every rule is
    judged over history and schedule together. A violation that lies wholly in the past is
    not reported: one whose interval ends at or before the horizon start, or one that
    history alone shows as well (no row new in the schedule takes part in it).
    """
    span = Span.of(team.horizon)
    inside = [a for a in assignments if a.start < span.end and a.end > span.start]
    violations: list[Violation] = []
    valid: list[Assignment] = []
    by_engineer: dict[str, list[Assignment]] = defaultdict(list)
    past: dict[str, list[Assignment]] = defaultdict(list)
    for a in history:
        eng = team.engineer(a.engineer)
        if eng is not None:  # history of someone no longer in the team is left out
            past[eng.name].append(replace(a, engineer=eng.name))
    published = {match_key(a) for rows in past.values() for a in rows}
    for a in inside:
        eng = team.engineer(a.engineer)
        if eng is None:
            violations.append(Violation(UNKNOWN_ENGINEER, a.engineer, a.start, a.end,
                                        f"'{a.engineer}' is not an engineer of this team",
                                        a.row))
            continue
        a = replace(a, engineer=eng.name)  # a row may name them by id
        if match_key(a) in published:
            continue  # counted once, as history
        by_engineer[eng.name].append(a)
    for name, rows in past.items():
        by_engineer[name] += rows
    for name, mine in by_engineer.items():
        eng = team.engineer(name)
        assert eng is not None
        valid += [a for a in mine  # a tier not held is a violation, and no coverage
                  if a.tier in eng.tiers and a.start < span.end and a.end > span.start]
        found = rule_violations(_duty(eng, span, mine))
        if name in past:
            before = set(map(_same, rule_violations(_duty(eng, span, list(past[name])))))
            found = [v for v in found if v.end > span.start and _same(v) not in before]
        violations.extend(found)
    segments = coverage_segments(team, span, valid)
    gaps = [seg for segs in segments.values() for seg in segs if seg.assigned < seg.required]
    uncovered = {tier: sum(s.missing * s.minutes for s in segs) for tier, segs in segments.items()}
    violations.sort(key=lambda v: (v.start, v.engineer, v.rule))
    return CheckResult(span, segments, gaps, violations, len(assignments) - len(inside), uncovered)


def _duty(eng, span: Span, rows: list[Assignment]) -> Duty:
    rows.sort(key=lambda a: (a.start, a.end))
    return Duty(eng, span, rows, [local_date(a.start, eng.timezone) for a in rows])


def _same(v: Violation) -> tuple[str, int, int, str]:
    """A violation as history alone may show it too (its row number aside)."""
    return (v.rule, v.start, v.end, v.message)


def coverage_segments(team: Team, span: Span, assignments: list[Assignment]
                      ) -> dict[str, list[Segment]]:
    """Per tier, the horizon cut where the requirement or the head-count changes."""
    out: dict[str, list[Segment]] = {}
    for tier, pieces in demand(team, span).items():
        delta: dict[int, int] = defaultdict(int)
        need: dict[int, int] = defaultdict(int)
        on: dict[str, list[Interval]] = defaultdict(list)
        for a in assignments:
            if a.tier == tier:
                on[a.engineer].append((max(a.start, span.start), min(a.end, span.end)))
        for intervals in on.values():  # a double-booked engineer is still one person
            for start, end in merge(intervals):
                delta[start] += 1
                delta[end] -= 1
        for start, end, required in pieces:
            need[start] += required
            need[end] -= required
        bounds = sorted({span.start, span.end, *delta, *need})
        segs: list[Segment] = []
        on_duty = required = 0
        for start, end in zip(bounds, bounds[1:]):
            on_duty += delta.get(start, 0)
            required += need.get(start, 0)
            if start >= span.end:
                break
            if segs and segs[-1].end == start and (segs[-1].required, segs[-1].assigned) == (
                    required, on_duty):
                segs[-1] = Segment(tier, segs[-1].start, end, required, on_duty)
            else:
                segs.append(Segment(tier, start, end, required, on_duty))
        out[tier] = segs
    return out
