"""One engineer's absence, searched on small models: a lower bound and a reshaping repair.

Both are coverage-only CP-SAT searches (`rota.solve.cover.search_cover`) over part of the
team's candidates, under every rule of the registry:

- `window_bound`: the demand inside the engineer's own reach (the union of their
  candidate shifts) alone, with every colleague's candidate that touches it. Leaving
  demand out only helps, and every candidate that could cover what is left is in, so its
  bound is a lower bound on what stays open inside the reach; `outside` adds what the
  candidates alone leave open elsewhere.
- `reshape`: a legal schedule without them, in which the colleagues who could cover their
  shifts (same tier, a candidate overlapping them) are free to take any of their
  candidates, and so are the candidates that overlap those colleagues' own shifts; the
  rest of the schedule stays fixed. Greedy hand-over only adds whole shifts; this moves,
  shortens and swaps them.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import replace

from rota.candidates import Candidate, DemandSegment
from rota.problem import Team
from rota.solve.cover import search_cover
from rota.solve.cpsat import Found
from rota.timeline import Interval, Span, merge, overlap


class Overlaps:
    """The candidates that overlap an interval, per tier (or of any tier), by bisection."""

    def __init__(self, cands: list[Candidate]):
        self.cands = cands
        self.longest = max((c.minutes for c in cands), default=0)
        self.order: dict[str | None, list[int]] = defaultdict(list)
        for i in sorted(range(len(cands)), key=lambda i: cands[i].start):
            self.order[cands[i].tier].append(i)
            self.order[None].append(i)
        self.starts = {tier: [cands[i].start for i in ids] for tier, ids in self.order.items()}

    def of(self, start: int, end: int, tier: str | None = None) -> list[int]:
        """Indices of the candidates of `tier` (None: any) that overlap [start, end)."""
        ids, starts = self.order.get(tier, []), self.starts.get(tier, [])
        first = bisect.bisect_right(starts, start - self.longest)
        last = bisect.bisect_left(starts, end)
        return [i for i in ids[first:last] if self.cands[i].end > start]


def reach(span: Span, cands: list[Candidate], eng_index: int) -> list[Interval]:
    """The union of the engineer's candidate shifts, inside the horizon."""
    return merge((max(c.start, span.start), min(c.end, span.end))
                 for c in cands if c.engineer == eng_index)


def window_bound(team: Team, span: Span, cands: list[Candidate], index: Overlaps,
                 eng_index: int, window: list[Interval], **search) -> Found:
    """A lower bound on the uncovered minutes inside `window` (the engineer's `reach`)
    without the engineer: that demand alone, covered by everyone else's candidates that
    touch it."""
    subset = sorted({i for start, end in window for i in index.of(start, end)
                     if cands[i].engineer != eng_index})
    return search_cover(team, span, [cands[i] for i in subset], window=window, single=True,
                        **search)


def reshape(team: Team, span: Span, cands: list[Candidate], index: Overlaps, eng_index: int,
            own: list[int], schedule: set[int], **search) -> tuple[set[int] | None, Found]:
    """A schedule without the engineer, from `schedule` (a legal choice without them), in
    which the neighbourhood of their shifts `own` is searched again and the rest kept.
    Returns the chosen candidates (None if the search found none) and the search."""
    helpers = {cands[i].engineer for o in own
               for i in index.of(cands[o].start, cands[o].end, cands[o].tier)} - {eng_index}
    free = {i for i, c in enumerate(cands) if c.engineer in helpers}
    for o in schedule:
        if cands[o].engineer in helpers:
            free.update(i for i in index.of(cands[o].start, cands[o].end, cands[o].tier)
                        if cands[i].engineer != eng_index)
    subset = sorted(free | schedule)
    model = [cands[i] if i in free else replace(cands[i], fixed=True) for i in subset]
    found = search_cover(team, span, model, hint=[int(i in schedule) for i in subset],
                         light=True, **search)
    if found.values is None:
        return None, found
    return {i for i, v in zip(subset, found.values) if v}, found


def outside(segments: list[DemandSegment], short: list[int], window: list[Interval]) -> int:
    """The person-minutes open outside `window` for want of engineers: `short` holds, per
    segment, how many fewer engineers have a candidate over it than it needs."""
    return sum(n * (seg.minutes - overlap(window, seg.start, seg.end))
               for seg, n in zip(segments, short) if n)


def twin_keys(team: Team, cands: list[Candidate]) -> dict[int, tuple]:
    """Per engineer, what the rules and the coverage read of them: their candidate
    shifts, rules, zone (nights) and weekend. Engineers with the same key are
    interchangeable, so their absences cost the same."""
    shifts: dict[int, list[tuple]] = defaultdict(list)
    for c in cands:
        shifts[c.engineer].append((c.tier, c.shift, c.start, c.end, c.day, c.block))
    return {n: (tuple(shifts[n]), eng.rules, eng.timezone, eng.weekend)
            for n, eng in enumerate(team.engineers)}
