"""`rota export --to ics` (SPEC §9): instants, stable UIDs, cancelled events, hand-overs,
read back with icalendar and with a second, independent parser (`ics`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import ics
from click.testing import CliRunner
from icalendar import Calendar

from rota.cli import cli
from rota.config import load_team
from rota.ical import uid
from rota.schedule import read_schedule
from rota.timeline import to_minute

TEAM = """version: 1
team: Export test
horizon: {start: 2026-03-02, days: 7}
flexible: {}
engineers:
  - {name: Ann Lee, id: ann, email: ann@example.com, timezone: America/New_York, tiers: [tier2]}
  - {name: Bob Ng, timezone: Europe/London, tiers: [tier2]}
  - {name: Cara Diaz, id: cara, timezone: Asia/Kolkata, tiers: [tier2]}
coverage:
  - {tier: tier2, min: 1}
"""
ROWS = [("ann", "2026-03-06T14:00:00Z", "2026-03-06T22:00:00Z"),
        ("Bob Ng", "2026-03-06T22:00:00Z", "2026-03-07T06:00:00Z"),
        ("cara", "2026-03-07T06:00:00Z", "2026-03-07T14:00:00Z"),
        ("ann", "2026-03-09T13:00:00Z", "2026-03-09T21:00:00Z")]


def write(tmp_path: Path, rows=ROWS, name="schedule.csv") -> tuple[Path, Path]:
    team = tmp_path / "team.yaml"
    team.write_text(TEAM, encoding="utf-8")
    schedule = tmp_path / name
    schedule.write_text("engineer,tier,shift,start_utc,end_utc\n" + "".join(
        f"{e},tier2,emea,{s},{t}\n" for e, s, t in rows), encoding="utf-8")
    return team, schedule


def export(*args: str):
    return CliRunner().invoke(cli, ["export", *map(str, args)])


def events(path: Path) -> list:
    return list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def minute(value: datetime) -> int:
    assert value.tzinfo is not None and value.utcoffset().total_seconds() == 0
    return to_minute(value)


def test_every_instant_reads_back_as_in_the_schedule(tmp_path):
    team, schedule = write(tmp_path)
    result = export(team, schedule, "--to", "ics", "-o", tmp_path / "cal")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "cal").iterdir()) == [
        "ann.ics", "bob-ng.ics", "cara.ics", "team.ics"]
    rows = read_schedule(schedule)
    want = {"ann": [], "bob-ng": [], "cara": []}
    for a in rows:
        want[load_team(team).engineer(a.engineer).id].append((a.start, a.end))
    for eng_id, spans in want.items():
        got = [(minute(e.decoded("DTSTART")), minute(e.decoded("DTEND")))
               for e in events(tmp_path / "cal" / f"{eng_id}.ics")]
        assert got == spans
    everyone = [(minute(e.decoded("DTSTART")), minute(e.decoded("DTEND")))
                for e in events(tmp_path / "cal" / "team.ics")]
    assert everyone == [(a.start, a.end) for a in rows]


def test_summary_description_and_attendee(tmp_path):
    team, schedule = write(tmp_path)
    export(team, schedule, "--to", "ics", "-o", tmp_path / "cal")
    (bob,) = events(tmp_path / "cal" / "bob-ng.ics")
    assert str(bob["SUMMARY"]) == "Bob Ng on call: tier2, emea shift"
    assert str(bob["DESCRIPTION"]).split("\n") == [
        "On call tier2: Fri 2026-03-06 22:00 GMT to Sat 2026-03-07 06:00 GMT (Europe/London)",
        "UTC: 2026-03-06T22:00:00Z to 2026-03-07T06:00:00Z",
        "Takes over from: Ann Lee",
        "Hands over to: Cara Diaz"]
    first = events(tmp_path / "cal" / "ann.ics")[0]
    assert str(first["DESCRIPTION"]).split("\n")[0] == (
        "On call tier2: Fri 2026-03-06 09:00 EST to Fri 2026-03-06 17:00 EST (America/New_York)")
    assert str(first["DESCRIPTION"]).split("\n")[2] == (
        "Takes over from: nobody (no one of tier2 ends then)")
    assert str(first["ATTENDEE"]) == "mailto:ann@example.com"
    assert first["ATTENDEE"].params["CN"] == "Ann Lee"
    assert "ATTENDEE" not in bob  # Bob gave no e-mail
    # after the US change, Ann's 13:00Z start is 09:00 EDT
    assert str(events(tmp_path / "cal" / "ann.ics")[1]["DESCRIPTION"]).startswith(
        "On call tier2: Mon 2026-03-09 09:00 EDT to Mon 2026-03-09 17:00 EDT")


def test_uids_are_stable_and_removed_assignments_are_cancelled(tmp_path):
    team, old = write(tmp_path, name="old.csv")
    export(team, old, "--to", "ics", "-o", tmp_path / "v1")
    before = {str(e["UID"]): e for e in events(tmp_path / "v1" / "team.ics")}
    assert sorted(before) == sorted(
        uid(load_team(team), i, "tier2", to_minute(datetime.fromisoformat(s)))
        for i, s in [("ann", "2026-03-06T14:00:00+00:00"), ("bob-ng", "2026-03-06T22:00:00+00:00"),
                     ("cara", "2026-03-07T06:00:00+00:00"), ("ann", "2026-03-09T13:00:00+00:00")])
    # Bob's shift goes, Cara's ends an hour later; the rest stays
    changed = [ROWS[0], ("cara", "2026-03-07T06:00:00Z", "2026-03-07T15:00:00Z"), ROWS[3]]
    _, new = write(tmp_path, changed, name="new.csv")
    result = export(team, new, "--to", "ics", "-o", tmp_path / "v2", "--previous", old)
    assert result.exit_code == 0, result.output
    after = {str(e["UID"]): e for e in events(tmp_path / "v2" / "team.ics")}
    assert set(after) == set(before)  # same UIDs: the calendar updates, nothing doubles
    status = {str(before[u]["SUMMARY"]): (str(e["STATUS"]), int(e["SEQUENCE"]))
              for u, e in after.items()}
    assert status == {"Ann Lee on call: tier2, emea shift": ("CONFIRMED", 0),
                      "Bob Ng on call: tier2, emea shift": ("CANCELLED", 1),
                      "Cara Diaz on call: tier2, emea shift": ("CONFIRMED", 1)}
    (cancelled,) = events(tmp_path / "v2" / "bob-ng.ics")
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert minute(cancelled.decoded("DTSTART")) == to_minute(datetime(2026, 3, 6, 22, tzinfo=UTC))
    # without --previous there is nothing to cancel
    export(team, new, "--to", "ics", "-o", tmp_path / "v3")
    assert events(tmp_path / "v3" / "bob-ng.ics") == []


def test_a_second_parser_reads_the_same_events(tmp_path):
    team, schedule = write(tmp_path)
    export(team, schedule, "--to", "ics", "-o", tmp_path / "cal")
    text = (tmp_path / "cal" / "team.ics").read_text(encoding="utf-8")
    parsed = sorted(ics.Calendar(text).events, key=lambda e: e.begin)
    assert [(e.begin.isoformat(), e.end.isoformat(), e.name) for e in parsed] == [
        ("2026-03-06T14:00:00+00:00", "2026-03-06T22:00:00+00:00",
         "Ann Lee on call: tier2, emea shift"),
        ("2026-03-06T22:00:00+00:00", "2026-03-07T06:00:00+00:00",
         "Bob Ng on call: tier2, emea shift"),
        ("2026-03-07T06:00:00+00:00", "2026-03-07T14:00:00+00:00",
         "Cara Diaz on call: tier2, emea shift"),
        ("2026-03-09T13:00:00+00:00", "2026-03-09T21:00:00+00:00",
         "Ann Lee on call: tier2, emea shift")]
    assert {e.uid for e in parsed} == {str(e["UID"]) for e in events(tmp_path / "cal/team.ics")}


def test_the_exported_team_calendar_checks_like_the_csv(tmp_path):
    team, schedule = write(tmp_path)
    export(team, schedule, "--to", "ics", "-o", tmp_path / "cal")
    csv_run = CliRunner().invoke(cli, ["check", str(team), str(schedule), "--format", "json"])
    ics_run = CliRunner().invoke(cli, ["check", str(team), str(tmp_path / "cal" / "team.ics"),
                                       "--format", "json"])
    assert (ics_run.exit_code, ics_run.output) == (csv_run.exit_code, csv_run.output)
    assert csv_run.exit_code == 1  # the week has gaps


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    team, schedule = write(tmp_path, [("Zed", "2026-03-06T14:00:00Z", "2026-03-06T22:00:00Z")])
    result = export(team, schedule, "--to", "ics", "-o", tmp_path / "cal")
    assert result.exit_code == 2
    assert result.output == f"error: {schedule}:2: unknown engineer 'Zed'\n"
    assert not (tmp_path / "cal").exists()


def test_email_is_optional_and_checked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("team.yaml").write_text(TEAM.replace("ann@example.com", "ann at example"), "utf-8")
    result = CliRunner().invoke(cli, ["validate", "team.yaml"])
    assert (result.exit_code, result.output) == (
        2, "error: team.yaml:6:37: engineers[0].email: expected an e-mail address like "
           "ann@example.com, not 'ann at example'\n")
    assert [e.email for e in load_team(write(tmp_path)[0]).engineers] == [
        "ann@example.com", None, None]
