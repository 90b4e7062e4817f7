"""A quick greedy schedule: the solver's starting point (a hint), never its answer.

Serves the scarcest demand first; wherever it is short, it adds the legal candidate that
covers the most short minutes, preferring whoever ends up least loaded for their capacity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import partial

from rota.candidates import Candidate, DemandSegment
from rota.problem import Team
from rota.rules import Ledger, fits

RATIO_SCALE = 10_000  # load ratios in basis points
RATIO_RESOLUTION = 25  # the fair cover's search stops within 0.25 % of the lowest cap
# Greedy passes of a fair cover at most: two, then a binary search down to the resolution.
FAIR_COVER_PASSES = 2 + (RATIO_SCALE // RATIO_RESOLUTION).bit_length()


def uncovered_minutes(segments: list[DemandSegment], chosen: list[int]) -> int:
    """Person-minutes of demand that a 0/1 choice of candidates leaves uncovered."""
    return sum(seg.minutes * max(0, seg.need - sum(chosen[i] for i in seg.covering))
               for seg in segments)


def load_ratio(team: Team, candidates: list[Candidate], chosen: list[int]) -> int:
    """The largest hours/capacity ratio of a 0/1 choice, in basis points rounded up."""
    loads: dict[int, int] = defaultdict(int)
    for c, v in zip(candidates, chosen):
        if v:
            loads[c.engineer] += c.minutes
    return max((-(-RATIO_SCALE * minutes // team.capacity_minutes(team.engineers[e]))
                for e, minutes in loads.items()), default=0)


def fair_cover(team: Team, candidates: list[Candidate], segments: list[DemandSegment],
               costs: list[int] | None = None,
               allowed: list[bool] | None = None,
               lookback: Sequence[Candidate] = ()) -> list[int]:
    """The greedy cover under the lowest cap on load ratios that covers no less.

    Only `allowed` candidates (default: all) are used, and of those the ones with a soft
    cost are left out too if that covers no less. Then a binary search over the cap (in
    basis points): a good first hint for the fairness stage, which CP-SAT alone improves
    slowly on large teams.
    """
    allowed = allowed or [True] * len(candidates)
    spans = segment_spans(candidates, segments)
    cover = partial(greedy_cover, lookback=lookback, spans=spans)
    best = cover(team, candidates, segments, costs, allowed=allowed)
    short = uncovered_minutes(segments, best)
    if costs and any(costs):
        free_only = [a and not cost for a, cost in zip(allowed, costs)]
        free = cover(team, candidates, segments, costs, allowed=free_only)
        if uncovered_minutes(segments, free) <= short:
            best, allowed = free, free_only
    low, high = 0, load_ratio(team, candidates, best)
    while high - low > RATIO_RESOLUTION:
        cap = (low + high) // 2
        trial = cover(team, candidates, segments, costs, max_ratio=cap, allowed=allowed)
        if uncovered_minutes(segments, trial) <= short:
            # (a fact may hold someone above the cap: the search still narrows)
            best, high = trial, min(cap, load_ratio(team, candidates, trial))
        else:
            low = cap + 1
    return best


def greedy_cover(team: Team, candidates: list[Candidate], segments: list[DemandSegment],
                 costs: list[int] | None = None, max_ratio: int | None = None,
                 allowed: list[bool] | None = None,
                 spans: dict[int, list[int]] | None = None,
                 start: list[int] | None = None,
                 lookback: Sequence[Candidate] = ()) -> list[int]:
    """0/1 per candidate: a legal schedule that covers what a greedy pass can.

    Segments are served scarcest first (fewest candidates covering them), so that a
    holiday hour only one volunteer can staff is not lost to a busier hour that had
    other choices; each gets the legal candidate covering the most short minutes, then
    the one of least soft cost (`costs`, per candidate). With `max_ratio` (basis
    points), nobody gets more than that share of their capacity; with `allowed`, only
    the candidates marked True are used. `spans` is `segment_spans`, if already known.
    With `start` (a legal 0/1 choice), the pass keeps it and adds to it. History: the
    fixed candidates are chosen first, and each engineer's ledger starts with their
    `lookback` rows (for the rules; their minutes count in no load).
    """
    chosen = list(start) if start else [0] * len(candidates)
    on_duty = [0] * len(segments)
    ledgers: dict[int, Ledger] = defaultdict(Ledger)
    spans = spans or segment_spans(candidates, segments)
    for c in lookback:
        ledgers[c.engineer].add(c)
        ledgers[c.engineer].minutes -= c.minutes
    for i in (i for i, v in enumerate(chosen) if v):  # a start given: it holds the facts
        ledgers[candidates[i].engineer].add(candidates[i])
        for k in spans.get(i, ()):
            on_duty[k] += 1
    # Facts first, then (replan) the published assignments that still fit: the start
    # then changes only what it must.
    for i in sorted((i for i, c in enumerate(candidates)
                     if (c.fixed or c.published) and not chosen[i]),
                    key=lambda i: not candidates[i].fixed):
        c = candidates[i]
        if c.fixed or ((not allowed or allowed[i])
                       and fits(team.engineers[c.engineer], c, ledgers[c.engineer])):
            chosen[i] = 1
            ledgers[c.engineer].add(c)
            for k in spans.get(i, ()):
                on_duty[k] += 1
    capacity = [team.capacity_minutes(eng) for eng in team.engineers]

    def gain(i: int) -> int:
        return sum(segments[k].minutes for k in spans[i] if on_duty[k] < segments[k].need)

    for k in sorted(range(len(segments)), key=lambda k: (len(segments[k].covering), k)):
        seg = segments[k]
        while on_duty[k] < seg.need:
            best, best_key = None, None
            for i in seg.covering:
                c = candidates[i]
                if (chosen[i] or (allowed and not allowed[i])
                        or not fits(team.engineers[c.engineer], c, ledgers[c.engineer])):
                    continue
                minutes = ledgers[c.engineer].minutes + c.minutes
                if (max_ratio is not None
                        and RATIO_SCALE * minutes > max_ratio * capacity[c.engineer]):
                    continue
                # Ties go to whoever would end up least loaded against capacity.
                load = minutes / capacity[c.engineer]
                key = (-gain(i), costs[i] if costs else 0, load, c.minutes, i)
                if best_key is None or key < best_key:
                    best, best_key = i, key
            if best is None:
                break  # nobody can cover this: a gap
            chosen[best] = 1
            ledgers[candidates[best].engineer].add(candidates[best])
            for j in spans[best]:
                on_duty[j] += 1
    return chosen


def segment_spans(candidates: list[Candidate],
                   segments: list[DemandSegment]) -> dict[int, list[int]]:
    """For each candidate that covers demand, the segments it covers."""
    spans: dict[int, list[int]] = defaultdict(list)
    for k, seg in enumerate(segments):
        for i in seg.covering:
            spans[i].append(k)
    return spans


def prune(candidates: list[Candidate], segments: list[DemandSegment],
          chosen: list[int]) -> list[int]:
    """Drop chosen candidates that no requirement needs, longest first.

    Facts of history and replan's published assignments stay: keeping them is the point.
    Removing an assignment never breaks a hard rule (all are upper limits) and never makes
    coverage, avoid/prefer cost, the largest load or the weekend peak worse; it makes sure
    a stage cut short by the clock does not hand on duty that nobody asked for.
    """
    on_duty = [sum(chosen[i] for i in seg.covering) for seg in segments]
    covers = segment_spans(candidates, segments)
    kept = list(chosen)
    for i in sorted((i for i, v in enumerate(chosen) if v and not (
            candidates[i].fixed or candidates[i].published)),
                    key=lambda i: (-candidates[i].minutes, i)):
        if all(on_duty[k] > segments[k].need for k in covers[i]):
            kept[i] = 0
            for k in covers[i]:
                on_duty[k] -= 1
    return kept


def trim(team: Team, candidates: list[Candidate], segments: list[DemandSegment],
         chosen: list[int], lookback: Sequence[Candidate] = ()) -> list[int]:
    """Shorten chosen shifts where they cover nothing needed: each, longest first, ends
    as early as a candidate of the same engineer, tier and start can without leaving a
    requirement short or breaking a rule. Starts stay, so the hand-offs' start times do.
    Facts and published assignments stay whole.

    Like `prune`, this removes duty nobody asked for (an overlap of two shifts beyond the
    demand), which stages cut short by their budget leave behind; the caller keeps the
    result only where no stage so far got worse by it.
    """
    on_duty = [sum(chosen[i] for i in seg.covering) for seg in segments]
    covers = segment_spans(candidates, segments)
    inside: dict[tuple, list[int]] = defaultdict(list)
    for j, c in enumerate(candidates):
        if not (c.fixed or c.published):
            inside[(c.engineer, c.tier, c.start)].append(j)
    ledgers: dict[int, Ledger] = defaultdict(Ledger)
    for c in lookback:
        ledgers[c.engineer].add(c)
    for i in (i for i, v in enumerate(chosen) if v):
        ledgers[candidates[i].engineer].add(candidates[i])
    kept = list(chosen)
    for i in sorted((i for i, v in enumerate(chosen) if v and not (
            candidates[i].fixed or candidates[i].published)),
                    key=lambda i: (-candidates[i].minutes, i)):
        c = candidates[i]
        own = set(covers.get(i, ()))
        ledger = ledgers[c.engineer]
        ledger.remove(c)
        best = i
        for j in inside[(c.engineer, c.tier, c.start)]:
            d = candidates[j]
            if (d.end < candidates[best].end and not kept[j]
                    and all(on_duty[k] > segments[k].need
                            for k in own.difference(covers.get(j, ())))
                    and fits(team.engineers[c.engineer], d, ledger)):
                best = j
        ledger.add(candidates[best])
        if best != i:
            kept[i], kept[best] = 0, 1
            for k in own.difference(covers.get(best, ())):
                on_duty[k] -= 1
    return kept
