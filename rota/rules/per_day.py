"""Assignments starting on one local date (`max_shifts_per_day`): no split days."""

from __future__ import annotations

from collections import defaultdict

from rota.rules.base import Duty, Key, Ledger, ModelView, Rule


def constrain(m: ModelView, eng, ids: list[int]) -> None:
    limit = eng.rules.max_shifts_per_day
    if limit is None:
        return
    per_day: dict = defaultdict(list)
    for i in ids:
        per_day[m.cands[i].day].append(i)
    for items in per_day.values():
        if len(items) > limit:
            m.model.add(sum(m.x[i] for i in items) <= limit)


def check(duty: Duty):
    limit = duty.eng.rules.max_shifts_per_day
    if limit is None:
        return
    per_day: dict = defaultdict(list)
    for a, day in zip(duty.assignments, duty.days):
        per_day[day].append(a)
    for day, items in sorted(per_day.items()):
        if len(items) > limit:
            yield duty.violation("shifts_per_day", items[0].start, max(a.end for a in items),
                                 f"{len(items)} shifts start on {day}, above "
                                 f"max_shifts_per_day {limit}", items[-1].row)


def fits(eng, c, ledger: Ledger) -> bool:
    limit = eng.rules.max_shifts_per_day
    return limit is None or ledger.days.get(c.day, 0) + 1 <= limit


RULE = Rule(
    name="shifts_per_day",
    about="assignments starting on one local date",
    keys=(Key("max_shifts_per_day", "count", "most assignments starting on one local date"),),
    violations=("shifts_per_day",),
    constrain=constrain, check=check, fits=fits,
    lookback_days=lambda eng: 2)  # the local date of the horizon start, in any zone
