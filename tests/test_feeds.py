"""`rota check` / `report` on iCalendar feeds and xlsx workbooks (SPEC §9).

examples/feeds/oncall.ics holds the shapes paging platforms publish: a weekly RRULE with a
TZID across the US DST change, an EXDATE, an RDATE, a moved occurrence (RECURRENCE-ID),
PagerDuty-style single UTC events with an ATTENDEE, a GoAlert-style SUMMARY, and an
event for someone not in the team.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rota.cli import cli
from rota.config import load_team
from rota.errors import ScheduleError
from rota.feeds import read_feed
from rota.timeline import iso_utc

ROOT = Path(__file__).resolve().parents[1]
TEAM = ROOT / "examples" / "feeds" / "team.yaml"
FEED = ROOT / "examples" / "feeds" / "oncall.ics"
ZED = 'event "On Call - Zed Quinn - Tier 2" (UID Q2X7LM0Z9ZZZZZ@pagerduty-style)'


def run(*args: str):
    return CliRunner().invoke(cli, [*map(str, args)])


def test_the_feed_expands_to_exact_instants():
    got = [(a.engineer, a.tier, iso_utc(a.start), iso_utc(a.end))
           for a in read_feed(FEED, load_team(TEAM))]
    ann = [("ann", "tier2", f"2026-03-{d}T{h}:00:00Z", f"2026-03-{d}T{h + 8}:00:00Z")
           for d, h in [("02", 14), ("03", 14), ("04", 14), ("06", 14),  # EST; 05 is EXDATE
                        ("09", 13), ("10", 14), ("11", 13), ("12", 13), ("13", 13),  # EDT
                        ("14", 13)]]  # the RDATE, a Saturday; the 10th is moved to 10:00 EDT
    assert sorted(got) == sorted([
        *ann,
        ("bob-ng", "tier2", "2026-03-05T14:00:00Z", "2026-03-05T22:00:00Z"),
        ("cara", "tier2", "2026-03-07T10:00:00Z", "2026-03-07T12:00:00Z"),
        (ZED, "tier2", "2026-03-11T14:00:00Z", "2026-03-11T15:00:00Z")])


def test_check_on_the_feed_finds_the_gap_and_the_stranger_to_the_minute():
    result = run("check", TEAM, FEED, "--format", "json")
    assert result.exit_code == 1
    verdict = json.loads(result.output)
    assert verdict["gaps"] == [{"tier": "tier2", "start_utc": "2026-03-10T13:00:00Z",
                                "end_utc": "2026-03-10T14:00:00Z", "required": 1,
                                "assigned": 0, "missing": 1, "minutes": 60}]
    assert [(v["rule"], v["engineer"], v["start_utc"], v["end_utc"])
            for v in verdict["violations"]] == [
        ("unknown_engineer", ZED, "2026-03-11T14:00:00Z", "2026-03-11T15:00:00Z")]


def test_report_reads_the_feed(tmp_path):
    result = run("report", TEAM, FEED, "-o", tmp_path / "r.html")
    assert (result.exit_code, result.output) == (
        1, f"wrote {tmp_path / 'r.html'}: 1 gap(s), 1 rule(s) broken\n")


FEED_HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"


def feed(tmp_path: Path, *events: str) -> Path:
    path = tmp_path / "feed.ics"
    body = "".join("BEGIN:VEVENT\r\n" + "".join(f"{line}\r\n" for line in e.split("\n"))
                   + "END:VEVENT\r\n" for e in events)
    path.write_text(FEED_HEAD + body + "END:VCALENDAR\r\n", encoding="utf-8")
    return path


def test_unbounded_rule_from_long_ago_and_organizer_and_id_in_summary(tmp_path):
    path = feed(tmp_path,
                "UID:a\nSUMMARY:primary\nORGANIZER:mailto:BOB@example.com\n"
                "DTSTART;TZID=Europe/London:20200106T090000\nDTEND;TZID=Europe/London:"
                "20200106T100000\nRRULE:FREQ=WEEKLY;BYDAY=MO",
                "UID:b\nSUMMARY:cara on call\nDTSTART:20260303T000000Z\nDURATION:PT90M")
    got = [(a.engineer, iso_utc(a.start), iso_utc(a.end))
           for a in read_feed(path, load_team(TEAM))]
    assert got == [("bob-ng", "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"),
                   ("cara", "2026-03-03T00:00:00Z", "2026-03-03T01:30:00Z"),
                   ("bob-ng", "2026-03-09T09:00:00Z", "2026-03-09T10:00:00Z")]


@pytest.mark.parametrize(("events", "line"), [
    (["UID:x\nSUMMARY:Ann\nDTSTART:20260303T000000Z\nDTEND:20260303T010000Z\n"
      "RRULE:FREQ=SOMETIMES"],
     "event \"Ann\" (UID x): invalid RRULE 'FREQ=SOMETIMES': invalid 'FREQ': SOMETIMES"),
    (["UID:x\nSUMMARY:Ann\nDTSTART;TZID=Mars/Olympus:20260303T090000\n"
      "DTEND;TZID=Mars/Olympus:20260303T100000"],
     "event \"Ann\" (UID x): unknown time zone 'Mars/Olympus' in the TZID of DTSTART"),
    (["UID:x\nSUMMARY:Ann\nDTSTART:20250303T000000Z\nDTEND:20250303T010000Z"],
     "no event falls in the horizon 2026-03-02T05:00:00Z..2026-03-16T04:00:00Z"),
    (["UID:x\nSUMMARY:Ann\nDTSTART:20260303T000000Z"],
     "event \"Ann\" (UID x): no DTEND or DURATION: an on-call event needs an end"),
    (["UID:x\nSUMMARY:Ann\nDTSTART:20260303T010000Z\nDTEND:20260303T000000Z"],
     "event \"Ann\" (UID x): DTEND is not after DTSTART"),
], ids=["invalid-rrule", "unknown-tzid", "nothing-in-horizon", "no-end", "backwards"])
def test_bad_feeds_exit_2_with_one_line(tmp_path, events, line):
    path = feed(tmp_path, *events)
    result = run("check", TEAM, path)
    assert (result.exit_code, result.output) == (2, f"error: {path}: {line}\n")


def test_malformed_ics(tmp_path):
    path = tmp_path / "feed.ics"
    path.write_text("this is not a calendar\n", encoding="utf-8")
    result = run("check", TEAM, path)
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {path}: not a valid iCalendar file: ")
    assert result.output.count("\n") == 1


def test_a_team_with_two_tiers_needs_tier(tmp_path):
    team = tmp_path / "team.yaml"
    team.write_text(TEAM.read_text().replace(
        "coverage:\n", "coverage:\n  - {tier: tier1, min: 0}\n").replace(
        "tiers: [tier2]}", "tiers: [tier1, tier2]}"), encoding="utf-8")
    result = run("check", team, FEED)
    assert (result.exit_code, result.output) == (
        2, f"error: {FEED}: the team has demand for tiers tier1, tier2: give --tier\n")
    assert run("check", team, FEED, "--tier", "tier2").exit_code == 1


def test_read_feed_raises_schedule_error_not_a_traceback(tmp_path):
    with pytest.raises(ScheduleError):
        read_feed(tmp_path / "missing.ics", load_team(TEAM))
