"""Local wall-clock patterns, dates and zones → UTC instants (SPEC §1).

Instants are whole minutes since the Unix epoch (UTC). Each local time is converted with
the zone rules of its own date: a nonexistent time (spring-forward gap) moves forward to
the first instant that exists; an ambiguous time (fall-back) resolves so that windows are
never shortened: a start takes the earlier occurrence, an end the later one.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

from rota.problem import MINUTES_PER_DAY, CoverageRule, Engineer, Horizon, Team, WeeklyPattern

Interval = tuple[int, int]
WEEK_MINUTES = 7 * MINUTES_PER_DAY
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@cache
def zone(name: str) -> ZoneInfo:
    """The zone as the `tzdata` package has it (SPEC §1); plain ZoneInfo would prefer the
    host's /usr/share/zoneinfo, whose rules may be older. Falls back to that if needed."""
    try:
        with resources.files("tzdata.zoneinfo").joinpath(*name.split("/")).open("rb") as f:
            return ZoneInfo.from_file(f, key=name)
    except (ImportError, OSError, ValueError):
        return ZoneInfo(name)


def to_minute(moment: datetime) -> int:
    """An aware datetime → epoch minute (seconds are dropped)."""
    return int((moment - EPOCH).total_seconds()) // 60


def from_minute(minute: int) -> datetime:
    return EPOCH + timedelta(minutes=minute)


def iso_utc(minute: int) -> str:
    return from_minute(minute).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_local(minute: int, tz: str) -> str:
    return from_minute(minute).astimezone(zone(tz)).isoformat()


def local_date(minute: int, tz: str) -> date:
    """The local calendar date of an instant."""
    return from_minute(minute).astimezone(zone(tz)).date()


@lru_cache(maxsize=200_000)
def localize(day: date, minute_of_day: int, tz: str, *, is_end: bool) -> int:
    """The instant of local `day` + `minute_of_day` (may exceed 1440) in zone `tz`."""
    naive = datetime(day.year, day.month, day.day) + timedelta(minutes=minute_of_day)
    early = to_minute(naive.replace(tzinfo=zone(tz), fold=0))
    late = to_minute(naive.replace(tzinfo=zone(tz), fold=1))
    if early == late:
        return early
    if early < late:  # ambiguous: the wall time happens twice
        return late if is_end else early
    # Nonexistent: fold=1 gives an instant before the gap, fold=0 one after it. The first
    # existing instant at or after the wall time lies between them; local time is
    # monotonic there, so bisect on it.
    lo, hi = late, early
    while lo < hi:
        mid = (lo + hi) // 2
        if from_minute(mid).astimezone(zone(tz)).replace(tzinfo=None) >= naive:
            hi = mid
        else:
            lo = mid + 1
    return lo


def local_midnight(day: date, tz: str) -> int:
    return localize(day, 0, tz, is_end=False)


def dates(first: date, last: date) -> Iterator[date]:
    """first..last inclusive."""
    for i in range((last - first).days + 1):
        yield first + timedelta(days=i)


@dataclass(frozen=True)
class Span:
    """The horizon as instants, with its 7-day block boundaries."""

    start: int
    end: int
    block_starts: tuple[int, ...]

    @classmethod
    def of(cls, horizon: Horizon) -> Span:
        tz = horizon.timezone
        start = local_midnight(horizon.start, tz)
        end = local_midnight(horizon.start + timedelta(days=horizon.days), tz)
        blocks = tuple(local_midnight(horizon.start + timedelta(days=d), tz)
                       for d in range(0, horizon.days, 7))
        return cls(start, end, blocks)

    def block(self, minute: int) -> int:
        """The 7-day block an assignment starting at `minute` counts in (0 before the start)."""
        return max(0, bisect.bisect_right(self.block_starts, minute) - 1)

    def block_of(self, start: int, end: int) -> int:
        """The block of an assignment [start, end): one that overlaps the horizon counts in
        the block where it starts (block 0 if it starts before the horizon, SPEC §1); one
        wholly before the horizon (history) in a week before it: -1 for the 7 × 24 h before
        the start, -2 for the week before that, and so on."""
        if end > self.start:
            return self.block(start)
        return (start - self.start) // WEEK_MINUTES

    def block_interval(self, index: int) -> Interval:
        if index < 0:
            start = self.start + index * WEEK_MINUTES
            return (start, start + WEEK_MINUTES)
        end = self.block_starts[index + 1] if index + 1 < len(self.block_starts) else self.end
        return (self.block_starts[index], end)

    def local_dates(self, tz: str, before: int = 1, after: int = 1) -> tuple[date, date]:
        """Local dates in `tz` that the horizon touches, widened by whole days."""
        first = local_date(self.start, tz) - timedelta(days=before)
        last = local_date(self.end - 1, tz) + timedelta(days=after)
        return first, last


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Union of half-open intervals; touching ones are joined."""
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def subtract(intervals: list[Interval], holes: list[Interval]) -> list[Interval]:
    """Merged `intervals` minus merged `holes`."""
    out: list[Interval] = []
    holes = merge(holes)
    for start, end in intervals:
        cursor = start
        for h_start, h_end in holes:
            if h_end <= cursor or h_start >= end:
                continue
            if h_start > cursor:
                out.append((cursor, h_start))
            cursor = max(cursor, h_end)
        if cursor < end:
            out.append((cursor, end))
    return out


def pattern_intervals(pattern: WeeklyPattern, tz: str, first: date, last: date) -> list[Interval]:
    """A weekly pattern's windows on local dates first..last, as merged UTC intervals."""
    out = []
    for day in dates(first, last):
        for win_start, win_end in pattern[day.weekday()]:
            start = localize(day, win_start, tz, is_end=False)
            end = localize(day, win_end, tz, is_end=True)
            if start < end:
                out.append((start, end))
    return merge(out)


def contains(intervals: list[Interval], start: int, end: int) -> bool:
    """Whether [start, end) lies inside one of the merged `intervals`."""
    i = bisect.bisect_right(intervals, (start, float("inf"))) - 1
    return i >= 0 and intervals[i][0] <= start and end <= intervals[i][1]


def overlap(intervals: list[Interval], start: int, end: int) -> int:
    """Minutes of [start, end) inside the merged `intervals`."""
    return sum(max(0, min(end, b) - max(start, a)) for a, b in intervals if a < end and b > start)


# ----- an engineer's time -----------------------------------------------------------------

def _engineer_dates(eng: Engineer, span: Span) -> tuple[date, date]:
    return span.local_dates(eng.timezone, before=2, after=1)


def around(eng: Engineer, span: Span) -> list[Interval]:
    """The engineer's local days around the horizon, whole: all the time there is to plan."""
    first, last = _engineer_dates(eng, span)
    return [(local_midnight(first, eng.timezone),
             local_midnight(last + timedelta(days=1), eng.timezone))]


def availability(eng: Engineer, span: Span) -> list[Interval]:
    """When the engineer's weekly pattern lets them work, around the horizon (no time off)."""
    if eng.availability is None:
        return around(eng, span)
    return pattern_intervals(eng.availability, eng.timezone, *_engineer_dates(eng, span))


def time_off(eng: Engineer) -> list[Interval]:
    """The engineer's `unavailable` entries as UTC intervals."""
    out = []
    for entry in eng.unavailable:
        if isinstance(entry.start, datetime) and isinstance(entry.end, datetime):
            start = localize(entry.start.date(), entry.start.hour * 60 + entry.start.minute,
                             eng.timezone, is_end=False)
            end = localize(entry.end.date(), entry.end.hour * 60 + entry.end.minute,
                           eng.timezone, is_end=True)
        else:
            start = local_midnight(entry.start, eng.timezone)
            end = localize(entry.end, MINUTES_PER_DAY, eng.timezone, is_end=True)
        out.append((start, end))
    return merge(out)


def free_time(eng: Engineer, span: Span) -> list[Interval]:
    """Availability minus time off (holidays are a rule on the shift's start date)."""
    return subtract(availability(eng, span), time_off(eng))


def soft_intervals(eng: Engineer, span: Span, which: str) -> list[Interval] | None:
    """The engineer's `prefer` or `avoid` windows as UTC intervals (None if not given)."""
    pattern = eng.prefer if which == "prefer" else eng.avoid
    if pattern is None:
        return None
    return pattern_intervals(pattern, eng.timezone, *_engineer_dates(eng, span))


@cache
def holiday_calendar(code: str, first_year: int, last_year: int) -> frozenset[date]:
    """Public holidays of a region code such as "GB-ENG" in the years given."""
    import holidays

    country, _, subdiv = code.partition("-")
    found = holidays.country_holidays(country, subdiv=subdiv or None,
                                      years=range(first_year, last_year + 1))
    return frozenset(found.keys())


def public_holidays(eng: Engineer, span: Span) -> frozenset[date]:
    """The engineer's public holidays on the local dates around the horizon."""
    if not eng.holidays:
        return frozenset()
    first, last = _engineer_dates(eng, span)
    return holiday_calendar(eng.holidays, first.year, last.year)


def holiday_name(code: str, day: date) -> str:
    import holidays

    country, _, subdiv = code.partition("-")
    return holidays.country_holidays(country, subdiv=subdiv or None, years=day.year).get(day, "")


# ----- demand -----------------------------------------------------------------------------

def rule_intervals(rule: CoverageRule, span: Span) -> list[Interval]:
    """The UTC intervals, clipped to the horizon, in which a coverage rule applies."""
    first, last = span.local_dates(rule.timezone)
    out = []
    for day in dates(first, last):
        if day.weekday() not in rule.days:
            continue
        for win_start, win_end in rule.windows:
            start = max(localize(day, win_start, rule.timezone, is_end=False), span.start)
            end = min(localize(day, win_end, rule.timezone, is_end=True), span.end)
            if start < end:
                out.append((start, end))
    return out


def demand(team: Team, span: Span) -> dict[str, list[tuple[int, int, int]]]:
    """Per tier, the requirement as sorted (start, end, required) pieces with required > 0.

    The requirement at an instant is the largest `min` of the rules that apply to it.
    """
    out: dict[str, list[tuple[int, int, int]]] = {}
    for tier in team.tiers:
        events: dict[int, list[tuple[int, int]]] = defaultdict(list)  # time → (min, ±1)
        for rule in team.coverage:
            if rule.tier == tier and rule.min > 0:
                for start, end in rule_intervals(rule, span):
                    events[start].append((rule.min, 1))
                    events[end].append((rule.min, -1))
        active: Counter[int] = Counter()  # how many intervals of each `min` are open
        merged: list[tuple[int, int, int]] = []
        bounds = sorted(events)
        for start, end in zip(bounds, bounds[1:]):
            for count, step in events[start]:
                active[count] += step
            need = max((m for m, n in active.items() if n > 0), default=0)
            if need <= 0:
                continue
            if merged and merged[-1][1] == start and merged[-1][2] == need:
                merged[-1] = (merged[-1][0], end, need)
            else:
                merged.append((start, end, need))
        out[tier] = merged
    return out
