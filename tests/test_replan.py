"""The solver-free parts of `rota replan` (SPEC §8): `--from`, what is kept, changes.csv,
summary.json's `changes` block and the lines per affected engineer."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from rota.cli import cli
from rota.config import parse_team
from rota.errors import InputError
from rota.output import write_all
from rota.replan import (
    CHANGE_COLUMNS,
    changes_csv,
    changes_lines,
    changes_summary,
    kept,
    parse_from,
    published_changes,
    published_problems,
)
from rota.schedule import parse_schedule
from rota.timeline import Span, iso_utc

TEAM = parse_team("""\
version: 1
team: Replan
horizon: {start: 2026-03-02, days: 7, timezone: Europe/London}
flexible: {}
engineers:
  - {name: Ann Lee, id: ann, tiers: [tier2], timezone: Asia/Kolkata}
  - {name: "=Bob", tiers: [tier2], timezone: America/New_York}
  - {name: Cy Oz, tiers: [tier2]}
coverage:
  - {tier: tier2, min: 1}
""", "team.yaml")
SPAN = Span.of(TEAM.horizon)
HEADER = "engineer,tier,start_utc,end_utc\n"
PUBLISHED = parse_schedule(HEADER + (
    "ann,tier2,2026-03-02T00:00Z,2026-03-02T08:00Z\n"
    "=Bob,tier2,2026-03-02T08:00Z,2026-03-02T16:00Z\n"
    "Cy Oz,tier2,2026-03-02T16:00Z,2026-03-03T00:00Z\n"
    "Gone Away,tier2,2026-03-03T00:00Z,2026-03-03T08:00Z\n"))
NEW = parse_schedule(HEADER + (
    "Ann Lee,tier2,2026-03-02T00:00Z,2026-03-02T08:00Z\n"   # the same, by name not id
    "=Bob,tier2,2026-03-02T08:00Z,2026-03-02T16:00Z\n"
    "Cy Oz,tier2,2026-03-02T16:00Z,2026-03-03T00:00Z\n"
    "=Bob,tier2,2026-03-03T00:00Z,2026-03-03T08:00Z\n"))     # takes over from who left


# ----- --from --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2026-03-04T09:00:00+01:00", "2026-03-04T08:00:00Z"),
    ("2026-03-02T00:00Z", "2026-03-02T00:00:00Z"),   # the horizon's first minute
    (" 2026-03-08T23:59Z ", "2026-03-08T23:59:00Z"),   # its last
])
def test_from_an_instant(text, expected):
    assert iso_utc(parse_from(text, SPAN)) == expected


@pytest.mark.parametrize("now, expected", [
    (datetime(2026, 3, 4, 9, 0, 30, tzinfo=UTC), "2026-03-04T09:01:00Z"),  # a started shift is kept
    (datetime(2026, 3, 4, 9, 0, tzinfo=UTC), "2026-03-04T09:00:00Z"),
    (datetime(2026, 2, 20, tzinfo=UTC), "2026-03-02T00:00:00Z"),  # before the horizon: all of it
])
def test_from_now(now, expected):
    assert iso_utc(parse_from("now", SPAN, now)) == expected
    assert iso_utc(parse_from("NOW", SPAN, now)) == expected


@pytest.mark.parametrize("text, line", [
    ("2026-03-04T09:00", "error: --from: timestamp '2026-03-04T09:00' has no UTC offset (add Z "
                         "or +HH:MM); give an instant with an offset like "
                         "2026-03-04T09:00:00+01:00, or now"),
    ("2026-03-04", "error: --from: timestamp '2026-03-04' has no UTC offset (add Z or +HH:MM); "
                   "give an instant with an offset like 2026-03-04T09:00:00+01:00, or now"),
    ("Wednesday", "error: --from: bad timestamp 'Wednesday' (expected ISO 8601 like "
                  "2026-03-02T23:00:00Z); give an instant with an offset like "
                  "2026-03-04T09:00:00+01:00, or now"),
    ("2026-03-04T09:00:30Z", "error: --from: timestamp '2026-03-04T09:00:30Z' is not on a whole "
                             "minute; give an instant with an offset like "
                             "2026-03-04T09:00:00+01:00, or now"),
    ("2026-03-09T00:00Z", "error: --from: 2026-03-09T00:00:00Z is outside the horizon "
                          "2026-03-02T00:00:00Z..2026-03-09T00:00:00Z"),
    ("2026-03-01T23:59Z", "error: --from: 2026-03-01T23:59:00Z is outside the horizon "
                          "2026-03-02T00:00:00Z..2026-03-09T00:00:00Z"),
    ("9999-03-01T00:00Z", "error: --from: timestamp '9999-03-01T00:00Z' is out of range: years "
                          "1971..2200 only; give an instant with an offset like "
                          "2026-03-04T09:00:00+01:00, or now"),
])
def test_from_errors(text, line):
    with pytest.raises(InputError) as caught:
        parse_from(text, SPAN)
    assert [str(p) for p in caught.value.problems] == [line]


def test_now_after_the_horizon_is_an_error():
    with pytest.raises(InputError) as caught:
        parse_from("now", SPAN, datetime(2026, 3, 10, tzinfo=UTC))
    assert [str(p) for p in caught.value.problems] == [
        "error: --from: now (2026-03-10T00:00:00Z) is after the horizon 2026-03-02T00:00:00Z.."
        "2026-03-09T00:00:00Z: nothing is left to replan"]


def test_kept_are_the_assignments_begun_before_from():
    start = parse_from("2026-03-02T08:00Z", SPAN)
    assert [a.engineer for a in kept(PUBLISHED, start)] == ["ann"]


# ----- changes -------------------------------------------------------------------------------

def test_changes_csv():
    changes = published_changes(TEAM, PUBLISHED, NEW)
    text = changes_csv(TEAM, changes)
    assert text == (
        "change,engineer,tier,start_utc,end_utc,start_local,end_local\n"
        "added,'=Bob,tier2,2026-03-03T00:00:00Z,2026-03-03T08:00:00Z,"
        "2026-03-02T19:00:00-05:00,2026-03-03T03:00:00-05:00\n"
        "removed,Gone Away,tier2,2026-03-03T00:00:00Z,2026-03-03T08:00:00Z,"
        "2026-03-03T00:00:00+00:00,2026-03-03T08:00:00+00:00\n")
    assert text.splitlines()[0] == ",".join(CHANGE_COLUMNS)
    got = list(csv.DictReader(io.StringIO(text)))
    assert [(r["change"], r["engineer"]) for r in got] == [("added", "'=Bob"),
                                                           ("removed", "Gone Away")]


def test_a_moved_shift_is_one_removal_and_one_addition():
    moved = parse_schedule(HEADER + "Cy Oz,tier2,2026-03-02T17:00Z,2026-03-03T00:00Z\n")
    changes = published_changes(TEAM, PUBLISHED[2:3], moved)
    assert changes_csv(TEAM, changes).splitlines()[1:] == [
        "removed,Cy Oz,tier2,2026-03-02T16:00:00Z,2026-03-03T00:00:00Z,"
        "2026-03-02T16:00:00+00:00,2026-03-03T00:00:00+00:00",
        "added,Cy Oz,tier2,2026-03-02T17:00:00Z,2026-03-03T00:00:00Z,"
        "2026-03-02T17:00:00+00:00,2026-03-03T00:00:00+00:00"]
    assert changes_summary(changes) == {"removed": 1, "added": 1, "engineers": ["Cy Oz"]}


def test_summary_block_carries_the_stage():
    changes = published_changes(TEAM, PUBLISHED, NEW)
    assert changes_summary(changes, "OPTIMAL", 2) == {
        "removed": 1, "added": 1, "engineers": ["=Bob", "Gone Away"], "status": "OPTIMAL",
        "bound": 2}


def test_lines_per_engineer_in_local_time():
    changes = published_changes(TEAM, PUBLISHED, NEW)
    assert changes_lines(TEAM, changes) == (
        "changes: 1 removed, 1 added, 2 engineers affected\n"
        "\n"
        "=Bob: 1 added\n"
        "  + tier2  2026-03-03T00:00:00Z .. 2026-03-03T08:00:00Z  8 h  "
        "(2026-03-02T19:00:00-05:00 .. 2026-03-03T03:00:00-05:00 America/New_York)\n"
        "\n"
        "Gone Away: 1 removed\n"
        "  - tier2  2026-03-03T00:00:00Z .. 2026-03-03T08:00:00Z  8 h  "
        "(2026-03-03T00:00:00+00:00 .. 2026-03-03T08:00:00+00:00 UTC)\n")


def test_changes_csv_is_written_with_the_other_files_or_not_at_all(tmp_path):
    changes = published_changes(TEAM, PUBLISHED, NEW)
    (tmp_path / "schedule.csv").write_text("old\n", encoding="utf-8")
    (tmp_path / "changes.csv").mkdir()  # in the way: nothing may change
    with pytest.raises(OSError):
        write_all(tmp_path, {"schedule.csv": "new\n", "changes.csv": changes_csv(TEAM, changes)})
    assert (tmp_path / "schedule.csv").read_text(encoding="utf-8") == "old\n"


# ----- the published schedule ----------------------------------------------------------------

def test_published_schedule_of_another_team_or_week():
    other = parse_schedule(HEADER + "Zed,tier2,2026-03-02T00:00Z,2026-03-02T08:00Z\n")
    assert [str(p) for p in published_problems(TEAM, other, "pub.csv")] == [
        "error: pub.csv: none of its 1 rows names an engineer of 'Replan' (team.yaml): is it "
        "another team's rota?"]
    earlier = parse_schedule(HEADER + "ann,tier2,2026-02-02T00:00Z,2026-02-02T08:00Z\n")
    assert [str(p) for p in published_problems(TEAM, earlier, "pub.csv")] == [
        "error: pub.csv: none of its rows lies in the horizon 2026-03-02T00:00:00Z.."
        "2026-03-09T00:00:00Z"]
    assert published_problems(TEAM, PUBLISHED, "pub.csv") == []
    assert published_problems(TEAM, [], "pub.csv") == []


# ----- rota replan, end to end ---------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "follow-the-sun.yaml"
SICK_FROM = "2027-03-10T00:00:00Z"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                     SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def checked(config: Path, out: Path) -> dict:
    """summary.json of what was written, after `rota check` agrees with it."""
    summary = json.loads((out / "summary.json").read_text())
    code, stdout, _ = run("check", str(config), str(out / "schedule.csv"), "--format", "json")
    verdict = json.loads(stdout)
    assert verdict["violations"] == []
    assert code == (0 if summary["status"] == "covered" else 1)
    return summary


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_replan_changes_only_what_an_absence_forces(tmp_path):
    published = tmp_path / "published"
    code, _, err = run("plan", str(EXAMPLE), "-o", str(published), "--quiet",
                       "--time-limit", "20", "--reproducible")
    assert code == 0, err
    checked(EXAMPLE, published)
    text = EXAMPLE.read_text(encoding="utf-8")
    anchor = '    availability: {thu-mon: "06:00-15:00"}\n'
    sick = tmp_path / "sick.yaml"  # Tomasz Nowak is off from Wednesday to the end
    sick.write_text(text.replace(anchor, anchor + '    unavailable: ["2027-03-10..2027-03-14"]\n'),
                    encoding="utf-8")
    schedule = published / "schedule.csv"
    forced = [r for r in rows_of(schedule)
              if r["engineer"] == "Tomasz Nowak" and r["start_utc"] >= SICK_FROM]
    assert forced, "the case needs the absent engineer on duty after Wednesday"

    out = tmp_path / "replan"
    code, stdout, err = run("replan", str(sick), "--published", str(schedule), "--from",
                            SICK_FROM, "-o", str(out), "--time-limit", "20", "--reproducible")
    assert code == 0, err
    summary = checked(sick, out)
    changes = rows_of(out / "changes.csv")
    removed = [(r["engineer"], r["start_utc"]) for r in changes if r["change"] == "removed"]
    added = [(r["start_utc"], r["end_utc"]) for r in changes if r["change"] == "added"]
    # only Tomasz's shifts go, and each is taken over whole by one colleague: 2 × forced
    assert removed == [("Tomasz Nowak", r["start_utc"]) for r in forced]
    assert sorted(added) == sorted((r["start_utc"], r["end_utc"]) for r in forced)
    assert summary["changes"]["removed"] == summary["changes"]["added"] == len(forced)
    assert summary["changes"]["status"] == "OPTIMAL"
    assert summary["changes"]["bound"] == 2 * len(forced)
    assert "Tomasz Nowak" in summary["changes"]["engineers"]
    assert f"changes: {len(forced)} removed, {len(forced)} added" in stdout
    # everything before --from is as published
    before = [r for r in rows_of(schedule) if r["start_utc"] < SICK_FROM]
    assert [r for r in rows_of(out / "schedule.csv") if r["start_utc"] < SICK_FROM] == before

    # a fresh plan of the changed team moves more
    fresh = tmp_path / "fresh"
    run("plan", str(sick), "-o", str(fresh), "--quiet", "--time-limit", "20", "--reproducible")
    checked(sick, fresh)
    code, stdout, _ = run("diff", str(schedule), str(fresh / "schedule.csv"), "--format", "json")
    moved = json.loads(stdout)
    assert moved["removed"] + moved["added"] > 2 * len(forced)


GAPPY = """\
version: 1
team: Three sites
horizon: {start: 2026-03-02, days: 3}
engineers:
  - {name: Ann Lee, tiers: [tier2], availability: {daily: "00:00-09:00"}%s}
  - {name: Bob Ng, tiers: [tier2], availability: {daily: "08:00-16:00"}}
  - {name: Cy Oz, tiers: [tier2], availability: {daily: "08:00-24:00"}}
shifts:
  - {name: a, start: "00:00", end: "08:00"}
  - {name: b, start: "08:00", end: "16:00"}
  - {name: c, start: "16:00", end: "00:00"}
coverage:
  - {tier: tier2, min: 1}
rules: {min_rest_hours: 8}
"""
GAPPY_PUBLISHED = HEADER + "".join(
    f"Ann Lee,tier2,2026-03-0{d}T00:00Z,2026-03-0{d}T08:30Z\n"  # hand-edited: no template
    f"Bob Ng,tier2,2026-03-0{d}T08:00Z,2026-03-0{d}T16:00Z\n"
    f"Cy Oz,tier2,2026-03-0{d}T16:00Z,2026-03-0{d + 1}T00:00Z\n" for d in (2, 3, 4))


def _replan(tmp_path: Path, unavailable: str = "") -> tuple[int, str, Path]:
    config = tmp_path / "team.yaml"
    config.write_text(GAPPY % unavailable, encoding="utf-8")
    published = tmp_path / "published.csv"
    published.write_text(GAPPY_PUBLISHED, encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = run("replan", str(config), "--published", str(published), "--from",
                            "2026-03-03T00:00Z", "-o", str(out), "--time-limit", "10")
    assert code in (0, 1), err
    return code, stdout, out


def test_replan_keeps_rows_no_template_makes_and_changes_nothing_when_nothing_changed(tmp_path):
    code, stdout, out = _replan(tmp_path)
    assert code == 0
    summary = checked(tmp_path / "team.yaml", out)
    assert summary["changes"] == {"removed": 0, "added": 0, "engineers": [],
                                  "status": "OPTIMAL", "bound": 0}
    assert (out / "changes.csv").read_text() == ",".join(CHANGE_COLUMNS) + "\n"
    assert "changes: no changes" in stdout


def test_replan_that_cannot_avoid_a_gap_reports_it_and_changes_as_little_as_it_can(tmp_path):
    code, stdout, out = _replan(tmp_path, ', unavailable: ["2026-03-03"]')
    assert code == 1
    summary = checked(tmp_path / "team.yaml", out)
    gaps = rows_of(out / "gaps.csv")
    assert [(g["start_utc"], g["end_utc"]) for g in gaps] == [
        ("2026-03-03T00:00:00Z", "2026-03-03T08:00:00Z")]  # nobody else can do Ann's night
    changes = rows_of(out / "changes.csv")
    assert [(c["change"], c["engineer"], c["start_utc"]) for c in changes] == [
        ("removed", "Ann Lee", "2026-03-03T00:00:00Z")]
    assert summary["changes"]["status"] == "OPTIMAL" and summary["changes"]["bound"] == 1
    assert "Ann Lee: 1 removed" in stdout


@pytest.mark.parametrize("args, line", [
    (["--from", "2026-03-03T00:00"], "error: --from: timestamp '2026-03-03T00:00' has no UTC "
                                     "offset (add Z or +HH:MM); give an instant with an offset "
                                     "like 2026-03-04T09:00:00+01:00, or now"),
    (["--from", "2026-03-09T00:00Z"], "error: --from: 2026-03-09T00:00:00Z is outside the "
                                      "horizon 2026-03-02T00:00:00Z..2026-03-05T00:00:00Z"),
    (["--published", "OTHER"], "error: OTHER: none of its 1 rows names an engineer of "
                               "'Three sites' (TEAM): is it another team's rota?"),
])
def test_replan_bad_input_is_exit_2_and_writes_nothing(tmp_path, args, line):
    config = tmp_path / "team.yaml"
    config.write_text(GAPPY % "", encoding="utf-8")
    published = tmp_path / "published.csv"
    published.write_text(GAPPY_PUBLISHED, encoding="utf-8")
    other = tmp_path / "other.csv"
    other.write_text(HEADER + "Zed,tier2,2026-03-02T00:00Z,2026-03-02T08:00Z\n", encoding="utf-8")
    args = [str(other) if a == "OTHER" else a for a in args]
    if "--published" not in args:
        args = ["--published", str(published), *args]
    out = tmp_path / "out"
    code, _, err = run("replan", str(config), *args, "-o", str(out))
    assert code == 2
    assert err == line.replace("OTHER", str(other)).replace("TEAM", str(config)) + "\n"
    assert not out.exists()
