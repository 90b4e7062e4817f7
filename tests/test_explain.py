"""`rota explain`, `rota what-if` and `rota resilience` (SPEC §11, issue 13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rota.check import check
from rota.cli import cli
from rota.config import load_team
from rota.problem import Team
from rota.scenarios import COVERAGE_ONLY, stand_in, with_engineers, with_rule, without
from rota.solve.planner import plan
from rota.timeline import to_minute

ROOT = Path(__file__).resolve().parents[1]
UNDERSTAFFED = ROOT / "examples" / "understaffed.yaml"

# Two engineers, one per half-day, each allowed 72 h: six 12-hour shifts each, so one day
# of each half stays open, and only max_hours_per_week keeps them from it.
HOURS_ONLY = """\
version: 1
team: Hours only
horizon: {start: 2027-02-01, weeks: 1, timezone: UTC}
engineers:
  - {name: Ann Day, timezone: UTC, tiers: [tier2], availability: {daily: "00:00-12:00"}}
  - {name: Bo Late, timezone: UTC, tiers: [tier2], availability: {daily: "12:00-24:00"}}
shifts:
  - {name: early, start: "00:00", end: "12:00"}
  - {name: late, start: "12:00", end: "24:00"}
coverage:
  - {tier: tier2, min: 1}
rules:
  min_rest_hours: 0
  max_hours_per_week: 72
  max_shifts_per_week: null
  max_consecutive_days: null
"""

# One engineer, a Monday night shift and a Tuesday afternoon shift 5 h after it: the
# plan covers the longer night, and rest after it blocks the afternoon.
REST_AFTER_NIGHT = """\
version: 1
team: Rest after nights
horizon: {start: 2027-02-01, days: 2, timezone: UTC}
engineers:
  - {name: Nia Night, timezone: UTC, tiers: [tier2]}
shifts:
  - {name: night, start: "21:00", end: "07:00", days: [mon]}
  - {name: day, start: "12:00", end: "18:00", days: [tue]}
coverage:
  - {tier: tier2, min: 1, days: mon, hours: "21:00-24:00"}
  - {tier: tier2, min: 1, days: tue, hours: "00:00-07:00"}
  - {tier: tier2, min: 1, days: tue, hours: "12:00-18:00"}
"""

# Three day engineers; exactly one tier-2 engineer (Sol) can cover Sunday evening.
SUNDAY_NIGHTS = """\
version: 1
team: Sunday nights
horizon: {start: 2027-02-01, weeks: 1, timezone: UTC}
engineers:
  - {name: Ann Day, timezone: UTC, tiers: [tier2], availability: {daily: "08:00-16:00"}}
  - {name: Bo Day, timezone: UTC, tiers: [tier2], availability: {daily: "08:00-16:00"}}
  - {name: Cy Day, timezone: UTC, tiers: [tier2], availability: {daily: "08:00-16:00"}}
  - {name: Sol Night, timezone: UTC, tiers: [tier2], availability: {sun: "16:00-24:00"}}
  - {name: Tia One, timezone: UTC, tiers: [tier1], availability: {sun: "16:00-24:00"}}
shifts:
  - {name: day, start: "08:00", end: "16:00"}
  - {name: evening, start: "16:00", end: "24:00", days: [sun]}
coverage:
  - {tier: tier2, min: 1, hours: "08:00-16:00"}
  - {tier: tier2, min: 1, days: sun, hours: "20:00-24:00"}
  - {tier: tier1, min: 1, days: sun, hours: "20:00-24:00"}
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                     SystemExit), result.output
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def team_file(tmp_path: Path, text: str, name: str = "team.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _instant(text: str) -> int:
    from datetime import datetime

    return to_minute(datetime.fromisoformat(text.replace("Z", "+00:00")))


def fixed_team(team: Team, fix: dict) -> Team:
    """The team with a fix as explain's JSON states it, built here from the JSON alone."""
    if fix["kind"] == "relax":
        return with_rule(team, fix["engineer"], fix["rule"], fix["new"])
    windows = [(_instant(w["start_utc"]), _instant(w["end_utc"]))
               for w in fix.get("windows", [fix])]
    return with_engineers(team, [stand_in(team, fix["tier"], fix["timezone"], windows[0],
                                          "Verifier", tuple(windows[1:]))])


def assert_fixes_hold(config: Path, data: dict) -> None:
    """Every fix explain prints closes what it claims: re-plan with it (another seed, one
    worker) and compare; the referee accepts the re-planned schedule."""
    team = load_team(config)
    before = data["uncovered_minutes"]
    fixes = [f for g in data["gaps"] for f in [g["fix"], *g["alternatives"]] if f]
    fixes += data["combined_fixes"]
    assert fixes
    for fix in fixes:
        changed = fixed_team(team, fix)
        again = plan(changed, time_limit=20, workers=1, seed=7, stages=COVERAGE_ONLY)
        assert again.result.coverage_stage.status == "OPTIMAL"
        verdict = check(changed, again.result.assignments)
        assert verdict.violations == []
        assert before - sum(verdict.uncovered.values()) == fix["closes_minutes"], fix
        assert fix["closes_minutes"] > 0 and fix["proven"]


def test_understaffed_every_gap_explained_and_its_fix_verified(tmp_path):
    code, out, err = run("explain", str(UNDERSTAFFED), "--format", "json", "--time-limit", "5",
                         "-o", str(tmp_path / "out"))
    assert code == 1, err
    data = json.loads(out)
    assert data["uncovered_minutes"] == 2160 and data["proven_minimal"]
    assert len(data["gaps"]) == 7
    for gap in data["gaps"]:
        assert gap["structural"], gap  # nobody is available at night; Chen is on leave
        assert gap["cause"] and gap["fix"], gap
        assert gap["fix"]["kind"] == "add_engineer"
        assert gap["fix"]["closes_minutes"] == gap["person_minutes"]
    wed = data["gaps"][1]
    assert [s["reason"] for s in wed["structural"]] == ["nobody_available", "time_off"]
    assert "Chen Wei (unavailable)" in wed["structural"][1]["who"]
    assert data["gaps"][0]["fix"]["timezone"] == "America/Los_Angeles"  # 12:00-16:00 there
    (daily,) = data["combined_fixes"]  # one engineer for the six 20:00-24:00 gaps
    assert daily["gaps"] == [1, 3, 4, 5, 6, 7] and len(daily["windows"]) == 6
    assert daily["closes_minutes"] == 1440  # six shifts: max_shifts_per_week
    assert_fixes_hold(UNDERSTAFFED, data)
    report = (tmp_path / "out" / "report.md").read_text()
    assert "| cause | fix |" in report and "closes 240 person-minutes" in report
    assert "## Single points of failure" in report
    html = (tmp_path / "out" / "report.html").read_text()
    assert "<th>cause</th>" in html and "Single points of failure" in html


def test_a_gap_from_max_hours_per_week_names_the_rule_and_the_engineer(tmp_path):
    config = team_file(tmp_path, HOURS_ONLY)
    code, out, err = run("explain", str(config), "--format", "json", "--time-limit", "10")
    assert code == 1, err
    data = json.loads(out)
    assert data["uncovered_minutes"] == 1440
    for gap in data["gaps"]:
        assert not gap["structural"]
        blocked = {b["engineer"]: frozenset(r["rule"] for r in b["rules"]) for b in gap["blocked"]}
        assert blocked and set(blocked.values()) == {frozenset({"max_hours_per_week"})}
        assert gap["fix"]["kind"] == "relax" and gap["fix"]["rule"] == "max_hours_per_week"
        assert gap["fix"]["new"] == 84 and gap["fix"]["engineer"] in blocked
    assert_fixes_hold(config, data)
    code, text, _ = run("explain", str(config), "--time-limit", "10")
    assert "max_hours_per_week 72 reached in week 1" in text
    assert "relax max_hours_per_week 72 → 84 (+12) for" in text


def test_a_gap_from_rest_after_a_night_shift_names_the_rule_and_the_engineer(tmp_path):
    config = team_file(tmp_path, REST_AFTER_NIGHT)
    code, out, _ = run("explain", str(config), "--format", "json")
    assert code == 1
    data = json.loads(out)
    (gap,) = data["gaps"]
    assert (gap["start_utc"], gap["end_utc"]) == ("2027-02-02T12:00:00Z", "2027-02-02T18:00:00Z")
    (blocked,) = gap["blocked"]
    assert blocked["engineer"] == "Nia Night"
    (rule,) = blocked["rules"]
    assert rule["rule"] == "min_rest_hours" and rule["violation"] == "rest"
    assert "after their Mon 2027-02-01 21:00–Tue 07:00Z shift" in rule["text"]
    assert gap["fix"]["rule"] == "min_rest_hours" and gap["fix"]["new"] == 5
    assert gap["fix"]["closes_minutes"] == 360
    assert_fixes_hold(config, data)


def test_covered_team_has_nothing_to_explain(tmp_path):
    config = team_file(tmp_path, SUNDAY_NIGHTS)
    code, out, _ = run("explain", str(config), "--time-limit", "5")
    assert code == 0
    assert "every minute is covered" in out


def test_resilience_names_the_one_sunday_night_engineer_and_the_exact_cost(tmp_path):
    config = team_file(tmp_path, SUNDAY_NIGHTS)
    code, out, err = run("resilience", str(config), "--format", "json")
    assert code == 1, err  # one absence opens a gap
    data = json.loads(out)
    assert data["uncovered_minutes"] == 0
    points = {(p["tier"], p["start_utc"], p["end_utc"]): p["engineers"]
              for p in data["single_points_of_failure"]}
    assert points[("tier2", "2027-02-07T20:00:00Z", "2027-02-08T00:00:00Z")] == ["Sol Night"]
    absences = {a["engineer"]: a for a in data["absences"]}
    assert absences["Sol Night"]["uncovered_minutes"] == 240
    assert absences["Sol Night"]["proven"]
    assert set(data["opens_gap"]) == {"Sol Night", "Tia One"}
    for name in ("Ann Day", "Bo Day", "Cy Day"):
        assert absences[name]["uncovered_minutes"] == 0 and absences[name]["proven"]
    # The exact cost, by planning without Sol independently.
    team = load_team(config)
    again = plan(without(team, ["Sol Night"]), time_limit=20, workers=1, seed=3,
                 stages=COVERAGE_ONLY)
    assert again.result.coverage_stage.status == "OPTIMAL"
    assert sum(again.verdict.uncovered.values()) == 240
    code, text, _ = run("resilience", str(config))
    assert "only Sol Night" in text and "Sol Night" in text.splitlines()[-2]


def test_resilience_re_plans_where_the_cheap_answers_leave_doubt():
    code, out, _ = run("resilience", str(UNDERSTAFFED), "--format", "json", "--time-limit", "10")
    assert code == 1
    data = json.loads(out)
    got = {a["engineer"]: (a["uncovered_minutes"], a["proven"]) for a in data["absences"]}
    assert got == {"Alice Morgan": (2880, True), "Ben Carter": (2880, True),
                   "Chen Wei": (2160, True), "Dewi Santoso": (2160, True)}


def test_what_if_side_by_side(tmp_path):
    extra = team_file(tmp_path, "engineers:\n  - {name: Lee West, timezone: America/Los_Angeles,"
                                " tiers: [tier2], availability: {daily: \"10:00-18:00\"}}\n",
                      "hire.yaml")
    code, out, err = run("what-if", str(UNDERSTAFFED), "--without", "Ben Carter",
                         "--add", str(extra), "--set", "Alice Morgan.max_hours_per_week=40",
                         "--unavailable", "Alice Morgan=2027-02-02", "--time-limit", "3",
                         "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    labels = [s["scenario"] for s in data["scenarios"]]
    assert labels[0] == "as is" and labels[-1] == "all 4 changes" and len(labels) == 6
    got = {s["scenario"]: s for s in data["scenarios"]}
    assert got["as is"]["uncovered_minutes"] == 2160
    assert got["without Ben Carter"]["uncovered_minutes"] == 2880
    hire = next(s for s in data["scenarios"] if s["scenario"].startswith("add hire.yaml"))
    assert hire["uncovered_minutes"] < 2160  # Lee covers 18:00-02:00Z
    for s in data["scenarios"]:
        assert set(s) >= {"largest_load", "handoffs", "night_minutes", "daytime_share"}
        assert 0 <= s["daytime_share"]["tier2"] <= 1
    code, text, _ = run("what-if", str(UNDERSTAFFED), "--set", "max_hours_per_week=40",
                        "--time-limit", "3")
    assert code == 0 and "daytime share tier2" in text and "max_hours_per_week=40" in text


@pytest.mark.parametrize("args, line", [
    (["--without", "Nobody"], "error: --without: no engineer 'Nobody' in the team"),
    (["--set", "max_hourz_per_week=4"],
     "error: --set max_hourz_per_week=4: unknown rule 'max_hourz_per_week' "
     "(did you mean 'max_hours_per_week'?)"),
    (["--set", "max_hours_per_week=lots"],
     "error: --set max_hours_per_week=lots: max_hours_per_week: expected a number, not 'lots'"),
    (["--set", "max_hours_per_week"], "error: --set: expected KEY=VALUE, not 'max_hours_per_week'"),
    (["--set", "Nobody.min_rest_hours=3"], "error: --set: no engineer 'Nobody' in the team"),
    (["--unavailable", "Chen Wei=2027-02-30"],
     "error: --unavailable Chen Wei=2027-02-30: expected a date (2026-03-04), a range "
     "(2026-03-10..2026-03-12) or a local time range (2026-03-05T14:00..2026-03-05T18:00), "
     "not '2027-02-30'"),
    (["--unavailable", "2027-02-03"], "error: --unavailable: expected NAME=DATE[..DATE], "
                                      "not '2027-02-03'"),
    (["--add", "/nonexistent/hire.yaml"],
     "error: /nonexistent/hire.yaml: cannot read file: No such file or directory"),
])
def test_what_if_bad_input_is_one_line_and_exit_2(args, line):
    code, out, err = run("what-if", str(UNDERSTAFFED), *args)
    assert (code, out, err) == (2, "", line + "\n")


def test_what_if_add_file_errors_are_located(tmp_path):
    extra = team_file(tmp_path, "engineers:\n  - {name: Ann Lee, timezone: Europe/Londn, "
                                "tiers: [tier2]}\n", "hire.yaml")
    code, _, err = run("what-if", str(UNDERSTAFFED), "--add", str(extra))
    assert code == 2
    assert err.startswith(f"error: {extra}:2:") and "Europe/London" in err
    same = team_file(tmp_path, "engineers:\n  - {name: Chen Wei, site: singapore, "
                               "tiers: [tier2]}\n", "again.yaml")
    code, _, err = run("what-if", str(UNDERSTAFFED), "--add", str(same))
    assert (code, err) == (2, f"error: {same}: engineer 'Chen Wei' is already in the team\n")


@pytest.mark.parametrize("command", ["explain", "what-if", "resilience"])
def test_bad_team_file_is_exit_2_without_traceback(tmp_path, command):
    bad = team_file(tmp_path, "version: 1\nteam: [\n")
    code, out, err = run(command, str(bad))
    assert code == 2 and out == "" and err.startswith(f"error: {bad}:")
    code, _, err = run(command, str(tmp_path / "missing.yaml"))
    assert code == 2 and "cannot read file" in err


def test_explained_reports_escape_names(tmp_path):
    config = team_file(tmp_path, HOURS_ONLY.replace("Ann Day", "<b>Ann|Day</b>"))
    code, _, err = run("explain", str(config), "-o", str(tmp_path / "out"), "--time-limit", "5")
    assert code == 1, err
    html = (tmp_path / "out" / "report.html").read_text()
    assert "&lt;b&gt;Ann|Day&lt;/b&gt;" in html and "<b>Ann" not in html
    md = (tmp_path / "out" / "report.md").read_text()
    assert "\\<b\\>" not in md and "&lt;b&gt;Ann\\|Day&lt;/b&gt;" in md
