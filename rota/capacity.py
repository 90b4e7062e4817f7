"""Capacity before solving: how many engineers could be on duty, and why not enough."""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from rota.assignment import Assignment
from rota.candidates import generate
from rota.check import HourRow, Segment, coverage_segments, hourly
from rota.problem import Engineer, Team
from rota.timeline import (
    Interval,
    Span,
    availability,
    free_time,
    local_midnight,
    merge,
    overlap,
    public_holidays,
    subtract,
    time_off,
)

NOBODY, TIME_OFF, NO_SHIFT = "nobody_available", "time_off", "no_shift_fits"


@dataclass(frozen=True)
class StructuralGap:
    """A stretch in which fewer engineers could be on duty than a tier requires, and why.

    `reason` is the first of these that holds: fewer holders of the tier are available by
    their weekly pattern than required (NOBODY); public holidays or `unavailable` take
    enough of them out (TIME_OFF); no fixed or flexible shift fits those left (NO_SHIFT).
    `who` names the holders concerned: available, off (with why) or free, respectively.
    """

    tier: str
    start: int
    end: int
    required: int
    possible: int
    reason: str
    who: tuple[str, ...] = ()

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass
class Capacity:
    team: Team
    span: Span
    segments: dict[str, list[Segment]]  # per tier; `assigned` = the most who could be on duty
    gaps: list[StructuralGap]

    def hours(self) -> list[HourRow]:
        """(hour, tier, required, most who could be on duty in its tightest minute, enough)."""
        return hourly(self.span, self.segments)


@dataclass(frozen=True)
class _Time:
    """One engineer's time around the horizon, level by level."""

    pattern: list[Interval]  # weekly availability
    free: list[Interval]  # minus `unavailable` and public holidays
    unavailable: list[Interval]
    holidays: dict[date, Interval]


def _engineer_time(eng: Engineer, span: Span) -> _Time:
    holidays: dict[date, Interval] = {}
    if not eng.rules.work_on_holidays:
        first, last = span.local_dates(eng.timezone, before=2, after=1)
        holidays = {d: (local_midnight(d, eng.timezone),
                        local_midnight(d + timedelta(days=1), eng.timezone))
                    for d in sorted(public_holidays(eng, span)) if first <= d <= last}
    return _Time(availability(eng, span), subtract(free_time(eng, span), list(holidays.values())),
                 time_off(eng), holidays)


def _head_count(team: Team, span: Span, reach: dict[tuple[str, str], list[Interval]]
                ) -> dict[str, list[Segment]]:
    """Per tier, how many engineers `reach` (name, tier → intervals) puts on duty."""
    stand_ins = [Assignment(name, tier, start, end)
                 for (name, tier), intervals in reach.items() for start, end in merge(intervals)]
    return coverage_segments(team, span, stand_ins)


def capacity(team: Team) -> Capacity:
    """The most engineers who could be on duty, per tier, and each structural gap's reason.

    Each engineer counts once wherever any of their legal shifts for the tier reaches;
    weekly rules (hours, rest, consecutive days) are ignored.
    """
    span = Span.of(team.horizon)
    reach: dict[tuple[str, str], list[Interval]] = defaultdict(list)
    for c in generate(team, span):
        reach[(team.engineers[c.engineer].name, c.tier)].append((c.start, c.end))
    possible = _head_count(team, span, reach)
    gaps: list[StructuralGap] = []
    if any(s.assigned < s.required for segs in possible.values() for s in segs):
        times = {eng.name: _engineer_time(eng, span) for eng in team.engineers}
        levels = [_head_count(team, span, {(eng.name, tier): getattr(times[eng.name], level)
                                           for eng in team.engineers for tier in eng.tiers})
                  for level in ("pattern", "free")]
        for tier, segments in possible.items():
            rows = _short_rows(segments, levels[0][tier], levels[1][tier])
            gaps += [_name_who(team, times, gap) for gap in rows]
    return Capacity(team, span, possible, gaps)


def capacity_segments(team: Team) -> dict[str, list[Segment]]:
    """Per tier: the most engineers who could be on duty, ignoring weekly rules."""
    return capacity(team).segments


def _short_rows(possible: list[Segment], available: list[Segment], free: list[Segment]
                ) -> list[StructuralGap]:
    """Maximal stretches with the same requirement, head-count and reason, where short."""
    starts = {id(segs): [s.start for s in segs] for segs in (possible, available, free)}

    def at(segs: list[Segment], t: int) -> Segment:
        return segs[bisect.bisect_right(starts[id(segs)], t) - 1]

    bounds = sorted({s.start for segs in (possible, available, free) for s in segs}
                    | {possible[-1].end})
    out: list[StructuralGap] = []
    for start, end in zip(bounds, bounds[1:]):
        seg = at(possible, start)
        if seg.assigned >= seg.required:
            continue
        reason = (NOBODY if at(available, start).assigned < seg.required
                  else TIME_OFF if at(free, start).assigned < seg.required else NO_SHIFT)
        last = out[-1] if out else None
        if last and last.end == start and (last.required, last.possible, last.reason) == (
                seg.required, seg.assigned, reason):
            out[-1] = StructuralGap(seg.tier, last.start, end, seg.required, seg.assigned, reason)
        else:
            out.append(StructuralGap(seg.tier, start, end, seg.required, seg.assigned, reason))
    return out


def _name_who(team: Team, times: dict[str, _Time], gap: StructuralGap) -> StructuralGap:
    who = []
    for eng in team.engineers:
        if gap.tier not in eng.tiers:
            continue
        t = times[eng.name]
        here = overlap(t.pattern, gap.start, gap.end)
        free = overlap(t.free, gap.start, gap.end)
        if gap.reason == NOBODY and here:
            who.append(eng.name)
        elif gap.reason == NO_SHIFT and free:
            who.append(eng.name)
        elif gap.reason == TIME_OFF and here > free:
            why = ["unavailable"] if overlap(t.unavailable, gap.start, gap.end) else []
            days = [str(d) for d, (s, e) in t.holidays.items() if s < gap.end and e > gap.start]
            if days:
                why.append(f"public holiday {', '.join(days)}")
            who.append(f"{eng.name} ({'; '.join(why)})")
    return StructuralGap(gap.tier, gap.start, gap.end, gap.required, gap.possible, gap.reason,
                         tuple(who))
