"""The referee: a schedule + the team → coverage gaps and broken rules.

It recomputes everything from the assignments alone and never imports the solver, so it
can judge a hand-edited schedule, another tool's, or `plan`'s own output.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from rota.problem import Engineer, Team
from rota.schedule import Assignment, hours_text
from rota.timeline import (
    Interval,
    Span,
    availability,
    contains,
    demand,
    iso_utc,
    local_date,
    merge,
    overlap,
    public_holidays,
    time_off,
)

RULES = ("availability", "unavailable", "holiday", "rest", "shift_length", "hours_per_week",
         "shifts_per_week", "consecutive_days", "weekend_days", "unknown_engineer", "tier",
         "overlap")


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


@dataclass(frozen=True)
class Violation:
    rule: str
    engineer: str
    start: int
    end: int
    message: str
    row: int | None = None  # the schedule line it comes from, when one row is to blame


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
            violations.append(Violation("unknown_engineer", a.engineer, a.start, a.end,
                                        f"'{a.engineer}' is not an engineer of this team",
                                        a.row))
            continue
        by_engineer[eng.name].append(a)
        if a.tier not in eng.tiers:
            violations.append(Violation("tier", eng.name, a.start, a.end,
                                        f"{eng.name} does not hold tier '{a.tier}' "
                                        f"(holds {', '.join(eng.tiers)})", a.row))
        else:
            valid.append(replace(a, engineer=eng.name))  # a row may name them by id
    for name, mine in by_engineer.items():
        eng = team.engineer(name)
        assert eng is not None
        violations.extend(_engineer_violations(eng, sorted(mine, key=lambda a: (a.start, a.end)),
                                               span))
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


def _engineer_violations(eng: Engineer, mine: list[Assignment], span: Span) -> list[Violation]:
    rules = eng.rules
    out: list[Violation] = []

    def add(rule: str, start: int, end: int, message: str, row: int | None = None) -> None:
        out.append(Violation(rule, eng.name, start, end, message, row))

    free = availability(eng, span)
    off = time_off(eng)
    holidays = set() if rules.work_on_holidays else public_holidays(eng, span)
    days = {id(a): local_date(a.start, eng.timezone) for a in mine}
    for a in mine:
        when = f"{iso_utc(a.start)}..{iso_utc(a.end)}"
        if not contains(free, a.start, a.end):
            add("availability", a.start, a.end, f"{eng.name} is not available for all of {when}",
                a.row)
        if overlap(off, a.start, a.end):
            add("unavailable", a.start, a.end, f"{eng.name} is unavailable during {when}", a.row)
        if days[id(a)] in holidays:
            add("holiday", a.start, a.end,
                f"{days[id(a)]} is a public holiday ({eng.holidays}) for {eng.name}", a.row)
        if a.minutes > rules.max_shift_minutes:
            add("shift_length", a.start, a.end, f"{hours_text(a.minutes)} h is longer than "
                                                f"max_shift_hours {rules.max_shift_hours:g}",
                a.row)
    latest = None
    for a in mine:
        if latest is not None:
            if a.start < latest.end:
                add("overlap", a.start, min(a.end, latest.end),
                    f"{eng.name} has overlapping assignments at {iso_utc(a.start)}", a.row)
            elif a.start - latest.end < rules.min_rest_minutes:
                add("rest", latest.end, a.start,
                    f"only {hours_text(a.start - latest.end)} h rest between "
                    f"{iso_utc(latest.end)} and {iso_utc(a.start)} (min_rest_hours "
                    f"{rules.min_rest_hours:g})", a.row)
        if latest is None or a.end > latest.end:
            latest = a
    out.extend(_weekly_violations(eng, mine, span, days))
    out.extend(_consecutive_violations(eng, mine, days))
    return out


def _weekly_violations(eng: Engineer, mine: list[Assignment], span: Span,
                       days: dict[int, date]) -> list[Violation]:
    rules = eng.rules
    out = []
    blocks: dict[int, list[Assignment]] = defaultdict(list)
    for a in mine:
        blocks[span.block(a.start)].append(a)
    for index, items in sorted(blocks.items()):
        start, end = span.block_interval(index)
        label = f"week {index + 1} ({iso_utc(start)}..{iso_utc(end)})"
        minutes = sum(a.minutes for a in items)
        limit = rules.max_minutes_per_week
        if limit is not None and minutes > limit:
            out.append(Violation("hours_per_week", eng.name, start, end,
                                 f"{hours_text(minutes)} h in {label}, above max_hours_per_week "
                                 f"{rules.max_hours_per_week:g}"))
        if rules.max_shifts_per_week is not None and len(items) > rules.max_shifts_per_week:
            out.append(Violation("shifts_per_week", eng.name, start, end,
                                 f"{len(items)} shifts in {label}, above max_shifts_per_week "
                                 f"{rules.max_shifts_per_week}"))
        weekend = sorted({days[id(a)] for a in items if days[id(a)].weekday() in eng.weekend})
        if rules.max_weekend_days is not None and len(weekend) > rules.max_weekend_days:
            out.append(Violation("weekend_days", eng.name, start, end,
                                 f"{len(weekend)} weekend days in {label}, above "
                                 f"max_weekend_days {rules.max_weekend_days}"))
    return out


def _consecutive_violations(eng: Engineer, mine: list[Assignment],
                            days: dict[int, date]) -> list[Violation]:
    limit = eng.rules.max_consecutive_days
    if limit is None or not mine:
        return []
    worked = sorted({days[id(a)] for a in mine})
    out = []
    run = [worked[0]]
    for day in [*worked[1:], None]:
        if day is not None and day - run[-1] == timedelta(days=1):
            run.append(day)
            continue
        if len(run) > limit:
            in_run = [a for a in mine if run[0] <= days[id(a)] <= run[-1]]
            out.append(Violation("consecutive_days", eng.name, in_run[0].start,
                                 max(a.end for a in in_run),
                                 f"{len(run)} consecutive days {run[0]}..{run[-1]}, above "
                                 f"max_consecutive_days {limit}"))
        if day is not None:
            run = [day]
    return out
