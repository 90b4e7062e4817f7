"""`rota resilience` on tight teams: the reshaping repair and the window's lower bound
(rota.absence), where handing an absent engineer's shifts over whole is not enough."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from rota.check import check
from rota.cli import cli
from rota.config import load_team
from rota.resilience import resilience
from rota.scenarios import without
from rota.timeline import iso_utc

# One day, 08:00-20:00 UTC, one engineer at a time, 6-hour shifts. The plan gives Eve the
# morning and Fay (who prefers it) the evening. Without Eve, Fay cannot add the morning
# (rest), and Gus can only work the evening: handing Eve's shift over whole fails, but
# moving Fay to the morning and giving Gus the evening covers everything.
RESHAPE = """\
version: 1
team: Reshape
horizon: {start: 2027-02-01, days: 1, timezone: UTC}
engineers:
  - {name: Eve Early, timezone: UTC, tiers: [tier2], availability: {daily: "08:00-14:00"}}
  - {name: Fay Flex, timezone: UTC, tiers: [tier2], availability: {daily: "08:00-20:00"},
     prefer: {daily: "14:00-20:00"}}
  - {name: Gus Late, timezone: UTC, tiers: [tier2], availability: {daily: "14:00-20:00"},
     avoid: {daily: "14:00-20:00"}}
flexible: {min_hours: 6, max_hours: 6, step_minutes: 60}
coverage:
  - {tier: tier2, min: 1, hours: "08:00-20:00"}
"""

# The same day with two engineers who may each work 6 of its 12 hours: without either,
# 360 minutes stay open. No stretch has fewer engineers than it needs, so the candidates
# alone prove nothing; the window's relaxation does, without re-planning.
HALVES = """\
version: 1
team: Halves
horizon: {start: 2027-02-01, days: 1, timezone: UTC}
engineers:
  - {name: Ann Half, timezone: UTC, tiers: [tier2], availability: {daily: "08:00-20:00"}}
  - {name: Bo Half, timezone: UTC, tiers: [tier2], availability: {daily: "08:00-20:00"}}
flexible: {min_hours: 6, max_hours: 6, step_minutes: 60}
coverage:
  - {tier: tier2, min: 1, hours: "08:00-20:00"}
rules: {max_hours_per_week: 6}
"""


def team_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(text)
    return path


def rows(schedule) -> list[tuple[str, str, str]]:
    return sorted((a.engineer, iso_utc(a.start), iso_utc(a.end)) for a in schedule)


def test_greedy_hand_over_alone_leaves_the_morning_open(tmp_path):
    team = load_team(team_file(tmp_path, RESHAPE))
    r = resilience(team, time_limit=10, total_seconds=0, workers=1, seed=0)  # no searches
    assert rows(r.plan.plan.result.assignments) == [
        ("Eve Early", "2027-02-01T08:00:00Z", "2027-02-01T14:00:00Z"),
        ("Fay Flex", "2027-02-01T14:00:00Z", "2027-02-01T20:00:00Z")]
    eve = next(a for a in r.absences if a.engineer == "Eve Early")
    assert (eve.how, eve.uncovered, eve.lower, eve.proven) == ("repaired", 360, 0, False)
    assert eve.note == "not searched: --total time spent"


def test_reshaping_proves_an_absence_free_where_hand_over_fails(tmp_path):
    config = team_file(tmp_path, RESHAPE)
    team = load_team(config)
    r = resilience(team, time_limit=10, workers=1, seed=0)
    got = {a.engineer: (a.how, a.uncovered, a.proven) for a in r.absences}
    assert got == {"Eve Early": ("reshaped", 0, True), "Fay Flex": ("repaired", 0, True),
                   "Gus Late": ("idle", 0, True)}
    assert r.replans == 0
    eve = next(a for a in r.absences if a.engineer == "Eve Early")
    assert rows(eve.schedule) == [
        ("Fay Flex", "2027-02-01T08:00:00Z", "2027-02-01T14:00:00Z"),
        ("Gus Late", "2027-02-01T14:00:00Z", "2027-02-01T20:00:00Z")]
    # The referee, which never imports the solver, judges the reshaped schedule.
    verdict = check(without(team, ["Eve Early"]), eve.schedule)
    assert verdict.violations == [] and sum(verdict.uncovered.values()) == 0
    result = CliRunner().invoke(cli, ["resilience", str(config), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    absences = {a["engineer"]: a for a in data["absences"]}
    assert absences["Eve Early"]["how"] == "reshaped" and absences["Eve Early"]["proven"]
    assert data["opens_gap"] == [] and data["replans"] == 0


def test_window_bound_proves_the_cost_without_a_re_plan(tmp_path):
    config = team_file(tmp_path, HALVES)
    r = resilience(load_team(config), time_limit=10, workers=1, seed=0)
    got = {a.engineer: (a.uncovered, a.lower, a.proven) for a in r.absences}
    assert got == {"Ann Half": (360, 360, True), "Bo Half": (360, 360, True)}
    assert r.replans == 0 and r.single_points == []
    result = CliRunner().invoke(cli, ["resilience", str(config)])
    assert result.exit_code == 1
    assert "2 absence(s) open a gap (proven): Ann Half, Bo Half" in result.stdout


def test_the_searches_give_the_same_answers_twice():
    team = load_team(Path(__file__).resolve().parents[1] / "examples" / "understaffed.yaml")
    runs = [resilience(team, time_limit=10, workers=2, seed=0) for _ in range(2)]
    answers = [[(a.engineer, a.uncovered, a.lower, a.how) for a in r.absences] for r in runs]
    assert answers[0] == answers[1]
    assert runs[0].search_dtime == runs[1].search_dtime > 0
    assert answers[0] == [("Alice Morgan", 2880, 2880, "reshaped"),
                          ("Ben Carter", 2880, 2880, "reshaped"),
                          ("Chen Wei", 2160, 2160, "reshaped"),
                          ("Dewi Santoso", 2160, 2160, "reshaped")]
