"""The solver-free parts of `rota replan` (SPEC §8): `--from`, what is kept, changes.csv,
summary.json's `changes` block and the lines per affected engineer."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

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
