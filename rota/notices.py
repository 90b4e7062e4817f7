"""Warnings about a schedule that do not change the verdict: rows the referee ignored, and
local-time columns that contradict the engineer and the instant."""

from __future__ import annotations

from dateutil.parser import isoparse

from rota.assignment import Assignment
from rota.check import CheckResult
from rota.problem import Team
from rota.timeline import iso_local, iso_utc


def schedule_warnings(team: Team, assignments: list[Assignment], verdict: CheckResult,
                      name: str) -> list[str]:
    """One `warning: FILE[:LINE]: ...` line per thing worth telling."""
    out = []
    if assignments and verdict.ignored == len(assignments):
        out.append(f"warning: {name}: all {len(assignments)} rows lie outside the horizon "
                   f"{iso_utc(verdict.span.start)}..{iso_utc(verdict.span.end)} and were ignored")
    for a in assignments:
        eng = team.engineer(a.engineer)
        if a.local is None or eng is None:
            continue
        problem = _local_problem(a, eng.name, eng.timezone)
        if problem:
            out.append(f"warning: {name}:{a.row}: {problem}")
    return out


def _local_problem(a: Assignment, who: str, tz: str) -> str | None:
    zone, start_local, end_local = a.local or ("", "", "")
    if zone != tz:
        return f"timezone '{zone}' is not {who}'s time zone '{tz}'; the local times are wrong"
    for column, text, minute in (("start_local", start_local, a.start),
                                 ("end_local", end_local, a.end)):
        expected = iso_local(minute, tz)
        try:
            same = isoparse(text) == isoparse(expected) and (
                isoparse(text).utcoffset() == isoparse(expected).utcoffset())
        except (ValueError, OverflowError):
            same = False
        if not same:
            return f"{column} '{text}' is not {who}'s local time of that instant, {expected}"
    return None
