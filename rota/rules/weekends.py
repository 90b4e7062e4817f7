"""Weekend days per 7-day block (`max_weekend_days`); the weekend is the engineer's own."""

from __future__ import annotations

from collections import defaultdict

from rota.rules.base import Duty, Key, Ledger, ModelView, Rule
from rota.rules.weekly import block_label


def constrain(m: ModelView, eng, ids: list[int]) -> None:
    limit = eng.rules.max_weekend_days
    weekend = [i for i in ids if m.cands[i].day.weekday() in eng.weekend]
    if limit is None or not weekend:
        return
    flags = m.day_flags(weekend, lambda c: (c.block, c.day))
    per_block: dict[int, list] = defaultdict(list)
    for (block, _), flag in flags.items():
        per_block[block].append(flag)
    for block_flags in per_block.values():
        if len(block_flags) > limit:
            m.model.add(sum(block_flags) <= limit)


def check(duty: Duty):
    eng = duty.eng
    limit = eng.rules.max_weekend_days
    if limit is None:
        return
    for index, items in duty.by_block().items():
        weekend = {duty.days[n] for n in items if duty.days[n].weekday() in eng.weekend}
        if len(weekend) > limit:
            start, end, label = block_label(duty, index)
            yield duty.violation("weekend_days", start, end,
                                 f"{len(weekend)} weekend days in {label}, above "
                                 f"max_weekend_days {limit}")


def fits(eng, c, ledger: Ledger) -> bool:
    limit = eng.rules.max_weekend_days
    if limit is None or c.day.weekday() not in eng.weekend:
        return True
    days = {o.day for o in ledger.by_block.get(c.block, ()) if o.day.weekday() in eng.weekend}
    return len(days | {c.day}) <= limit


RULE = Rule(
    name="weekend_days",
    about="days of the engineer's own weekend with a shift start, per 7-day block",
    keys=(Key("max_weekend_days", "count",
              "most local weekend days with a shift start per 7-day block"),),
    violations=("weekend_days",),
    constrain=constrain, check=check, fits=fits)
