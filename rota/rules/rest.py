"""Rest between two assignments of one engineer (`min_rest_hours`), and no overlap."""

from __future__ import annotations

import heapq
from collections import defaultdict

from rota.assignment import hours_text
from rota.rules.base import Duty, Key, Ledger, ModelView, Rule
from rota.timeline import iso_utc


def constrain(m: ModelView, eng, ids: list[int]) -> None:
    """Intervals [start, end + rest) of one engineer must not overlap: one at-most-one
    constraint per maximal clique of that interval graph, found by a sweep."""
    rest = eng.rules.min_rest_minutes
    by_start: dict[int, list[int]] = defaultdict(list)
    for i in ids:
        by_start[m.cands[i].start].append(i)
    starts = sorted(by_start)
    active: dict[int, int] = {}
    expiry: list[tuple[int, int]] = []
    for n, t in enumerate(starts):
        for i in by_start[t]:
            release = m.cands[i].end + rest
            active[i] = release
            heapq.heappush(expiry, (release, i))
        while expiry and expiry[0][0] <= t:
            active.pop(heapq.heappop(expiry)[1], None)
        following = starts[n + 1] if n + 1 < len(starts) else None
        if len(active) > 1 and (following is None or expiry[0][0] <= following):
            m.model.add_at_most_one(m.x[i] for i in active)


def check(duty: Duty):
    rules, name = duty.eng.rules, duty.eng.name
    latest = None
    for a in duty.assignments:
        if latest is not None:
            if a.start < latest.end:
                yield duty.violation("overlap", a.start, min(a.end, latest.end),
                                     f"{name} has overlapping assignments at {iso_utc(a.start)}",
                                     a.row)
            elif a.start - latest.end < rules.min_rest_minutes:
                yield duty.violation(
                    "rest", latest.end, a.start,
                    f"only {hours_text(a.start - latest.end)} h rest between "
                    f"{iso_utc(latest.end)} and {iso_utc(a.start)} (min_rest_hours "
                    f"{rules.min_rest_hours:g})", a.row)
        if latest is None or a.end > latest.end:
            latest = a


def fits(eng, c, ledger: Ledger) -> bool:
    rest = eng.rules.min_rest_minutes
    return not any(o.start < c.end + rest and c.start < o.end + rest for o in ledger.chosen)


RULE = Rule(
    name="rest",
    about="two assignments of one engineer neither overlap nor come closer than the rest",
    keys=(Key("min_rest_hours", "hours", "least rest between two assignments of one engineer"),),
    violations=("rest", "overlap"),
    constrain=constrain, check=check, fits=fits,
    lookback_days=lambda eng: -(-eng.rules.min_rest_minutes // 1440) + 1)
