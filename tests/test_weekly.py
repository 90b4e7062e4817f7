"""The weekly cycle end to end (SPEC §8, issue 11's "done when"): two consecutive weekly
plans of the follow-the-sun example, the second with the first as history. Every plan is
judged by `rota check` with the same history."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from rota.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "follow-the-sun.yaml"
BOUNDARY = ("2027-03-07T23:00:00Z", "2027-03-08T07:00:00Z")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                     SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def week_file(tmp_path: Path, start: str, weeks: int = 1) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("start: 2027-03-08 ", f"start: {start} ").replace(
        "weeks: 1", f"weeks: {weeks}")
    path = tmp_path / f"team-{start}-{weeks}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def plan_and_check(config: Path, out: Path, *history: str) -> dict:
    extra = [arg for h in history for arg in ("--history", h)]
    code, _, err = run("plan", str(config), "-o", str(out), "--quiet", "--time-limit", "20",
                       "--reproducible", *extra)
    assert code == 0, err
    check_code, stdout, _ = run("check", str(config), str(out / "schedule.csv"),
                                "--format", "json", *extra)
    verdict = json.loads(stdout)
    assert (check_code, verdict["violations"], verdict["gaps"]) == (0, [], [])
    return json.loads((out / "summary.json").read_text())


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def on(schedule: list[dict[str, str]], start: str, end: str) -> list[str]:
    return [r["engineer"] for r in schedule if (r["start_utc"], r["end_utc"]) == (start, end)]


def test_two_consecutive_weeks_share_the_boundary_shift_and_pass_as_a_fortnight(tmp_path):
    first = tmp_path / "w09"
    plan_and_check(week_file(tmp_path, "2027-03-01"), first)
    w09 = rows(first / "schedule.csv")
    assert len(on(w09, *BOUNDARY)) == 1

    second = tmp_path / "w10"
    summary = plan_and_check(EXAMPLE, second, str(first / "schedule.csv"))
    assert summary["history"] == {"facts": 1, "rules_lookback_rows": 21, "fairness_rows": 21,
                                  "fairness_weeks": 4}
    w10 = rows(second / "schedule.csv")
    # exactly one engineer on the shift across the boundary: the one week 9 gave it to,
    # and the row is written unchanged
    assert on(w10, *BOUNDARY) == on(w09, *BOUNDARY)
    assert [r for r in w10 if r["start_utc"] == BOUNDARY[0]] == [
        r for r in w09 if r["start_utc"] == BOUNDARY[0]]

    # the fortnight, the boundary row once, passes against a two-week version of the file
    fortnight = tmp_path / "fortnight.csv"
    seen, lines = set(), []
    for path in (first / "schedule.csv", second / "schedule.csv"):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            if line not in seen:
                seen.add(line)
                lines.append(line)
    header = (first / "schedule.csv").read_text(encoding="utf-8").splitlines()[0]
    fortnight.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    code, out, _ = run("check", str(week_file(tmp_path, "2027-03-01", 2)), str(fortnight))
    assert code == 0, out


def test_check_with_history_reports_rest_after_the_sunday_night_shift(tmp_path):
    header = "engineer,tier,start_utc,end_utc\n"
    history = tmp_path / "w09.csv"
    history.write_text(header + "Chloe Nguyen,tier2,2027-03-07T23:00Z,2027-03-08T07:00Z\n",
                       encoding="utf-8")
    schedule = tmp_path / "w10.csv"  # the boundary row again, and Monday's emea shift
    schedule.write_text(header + "Chloe Nguyen,tier2,2027-03-07T23:00Z,2027-03-08T07:00Z\n"
                        "Oliver Hughes,tier2,2027-03-08T07:00Z,2027-03-08T15:00Z\n",
                        encoding="utf-8")
    args = ["check", str(EXAMPLE), str(schedule), "--format", "json"]
    code, out, _ = run(*args, "--history", str(history))
    assert code == 1 and json.loads(out)["violations"] == []  # gaps only: the row counts once
    bad = tmp_path / "bad.csv"  # Chloe again 3 h after her Sunday-night shift
    bad.write_text(header + "Chloe Nguyen,tier2,2027-03-08T10:00Z,2027-03-08T15:00Z\n",
                   encoding="utf-8")
    code, out, _ = run("check", str(EXAMPLE), str(bad), "--format", "json")
    assert [v["rule"] for v in json.loads(out)["violations"]] == ["availability"]
    code, out, _ = run("check", str(EXAMPLE), str(bad), "--format", "json",
                       "--history", str(history))
    found = json.loads(out)["violations"]
    assert sorted(v["rule"] for v in found) == ["availability", "rest"]
    rest = next(v for v in found if v["rule"] == "rest")
    assert (rest["start_utc"], rest["end_utc"]) == ("2027-03-08T07:00:00Z",
                                                    "2027-03-08T10:00:00Z")
