"""Hours and shifts per 7-day block (`max_hours_per_week`, `max_shifts_per_week`).

Blocks run from the horizon start; an assignment counts in the block where it starts.
"""

from __future__ import annotations

from collections import defaultdict

from rota.assignment import hours_text
from rota.rules.base import Duty, Key, Ledger, ModelView, Rule
from rota.timeline import iso_utc


def constrain(m: ModelView, eng, ids: list[int]) -> None:
    rules = eng.rules
    blocks: dict[int, list[int]] = defaultdict(list)
    for i in ids:
        blocks[m.cands[i].block].append(i)
    for items in blocks.values():
        limit = rules.max_minutes_per_week
        if limit is not None and sum(m.cands[i].minutes for i in items) > limit:
            m.model.add(sum(m.cands[i].minutes * m.x[i] for i in items) <= limit)
        count = rules.max_shifts_per_week
        if count is not None and len(items) > count:
            m.model.add(sum(m.x[i] for i in items) <= count)


def block_label(duty: Duty, index: int) -> tuple[int, int, str]:
    start, end = duty.span.block_interval(index)
    name = f"week {index + 1}" if index >= 0 else f"the {-index}. week before the horizon"
    return start, end, f"{name} ({iso_utc(start)}..{iso_utc(end)})"


def check(duty: Duty):
    rules = duty.eng.rules
    for index, items in duty.by_block().items():
        start, end, label = block_label(duty, index)
        minutes = sum(duty.assignments[n].minutes for n in items)
        limit = rules.max_minutes_per_week
        if limit is not None and minutes > limit:
            yield duty.violation("hours_per_week", start, end,
                                 f"{hours_text(minutes)} h in {label}, above max_hours_per_week "
                                 f"{rules.max_hours_per_week:g}")
        if rules.max_shifts_per_week is not None and len(items) > rules.max_shifts_per_week:
            yield duty.violation("shifts_per_week", start, end,
                                 f"{len(items)} shifts in {label}, above max_shifts_per_week "
                                 f"{rules.max_shifts_per_week}")


def fits(eng, c, ledger: Ledger) -> bool:
    rules = eng.rules
    same = ledger.by_block.get(c.block, ())
    limit = rules.max_minutes_per_week
    if limit is not None and sum(o.minutes for o in same) + c.minutes > limit:
        return False
    return rules.max_shifts_per_week is None or len(same) + 1 <= rules.max_shifts_per_week


RULE = Rule(
    name="weekly",
    about="hours and assignments per 7-day block, counted in the block where each starts",
    keys=(Key("max_hours_per_week", "week_hours", "most hours per 7-day block"),
          Key("max_shifts_per_week", "count", "most assignments per 7-day block")),
    violations=("hours_per_week", "shifts_per_week"),
    constrain=constrain, check=check, fits=fits,
    lookback_days=lambda eng: 0)  # blocks start at the horizon; block 0 holds the facts
