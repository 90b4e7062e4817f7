"""`rota check`, the independent referee (SPEC §4-§6): rules, 7-day blocks, exact gaps,
the CLI, schedules written by other tools, malformed schedules and the real team's week.

Every team is a small YAML file written to tmp_path; every schedule a hand-written CSV.
Nothing here runs the solver.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from rota.assignment import Assignment
from rota.check import RULES, CheckResult, check
from rota.cli import cli
from rota.config import load_team
from rota.report import GAP_COLUMNS, gap_row, violation_row
from rota.schedule import parse_schedule, read_schedule
from rota.timeline import to_minute

ROOT = Path(__file__).resolve().parents[1]

HEADER = "engineer,tier,start_utc,end_utc"
NO_DEMAND = "coverage:\n  - {tier: tier2, min: 0}\n"  # rule tests: no gaps can arise
ALWAYS_1 = "coverage:\n  - {tier: tier2, min: 1}\n"  # 24x7, one tier-2 engineer
ANN = "{name: Ann Lee, id: ann, tiers: [tier2]}"  # UTC, available at all times
BOB = "{name: Bob Ng, tiers: [tier2]}"
CARA = "{name: Cara Diaz, tiers: [tier2]}"
WEEK1 = "week 1 (2026-03-02T00:00:00Z..2026-03-09T00:00:00Z)"


# ----- helpers ----------------------------------------------------------------------------

def write_team(tmp_path: Path, *engineers: str, coverage: str = NO_DEMAND, rules: str = "",
               start: str = "2026-03-02", days: int = 7, tz: str = "UTC") -> Path:
    """A team file: `engineers` are YAML flow mappings, `rules` a flow mapping or ''."""
    text = (f"version: 1\nteam: Check test\n"
            f"horizon: {{start: {start}, days: {days}, timezone: {tz}}}\n"
            f"flexible: {{}}\n"
            "engineers:\n" + "".join(f"  - {e}\n" for e in engineers) + coverage
            + (f"rules: {rules}\n" if rules else ""))
    path = tmp_path / "team.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def csv_text(*rows: tuple[str, ...]) -> str:
    """Rows of (engineer, start, end) or (engineer, start, end, tier); tier defaults to tier2."""
    lines = [HEADER]
    for row in rows:
        engineer, start, end, *tier = row
        lines.append(f"{engineer},{tier[0] if tier else 'tier2'},{start},{end}")
    return "\n".join(lines) + "\n"


def judge(team_path: Path, *rows: tuple[str, ...]) -> CheckResult:
    return check(load_team(team_path), parse_schedule(csv_text(*rows), "schedule.csv"))


def violations(result: CheckResult) -> list[tuple[str, str, str, str]]:
    """(rule, engineer, start_utc, end_utc) of every violation, in the report's order."""
    return [(v["rule"], v["engineer"], v["start_utc"], v["end_utc"])
            for v in map(violation_row, result.violations)]


def gaps(result: CheckResult) -> list[dict]:
    return [gap_row(g) for g in result.gaps]


def only_violation(result: CheckResult, rule: str, engineer: str, start: str, end: str,
                   message: str) -> None:
    """Exactly one broken rule, no gap, and the message says `message`."""
    assert [v.rule for v in result.violations] == [rule]
    assert violations(result) == [(rule, engineer, start, end)]
    assert message in result.violations[0].message
    assert result.gaps == []
    assert not result.passed


def clean(result: CheckResult) -> None:
    assert violations(result) == []
    assert result.gaps == []
    assert result.passed


def gap(tier: str, start: str, end: str, required: int, assigned: int, minutes: int) -> dict:
    return {"tier": tier, "start_utc": start, "end_utc": end, "required": required,
            "assigned": assigned, "missing": required - assigned, "minutes": minutes}


def utc(text: str) -> int:
    return to_minute(datetime.fromisoformat(text).replace(tzinfo=UTC))


def run_cli(*args: str):
    return CliRunner().invoke(cli, ["check", *args])


# ----- 1. each rule, alone ----------------------------------------------------------------

def test_availability_uses_the_local_pattern_of_each_date(tmp_path):
    # 09:00-17:00 New York is 14:00-22:00Z on Fri 03-06 (EST) and 13:00-21:00Z on Mon 03-09
    # (EDT): the same UTC hours break the rule before the DST change and fit after it.
    team = write_team(tmp_path, "{name: Ann Lee, tiers: [tier2], timezone: America/New_York, "
                                "availability: {mon-fri: '09:00-17:00'}}", days=14)
    result = judge(team, ("Ann Lee", "2026-03-06T13:00Z", "2026-03-06T21:00Z"),
                   ("Ann Lee", "2026-03-09T13:00Z", "2026-03-09T21:00Z"))
    only_violation(result, "availability", "Ann Lee", "2026-03-06T13:00:00Z",
                   "2026-03-06T21:00:00Z",
                   "Ann Lee is not available for all of "
                   "2026-03-06T13:00:00Z..2026-03-06T21:00:00Z")


@pytest.mark.parametrize(("entry", "bad", "good"), [
    # a whole local date in Asia/Kolkata (+05:30): 2026-03-03T18:30Z..2026-03-04T18:30Z
    ("'2026-03-04'", ("2026-03-04T18:00:00Z", "2026-03-05T02:00:00Z"),
     ("2026-03-03T10:30:00Z", "2026-03-03T18:30:00Z")),
    # a local datetime range: 14:00-18:00 IST is 08:30-12:30Z
    ("'2026-03-05T14:00..2026-03-05T18:00'", ("2026-03-05T12:00:00Z", "2026-03-05T20:00:00Z"),
     ("2026-03-05T12:30:00Z", "2026-03-05T20:30:00Z")),
], ids=["date", "datetime-range"])
def test_unavailable(tmp_path, entry, bad, good):
    team = write_team(tmp_path, "{name: Ann Lee, tiers: [tier2], timezone: Asia/Kolkata, "
                                f"unavailable: [{entry}]}}")
    start, end = bad
    only_violation(judge(team, ("Ann Lee", start, end)), "unavailable", "Ann Lee", start, end,
                   f"Ann Lee is unavailable during {start}..{end}")
    clean(judge(team, ("Ann Lee", *good)))  # touching the time off is fine


def test_holiday(tmp_path):
    eng = "{name: Ann Lee, tiers: [tier2], timezone: Europe/London, holidays: GB-ENG"
    christmas = ("Ann Lee", "2026-12-25T09:00Z", "2026-12-25T17:00Z")
    team = write_team(tmp_path, eng + "}", start="2026-12-21")
    only_violation(judge(team, christmas), "holiday", "Ann Lee", "2026-12-25T09:00:00Z",
                   "2026-12-25T17:00:00Z", "2026-12-25 is a public holiday (GB-ENG) for Ann Lee")
    # The day is the local date of the shift's start: Christmas Eve's night shift is fine.
    clean(judge(team, ("Ann Lee", "2026-12-24T20:00Z", "2026-12-25T04:00Z")))
    # work_on_holidays, team-wide or for the one engineer, allows the same shift.
    clean(judge(write_team(tmp_path, eng + "}", start="2026-12-21",
                           rules="{work_on_holidays: true}"), christmas))
    clean(judge(write_team(tmp_path, eng + ", work_on_holidays: true}", start="2026-12-21"),
                christmas))


def test_rest(tmp_path):
    team = write_team(tmp_path, ANN, rules="{min_rest_hours: 11}")
    first = ("Ann Lee", "2026-03-02T08:00Z", "2026-03-02T16:00Z")
    only_violation(judge(team, first, ("Ann Lee", "2026-03-03T02:00Z", "2026-03-03T10:00Z")),
                   "rest", "Ann Lee", "2026-03-02T16:00:00Z", "2026-03-03T02:00:00Z",
                   "only 10 h rest between 2026-03-02T16:00:00Z and 2026-03-03T02:00:00Z "
                   "(min_rest_hours 11)")
    clean(judge(team, first, ("Ann Lee", "2026-03-03T03:00Z", "2026-03-03T11:00Z")))  # 11 h


def test_shift_length(tmp_path):
    team = write_team(tmp_path, ANN)
    only_violation(judge(team, ("Ann Lee", "2026-03-02T06:00Z", "2026-03-02T19:00Z")),
                   "shift_length", "Ann Lee", "2026-03-02T06:00:00Z", "2026-03-02T19:00:00Z",
                   "13 h is longer than max_shift_hours 12")
    clean(judge(team, ("Ann Lee", "2026-03-02T06:00Z", "2026-03-02T18:00Z")))  # exactly 12 h


def test_hours_per_week(tmp_path):
    team = write_team(tmp_path, ANN)  # default 48 h
    ten_hours = [("Ann Lee", f"2026-03-0{d}T08:00Z", f"2026-03-0{d}T18:00Z") for d in range(2, 7)]
    only_violation(judge(team, *ten_hours), "hours_per_week", "Ann Lee",
                   "2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z",
                   f"50 h in {WEEK1}, above max_hours_per_week 48")
    exactly_48 = [*ten_hours[:4], ("Ann Lee", "2026-03-06T08:00Z", "2026-03-06T16:00Z")]
    clean(judge(team, *exactly_48))


def test_per_engineer_max_hours_per_week(tmp_path):
    team = write_team(tmp_path, "{name: Ann Lee, tiers: [tier2], max_hours_per_week: 32}", BOB)
    rows = [(name, f"2026-03-0{d}T08:00Z", f"2026-03-0{d}T16:00Z")
            for name in ("Ann Lee", "Bob Ng") for d in range(2, 7)]  # 40 h each
    only_violation(judge(team, *rows), "hours_per_week", "Ann Lee", "2026-03-02T00:00:00Z",
                   "2026-03-09T00:00:00Z", f"40 h in {WEEK1}, above max_hours_per_week 32")


def test_shifts_per_week(tmp_path):
    team = write_team(tmp_path, ANN)  # default 6
    # Seven 2-hour shifts on six days (two on Monday, 11 h apart).
    rows = [("Ann Lee", "2026-03-02T00:00Z", "2026-03-02T02:00Z")]
    rows += [("Ann Lee", f"2026-03-0{d}T13:00Z", f"2026-03-0{d}T15:00Z") for d in range(2, 8)]
    only_violation(judge(team, *rows), "shifts_per_week", "Ann Lee", "2026-03-02T00:00:00Z",
                   "2026-03-09T00:00:00Z", f"7 shifts in {WEEK1}, above max_shifts_per_week 6")
    clean(judge(team, *rows[1:]))


def test_consecutive_days(tmp_path):
    # Thu 03-05 .. Wed 03-11 straddles the block boundary: 4 + 3 shifts, no weekly rule broken.
    team = write_team(tmp_path, ANN, days=14, rules="{max_consecutive_days: 6}")
    rows = [("Ann Lee", f"2026-03-{d:02}T09:00Z", f"2026-03-{d:02}T17:00Z") for d in range(5, 12)]
    only_violation(judge(team, *rows), "consecutive_days", "Ann Lee", "2026-03-05T09:00:00Z",
                   "2026-03-11T17:00:00Z",
                   "7 consecutive days 2026-03-05..2026-03-11, above max_consecutive_days 6")
    clean(judge(team, *rows[:6]))


def test_weekend_days(tmp_path):
    weekend = [("Ann Lee", "2026-03-07T09:00Z", "2026-03-07T17:00Z"),
               ("Ann Lee", "2026-03-08T09:00Z", "2026-03-08T17:00Z")]
    team = write_team(tmp_path, ANN, rules="{max_weekend_days: 1}")
    only_violation(judge(team, *weekend), "weekend_days", "Ann Lee", "2026-03-02T00:00:00Z",
                   "2026-03-09T00:00:00Z", f"2 weekend days in {WEEK1}, above max_weekend_days 1")
    clean(judge(team, weekend[0]))
    # Her own weekend is Friday and Saturday: Sunday is a working day.
    team = write_team(tmp_path, "{name: Ann Lee, tiers: [tier2], weekend: [fri, sat]}",
                      rules="{max_weekend_days: 1}")
    clean(judge(team, *weekend))


def test_unknown_engineer(tmp_path):
    team = write_team(tmp_path, ANN)
    only_violation(judge(team, ("Nobody", "2026-03-02T08:00Z", "2026-03-02T16:00Z")),
                   "unknown_engineer", "Nobody", "2026-03-02T08:00:00Z", "2026-03-02T16:00:00Z",
                   "'Nobody' is not an engineer of this team")
    clean(judge(team, ("ann", "2026-03-02T08:00Z", "2026-03-02T16:00Z")))  # by id


def test_tier_not_held(tmp_path):
    team = write_team(tmp_path, ANN)
    only_violation(judge(team, ("Ann Lee", "2026-03-02T08:00Z", "2026-03-02T16:00Z", "tier1")),
                   "tier", "Ann Lee", "2026-03-02T08:00:00Z", "2026-03-02T16:00:00Z",
                   "Ann Lee does not hold tier 'tier1'")


def test_overlap(tmp_path):
    team = write_team(tmp_path, ANN)
    only_violation(judge(team, ("Ann Lee", "2026-03-02T08:00Z", "2026-03-02T16:00Z"),
                         ("Ann Lee", "2026-03-02T12:00Z", "2026-03-02T20:00Z")),
                   "overlap", "Ann Lee", "2026-03-02T12:00:00Z", "2026-03-02T16:00:00Z",
                   "Ann Lee has overlapping assignments at 2026-03-02T12:00:00Z")


def test_name_and_id_are_one_engineer(tmp_path):
    team = write_team(tmp_path, ANN)
    only_violation(judge(team, ("Ann Lee", "2026-03-02T08:00Z", "2026-03-02T16:00Z"),
                         ("ann", "2026-03-02T20:00Z", "2026-03-03T04:00Z")),
                   "rest", "Ann Lee", "2026-03-02T16:00:00Z", "2026-03-02T20:00:00Z",
                   "only 4 h rest")


# ----- 2. 7-day blocks --------------------------------------------------------------------

def test_blocks_count_an_assignment_where_it_starts(tmp_path):
    # 10 days: block 1 is 03-02..03-09, block 2 the 3 days 03-09..03-12.
    rows = [("Ann Lee", "2026-03-02T08:00Z", "2026-03-02T16:00Z"),
            ("Ann Lee", "2026-03-08T20:00Z", "2026-03-09T04:00Z"),  # block 1, ends in block 2
            ("Ann Lee", "2026-03-09T16:00Z", "2026-03-10T00:00Z"),
            ("Ann Lee", "2026-03-11T08:00Z", "2026-03-11T16:00Z")]
    team = write_team(tmp_path, ANN, days=10,
                      rules="{max_hours_per_week: 16, max_shifts_per_week: 2}")
    clean(judge(team, *rows))  # 16 h / 2 shifts in each block (20 h in block 2 by minutes)
    team = write_team(tmp_path, ANN, days=10,
                      rules="{max_hours_per_week: 15, max_shifts_per_week: 1}")
    result = judge(team, *rows)
    assert violations(result) == [
        ("hours_per_week", "Ann Lee", "2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z"),
        ("shifts_per_week", "Ann Lee", "2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z"),
        ("hours_per_week", "Ann Lee", "2026-03-09T00:00:00Z", "2026-03-12T00:00:00Z"),
        ("shifts_per_week", "Ann Lee", "2026-03-09T00:00:00Z", "2026-03-12T00:00:00Z"),
    ]
    assert [v.message for v in result.violations] == [
        f"16 h in {WEEK1}, above max_hours_per_week 15",
        f"2 shifts in {WEEK1}, above max_shifts_per_week 1",
        "16 h in week 2 (2026-03-09T00:00:00Z..2026-03-12T00:00:00Z), above max_hours_per_week 15",
        "2 shifts in week 2 (2026-03-09T00:00:00Z..2026-03-12T00:00:00Z), above "
        "max_shifts_per_week 1",
    ]


def test_assignment_starting_before_the_horizon(tmp_path):
    # Mondays 00:00-07:00 UTC need one engineer; the first Monday is covered from the
    # evening before, and that whole 8 h shift counts in block 1 (7 h + 3 h would be 10).
    coverage = "coverage:\n  - {tier: tier2, min: 1, days: mon, hours: '00:00-07:00'}\n"
    team = write_team(tmp_path, ANN, BOB, coverage=coverage, days=10,
                      rules="{max_hours_per_week: 10}")
    night = ("Ann Lee", "2026-03-01T23:00Z", "2026-03-02T07:00Z")
    second_monday = ("Bob Ng", "2026-03-09T00:00Z", "2026-03-09T07:00Z")
    result = judge(team, night, ("Ann Lee", "2026-03-04T08:00Z", "2026-03-04T11:00Z"),
                   second_monday)
    only_violation(result, "hours_per_week", "Ann Lee", "2026-03-02T00:00:00Z",
                   "2026-03-09T00:00:00Z", f"11 h in {WEEK1}, above max_hours_per_week 10")
    assert result.ignored == 0
    clean(judge(team, night, second_monday))
    # Without it, the first hours are short; the hour before the horizon never is.
    assert gaps(judge(team, second_monday)) == [
        gap("tier2", "2026-03-02T00:00:00Z", "2026-03-02T07:00:00Z", 1, 0, 420)]


def test_rows_entirely_outside_the_horizon_are_ignored(tmp_path):
    team = write_team(tmp_path, ANN, days=1)
    result = judge(team, ("Ann Lee", "2026-03-01T08:00Z", "2026-03-02T00:00Z"),
                   ("Ann Lee", "2026-03-03T00:00Z", "2026-03-03T08:00Z"))
    clean(result)
    assert result.ignored == 2


# ----- 3. gaps, exactly -------------------------------------------------------------------

def test_one_missing_hour_is_one_gap_row(tmp_path):
    team = write_team(tmp_path, ANN, BOB, CARA, coverage=ALWAYS_1, days=1)
    result = judge(team, ("Ann Lee", "2026-03-02T00:00Z", "2026-03-02T08:00Z"),
                   ("Bob Ng", "2026-03-02T08:00Z", "2026-03-02T16:00Z"),
                   ("Cara Diaz", "2026-03-02T17:00Z", "2026-03-03T01:00Z"))
    assert violations(result) == []
    assert len(result.gaps) == 1
    g = result.gaps[0]
    assert (g.tier, g.start, g.end, g.required, g.assigned, g.missing, g.minutes) == (
        "tier2", utc("2026-03-02T16:00"), utc("2026-03-02T17:00"), 1, 0, 1, 60)
    assert gaps(result) == [gap("tier2", "2026-03-02T16:00:00Z", "2026-03-02T17:00:00Z",
                                1, 0, 60)]
    assert result.uncovered == {"tier2": 60}
    assert not result.passed


def test_peak_rule_needs_two(tmp_path):
    coverage = ("coverage:\n  - {tier: tier2, min: 1}\n"
                "  - {tier: tier2, min: 2, days: mon-fri, hours: '13:00-17:00', timezone: UTC}\n")
    team = write_team(tmp_path, ANN, BOB, CARA, coverage=coverage, days=1)
    day = [("Ann Lee", "2026-03-02T00:00Z", "2026-03-02T12:00Z"),
           ("Bob Ng", "2026-03-02T12:00Z", "2026-03-03T00:00Z")]
    result = judge(team, *day)
    assert gaps(result) == [gap("tier2", "2026-03-02T13:00:00Z", "2026-03-02T17:00:00Z",
                                2, 1, 240)]
    assert result.uncovered == {"tier2": 240}
    assert violations(result) == []
    # A second engineer for part of the peak leaves two maximal gaps.
    result = judge(team, *day, ("Cara Diaz", "2026-03-02T14:00Z", "2026-03-02T16:30Z"))
    assert gaps(result) == [
        gap("tier2", "2026-03-02T13:00:00Z", "2026-03-02T14:00:00Z", 2, 1, 60),
        gap("tier2", "2026-03-02T16:30:00Z", "2026-03-02T17:00:00Z", 2, 1, 30)]
    clean(judge(team, *day, ("Cara Diaz", "2026-03-02T13:00Z", "2026-03-02T17:00Z")))


def test_kathmandu_shift_leaves_a_15_minute_gap(tmp_path):
    # 06:00-14:00 in Asia/Kathmandu (+05:45) is 00:15-08:15Z; 00:00-08:00Z is required.
    coverage = "coverage:\n  - {tier: tier2, min: 1, hours: '00:00-08:00'}\n"
    team = write_team(tmp_path, "{name: Ann Lee, tiers: [tier2], timezone: Asia/Kathmandu, "
                                "availability: {daily: '06:00-14:00'}}", coverage=coverage, days=1)
    result = judge(team, ("Ann Lee", "2026-03-02T06:00:00+05:45", "2026-03-02T14:00:00+05:45"))
    assert violations(result) == []  # exactly inside her availability
    assert gaps(result) == [gap("tier2", "2026-03-02T00:00:00Z", "2026-03-02T00:15:00Z",
                                1, 0, 15)]
    assert result.uncovered == {"tier2": 15}


def test_gaps_only_inside_the_horizon(tmp_path):
    # The horizon is 2026-03-02 in New York: 05:00Z .. 05:00Z next day.
    team = write_team(tmp_path, ANN, BOB, coverage=ALWAYS_1, days=1, tz="America/New_York")
    assert gaps(judge(team)) == [gap("tier2", "2026-03-02T05:00:00Z", "2026-03-03T05:00:00Z",
                                     1, 0, 1440)]
    result = judge(team, ("Ann Lee", "2026-03-02T01:00Z", "2026-03-02T09:00Z"),
                   ("Bob Ng", "2026-03-03T01:00Z", "2026-03-03T09:00Z"))
    assert gaps(result) == [gap("tier2", "2026-03-02T09:00:00Z", "2026-03-03T01:00:00Z",
                                1, 0, 960)]
    assert result.uncovered == {"tier2": 960}
    # The spring-forward day has 23 hours.
    team = write_team(tmp_path, ANN, coverage=ALWAYS_1, days=1, start="2026-03-08",
                      tz="America/New_York")
    assert gaps(judge(team)) == [gap("tier2", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z",
                                     1, 0, 1380)]


def test_tier_violation_does_not_cover(tmp_path):
    team = write_team(tmp_path, ANN, "{name: Bob Ng, tiers: [tier1]}", coverage=ALWAYS_1, days=1)
    result = judge(team, ("Ann Lee", "2026-03-02T00:00Z", "2026-03-02T12:00Z"),
                   ("Bob Ng", "2026-03-02T12:00Z", "2026-03-03T00:00Z"))
    assert [v.rule for v in result.violations] == ["tier"]
    assert gaps(result) == [gap("tier2", "2026-03-02T12:00:00Z", "2026-03-03T00:00:00Z",
                                1, 0, 720)]



def test_double_booked_engineer_counts_once(tmp_path):
    # Two overlapping rows of one engineer (once by name, once by id) are still one person
    # on duty: the min-2 peak stays short where only she is on duty.
    coverage = "coverage:\n  - {tier: tier2, min: 2, days: mon, hours: '08:00-16:00'}\n"
    team = write_team(tmp_path, ANN, BOB, coverage=coverage, days=1)
    result = judge(team, ("Ann Lee", "2026-03-02T08:00Z", "2026-03-02T16:00Z"),
                   ("ann", "2026-03-02T10:00Z", "2026-03-02T14:00Z"),
                   ("Bob Ng", "2026-03-02T08:00Z", "2026-03-02T12:00Z"))
    assert violations(result) == [
        ("overlap", "Ann Lee", "2026-03-02T10:00:00Z", "2026-03-02T14:00:00Z")]
    assert gaps(result) == [gap("tier2", "2026-03-02T12:00:00Z", "2026-03-02T16:00:00Z",
                                2, 1, 240)]

# ----- 4. the command line ----------------------------------------------------------------

@pytest.fixture
def files(tmp_path):
    """A 1-day 24x7 team and three schedules: covered, one hour short, malformed."""
    team = write_team(tmp_path, ANN, BOB, CARA, coverage=ALWAYS_1, days=1)
    shifts = [("Ann Lee", "2026-03-02T00:00Z", "2026-03-02T08:00Z"),
              ("Bob Ng", "2026-03-02T08:00Z", "2026-03-02T16:00Z")]
    good, short, bad = (tmp_path / n for n in ("good.csv", "short.csv", "bad.csv"))
    good.write_text(csv_text(*shifts, ("Cara Diaz", "2026-03-02T16:00Z", "2026-03-03T00:00Z")))
    short.write_text(csv_text(*shifts, ("Cara Diaz", "2026-03-02T17:00Z", "2026-03-03T00:00Z"),
                              ("Nobody", "2026-03-02T10:00Z", "2026-03-02T11:00Z")))
    bad.write_text(HEADER + "\nAnn Lee,tier2,2026-03-02T08:00Z,2026-03-02T08:00Z\n")
    return {"team": str(team), "good": str(good), "short": str(short), "bad": str(bad)}


def test_cli_exit_0_when_all_is_well(files):
    result = run_cli(files["team"], files["good"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "PASS: every minute covered, no rule broken\n"
    assert result.stderr == ""


def test_cli_exit_1_on_gaps_or_broken_rules(files):
    result = run_cli(files["team"], files["short"])
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        "FAIL: 1 gap(s), 1 rule(s) broken",
        "gap tier2: 2026-03-02T16:00:00Z .. 2026-03-02T17:00:00Z  short 1 of 1 for 60 min",
        "rule unknown_engineer: Nobody: 'Nobody' is not an engineer of this team",
    ]


def test_cli_exit_1_on_a_broken_rule_alone(files, tmp_path):
    path = tmp_path / "double.csv"
    path.write_text(Path(files["good"]).read_text()
                    + "Ann Lee,tier2,2026-03-02T04:00Z,2026-03-02T06:00Z\n")
    assert run_cli(files["team"], str(path)).exit_code == 1


def test_cli_exit_2_on_bad_input(files, tmp_path):
    result = run_cli(files["team"], files["bad"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (f"error: {files['bad']}:2: row 1: end_utc 2026-03-02T08:00Z is not "
                             f"after start_utc 2026-03-02T08:00Z\n")
    missing = str(tmp_path / "absent.csv")
    result = run_cli(files["team"], missing)
    assert result.exit_code == 2
    assert result.stderr == f"error: {missing}: cannot read file: No such file or directory\n"
    config = tmp_path / "broken.yaml"
    config.write_text("version: 1\nteam: [\n")
    result = run_cli(str(config), files["good"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {config}:")
    assert len(result.stderr.splitlines()) == 1
    assert run_cli(files["team"], files["good"], "--format", "xml").exit_code == 2  # usage


def test_cli_json(files):
    result = run_cli(files["team"], files["short"], "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert list(data) == ["status", "gaps", "violations"]
    assert data["status"] == "fail"
    assert data["gaps"] == [gap("tier2", "2026-03-02T16:00:00Z", "2026-03-02T17:00:00Z",
                                1, 0, 60)]
    assert [list(g) for g in data["gaps"]] == [list(GAP_COLUMNS)]
    assert list(GAP_COLUMNS) == ["tier", "start_utc", "end_utc", "required", "assigned",
                                 "missing", "minutes"]
    assert data["violations"] == [{
        "rule": "unknown_engineer", "engineer": "Nobody", "start_utc": "2026-03-02T10:00:00Z",
        "end_utc": "2026-03-02T11:00:00Z", "message": "'Nobody' is not an engineer of this team"}]
    assert [list(v) for v in data["violations"]] == [
        ["rule", "engineer", "start_utc", "end_utc", "message"]]

    result = run_cli(files["team"], files["good"], "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"status": "pass", "gaps": [], "violations": []}


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cli_output_file(files, tmp_path, fmt):
    out = tmp_path / "reports" / f"check.{fmt}"
    result = run_cli(files["team"], files["short"], "--format", fmt, "-o", str(out))
    assert result.exit_code == 1
    assert result.stdout == ""
    printed = run_cli(files["team"], files["short"], "--format", fmt).stdout
    assert out.read_text(encoding="utf-8") == printed
    if fmt == "json":
        assert json.loads(out.read_text())["status"] == "fail"


def test_cli_output_file_that_cannot_be_written(files, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run_cli(files["team"], files["good"], "-o", str(blocker / "report.txt"))
    assert isinstance(result.exception, SystemExit)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")


# ----- 4b. formats for CI: junit, github, markdown -----------------------------------------

@pytest.fixture
def broken(files, tmp_path):
    """The one-hour gap, an unknown engineer (line 5) and Ann Lee double-booked (line 6)."""
    path = tmp_path / "broken.csv"
    path.write_text(Path(files["short"]).read_text()
                    + "Ann Lee,tier2,2026-03-02T04:00Z,2026-03-02T06:00Z\n")
    return path


def test_cli_junit_one_case_per_tier_and_rule(files, broken):
    from xml.etree import ElementTree as ET

    result = run_cli(files["team"], str(broken), "--format", "junit")
    assert result.exit_code == 1
    suite = ET.fromstring(result.stdout.encode())
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["coverage tier2", *(f"rule {r}" for r in RULES)]
    assert (suite.get("tests"), suite.get("failures")) == (str(len(RULES) + 1), "3")
    failed = {c.get("name"): c.find("failure").text.splitlines()
              for c in cases if c.find("failure") is not None}
    assert failed == {
        "coverage tier2": ["2026-03-02T16:00:00Z..2026-03-02T17:00:00Z short 1 of 1 (60 min)"],
        "rule unknown_engineer": ["Nobody 2026-03-02T10:00:00Z..2026-03-02T11:00:00Z: 'Nobody' "
                                  "is not an engineer of this team"],
        "rule overlap": ["Ann Lee 2026-03-02T04:00:00Z..2026-03-02T06:00:00Z: Ann Lee has "
                         "overlapping assignments at 2026-03-02T04:00:00Z"],
    }
    good = ET.fromstring(run_cli(files["team"], files["good"], "--format", "junit")
                         .stdout.encode())
    assert good.get("failures") == "0" and good.find("testcase/failure") is None


def test_cli_github_annotations(files, broken, tmp_path):
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", files["team"], str(broken), "--format", "github"],
                                env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    where = f"file={broken}"
    assert result.stdout.splitlines() == [
        f"::error {where},title=rota%3A tier2 gap::tier2 short 1 of 1 from "
        "2026-03-02T16:00:00Z to 2026-03-02T17:00:00Z (60 min)",
        f"::error {where},line=6,title=rota%3A overlap::Ann Lee: Ann Lee has overlapping "
        "assignments at 2026-03-02T04:00:00Z",
        f"::error {where},line=5,title=rota%3A unknown_engineer::Nobody: 'Nobody' is not an "
        "engineer of this team",
    ]
    markdown = run_cli(files["team"], str(broken), "--format", "markdown").stdout
    assert summary.read_text(encoding="utf-8") == "earlier step\n" + markdown  # appended

    unset = CliRunner().invoke(cli, ["check", files["team"], files["good"], "--format",
                                     "github"], env={"GITHUB_STEP_SUMMARY": ""})
    assert unset.exit_code == 0
    assert unset.stdout == "::notice title=rota check::every minute covered, no rule broken\n"
    assert summary.read_text(encoding="utf-8") == "earlier step\n" + markdown  # untouched


def test_cli_markdown_tables(files, broken):
    result = run_cli(files["team"], str(broken), "--format", "markdown")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "## ❌ rota check: fail"
    assert lines[2] == f"`{broken}`: 1 gap(s), 60 uncovered person-minutes, 2 rule(s) broken."

    def table(title: str) -> list[list[str]]:
        start = lines.index(title) + 2
        end = lines.index("", start) if "" in lines[start:] else len(lines)
        return [[c.strip() for c in row.strip("|").split("|")] for row in lines[start:end]]

    assert table("### Gaps") == [
        ["tier", "start (UTC)", "end (UTC)", "required", "assigned", "minutes"],
        ["---"] * 6,
        ["tier2", "2026-03-02T16:00:00Z", "2026-03-02T17:00:00Z", "1", "0", "60"]]
    assert table("### Rules broken") == [
        ["rule", "engineer", "start (UTC)", "end (UTC)", "what"], ["---"] * 5,
        ["overlap", "Ann Lee", "2026-03-02T04:00:00Z", "2026-03-02T06:00:00Z",
         "Ann Lee has overlapping assignments at 2026-03-02T04:00:00Z"],
        ["unknown_engineer", "Nobody", "2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z",
         "'Nobody' is not an engineer of this team"]]
    good = run_cli(files["team"], files["good"], "--format", "markdown")
    assert good.exit_code == 0
    assert good.stdout.splitlines()[0] == "## ✅ rota check: pass"
    assert "###" not in good.stdout


# ----- 5. schedules from other tools ------------------------------------------------------

@pytest.mark.parametrize("instant", [
    "2026-03-02T07:00:00+08:00", "2026-03-01T23:00Z", "2026-03-01T23:00:00Z",
    "2026-03-01T18:00:00-05:00", "2026-03-02T04:45+05:45", "2026-03-02T00:00+01:00",
    "2026-03-01T23:00:00.000Z", "20260301T2300Z", "2026-03-02T07:00+0800",
])
def test_any_iso_instant_with_an_offset(instant):
    text = f"{HEADER}\nAnn Lee,tier2,{instant},2026-03-02T07:00Z\n"
    assert parse_schedule(text, "s.csv") == [
        Assignment("Ann Lee", "tier2", utc("2026-03-01T23:00"), utc("2026-03-02T07:00"), "", 2)]


def test_extra_columns_in_another_order():
    text = ("hours,End_UTC,shift,notes,start_utc, Tier ,engineer,start_local\n"
            "8,2026-03-02T08:00:00Z,apac,\"ok, really\",2026-03-02T00:00:00Z,tier2,Ann Lee,"
            "2026-03-02T08:00:00+08:00\n")
    assert parse_schedule(text, "s.csv") == [
        Assignment("Ann Lee", "tier2", utc("2026-03-02T00:00"), utc("2026-03-02T08:00"),
                   "apac", 2)]


def test_bom_crlf_and_quoted_names(tmp_path):
    team = write_team(tmp_path, "{name: 'Smith, Jane', tiers: [tier2]}", BOB,
                      coverage=ALWAYS_1, days=1)
    path = tmp_path / "export.csv"
    rows = ["Engineer,Tier,Start_UTC,End_UTC,Comment",
            '"Smith, Jane",tier2,2026-03-02T07:00:00+07:00,2026-03-02T12:00:00Z,"night, then day"',
            "",
            '"Bob Ng",tier2,2026-03-02T12:00Z,2026-03-03T00:00Z,']
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode("utf-8") + b"\r\n")
    assert read_schedule(path) == [
        Assignment("Smith, Jane", "tier2", utc("2026-03-02T00:00"), utc("2026-03-02T12:00"),
                   "", 2),
        Assignment("Bob Ng", "tier2", utc("2026-03-02T12:00"), utc("2026-03-03T00:00"), "", 4)]
    result = run_cli(str(team), str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout == "PASS: every minute covered, no rule broken\n"


# ----- 6. malformed schedules -------------------------------------------------------------

BAD_SCHEDULES = {
    "missing-column": ("engineer,start_utc,end_utc\nAnn Lee,2026-03-02T00:00Z,2026-03-02T08:00Z\n",
                       [":1: missing column 'tier' (need engineer,tier,start_utc,end_utc)"]),
    "missing-columns": ("who,tier,start,end_utc\n",
                        [":1: missing columns 'engineer', 'start_utc' "
                         "(need engineer,tier,start_utc,end_utc)"]),
    "bad-timestamp": (HEADER + "\nAnn Lee,tier2,2026-03-02T00:00Z,2026-03-02T08:00Z\n"
                      "Ann Lee,tier2,2026-03-03 8am,2026-03-03T16:00Z\n",
                      [":3: row 2: start_utc: bad timestamp '2026-03-03 8am' "
                       "(expected ISO 8601 like 2026-03-02T23:00:00Z)"]),
    "no-offset": (HEADER + "\nAnn Lee,tier2,2026-03-02T08:00:00Z,2026-03-02T16:00:00\n",
                  [":2: row 1: end_utc: timestamp '2026-03-02T16:00:00' has no UTC offset "
                   "(add Z or +HH:MM)"]),
    "end-not-after-start": (HEADER + "\nAnn Lee,tier2,2026-03-02T16:00Z,2026-03-02T08:00Z\n",
                            [":2: row 1: end_utc 2026-03-02T08:00Z is not after start_utc "
                             "2026-03-02T16:00Z"]),
    "empty": ("", [":1: the file is empty; expected a CSV header"]),
    # a record is located by its first line; rows count data rows, not lines
    "multi-line-cell": (HEADER + ",note\nAnn Lee,,2026-03-02T00:00Z,2026-03-02T08:00Z,\"two\n"
                        "lines\"\n\nAnn Lee,tier2,2026-03-03T00:00Z,2026-03-03T00:00Z,\n",
                        [":2: row 1: tier: empty",
                         ":5: row 2: end_utc 2026-03-03T00:00Z is not after start_utc "
                         "2026-03-03T00:00Z"]),
    "three-problems": (HEADER + "\nAnn Lee,tier2,2026-03-02T00:00Z,2026-03-02T08:00Z\n"
                       "Ann Lee,tier2,soon,2026-03-03T08:00Z\n"
                       "\n"
                       "Ann Lee,tier2,2026-03-04T00:00,2026-03-04T08:00Z\n"
                       ",tier2,2026-03-05T00:00Z,2026-03-05T08:00Z\n",
                       [":3: row 2: start_utc: bad timestamp 'soon' "
                        "(expected ISO 8601 like 2026-03-02T23:00:00Z)",
                        ":5: row 3: start_utc: timestamp '2026-03-04T00:00' has no UTC offset "
                        "(add Z or +HH:MM)",
                        ":6: row 4: engineer: empty"]),
}


@pytest.mark.parametrize("case", list(BAD_SCHEDULES))
def test_malformed_schedule(tmp_path, case):
    text, expected = BAD_SCHEDULES[case]
    team = write_team(tmp_path, ANN)
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    result = run_cli(str(team), str(path))
    assert isinstance(result.exception, SystemExit)  # not an uncaught exception
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"error: {path}{tail}" for tail in expected]


def test_malformed_schedule_prints_no_traceback(tmp_path):
    """The real process, not the test runner: one line per problem, nothing else."""
    text, expected = BAD_SCHEDULES["three-problems"]
    team = write_team(tmp_path, ANN)
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "rota", "check", str(team), str(path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [f"error: {path}{tail}" for tail in expected]
    assert proc.stdout == ""


# ----- 7. the real team -------------------------------------------------------------------

def test_real_team_schedule_passes():
    """Their own tool's schedule of the real week passes the referee."""
    schedule = ROOT / "examples" / "real-team-theirs.csv"
    result = run_cli(str(ROOT / "examples" / "real-team.yaml"), str(schedule))
    assert result.exit_code == 0, result.output
    assert result.stdout == "PASS: every minute covered, no rule broken\n"
    verdict = check(load_team(ROOT / "examples" / "real-team.yaml"), read_schedule(schedule))
    assert verdict.passed
    assert verdict.uncovered == {"tier2": 0}
    assert verdict.ignored == 0
