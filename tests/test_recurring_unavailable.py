"""Recurring `unavailable` entries (SPEC §9) in config, check, validate and plan, across
the US DST change of 2026-03-08: "every other Friday off" and a weekly local window."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rota.capacity import capacity
from rota.cli import cli
from rota.config import load_team
from rota.timeline import iso_utc, time_off

TEAM = """version: 1
team: Recurring
horizon: {{start: {start}, days: {days}}}
flexible: {{}}
engineers:
  - name: Ann Lee
    timezone: America/New_York
    tiers: [tier2]
    unavailable:
      - {{rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", start: 2026-03-06}}
  - name: Bob Ng
    timezone: America/New_York
    tiers: [tier2]
    unavailable:
      - {{rrule: "FREQ=WEEKLY;BYDAY=FR", start: 2026-03-06, hours: "13:00-17:00"}}
coverage:
  - {{tier: tier2, min: 1, {coverage}}}
"""
NY_DAYTIME = 'days: mon-fri, hours: "09:00-17:00", timezone: America/New_York'


def write(tmp_path: Path, start="2026-03-02", days=21, coverage=NY_DAYTIME, text=None) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(text or TEAM.format(start=start, days=days, coverage=coverage),
                    encoding="utf-8")
    return path


def run(*args):
    return CliRunner().invoke(cli, [*map(str, args)])


def test_occurrences_are_local_days_and_windows_on_both_sides_of_the_change(tmp_path):
    ann, bob = load_team(write(tmp_path)).engineers
    assert [(iso_utc(a), iso_utc(b)) for a, b in time_off(ann)] == [
        ("2026-03-06T05:00:00Z", "2026-03-07T05:00:00Z"),  # EST
        ("2026-03-20T04:00:00Z", "2026-03-21T04:00:00Z")]  # EDT; 03-13 is the other week
    assert [(iso_utc(a), iso_utc(b)) for a, b in time_off(bob)] == [
        ("2026-03-06T18:00:00Z", "2026-03-06T22:00:00Z"),
        ("2026-03-13T17:00:00Z", "2026-03-13T21:00:00Z"),
        ("2026-03-20T17:00:00Z", "2026-03-20T21:00:00Z")]


def test_check_judges_the_edges_to_the_minute(tmp_path):
    team = write(tmp_path)
    schedule = tmp_path / "s.csv"
    schedule.write_text("engineer,tier,start_utc,end_utc\n"
                        "Ann Lee,tier2,2026-03-20T03:00:00Z,2026-03-20T04:00:00Z\n"  # Thu 23 EDT
                        "Ann Lee,tier2,2026-03-20T04:00:00Z,2026-03-20T04:01:00Z\n"  # Fri 00:00
                        "Bob Ng,tier2,2026-03-13T13:00:00Z,2026-03-13T17:00:00Z\n"   # 09-13 EDT
                        "Bob Ng,tier2,2026-03-06T21:59:00Z,2026-03-06T23:00:00Z\n",  # 16:59 EST
                        encoding="utf-8")
    result = run("check", team, schedule, "--format", "json")
    got = [(v["rule"], v["engineer"], v["start_utc"], v["end_utc"])
           for v in json.loads(result.output)["violations"] if v["rule"] == "unavailable"]
    assert got == [("unavailable", "Bob Ng", "2026-03-06T21:59:00Z", "2026-03-06T23:00:00Z"),
                   ("unavailable", "Ann Lee", "2026-03-20T04:00:00Z", "2026-03-20T04:01:00Z")]


def test_validate_names_the_structural_gap(tmp_path):
    cap = capacity(load_team(write(tmp_path)))
    assert [(iso_utc(g.start), iso_utc(g.end), g.possible, g.reason) for g in cap.gaps] == [
        ("2026-03-06T18:00:00Z", "2026-03-06T22:00:00Z", 0, "time_off"),
        ("2026-03-20T17:00:00Z", "2026-03-20T21:00:00Z", 0, "time_off")]


def test_plan_leaves_exactly_the_hours_nobody_may_work(tmp_path):
    team = write(tmp_path, start="2026-03-16", days=7)
    out = tmp_path / "out"
    result = run("plan", team, "-o", out, "--quiet", "--time-limit", "10", "--reproducible")
    assert result.exit_code == 1, result.output
    assert (out / "gaps.csv").read_text().splitlines() == [
        "tier,start_utc,end_utc,required,assigned,missing,minutes",
        "tier2,2026-03-20T17:00:00Z,2026-03-20T21:00:00Z,1,0,1,240"]
    check = run("check", team, out / "schedule.csv", "--format", "json")
    assert json.loads(check.output)["violations"] == []


@pytest.mark.parametrize(("entry", "line"), [
    ('{rrule: "FREQ=SOMETIMES", start: 2026-03-06}',
     "error: team.yaml:8:17: engineers[0].unavailable[0].rrule: invalid RRULE "
     "'FREQ=SOMETIMES': invalid 'FREQ': SOMETIMES"),
    ('{rrule: "FREQ=HOURLY", start: 2026-03-06}',
     "error: team.yaml:8:17: engineers[0].unavailable[0].rrule: FREQ must be DAILY, WEEKLY, "
     "MONTHLY or YEARLY: an entry takes whole local days"),
    ('{rrule: "FREQ=WEEKLY"}',
     "error: team.yaml:8:9: engineers[0].unavailable[0]: missing required key 'start'"),
    ('{rrule: "FREQ=WEEKLY", start: 2026-03-06, hours: "13:00"}',
     "error: team.yaml:8:58: engineers[0].unavailable[0].hours: expected a window like "
     "\"09:00-17:00\", not '13:00'"),
], ids=["invalid", "hourly", "no-start", "bad-hours"])
def test_bad_recurring_entries(tmp_path, monkeypatch, entry, line):
    text = ("version: 1\nhorizon: {start: 2026-03-02}\nflexible: {}\nengineers:\n"
            "  - name: Ann\n    tiers: [tier2]\n    unavailable:\n"
            f"      - {entry}\n"
            "coverage:\n  - {tier: tier2, min: 1}\n")
    (tmp_path / "team.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("validate", "team.yaml")
    assert (result.exit_code, result.output) == (2, line + "\n")
