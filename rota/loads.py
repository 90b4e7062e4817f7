"""Capacity, and the per-engineer load of a schedule: hours, shifts, weekend and holiday
hours, and load against capacity. Computed here, rendered by report.py and html_report.py."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from rota.assignment import Assignment
from rota.problem import MINUTES_PER_DAY, Engineer, Team
from rota.rules.nights import night_intervals
from rota.timeline import (
    Span,
    availability,
    dates,
    local_date,
    local_midnight,
    overlap,
    public_holidays,
    time_off,
)


def engineer_loads(team: Team, assignments: list[Assignment], span: Span) -> list[dict[str, Any]]:
    """Per engineer: hours, shifts, weekend and holiday hours, and load against capacity."""
    mine: dict[str, list[Assignment]] = defaultdict(list)
    for a in assignments:
        mine[a.engineer].append(a)
    rows = []

    def nights(eng: Engineer) -> list[tuple[int, int]]:
        return night_intervals(eng, span)

    for eng in team.engineers:
        items = mine.get(eng.name, [])
        holidays = public_holidays(eng, span)
        days = [local_date(a.start, eng.timezone) for a in items]
        minutes = sum(a.minutes for a in items)
        capacity = team.capacity(eng)
        rows.append({
            "name": eng.name, "id": eng.id, "site": eng.site, "timezone": eng.timezone,
            "hours": minutes / 60, "shifts": len(items),
            "weekend_hours": sum(a.minutes for a, d in zip(items, days)
                                 if d.weekday() in eng.weekend) / 60,
            "holiday_hours": sum(a.minutes for a, d in zip(items, days) if d in holidays) / 60,
            "night_hours": sum(overlap(nights(eng), a.start, a.end) for a in items) / 60,
            "capacity_hours": capacity / 60,
            "load": round(minutes / capacity, 4) if capacity else 0.0,
        })
    return rows


def capacities(team: Team) -> dict[str, float]:
    """Per engineer id: the minutes they may work over the horizon, net of time away.

    The weekly limit (a week of 168 h where it is null) × weeks, times the share of their
    working days they are there: a working day is a local date of the horizon on which
    their availability has time; it is lost when it is one of their public holidays
    (unless they work on holidays) or when leave (`unavailable`) covers all of its
    available time. An engineer away three working days of five has two fifths of the
    capacity; one who is never there has none.
    """
    span = Span.of(team.horizon)
    return {eng.id: _full(team, eng) * _present_share(eng, span) for eng in team.engineers}


def _full(team: Team, eng: Engineer) -> float:
    weekly = eng.rules.max_minutes_per_week or 7 * MINUTES_PER_DAY
    return weekly * team.horizon.days / 7


def _present_share(eng: Engineer, span: Span) -> float:
    holidays = frozenset() if eng.rules.work_on_holidays else public_holidays(eng, span)
    off = time_off(eng)
    if not off and not holidays:
        return 1.0
    free = availability(eng, span)
    first, last = local_date(span.start, eng.timezone), local_date(span.end - 1, eng.timezone)
    working = present = 0
    for day in dates(first, last):
        start = max(span.start, local_midnight(day, eng.timezone))
        end = min(span.end, local_midnight(day + timedelta(days=1), eng.timezone))
        open_minutes = overlap(free, start, end)
        if not open_minutes:
            continue
        working += 1
        if day not in holidays and _minutes_off(off, free, start, end) < open_minutes:
            present += 1
    return present / working if working else 0.0


def _minutes_off(off, free, start: int, end: int) -> int:
    """Minutes of the available time in [start, end) that leave takes."""
    return sum(overlap(free, max(s, start), min(e, end)) for s, e in off if s < end and e > start)
