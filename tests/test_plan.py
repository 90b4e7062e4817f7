"""`rota plan` end to end. Every test runs the referee, `rota check`, on what plan wrote."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from statistics import median

import pytest
from click.testing import CliRunner

from rota.cli import cli
from rota.config import load_team
from rota.schedule import instant
from rota.timeline import local_date

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                     SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def plan_and_check(config: Path, out: Path, *extra: str) -> tuple[int, dict]:
    """Plan `config` into `out`, then make the referee judge schedule.csv. The plan is
    reproducible unless `extra` says `--no-reproducible`: what these tests assert does not
    depend on the search using all its time, and the suite stays quick."""
    mode = [] if {"--reproducible", "--no-reproducible"} & set(extra) else ["--reproducible"]
    code, _, err = run("plan", str(config), "-o", str(out), "--quiet", *mode, *extra)
    assert code in (0, 1), err
    summary = json.loads((out / "summary.json").read_text())
    check_code, stdout, _ = run("check", str(config), str(out / "schedule.csv"),
                                "--format", "json")
    verdict = json.loads(stdout)
    assert verdict["violations"] == [], verdict["violations"]
    assert check_code == code, "plan and check disagree on the exit code"
    gaps_csv = read_csv(out / "gaps.csv")
    assert [{k: str(v) for k, v in g.items()} for g in verdict["gaps"]] == gaps_csv
    return code, summary


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(text)
    return path


def test_follow_the_sun_example_is_covered_across_the_us_dst_change(tmp_path):
    code, summary = plan_and_check(EXAMPLES / "follow-the-sun.yaml", tmp_path, "--time-limit", "20")
    assert code == 0
    assert summary["status"] == "covered"
    assert summary["gap_minutes"] == {"tier2": 0}
    assert summary["solver"]["status"] == "OPTIMAL"
    rows = read_csv(tmp_path / "schedule.csv")
    assert list(rows[0]) == ["engineer", "tier", "shift", "start_utc", "end_utc", "timezone",
                             "start_local", "end_local", "hours"]
    # The shift that starts the evening before the horizon covers its first hours.
    assert (rows[0]["start_utc"], rows[0]["end_utc"]) == ("2027-03-07T23:00:00Z",
                                                          "2027-03-08T07:00:00Z")
    # UTC hand-offs stay put while New York moves from -05:00 to -04:00 on 2027-03-14.
    amer = [r for r in rows if r["shift"] == "amer"]
    assert [r["start_utc"][:10] for r in amer] == [f"2027-03-{d:02d}" for d in range(8, 15)]
    ny = [r for r in amer if r["timezone"] == "America/New_York"]
    assert {r["start_local"][-6:] for r in ny if r["start_utc"] < "2027-03-14"} <= {"-05:00"}
    assert {r["start_local"][-6:] for r in ny if r["start_utc"] >= "2027-03-14"} <= {"-04:00"}
    assert rows == sorted(rows, key=lambda r: (r["start_utc"], r["engineer"]))


def test_understaffed_example_reports_the_proven_minimal_gaps(tmp_path):
    code, summary = plan_and_check(EXAMPLES / "understaffed.yaml", tmp_path, "--time-limit", "20")
    assert code == 1
    assert summary["status"] == "gaps"
    assert summary["solver"]["coverage_status"] == "OPTIMAL"
    assert summary["solver"]["objective"] == summary["solver"]["bound"] == 2160
    assert summary["gap_minutes"] == {"tier2": 2160}
    gaps = read_csv(tmp_path / "gaps.csv")
    assert [(g["start_utc"], g["end_utc"], g["minutes"]) for g in gaps[:2]] == [
        ("2027-02-01T20:00:00Z", "2027-02-02T00:00:00Z", "240"),
        ("2027-02-02T20:00:00Z", "2027-02-03T08:00:00Z", "720"),
    ]
    assert len(gaps) == 7


WEEKLY_CAP = """
version: 1
team: one person, round the clock
horizon: {start: 2026-03-02, weeks: 1}
engineers:
  - {name: Solo, tiers: [tier2], timezone: UTC}
flexible: {min_hours: 4, max_hours: 8, step_minutes: 60}
coverage:
  - {tier: tier2, min: 1}
rules: {min_rest_hours: 0, max_hours_per_week: 40, max_shifts_per_week: 6}
"""


def test_gap_forced_by_weekly_rules_is_the_true_minimum(tmp_path):
    """Available all week, but 40 h a week at most: 168 - 40 = 128 h must stay uncovered."""
    code, summary = plan_and_check(write(tmp_path, WEEKLY_CAP), tmp_path / "out",
                                   "--time-limit", "20")
    assert code == 1
    assert summary["solver"]["objective"] == summary["solver"]["bound"] == 128 * 60
    assert summary["gap_minutes"] == {"tier2": 128 * 60}
    hours = sum(float(r["hours"]) for r in read_csv(tmp_path / "out" / "schedule.csv"))
    assert hours == 40


KATHMANDU = """
version: 1
team: quarter-hour zone
horizon: {start: 2026-03-02, days: 1}
engineers:
  - name: Bikash
    tiers: [tier2]
    timezone: Asia/Kathmandu
    availability: {daily: "09:00-17:00"}
shifts:
  - {name: day, start: "09:00", end: "17:00", timezone: local}
coverage:
  - {tier: tier2, min: 1, hours: "03:00-11:00"}
"""


def test_a_plus_0545_zone_leaves_an_exact_15_minute_gap(tmp_path):
    code, summary = plan_and_check(write(tmp_path, KATHMANDU), tmp_path / "out")
    assert code == 1
    rows = read_csv(tmp_path / "out" / "schedule.csv")
    assert [(r["start_utc"], r["end_utc"], r["start_local"]) for r in rows] == [
        ("2026-03-02T03:15:00Z", "2026-03-02T11:15:00Z", "2026-03-02T09:00:00+05:45")]
    assert read_csv(tmp_path / "out" / "gaps.csv") == [
        {"tier": "tier2", "start_utc": "2026-03-02T03:00:00Z", "end_utc": "2026-03-02T03:15:00Z",
         "required": "1", "assigned": "0", "missing": "1", "minutes": "15"}]
    assert summary["gap_minutes"] == {"tier2": 15}
    coverage = read_csv(tmp_path / "out" / "coverage.csv")
    assert len(coverage) == 24
    assert coverage[3] == {"hour_utc": "2026-03-02T03:00:00Z", "tier": "tier2", "required": "1",
                           "min_assigned": "0", "covered": "false"}
    assert coverage[4]["covered"] == "true"


LOCAL_SHIFT_DST = """
version: 1
team: New York days across the March change
horizon: {start: 2026-03-06, days: 4, timezone: America/New_York}
engineers:
  - {name: Ana, tiers: [tier2], timezone: America/New_York}
  - {name: Ben, tiers: [tier2], timezone: America/New_York}
shifts:
  - {name: day, start: "09:00", end: "17:00", timezone: local}
coverage:
  - {tier: tier2, min: 1, hours: "09:00-17:00", timezone: America/New_York}
rules: {max_consecutive_days: 2}
"""


def test_local_shifts_move_in_utc_when_new_york_springs_forward(tmp_path):
    code, _ = plan_and_check(write(tmp_path, LOCAL_SHIFT_DST), tmp_path / "out")
    assert code == 0
    rows = read_csv(tmp_path / "out" / "schedule.csv")
    assert [(r["start_utc"], r["end_utc"]) for r in rows] == [
        ("2026-03-06T14:00:00Z", "2026-03-06T22:00:00Z"),
        ("2026-03-07T14:00:00Z", "2026-03-07T22:00:00Z"),
        ("2026-03-08T13:00:00Z", "2026-03-08T21:00:00Z"),
        ("2026-03-09T13:00:00Z", "2026-03-09T21:00:00Z"),
    ]
    assert [r["start_local"] for r in rows][1:3] == ["2026-03-07T09:00:00-05:00",
                                                     "2026-03-08T09:00:00-04:00"]
    by_person: dict[str, int] = {}
    for r in rows:
        by_person[r["engineer"]] = by_person.get(r["engineer"], 0) + 1
    assert by_person == {"Ana": 2, "Ben": 2}  # fairness: max 2 days each, evenly


HOLIDAY = """
version: 1
team: Christmas
horizon: {start: 2026-12-24, days: 3}
engineers:
  - {name: Alice, tiers: [tier2], timezone: Europe/London, holidays: GB-ENG}
  - {name: Bruno, tiers: [tier2], timezone: Europe/London, holidays: GB-ENG}
  - {name: Chen, tiers: [tier2], timezone: Asia/Shanghai, holidays: CN}
shifts:
  - {name: day, start: "09:00", end: "17:00"}
coverage:
  - {tier: tier2, min: 1, hours: "09:00-17:00"}
rules: {work_on_holidays: false}
"""


def test_public_holidays_keep_people_off_and_someone_else_covers(tmp_path):
    code, _ = plan_and_check(write(tmp_path, HOLIDAY), tmp_path / "out")
    assert code == 0
    rows = read_csv(tmp_path / "out" / "schedule.csv")
    by_day = {r["start_utc"][:10]: r["engineer"] for r in rows}
    assert by_day["2026-12-25"] == "Chen"  # Christmas Day and Boxing Day in England
    assert by_day["2026-12-26"] == "Chen"


def test_public_holiday_gap_when_nobody_else_can_cover(tmp_path):
    text = HOLIDAY.replace("  - {name: Chen, tiers: [tier2], timezone: Asia/Shanghai, "
                           "holidays: CN}\n", "")
    code, summary = plan_and_check(write(tmp_path, text), tmp_path / "out")
    assert code == 1
    gaps = read_csv(tmp_path / "out" / "gaps.csv")
    assert [(g["start_utc"], g["end_utc"]) for g in gaps] == [
        ("2026-12-25T09:00:00Z", "2026-12-25T17:00:00Z"),
        ("2026-12-26T09:00:00Z", "2026-12-26T17:00:00Z")]
    assert summary["gap_minutes"] == {"tier2": 960}


def test_same_seed_and_workers_give_a_byte_identical_schedule(tmp_path):
    config = EXAMPLES / "flexible-india-nepal.yaml"
    outputs = []
    for n in range(2):
        out = tmp_path / f"run{n}"
        code, _ = plan_and_check(config, out, "--time-limit", "10", "--workers", "2",
                                 "--seed", "7")
        assert code == 0
        outputs.append((out / "schedule.csv").read_bytes())
    assert outputs[0] == outputs[1]


def test_summary_and_report_carry_the_solver_figures(tmp_path):
    code, summary = plan_and_check(write(tmp_path, KATHMANDU), tmp_path / "out")
    solver = summary["solver"]
    assert {"status", "objective", "bound", "seconds", "stages"} <= set(solver)
    assert solver["objective"] == 15 and solver["bound"] == 15
    assert summary["engineers"][0]["name"] == "Bikash"
    assert summary["engineers"][0]["hours"] == 8 and summary["engineers"][0]["shifts"] == 1
    report = (tmp_path / "out" / "report.md").read_text()
    assert "2026-03-02T03:00:00Z" in report and "| Bikash |" in report


def test_plan_prints_the_grid_gaps_and_hours(tmp_path):
    code, out, _ = run("plan", str(write(tmp_path, KATHMANDU)), "-o", str(tmp_path / "o"))
    assert code == 1
    assert "tier2 (UTC)" in out
    assert "tier2: 2026-03-02T03:00:00Z .. 2026-03-02T03:15:00Z  short 1 of 1 for 15 min" in out
    grid_row = next(line for line in out.splitlines() if line.startswith("Mon 03-02"))
    assert grid_row.split()[2:6] == ["·", "·", "·", "0!"]
    assert "Bikash" in out and " 8 h" in out


def test_bad_config_writes_nothing(tmp_path):
    out = tmp_path / "out"
    code, _, err = run("plan", str(write(tmp_path, "version: 1\nteam: [")), "-o", str(out))
    assert code == 2
    assert err.startswith(f"error: {tmp_path / 'team.yaml'}:")
    assert not out.exists()


def test_real_team_week_beats_their_schedule_on_every_measure(tmp_path):
    """The real week with the defaults (60 s, the time it is given), against their own
    tool's schedule (examples/real-team-theirs.csv): covered, no more assignments, shifts
    no shorter, a busiest engineer no busier, nobody with two shifts on one day, no
    over-cover and fewer avoid minutes."""
    code, summary = plan_and_check(EXAMPLES / "real-team.yaml", tmp_path, "--no-reproducible")
    assert code == 0
    assert summary["gap_minutes"] == {"tier2": 0}
    assert summary["solver"]["time_limit_seconds"] == 60
    theirs = read_csv(EXAMPLES / "real-team-theirs.csv")
    ours = read_csv(tmp_path / "schedule.csv")
    team = load_team(EXAMPLES / "real-team.yaml")

    def measures(rows: list[dict]) -> tuple:
        minutes = [(instant(r["end_utc"]) - instant(r["start_utc"])) for r in rows]
        hours: Counter[str] = Counter()
        days: Counter[tuple] = Counter()
        for r, m in zip(rows, minutes):
            hours[r["engineer"]] += m
            days[(r["engineer"], local_date(instant(r["start_utc"]),
                                            team.engineer(r["engineer"]).timezone))] += 1
        return (len(rows), median(minutes), max(hours.values()),
                sum(1 for n in days.values() if n > 1), sum(minutes))

    assert measures(theirs) == (64, 180, 540, 0, 11_400)
    assignments, median_minutes, busiest, doubled, total = measures(ours)
    assert assignments <= 64 and median_minutes >= 180 and busiest <= 540
    assert doubled == 0 and total == 11_400  # all of it demanded: no over-cover
    stages = {s["name"]: s for s in summary["solver"]["stages"]}
    assert stages["soft_preferences"]["objective"] < 450  # their schedule: 450 avoid-minutes


def test_progress_is_shown_on_request_and_silent_when_quiet(tmp_path):
    config = str(write(tmp_path, WEEKLY_CAP))
    code, _, err = run("plan", config, "-o", str(tmp_path / "a"), "--quiet", "--progress",
                       "--time-limit", "10")
    assert code == 1
    lines = err.splitlines()
    assert lines[0].endswith("candidate shifts for 1 engineers")
    assert any("uncovered_minutes: OPTIMAL objective=7680 bound=7680" in line for line in lines)
    assert all(line.startswith("[") and "s] " in line for line in lines)
    code, out, err = run("plan", config, "-o", str(tmp_path / "b"), "--quiet",
                         "--time-limit", "10")
    assert (code, out, err) == (1, "", "")  # CliRunner is no terminal: no progress by default
    check_code, _, _ = run("check", config, str(tmp_path / "b" / "schedule.csv"))
    assert check_code == 1


def test_no_time_at_all_still_writes_the_greedy_schedule(tmp_path):
    """With no time at all, the solver runs no stage; plan keeps the legal greedy cover."""
    code, summary = plan_and_check(EXAMPLES / "follow-the-sun.yaml", tmp_path,
                                   "--time-limit", "0.000001")
    assert code == 0  # the greedy cover already covers this week
    stages = {s["name"]: s["status"] for s in summary["solver"]["stages"]}
    assert stages["uncovered_minutes"] == "OPTIMAL"  # proven by the greedy cover
    assert stages["max_load_ratio"] == "NOT_RUN"
    assert summary["assignments"] == 22


def test_no_time_at_all_on_an_understaffed_team_reports_unproven_gaps(tmp_path):
    code, summary = plan_and_check(EXAMPLES / "understaffed.yaml", tmp_path,
                                   "--time-limit", "0.000001")
    assert code == 1
    first = summary["solver"]["stages"][0]
    assert (first["status"], first["bound"]) == ("NOT_RUN", -1)
    assert first["objective"] == sum(summary["gap_minutes"].values()) >= 2160


def test_a_large_model_runs_only_coverage_soft_and_fairness(tmp_path, monkeypatch):
    """Past LARGE_MODEL_CANDIDATES the polishing stages are left out, and say so."""
    from rota.solve import cpsat

    monkeypatch.setattr(cpsat, "LARGE_MODEL_CANDIDATES", 10)
    code, summary = plan_and_check(EXAMPLES / "follow-the-sun.yaml", tmp_path,
                                   "--time-limit", "5")
    assert code == 0
    stages = [(s["name"], s["status"]) for s in summary["solver"]["stages"]]
    assert [name for name, _ in stages] == [
        "uncovered_minutes", "soft_preferences", "night_minutes", "max_load_ratio",
        "assigned_minutes", "load_spread", "turns", "handoffs", "peaks", "load_deviation"]
    assert stages[0] == ("uncovered_minutes", "OPTIMAL")
    assert stages[3][1] in ("OPTIMAL", "FEASIBLE")
    assert [status for name, status in stages if name not in (
        "uncovered_minutes", "soft_preferences", "max_load_ratio")] == ["NOT_RUN"] * 7


def test_search_parameters_scale_with_the_model():
    """Reproducible mode turns the time limit into deterministic time, less of it a second
    on large models, more with more workers; the default gives seconds. Large models leave
    out the LP workers; the solver never takes Ctrl-C for itself."""
    from ortools.sat.python import cp_model

    from rota.solve import budget, cpsat

    assert budget.dtime_rate(16_000) == budget.DTIME_PER_SECOND
    assert budget.dtime_rate(500_000) == pytest.approx((20_000 / 500_000) ** 0.75)
    assert budget.dtime_rate(16_000, workers=8) == 4 * budget.DTIME_PER_SECOND
    small = cp_model.CpSolver().parameters
    cpsat.configure(small, reproducible=True, amount=30, workers=2, seed=0, candidates=16_000)
    assert small.max_deterministic_time == 30
    assert small.interleave_search and not small.share_glue_clauses
    assert not small.catch_sigint_signal and not small.max_time_in_seconds < 1e9
    assert "max_lp" not in small.ignore_subsolvers
    timed = cp_model.CpSolver().parameters
    cpsat.configure(timed, reproducible=False, amount=30, workers=2, seed=0, candidates=16_000)
    assert timed.max_time_in_seconds == 30 and not timed.max_deterministic_time < 1e9
    large = cp_model.CpSolver().parameters
    cpsat.configure(large, reproducible=True, amount=30, workers=2, seed=0,
                    candidates=500_000)
    assert {"default_lp", "max_lp", "quick_restart"} <= set(large.ignore_subsolvers)
    dense = cp_model.CpSolver().parameters  # few candidates, long coverage constraints
    cpsat.configure(dense, reproducible=True, amount=30, workers=2, seed=0,
                    candidates=40_000, terms=670_000)
    assert {"default_lp", "max_lp", "quick_restart"} <= set(dense.ignore_subsolvers)
