"""Consecutive local calendar days with a shift start (`max_consecutive_days`)."""

from __future__ import annotations

from datetime import date, timedelta

from rota.rules.base import Duty, Key, Ledger, ModelView, Rule


def limit_runs(m: ModelView, ids: list[int], limit: int | None, tag: str = "") -> None:
    """At most `limit` local dates in a row on which one of candidates `ids` starts: one
    constraint per window of limit + 1 dates that all have a candidate."""
    days = {m.cands[i].day for i in ids}
    if limit is None or len(days) <= limit:
        return
    flags = None
    for first in sorted(days):
        window = [first + timedelta(days=d) for d in range(limit + 1)]
        if all(d in days for d in window):
            flags = flags or m.day_flags(ids, lambda c: (tag, c.day) if tag else c.day)
            m.model.add(sum(flags[(tag, d) if tag else d] for d in window) <= limit)


def constrain(m: ModelView, eng, ids: list[int]) -> None:
    limit_runs(m, ids, eng.rules.max_consecutive_days)


def run_lookback(limit: int | None) -> int:
    """Days of history a run limit needs: the run, one more for the day it would break,
    one for the widest zone offset."""
    return 0 if limit is None else limit + 2


def runs(days: set[date]) -> list[list[date]]:
    """Maximal runs of consecutive dates, in order."""
    out: list[list[date]] = []
    for day in sorted(days):
        if out and day - out[-1][-1] == timedelta(days=1):
            out[-1].append(day)
        else:
            out.append([day])
    return out


def check(duty: Duty):
    limit = duty.eng.rules.max_consecutive_days
    if limit is None:
        return
    for run in runs(set(duty.days)):
        if len(run) > limit:
            inside = [a for a, d in zip(duty.assignments, duty.days) if run[0] <= d <= run[-1]]
            yield duty.violation("consecutive_days", inside[0].start, max(a.end for a in inside),
                                 f"{len(run)} consecutive days {run[0]}..{run[-1]}, above "
                                 f"max_consecutive_days {limit}")


def run_through(day: date, worked) -> int:
    """The length of the run of consecutive dates through `day` if it is worked too."""
    length, probe = 1, day - timedelta(days=1)
    while probe in worked:
        length, probe = length + 1, probe - timedelta(days=1)
    probe = day + timedelta(days=1)
    while probe in worked:
        length, probe = length + 1, probe + timedelta(days=1)
    return length


def fits(eng, c, ledger: Ledger) -> bool:
    limit = eng.rules.max_consecutive_days
    return limit is None or run_through(c.day, ledger.days) <= limit


RULE = Rule(
    name="consecutive_days",
    about="local calendar days in a row with a shift start",
    keys=(Key("max_consecutive_days", "count",
              "most local calendar days in a row with a shift start"),),
    violations=("consecutive_days",),
    constrain=constrain, check=check, fits=fits,
    lookback_days=lambda eng: run_lookback(eng.rules.max_consecutive_days))
