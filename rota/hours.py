"""On-call hours for payroll (SPEC §9): weekday, weekend, public holiday and night hours.

A shift's day is the engineer's local date of its start (SPEC §1): its minutes are
holiday minutes if that date is a public holiday, else weekend minutes if it is a weekend
day, else weekday minutes. Night minutes are those inside the engineer's local `night`
(rules.night, default 22:00-06:00), counted on their own. The shift belongs to the week
(ISO, Monday first) or month of that date too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rota.assignment import Assignment
from rota.errors import Problem, ScheduleError
from rota.problem import Engineer, Team
from rota.timeline import holiday_calendar, local_date, overlap, pattern_intervals

if TYPE_CHECKING:
    import pandas

COLUMNS = ("engineer", "id", "period", "period_start", "shifts", "hours", "weekday_hours",
           "weekend_hours", "holiday_hours", "night_hours")


@dataclass
class Tally:
    """Minutes of one engineer over some shifts."""

    shifts: int = 0
    minutes: int = 0
    weekday: int = 0
    weekend: int = 0
    holiday: int = 0
    night: int = 0

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def hours(self) -> dict[str, float]:
        return {"shifts": self.shifts, "hours": _h(self.minutes),
                "weekday_hours": _h(self.weekday), "weekend_hours": _h(self.weekend),
                "holiday_hours": _h(self.holiday), "night_hours": _h(self.night)}


def _h(minutes: int) -> float:
    return round(minutes / 60, 2)


def tally(eng: Engineer, shifts: list[Assignment]) -> list[tuple[date, Tally]]:
    """Each shift of `eng` with its local start date and its split into kinds of minutes."""
    if not shifts:
        return []
    days = [local_date(a.start, eng.timezone) for a in shifts]
    first, last = min(days) - timedelta(days=1), max(days) + timedelta(days=2)
    nights = pattern_intervals((((eng.rules.night),),) * 7, eng.timezone, first, last)
    holidays = holiday_calendar(eng.holidays, first.year, last.year) if eng.holidays else ()
    out = []
    for a, day in zip(shifts, days):
        kind = ("holiday" if day in holidays else
                "weekend" if day.weekday() in eng.weekend else "weekday")
        one = Tally(shifts=1, minutes=a.minutes, night=overlap(nights, a.start, a.end))
        setattr(one, kind, a.minutes)
        out.append((day, one))
    return out


def by_engineer(team: Team, assignments: list[Assignment], source: str = "schedule"
                ) -> dict[str, list[Assignment]]:
    """Engineer id → their assignments, without duplicates; an unknown engineer is bad input."""
    out: dict[str, list[Assignment]] = defaultdict(list)
    seen: set[tuple[str, str, int, int]] = set()
    problems = []
    for a in sorted(assignments, key=lambda a: (a.start, a.end, a.engineer, a.tier)):
        eng = team.engineer(a.engineer)
        if eng is None:
            problems.append(Problem(source, f"unknown engineer '{a.engineer}'", a.row))
            continue
        if (eng.id, a.tier, a.start, a.end) not in seen:
            seen.add((eng.id, a.tier, a.start, a.end))
            out[eng.id].append(a)
    if problems:
        raise ScheduleError(problems)
    return out


def totals(team: Team, assignments: list[Assignment]) -> list[tuple[Engineer, Tally]]:
    """Every engineer of the team, in file order, with their whole tally."""
    mine = by_engineer(team, assignments)
    out = []
    for eng in team.engineers:
        total = Tally()
        for _, one in tally(eng, mine.get(eng.id, [])):
            total.add(one)
        out.append((eng, total))
    return out


def period_of(day: date, by: str) -> tuple[str, date]:
    """('2026-W10', Monday) for a week, ('2026-03', the 1st) for a month."""
    if by == "month":
        return f"{day.year:04d}-{day.month:02d}", day.replace(day=1)
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}", day - timedelta(days=day.weekday())


def hours_table(team: Team, mine: dict[str, list[Assignment]], by: str = "week"
                ) -> pandas.DataFrame:
    """One row per engineer and period in which they have a shift (COLUMNS)."""
    import pandas

    rows = []
    for eng in team.engineers:
        periods: dict[tuple[str, date], Tally] = defaultdict(Tally)
        for day, one in tally(eng, mine.get(eng.id, [])):
            periods[period_of(day, by)].add(one)
        for (label, start), total in sorted(periods.items()):
            rows.append({"engineer": eng.name, "id": eng.id, "period": label,
                         "period_start": start.isoformat(), **total.hours()})
    return pandas.DataFrame(rows, columns=list(COLUMNS))


def render(table: pandas.DataFrame, xlsx: bool = False) -> str | bytes:
    """The table as CSV text, or as a workbook with one sheet `Hours`."""
    if not xlsx:
        return table.to_csv(index=False, lineterminator="\n", float_format="%g")
    from rota.xlsx import one_sheet

    return one_sheet(table, "Hours")
