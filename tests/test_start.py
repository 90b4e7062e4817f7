"""The coverage start on tight teams (rota.start): a search over the fixed shifts alone,
whose cover is legal, never worse than the greedy pass, and what the plan starts from."""

from __future__ import annotations

from rota.assignment import Assignment
from rota.candidates import FLEXIBLE, demand_segments, generate, soft_costs
from rota.check import check
from rota.config import parse_team
from rota.generate import build
from rota.solve.budget import Budget, dtime_rate
from rota.solve.control import SearchControl
from rota.solve.greedy import greedy_cover, uncovered_minutes
from rota.solve.search import solve
from rota.solve.start import levels, restricted_start
from rota.timeline import Span


def _budget(seconds: float, cands) -> Budget:
    """Reproducible mode with no clock: the deterministic budget of `seconds` alone."""
    return Budget(SearchControl(), reproducible=True, dtime=seconds * dtime_rate(len(cands)))

def _tight(engineers: int = 20, weeks: int = 1, load: float = 0.85, seed: int = 1):
    team = parse_team(build(engineers, weeks, seed=seed, load=load).yaml)
    span = Span.of(team.horizon)
    cands = generate(team, span)
    return team, span, cands, demand_segments(team, span, cands)


def _assignments(team, cands, values):
    return [Assignment(team.engineers[c.engineer].name, c.tier, c.start, c.end, c.shift)
            for c, v in zip(cands, values) if v]


def test_the_level_is_the_fixed_shifts_when_there_are_flexible_ones_too():
    _, _, cands, _ = _tight()
    [(name, subset)] = levels(cands)
    assert name == "fixed shifts"
    assert subset and all(cands[i].shift != FLEXIBLE for i in subset)
    assert len(subset) == sum(c.shift != FLEXIBLE for c in cands)
    assert levels([c for c in cands if c.shift == FLEXIBLE]) == []
    assert levels([c for c in cands if c.shift != FLEXIBLE]) == []


def test_the_start_keeps_the_greedy_cover_unless_a_level_covers_more():
    team, _, cands, segments = _tight()
    costs = soft_costs(team, Span.of(team.horizon), cands)
    cover = greedy_cover(team, cands, segments, costs)
    short = uncovered_minutes(segments, cover)
    assert short > 0  # the case this start is for
    seen: list[tuple[list[int], list[int]]] = []

    def echo(subset, hint, dtime):  # a search that finds nothing better than its hint
        seen.append((subset, hint))
        return hint, 0.5

    values, used = restricted_start(team, cands, segments, cover, costs, echo, 10.0)
    [(subset, hint)] = seen
    assert len(hint) == len(subset) and used == 0.5
    assert uncovered_minutes(segments, values) <= short
    verdict = check(team, _assignments(team, cands, values))
    assert verdict.violations == []

    def nothing(subset, hint, dtime):
        return None, 1.0

    assert restricted_start(team, cands, segments, cover, costs, nothing, 10.0) == (cover, 1.0)
    assert restricted_start(team, cands, segments, cover, costs, echo, 0.0) == (cover, 0.0)


# A fixed day shift for the base; Ben can only do a flexible shift around the peak.
BASE_AND_PEAK = """
version: 1
team: base and peak
horizon: {start: 2026-03-02, days: 1}
engineers:
  - {name: Ana, tiers: [tier2], timezone: UTC, availability: {daily: "08:00-18:00"}}
  - {name: Ben, tiers: [tier2], timezone: UTC, availability: {daily: "11:00-15:00"}}
shifts:
  - {name: day, start: "09:00", end: "17:00", timezone: UTC}
flexible: {min_hours: 2, max_hours: 4, step_minutes: 60}
coverage:
  - {tier: tier2, min: 1, hours: "09:00-17:00"}
  - {tier: tier2, min: 2, hours: "12:00-14:00"}
"""


def test_what_the_fixed_shifts_leave_a_greedy_pass_fills_with_flexible_ones():
    team = parse_team(BASE_AND_PEAK)
    span = Span.of(team.horizon)
    cands = generate(team, span)
    segments = demand_segments(team, span, cands)
    nothing = [0] * len(cands)

    def echo(subset, hint, dtime):
        assert all(cands[i].shift == "day" for i, v in zip(subset, hint) if v)
        return hint, 0.1

    values, _ = restricted_start(team, cands, segments, nothing, [0] * len(cands), echo, 1.0)
    assert uncovered_minutes(segments, values) == 0
    chosen = sorted((team.engineers[c.engineer].name, c.shift)
                    for c, v in zip(cands, values) if v)
    assert chosen == [("Ana", "day"), ("Ben", FLEXIBLE)]
    verdict = check(team, _assignments(team, cands, values))
    assert verdict.gaps == [] and verdict.violations == []


def test_a_covering_start_needs_no_level():
    team, _, cands, segments = _tight()
    covered = [1 if c.shift != FLEXIBLE else 0 for c in cands]  # not legal, but no gap

    def fail(subset, hint, dtime):
        raise AssertionError("searched although nothing was short")

    assert uncovered_minutes(segments, covered) == 0
    assert restricted_start(team, cands, segments, covered, [0] * len(cands), fail,
                            10.0) == (covered, 0.0)


def test_a_tight_generated_team_is_covered_from_the_fixed_shift_start():
    """The greedy pass leaves this team short; the fixed-shift search covers it, and the
    plan's coverage stage starts from that cover with nothing left to search."""
    team, span, cands, segments = _tight()
    lines: list[str] = []
    result = solve(team, span, cands, _budget(5, cands), workers=2, seed=0, log=lines.append)
    start = [line for line in lines if line.startswith("start: fixed shifts only")]
    assert len(start) == 1 and start[0].split(": ")[2].split(" uncovered")[0].endswith("-> 0")
    stage = result.coverage_stage
    assert (stage.name, stage.status, stage.objective, stage.bound) == (
        "uncovered_minutes", "OPTIMAL", 0, 0)
    verdict = check(team, result.assignments)
    assert verdict.gaps == [] and verdict.violations == []


def test_the_start_is_reproducible():
    team, span, cands, _ = _tight(engineers=10, weeks=4)
    first, again = (solve(team, span, cands, _budget(3, cands), workers=2, seed=0)
                    for _ in range(2))
    assert first.reproducible and again.reproducible
    assert first.assignments == again.assignments
    assert check(team, first.assignments).gaps == []


def test_no_fair_cover_once_coverage_beat_the_greedy_pass(monkeypatch):
    """The fair cover is greedy passes that cover no more than the first one: once the
    coverage stage did better, the later stages start from its schedule without one."""
    from rota.solve import search

    def fail(*_args, **_kwargs):
        raise AssertionError("made a fair cover that could not be used")

    monkeypatch.setattr(search, "fair_cover", fail)
    team, span, cands, _ = _tight()
    result = solve(team, span, cands, _budget(3, cands), workers=2, seed=0)
    assert result.coverage_stage.objective == 0
    assert [s.name for s in result.stages if s.status != "NOT_RUN"][:4] == [
        "uncovered_minutes", "soft_preferences", "night_minutes", "max_load_ratio"]
