"""A quick greedy schedule: the solver's starting point (a hint), never its answer.

Walks each tier's demand in time order; wherever it is short, it adds the legal candidate
that covers the most short minutes from there on, preferring the less loaded engineer.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from rota.candidates import Candidate, DemandSegment
from rota.problem import Team


class _Ledger:
    """What one engineer has been given so far, to test the hard rules incrementally."""

    def __init__(self) -> None:
        self.chosen: list[Candidate] = []
        self.block_minutes: dict[int, int] = defaultdict(int)
        self.block_shifts: dict[int, int] = defaultdict(int)
        self.weekend_days: dict[int, set] = defaultdict(set)
        self.minutes = 0


def _fits(team: Team, c: Candidate, ledger: _Ledger) -> bool:
    eng = team.engineers[c.engineer]
    rules = eng.rules
    rest = rules.min_rest_minutes
    if any(o.start < c.end + rest and c.start < o.end + rest for o in ledger.chosen):
        return False
    limit = rules.max_minutes_per_week
    if limit is not None and ledger.block_minutes[c.block] + c.minutes > limit:
        return False
    if (rules.max_shifts_per_week is not None
            and ledger.block_shifts[c.block] + 1 > rules.max_shifts_per_week):
        return False
    if c.day.weekday() in eng.weekend and rules.max_weekend_days is not None:
        if len(ledger.weekend_days[c.block] | {c.day}) > rules.max_weekend_days:
            return False
    if rules.max_consecutive_days is not None:
        days = {o.day for o in ledger.chosen} | {c.day}
        run, day = 1, c.day
        while day - timedelta(days=1) in days:
            run, day = run + 1, day - timedelta(days=1)
        day = c.day
        while day + timedelta(days=1) in days:
            run, day = run + 1, day + timedelta(days=1)
        if run > rules.max_consecutive_days:
            return False
    return True


def greedy_cover(team: Team, candidates: list[Candidate],
                 segments: list[DemandSegment]) -> list[int]:
    """0/1 per candidate: a legal schedule that covers what a greedy pass can."""
    chosen = [0] * len(candidates)
    ledgers: dict[int, _Ledger] = defaultdict(_Ledger)
    by_tier: dict[str, list[DemandSegment]] = defaultdict(list)
    for seg in segments:
        by_tier[seg.tier].append(seg)
    for segs in by_tier.values():
        on_duty = [0] * len(segs)
        for k, seg in enumerate(segs):
            while on_duty[k] < seg.need:
                best, best_key = None, None
                for i in seg.covering:
                    c = candidates[i]
                    if chosen[i] or not _fits(team, c, ledgers[c.engineer]):
                        continue
                    gain, j = 0, k
                    while j < len(segs) and segs[j].end <= c.end:
                        if on_duty[j] < segs[j].need:
                            gain += segs[j].minutes
                        j += 1
                    key = (-gain, ledgers[c.engineer].minutes, c.minutes, i)
                    if best_key is None or key < best_key:
                        best, best_key = i, key
                if best is None:
                    break  # nobody can cover this: a gap
                c = candidates[best]
                chosen[best] = 1
                ledger = ledgers[c.engineer]
                ledger.chosen.append(c)
                ledger.block_minutes[c.block] += c.minutes
                ledger.block_shifts[c.block] += 1
                ledger.minutes += c.minutes
                if c.day.weekday() in team.engineers[c.engineer].weekend:
                    ledger.weekend_days[c.block].add(c.day)
                j = k
                while j < len(segs) and segs[j].end <= c.end:
                    on_duty[j] += 1
                    j += 1
    return chosen


def prune(candidates: list[Candidate], segments: list[DemandSegment],
          chosen: list[int]) -> list[int]:
    """Drop chosen candidates that no requirement needs, longest first.

    Removing an assignment never breaks a hard rule (all are upper limits) and never makes
    coverage, avoid/prefer cost, the largest load or the weekend peak worse; it makes sure
    a stage cut short by the clock does not hand on duty that nobody asked for.
    """
    on_duty = [sum(chosen[i] for i in seg.covering) for seg in segments]
    covers: dict[int, list[int]] = defaultdict(list)
    for k, seg in enumerate(segments):
        for i in seg.covering:
            if chosen[i]:
                covers[i].append(k)
    kept = list(chosen)
    for i in sorted((i for i, v in enumerate(chosen) if v),
                    key=lambda i: (-candidates[i].minutes, i)):
        if all(on_duty[k] > segments[k].need for k in covers[i]):
            kept[i] = 0
            for k in covers[i]:
                on_duty[k] -= 1
    return kept
