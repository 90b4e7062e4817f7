"""The legal (engineer, tier, interval) choices the solver picks from.

A candidate lies inside the engineer's free time, is no longer than their
`max_shift_hours`, is for a tier they hold (and the shift allows), does not start on
one of their public holidays unless `work_on_holidays`, and overlaps the horizon.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date

from rota.problem import MINUTES_PER_DAY, Engineer, ShiftTemplate, Team
from rota.rules import CANDIDATE_RULES, Bounds, CandidateRule
from rota.timeline import (
    Interval,
    Span,
    around,
    contains,
    dates,
    demand,
    free_time,
    local_date,
    localize,
    overlap,
    soft_intervals,
)

FLEXIBLE = "flexible"


@dataclass(frozen=True, slots=True)
class Candidate:
    engineer: int  # index into team.engineers
    tier: str
    shift: str  # template name, or "flexible"
    start: int
    end: int
    day: date  # the engineer's local date of the start
    block: int  # the 7-day block it counts in
    fixed: bool = False  # a fact of history (or kept by replan): always chosen
    published: bool = False  # replan: in the published rota (keeping it is no change)

    @property
    def minutes(self) -> int:
        return self.end - self.start


def template_occurrences(template: ShiftTemplate, tz: str, span: Span) -> list[Interval]:
    """Every occurrence of a fixed shift, in zone `tz`, that overlaps the horizon."""
    out = []
    for day in dates(*span.local_dates(tz, before=1, after=0)):
        if day.weekday() not in template.days:
            continue
        start = localize(day, template.start, tz, is_end=False)
        end = localize(day, template.end, tz, is_end=True)
        if start < end and start < span.end and end > span.start:
            out.append((start, end))
    return out


def flexible_starts(tz: str, step: int, span: Span) -> list[int]:
    """Instants on a `step`-minute mark of the local clock around the horizon (both
    occurrences of a mark the fall-back hour repeats)."""
    first, last = span.local_dates(tz, before=1, after=0)
    starts = {localize(day, minute, tz, is_end=repeat)
              for day in dates(first, last) for minute in range(0, 1440, step)
              for repeat in (False, True)}
    return sorted(starts)


def bounds(team: Team, eng: Engineer, span: Span,
           rules: tuple[CandidateRule, ...] = CANDIDATE_RULES) -> Bounds:
    """Where the per-candidate rules let the engineer's candidates lie."""
    out = Bounds(around(eng, span), 2 * MINUTES_PER_DAY, team.tiers)
    for rule in rules:
        out = rule.restrict(eng, span, out)
    return out


def engineer_candidates(team: Team, index: int, span: Span,
                        rules: tuple[CandidateRule, ...] = CANDIDATE_RULES) -> list[Candidate]:
    """The engineer's candidates that keep the per-candidate `rules`."""
    eng: Engineer = team.engineers[index]
    allowed = bounds(team, eng, span, rules)
    free, longest, tiers_held = allowed.free, allowed.longest, allowed.tiers
    found: dict[tuple[str, int, int], str] = {}

    def offer(shift: str, tiers: tuple[str, ...] | None, start: int, end: int) -> None:
        if end - start > longest or not contains(free, start, end):
            return
        for tier in tiers_held:
            if tiers is None or tier in tiers:
                found.setdefault((tier, start, end), shift)

    for template in team.shifts:
        tz = eng.timezone if template.timezone == "local" else template.timezone
        for start, end in template_occurrences(template, tz, span):
            offer(template.name, template.tiers, start, end)

    flex = team.flexible
    if flex is not None:
        top = min(flex.max_minutes or eng.rules.max_shift_minutes, longest)
        lengths = range(flex.min_minutes, top + 1, flex.step_minutes)
        for start in flexible_starts(eng.timezone, flex.step_minutes, span):
            for length in lengths:
                if start < span.end and start + length > span.start:
                    offer(FLEXIBLE, None, start, start + length)

    out = []
    days: dict[int, date] = {}
    for (tier, start, end), shift in found.items():
        day = days.get(start) or days.setdefault(start, local_date(start, eng.timezone))
        if day in allowed.days_off:
            continue
        out.append(Candidate(index, tier, shift, start, end, day, span.block(start)))
    return out


def estimate(team: Team, span: Span) -> tuple[int, int]:
    """(fixed, flexible): about how many candidates `generate` would build, from each
    engineer's free time alone, without building any (an upper bound, holidays aside)."""
    demanded = set(team.tiers)
    fixed = flexible = 0
    occurrences: dict[tuple[int, str], list[Interval]] = {}
    flex = team.flexible
    for eng in team.engineers:
        tiers = sum(1 for tier in eng.tiers if tier in demanded)
        if not tiers:
            continue
        free = free_time(eng, span)
        for i, template in enumerate(team.shifts):
            tz = eng.timezone if template.timezone == "local" else template.timezone
            if (i, tz) not in occurrences:
                occurrences[(i, tz)] = template_occurrences(template, tz, span)
            fixed += tiers * sum(1 for s, e in occurrences[(i, tz)] if contains(free, s, e))
        if flex is None:
            continue
        top = min(flex.max_minutes or eng.rules.max_shift_minutes, eng.rules.max_shift_minutes)
        lengths = range(flex.min_minutes, top + 1, flex.step_minutes)
        for start, end in free:
            free_minutes = min(end, span.end + top) - max(start, span.start - top)
            flexible += tiers * sum((free_minutes - n) // flex.step_minutes + 1
                                    for n in lengths if n <= free_minutes)
    return fixed, flexible


def generate(team: Team, span: Span) -> list[Candidate]:
    """All candidates, sorted by engineer, start, end, tier."""
    out: list[Candidate] = []
    for index in range(len(team.engineers)):
        out.extend(engineer_candidates(team, index, span))
    out.sort(key=lambda c: (c.engineer, c.start, c.end, c.tier, c.shift))
    return out


@dataclass(frozen=True)
class DemandSegment:
    """An elementary interval of one tier's demand: nothing changes inside it."""

    tier: str
    start: int
    end: int
    need: int
    covering: list[int]  # indices of the candidates that cover all of it

    @property
    def minutes(self) -> int:
        return self.end - self.start


def demand_segments(team: Team, span: Span, candidates: list[Candidate],
                    window: list[Interval] | None = None) -> list[DemandSegment]:
    """Demand cut at every boundary of a requirement or a candidate, per tier, in time order.

    Between two consecutive boundaries neither the requirement nor the set of candidates
    on duty changes, so one coverage constraint per segment is exact to the minute. With
    `window` (sorted, disjoint intervals), only the demand inside it, cut at its bounds.
    """
    out = []
    cuts = {t for w in window for t in w} if window is not None else set()
    for tier, pieces in demand(team, span).items():
        mine = [i for i, c in enumerate(candidates) if c.tier == tier]

        def clip(t: int) -> int:
            return min(max(t, span.start), span.end)

        bounds = sorted({b for s, e, _ in pieces for b in (s, e)} | {clip(t) for t in cuts}
                        | {clip(t) for i in mine for t in (candidates[i].start, candidates[i].end)})
        covering: list[list[int]] = [[] for _ in bounds]
        for i in mine:
            first = bisect.bisect_left(bounds, clip(candidates[i].start))
            last = bisect.bisect_left(bounds, clip(candidates[i].end))
            for k in range(first, last):
                covering[k].append(i)
        piece = 0
        for k in range(len(bounds) - 1):
            start, end = bounds[k], bounds[k + 1]
            while piece < len(pieces) and pieces[piece][1] <= start:
                piece += 1
            if piece < len(pieces) and pieces[piece][0] <= start and (
                    window is None or contains(window, start, end)):
                out.append(DemandSegment(tier, start, end, pieces[piece][2], covering[k]))
    return out


def soft_costs(team: Team, span: Span, candidates: list[Candidate]) -> list[int]:
    """Per candidate: its minutes inside `avoid`, plus its minutes outside `prefer` for
    those who gave one (the soft-preference objective)."""
    costs = []
    windows: dict[int, tuple] = {}
    for c in candidates:
        if c.engineer not in windows:
            eng = team.engineers[c.engineer]
            windows[c.engineer] = (soft_intervals(eng, span, "avoid"),
                                   soft_intervals(eng, span, "prefer"))
        avoid, prefer = windows[c.engineer]
        cost = overlap(avoid, c.start, c.end) if avoid else 0
        if prefer is not None:
            cost += c.minutes - overlap(prefer, c.start, c.end)
        costs.append(cost)
    return costs
