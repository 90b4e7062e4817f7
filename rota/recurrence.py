"""Recurring `unavailable` entries (SPEC §9): an RFC 5545 RRULE over local dates."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil.rrule import DAILY, rrulestr

from rota.problem import Unavailable, Window

_TOO_FINE = "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY: an entry takes whole local days"


def rrule_problem(text: str, start: date) -> str | None:
    """Why `text` is not a usable RRULE starting on `start`, or None."""
    try:
        rule = rrulestr(text.removeprefix("RRULE:"), dtstart=datetime(start.year, start.month,
                                                                       start.day))
    except (ValueError, TypeError, OverflowError) as exc:
        return f"invalid RRULE '{text}': {exc}"
    if rule._freq > DAILY:  # HOURLY, MINUTELY, SECONDLY
        return _TOO_FINE
    return None


def expand(text: str, start: date, first: date, last: date,
           window: Window | None) -> tuple[Unavailable, ...]:
    """The occurrences on local dates first..last, each a whole day or `window` on that day.

    An unbounded rule is fine: only the dates asked for are produced."""
    rule = rrulestr(text.removeprefix("RRULE:"),
                    dtstart=datetime(start.year, start.month, start.day))
    days = [d.date() for d in rule.between(datetime(first.year, first.month, first.day),
                                           datetime(last.year, last.month, last.day), inc=True)]
    if window is None:
        return tuple(Unavailable(d, d) for d in days)
    midnight = [datetime(d.year, d.month, d.day) for d in days]
    return tuple(Unavailable(m + timedelta(minutes=window[0]), m + timedelta(minutes=window[1]))
                 for m in midnight)
