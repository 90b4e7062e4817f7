"""The referee: a schedule + the team → coverage gaps and broken rules.

It recomputes everything from the assignments alone and never imports the solver, so it
can judge a hand-edited schedule, another tool's, or `plan`'s own output.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from rota.assignment import Assignment
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


def check(team: Team, assignments: list[Assignment]) -> CheckResult:
    """Judge `assignments` against `team`: every coverage gap and every broken rule."""
    span = Span.of(team.horizon)
    inside = [a for a in assignments if a.start < span.end and a.end > span.start]
    violations: list[Violation] = []
    valid: list[Assignment] = []
    by_engineer: dict[str, list[Assignment]] = defaultdict(list)
    for a in inside:
        eng = team.engineer(a.engineer)
        if eng is None:
            violations.append(Violation(UNKNOWN_ENGINEER, a.engineer, a.start, a.end,
                                        f"'{a.engineer}' is not an engineer of this team",
                                        a.row))
            continue
        a = replace(a, engineer=eng.name)  # a row may name them by id
        by_engineer[eng.name].append(a)
        if a.tier in eng.tiers:  # a tier not held is a violation, and no coverage
            valid.append(a)
    for name, mine in by_engineer.items():
        eng = team.engineer(name)
        assert eng is not None
        mine.sort(key=lambda a: (a.start, a.end))
        duty = Duty(eng, span, mine, [local_date(a.start, eng.timezone) for a in mine])
        violations.extend(rule_violations(duty))
    segments = coverage_segments(team, span, valid)
    gaps = [seg for segs in segments.values() for seg in segs if seg.assigned < seg.required]
    uncovered = {tier: sum(s.missing * s.minutes for s in segs) for tier, segs in segments.items()}
    violations.sort(key=lambda v: (v.start, v.engineer, v.rule))
    return CheckResult(span, segments, gaps, violations, len(assignments) - len(inside), uncovered)


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
