"""Per-engineer load of a schedule: hours, shifts, weekend and holiday hours, and load
against capacity. Computed here, rendered by report.py and html_report.py."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rota.assignment import Assignment
from rota.problem import Team
from rota.timeline import Span, local_date, public_holidays


def engineer_loads(team: Team, assignments: list[Assignment], span: Span) -> list[dict[str, Any]]:
    """Per engineer: hours, shifts, weekend and holiday hours, and load against capacity."""
    mine: dict[str, list[Assignment]] = defaultdict(list)
    for a in assignments:
        mine[a.engineer].append(a)
    rows = []
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
            "capacity_hours": capacity / 60,
            "load": round(minutes / capacity, 4) if capacity else 0.0,
        })
    return rows
