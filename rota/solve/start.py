"""The coverage search's starting point on a tight team: a cover of the fixed hand-offs first.

On a tight team one greedy pass leaves holes (10,470 person-minutes on the 200-engineer
week at load 0.85), and the search on the whole model closes them slowly: its model is
large (flexible shifts on a 30-minute step, lengths 6-10 h: 96 % of the candidates) and
its first full-problem tasks take minutes. The same rules over the fixed shifts alone
make a model a few per cent of that size, whose search covers the same team in well under
one second of deterministic time. Flexible shifts then stay what they are for: the later
stages (preferences, fairness, fewer hand-offs) may still use them, and where the fixed
shifts cannot cover everything, the whole model starts from the best restricted cover.

No solver here: `restricted_start` is given the search as a function.
"""

from __future__ import annotations

from collections.abc import Callable

from rota.candidates import FLEXIBLE, Candidate, DemandSegment
from rota.problem import Team
from rota.solve.greedy import greedy_cover, uncovered_minutes

# A restricted level gets at most this share of the deterministic time left; what it does
# not use stays for the whole model.
LEVEL_SHARE = 0.25
MIN_LEVEL_DTIME = 0.05  # less than this is no search worth starting

# search(subset, hint, dtime): a 0/1 choice for each candidate of `subset` (indices into
# the full list) that covers as much as the search finds in `dtime` deterministic time,
# starting from `hint` (one 0/1 per member of the subset); returns that choice, or None
# if the search found none, and the deterministic time it used.
Search = Callable[[list[int], list[int], float], tuple[list[int] | None, float]]


def levels(candidates: list[Candidate]) -> list[tuple[str, list[int]]]:
    """Restricted candidate sets worth a search before the whole model, smallest first:
    the fixed shifts, if there are both fixed and flexible ones."""
    fixed = [i for i, c in enumerate(candidates) if c.shift != FLEXIBLE]
    if not fixed or len(fixed) == len(candidates):
        return []
    return [("fixed shifts", fixed)]


def restricted_start(team: Team, candidates: list[Candidate], segments: list[DemandSegment],
                     cover: list[int], costs: list[int], search: Search, dtime: float,
                     log: Callable[[str], None] | None = None) -> tuple[list[int], float]:
    """The better of `cover` and the best cover a search over each level finds, with the
    deterministic time those searches used (at most `dtime`). Each level starts from the
    greedy cover of its own candidates, or from the best cover so far if that lies inside
    the level and covers more."""
    best, short = cover, uncovered_minutes(segments, cover)
    used = 0.0
    for name, subset in levels(candidates):
        budget = (dtime - used) * LEVEL_SHARE
        if short == 0 or budget < MIN_LEVEL_DTIME:
            break
        inside = [False] * len(candidates)
        for i in subset:
            inside[i] = True
        hint = greedy_cover(team, candidates, segments, costs, allowed=inside)
        if (uncovered_minutes(segments, hint) > short
                and all(inside[i] for i, v in enumerate(best) if v)):
            hint = best
        found, spent = search(subset, [hint[i] for i in subset], budget)
        used += spent
        if found is None:
            continue
        values = [0] * len(candidates)
        for i, v in zip(subset, found):
            values[i] = v
        result = uncovered_minutes(segments, values)
        if result:  # what the level cannot cover, the other candidates may
            values = greedy_cover(team, candidates, segments, costs, start=values)
            extended = uncovered_minutes(segments, values)
            if log:
                log(f"start: {name} only ({len(subset)} of {len(candidates)} candidates): "
                    f"{short} -> {result}, then {extended} with a greedy pass over the rest "
                    f"({spent:.2f} dtime)")
            result = extended
        elif log:
            log(f"start: {name} only ({len(subset)} of {len(candidates)} candidates): "
                f"{short} -> 0 uncovered person-minutes ({spent:.2f} dtime)")
        if result < short:
            best, short = values, result
    return best, used
