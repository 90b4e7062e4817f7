"""Night work: the engineer's local `night`, `max_night_shifts_per_week` and
`max_consecutive_nights`. A night shift has at least NIGHT_SHIFT_MINUTES inside `night`."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from functools import lru_cache

from rota.problem import Window
from rota.rules.base import Duty, Key, Ledger, ModelView, Rule
from rota.rules.consecutive import limit_runs, run_lookback, run_through, runs
from rota.rules.weekly import block_label
from rota.timeline import local_date, overlap, pattern_intervals

NIGHT_SHIFT_MINUTES = 3 * 60


@lru_cache(maxsize=1 << 16)
def night_minutes(tz: str, night: Window, start: int, end: int) -> int:
    """Minutes of [start, end) inside the local night window `night` of zone `tz`."""
    first = local_date(start, tz) - timedelta(days=1)
    nights = pattern_intervals(((night,),) * 7, tz, first, local_date(end, tz))
    return overlap(nights, start, end)


def night_intervals(eng, span) -> list:
    """The engineer's local nights around the horizon, as UTC intervals."""
    first, last = span.local_dates(eng.timezone, before=2, after=1)
    return pattern_intervals(((eng.rules.night,),) * 7, eng.timezone, first, last)


def is_night_shift(eng, start: int, end: int) -> bool:
    return night_minutes(eng.timezone, eng.rules.night, start, end) >= NIGHT_SHIFT_MINUTES


def _limits(eng) -> tuple[int | None, int | None]:
    return eng.rules.max_night_shifts_per_week, eng.rules.max_consecutive_nights


def constrain(m: ModelView, eng, ids: list[int]) -> None:
    per_week, in_a_row = _limits(eng)
    if per_week is None and in_a_row is None:
        return
    nights = [i for i in ids if is_night_shift(eng, m.cands[i].start, m.cands[i].end)]
    if per_week is not None:
        blocks: dict[int, list[int]] = defaultdict(list)
        for i in nights:
            blocks[m.cands[i].block].append(i)
        for items in blocks.values():
            if len(items) > per_week:
                m.model.add(sum(m.x[i] for i in items) <= per_week)
    limit_runs(m, nights, in_a_row, "night")


def check(duty: Duty):
    eng = duty.eng
    per_week, in_a_row = _limits(eng)
    if per_week is None and in_a_row is None:
        return
    night = [n for n, a in enumerate(duty.assignments) if is_night_shift(eng, a.start, a.end)]
    if per_week is not None:
        for index, items in duty.by_block().items():
            count = sum(1 for n in items if n in night)
            if count > per_week:
                start, end, label = block_label(duty, index)
                yield duty.violation("night_shifts_per_week", start, end,
                                     f"{count} night shifts in {label}, above "
                                     f"max_night_shifts_per_week {per_week}")
    if in_a_row is None:
        return
    for run in runs({duty.days[n] for n in night}):
        if len(run) > in_a_row:
            inside = [duty.assignments[n] for n in night if run[0] <= duty.days[n] <= run[-1]]
            yield duty.violation("consecutive_nights", inside[0].start,
                                 max(a.end for a in inside),
                                 f"{len(run)} consecutive nights {run[0]}..{run[-1]}, above "
                                 f"max_consecutive_nights {in_a_row}")


def fits(eng, c, ledger: Ledger) -> bool:
    per_week, in_a_row = _limits(eng)
    if (per_week is None and in_a_row is None) or not is_night_shift(eng, c.start, c.end):
        return True
    if per_week is not None:
        same = ledger.by_block.get(c.block, ())
        if sum(1 for o in same if is_night_shift(eng, o.start, o.end)) + 1 > per_week:
            return False
    if in_a_row is None:
        return True
    nights = {o.day for o in ledger.chosen if is_night_shift(eng, o.start, o.end)}
    return run_through(c.day, nights) <= in_a_row


RULE = Rule(
    name="nights",
    about="night shifts (3 h or more inside the local `night`) per 7-day block and in a row",
    keys=(Key("night", "window", "the engineer's local night, as \"HH:MM-HH:MM\""),
          Key("max_night_shifts_per_week", "count",
              "most night shifts (3 h or more inside `night`) per 7-day block"),
          Key("max_consecutive_nights", "count",
              "most local dates in a row that start a night shift")),
    violations=("night_shifts_per_week", "consecutive_nights"),
    constrain=constrain, check=check, fits=fits,
    lookback_days=lambda eng: run_lookback(eng.rules.max_consecutive_nights))
