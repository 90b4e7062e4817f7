"""The greedy starting schedule: legal, scarcest demand first, and fair under a cap."""

from __future__ import annotations

from rota.assignment import Assignment
from rota.candidates import demand_segments, generate, soft_costs
from rota.check import check
from rota.config import parse_team
from rota.solve.greedy import fair_cover, greedy_cover, load_ratio, trim, uncovered_minutes
from rota.timeline import Span

# Ana is listed first and holds both tiers; Ben holds tier 2 only. Served in tier order,
# Ana would take tier 2 and nobody would be left for tier 1.
SCARCE_TIER1 = """
version: 1
team: scarce
horizon: {start: 2026-03-02, days: 1}
engineers:
  - {name: Ana, tiers: [tier2, tier1], timezone: UTC, availability: {daily: "09:00-17:00"}}
  - {name: Ben, tiers: [tier2], timezone: UTC, availability: {daily: "09:00-17:00"}}
shifts:
  - {name: day, start: "09:00", end: "17:00", timezone: UTC}
coverage:
  - {tier: tier2, min: 1, hours: "09:00-17:00"}
  - {tier: tier1, min: 1, hours: "09:00-17:00"}
"""

# 08:00-20:00 needs one person. Cy may work all 12 h; Di only the morning, Ed only the
# afternoon. Covering the most minutes first gives Cy all 12 h; the fair cover splits it.
ONE_LONG_DAY = """
version: 1
team: long day
horizon: {start: 2026-03-02, days: 1}
rules: {max_hours_per_week: 40}
engineers:
  - {name: Cy, tiers: [tier2], timezone: UTC, availability: {daily: "08:00-20:00"}}
  - {name: Di, tiers: [tier2], timezone: UTC, availability: {daily: "08:00-14:00"}}
  - {name: Ed, tiers: [tier2], timezone: UTC, availability: {daily: "14:00-20:00"}}
flexible: {min_hours: 6, max_hours: 12, step_minutes: 120}
coverage:
  - {tier: tier2, min: 1, hours: "08:00-20:00"}
"""


def _setup(text: str):
    team = parse_team(text)
    span = Span.of(team.horizon)
    cands = generate(team, span)
    return team, span, cands, demand_segments(team, span, cands)


def _chosen(team, cands, values):
    return sorted((team.engineers[c.engineer].name, c.tier, c.minutes)
                  for c, v in zip(cands, values) if v)


def test_the_scarcest_demand_is_served_first():
    team, _, cands, segments = _setup(SCARCE_TIER1)
    values = greedy_cover(team, cands, segments)
    assert uncovered_minutes(segments, values) == 0
    assert _chosen(team, cands, values) == [("Ana", "tier1", 480), ("Ben", "tier2", 480)]


def test_the_fair_cover_caps_the_largest_load_and_covers_as_much():
    team, span, cands, segments = _setup(ONE_LONG_DAY)
    plain = greedy_cover(team, cands, segments)
    assert _chosen(team, cands, plain) == [("Cy", "tier2", 720)]
    fair = fair_cover(team, cands, segments, soft_costs(team, span, cands))
    chosen = _chosen(team, cands, fair)
    assert [minutes for *_, minutes in chosen] == [360, 360] and chosen[0][0] != chosen[1][0]
    assert uncovered_minutes(segments, fair) == 0
    # 40 h a week over one day is 343 min of capacity (rounded); 360 min is 10,496 bp.
    assert load_ratio(team, cands, fair) == -(-10_000 * 360 // round(2400 / 7)) == 10_496
    assert load_ratio(team, cands, plain) == 20_992


def test_greedy_schedules_break_no_rule():
    for text in (SCARCE_TIER1, ONE_LONG_DAY):
        team, span, cands, segments = _setup(text)
        for values in (greedy_cover(team, cands, segments), fair_cover(team, cands, segments)):
            rows = [Assignment(team.engineers[c.engineer].name, c.tier, c.start, c.end, c.shift)
                    for c, v in zip(cands, values) if v]
            verdict = check(team, rows)
            assert verdict.violations == [] and verdict.gaps == []


def test_the_fair_cover_uses_only_allowed_candidates():
    team, span, cands, segments = _setup(ONE_LONG_DAY)
    allowed = [team.engineers[c.engineer].name != "Di" for c in cands]
    fair = fair_cover(team, cands, segments, soft_costs(team, span, cands), allowed)
    chosen = _chosen(team, cands, fair)
    assert [name for name, *_ in chosen] == ["Cy", "Ed"]
    assert uncovered_minutes(segments, fair) == 0 and load_ratio(team, cands, fair) == 10_496


def test_trim_ends_a_shift_where_a_colleague_already_covers_the_rest():
    """Cy's 12 h and Ed's afternoon overlap by 6 h that nobody asked for: Cy's shift ends
    at 14:00, where Ed takes over; nothing is left short and no start moves."""
    team, span, cands, segments = _setup(ONE_LONG_DAY)
    pick = {("Cy", 720), ("Ed", 360)}
    values = [int((team.engineers[c.engineer].name, c.minutes) in pick) for c in cands]
    trimmed = trim(team, cands, segments, values)
    rows = sorted((team.engineers[c.engineer].name, c.start % 1440 // 60, c.end % 1440 // 60)
                  for c, v in zip(cands, trimmed) if v)
    assert rows == [("Cy", 8, 14), ("Ed", 14, 20)]
    assert uncovered_minutes(segments, trimmed) == 0
    # Nothing to trim where every minute is needed: the schedule comes back as it was.
    assert trim(team, cands, segments, trimmed) == trimmed
