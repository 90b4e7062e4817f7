"""SPEC §1 (Time): local wall clock → exact UTC instants.

Every expected instant below is written out by hand from the IANA rules (offsets and
transition instants), never produced by zoneinfo. The property tests at the end use the
zone objects only as an oracle for "which instants show this wall time".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import tzdata
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rota.candidates import flexible_starts, generate, template_occurrences
from rota.config import parse_team
from rota.problem import MINUTES_PER_DAY, Horizon, ShiftTemplate
from rota.timeline import (
    Span,
    availability,
    demand,
    free_time,
    from_minute,
    iso_utc,
    local_date,
    localize,
    pattern_intervals,
    public_holidays,
    rule_intervals,
    time_off,
    to_minute,
    zone,
)

NY = "America/New_York"
LONDON = "Europe/London"
SYDNEY = "Australia/Sydney"
LORD_HOWE = "Australia/Lord_Howe"
KOLKATA = "Asia/Kolkata"
KATHMANDU = "Asia/Kathmandu"
CHATHAM = "Pacific/Chatham"


# ----- helpers ----------------------------------------------------------------------------

def hm(text: str) -> int:
    """'09:30' → 570 minutes after local midnight."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def d(text: str) -> date:
    return date.fromisoformat(text)


def z(text: str) -> str:
    """'2026-03-02T14:00' → '2026-03-02T14:00:00Z' (the iso_utc form)."""
    return f"{text}:00Z"


def start(day: str, clock: str, tz: str) -> str:
    return iso_utc(localize(d(day), hm(clock), tz, is_end=False))


def end(day: str, clock: str, tz: str) -> str:
    return iso_utc(localize(d(day), hm(clock), tz, is_end=True))


def window(day: str, first: str, last: str, tz: str) -> tuple[str, str]:
    """A local window on `day` (an end not after the start runs into the next day)."""
    lo, hi = hm(first), hm(last)
    if hi <= lo:
        hi += MINUTES_PER_DAY
    return (iso_utc(localize(d(day), lo, tz, is_end=False)),
            iso_utc(localize(d(day), hi, tz, is_end=True)))


def length(day: str, first: str, last: str, tz: str) -> int:
    lo, hi = hm(first), hm(last)
    if hi <= lo:
        hi += MINUTES_PER_DAY
    return localize(d(day), hi, tz, is_end=True) - localize(d(day), lo, tz, is_end=False)


def isos(intervals) -> list[tuple[str, ...]]:
    return [tuple(iso_utc(m) for m in piece[:2]) + tuple(piece[2:]) for piece in intervals]


def daily(first: str, last: str) -> tuple[tuple[tuple[int, int], ...], ...]:
    """A weekly pattern with the same window on all seven days."""
    lo, hi = hm(first), hm(last)
    if hi <= lo:
        hi += MINUTES_PER_DAY
    return tuple(((lo, hi),) for _ in range(7))


def span_of(start_day: str, days: int, tz: str = "UTC") -> Span:
    return Span.of(Horizon(start=d(start_day), days=days, timezone=tz))


def team_yaml(engineers: str, *, horizon: str = "{start: 2026-03-02, weeks: 1}",
              shifts: str = "", flexible: str = "", coverage: str = "",
              rules: str = "") -> str:
    text = f"version: 1\nteam: t\nhorizon: {horizon}\nengineers:\n{engineers}"
    if shifts:
        text += f"shifts:\n{shifts}"
    if flexible:
        text += f"flexible: {flexible}\n"
    text += "coverage:\n" + (coverage or "  - {tier: tier2, min: 1}\n")
    if rules:
        text += f"rules: {rules}\n"
    return text


def make_team(engineers: str, **kwargs):
    return parse_team(team_yaml(engineers, **kwargs), "team.yaml")


# ----- 1. SPEC's own example --------------------------------------------------------------

def test_spec_example_new_york_nine_to_five():
    assert window("2026-03-06", "09:00", "17:00", NY) == (z("2026-03-06T14:00"),
                                                          z("2026-03-06T22:00"))
    assert window("2026-03-09", "09:00", "17:00", NY) == (z("2026-03-09T13:00"),
                                                          z("2026-03-09T21:00"))


def test_spec_example_through_pattern_intervals():
    weekdays = tuple(((hm("09:00"), hm("17:00")),) if i < 5 else () for i in range(7))
    got = pattern_intervals(weekdays, NY, d("2026-03-05"), d("2026-03-10"))
    assert isos(got) == [
        (z("2026-03-05T14:00"), z("2026-03-05T22:00")),  # Thu, EST
        (z("2026-03-06T14:00"), z("2026-03-06T22:00")),  # Fri, EST
        (z("2026-03-09T13:00"), z("2026-03-09T21:00")),  # Mon, EDT
        (z("2026-03-10T13:00"), z("2026-03-10T21:00")),  # Tue, EDT
    ]


# ----- 2. US and EU clocks disagree -------------------------------------------------------

NINE_TO_FIVE = [
    # (date, London 09:00-17:00 in UTC, New York 09:00-17:00 in UTC)
    # spring: before both (GMT / EST)
    ("2026-03-06", ("09:00", "17:00"), ("14:00", "22:00")),
    # the US change day (NY jumps at 02:00 EST = 07:00Z)
    ("2026-03-08", ("09:00", "17:00"), ("13:00", "21:00")),
    # between: London still GMT, New York EDT
    ("2026-03-09", ("09:00", "17:00"), ("13:00", "21:00")),
    ("2026-03-16", ("09:00", "17:00"), ("13:00", "21:00")),
    ("2026-03-27", ("09:00", "17:00"), ("13:00", "21:00")),
    ("2026-03-28", ("09:00", "17:00"), ("13:00", "21:00")),
    # the EU change day (01:00Z) and after: BST / EDT
    ("2026-03-29", ("08:00", "16:00"), ("13:00", "21:00")),
    ("2026-03-30", ("08:00", "16:00"), ("13:00", "21:00")),
    # autumn: before both (BST / EDT)
    ("2026-10-23", ("08:00", "16:00"), ("13:00", "21:00")),
    ("2026-10-24", ("08:00", "16:00"), ("13:00", "21:00")),
    # the EU change day (back at 01:00Z) and between: GMT / EDT
    ("2026-10-25", ("09:00", "17:00"), ("13:00", "21:00")),
    ("2026-10-26", ("09:00", "17:00"), ("13:00", "21:00")),
    ("2026-10-31", ("09:00", "17:00"), ("13:00", "21:00")),
    # the US change day (back at 06:00Z) and after: GMT / EST
    ("2026-11-01", ("09:00", "17:00"), ("14:00", "22:00")),
    ("2026-11-02", ("09:00", "17:00"), ("14:00", "22:00")),
]


@pytest.mark.parametrize(("day", "london", "new_york"), NINE_TO_FIVE)
def test_london_and_new_york_nine_to_five(day, london, new_york):
    assert window(day, "09:00", "17:00", LONDON) == (z(f"{day}T{london[0]}"),
                                                     z(f"{day}T{london[1]}"))
    assert window(day, "09:00", "17:00", NY) == (z(f"{day}T{new_york[0]}"),
                                                 z(f"{day}T{new_york[1]}"))


def test_london_week_across_the_eu_spring_change():
    got = pattern_intervals(daily("09:00", "17:00"), LONDON, d("2026-03-27"), d("2026-03-31"))
    assert isos(got) == [
        (z("2026-03-27T09:00"), z("2026-03-27T17:00")),
        (z("2026-03-28T09:00"), z("2026-03-28T17:00")),
        (z("2026-03-29T08:00"), z("2026-03-29T16:00")),
        (z("2026-03-30T08:00"), z("2026-03-30T16:00")),
        (z("2026-03-31T08:00"), z("2026-03-31T16:00")),
    ]


def test_london_overnight_windows_over_both_changes():
    # 22:00 GMT Sat 03-28 → 06:00 BST Sun 03-29: 22:00Z → 05:00Z, 7 hours.
    assert window("2026-03-28", "22:00", "06:00", LONDON) == (z("2026-03-28T22:00"),
                                                              z("2026-03-29T05:00"))
    # 22:00 BST Sat 10-24 → 06:00 GMT Sun 10-25: 21:00Z → 06:00Z, 9 hours.
    assert window("2026-10-24", "22:00", "06:00", LONDON) == (z("2026-10-24T21:00"),
                                                              z("2026-10-25T06:00"))
    assert length("2026-03-28", "22:00", "06:00", LONDON) == 7 * 60
    assert length("2026-10-24", "22:00", "06:00", LONDON) == 9 * 60


def test_london_change_instants():
    # 2026-03-29: 01:00 GMT → 02:00 BST; 01:30 does not exist and moves to 02:00 BST = 01:00Z.
    assert start("2026-03-29", "00:59", LONDON) == z("2026-03-29T00:59")
    assert start("2026-03-29", "01:00", LONDON) == z("2026-03-29T01:00")
    assert start("2026-03-29", "01:30", LONDON) == z("2026-03-29T01:00")
    assert end("2026-03-29", "01:30", LONDON) == z("2026-03-29T01:00")
    assert start("2026-03-29", "02:00", LONDON) == z("2026-03-29T01:00")
    # 2026-10-25: 02:00 BST → 01:00 GMT; 01:30 happens at 00:30Z and at 01:30Z.
    assert start("2026-10-25", "01:30", LONDON) == z("2026-10-25T00:30")
    assert end("2026-10-25", "01:30", LONDON) == z("2026-10-25T01:30")
    assert window("2026-10-25", "01:00", "02:00", LONDON) == (z("2026-10-25T00:00"),
                                                              z("2026-10-25T02:00"))


@pytest.mark.skipif(tzdata.IANA_VERSION < "2026f", reason="rules of tzdata 2026f")
def test_rules_come_from_the_tzdata_package():
    # SPEC §1: the IANA rules of the `tzdata` package, whatever the host's copy says.
    # tzdata 2026f: America/Vancouver keeps UTC-7 after 2026-11-01 02:00 (as MST),
    # America/Winnipeg UTC-5 (EST) and America/Edmonton UTC-6 (CST); older databases
    # fall back to UTC-8 / -6 / -7 that morning.
    assert window("2026-11-02", "09:00", "17:00", "America/Vancouver") == (
        z("2026-11-02T16:00"), z("2026-11-03T00:00"))
    assert window("2026-11-02", "09:00", "17:00", "America/Winnipeg") == (
        z("2026-11-02T14:00"), z("2026-11-02T22:00"))
    assert window("2026-11-02", "09:00", "17:00", "America/Edmonton") == (
        z("2026-11-02T15:00"), z("2026-11-02T23:00"))
    # no repeated hour any more: 01:30 on 2026-11-01 happens once
    assert start("2026-11-01", "01:30", "America/Vancouver") == z("2026-11-01T08:30")
    assert end("2026-11-01", "01:30", "America/Vancouver") == z("2026-11-01T08:30")
    # the spring change still happened: 2026-03-08 02:00 PST → 03:00 PDT at 10:00Z
    assert window("2026-03-06", "09:00", "17:00", "America/Vancouver") == (
        z("2026-03-06T17:00"), z("2026-03-07T01:00"))
    assert window("2026-03-09", "09:00", "17:00", "America/Vancouver") == (
        z("2026-03-09T16:00"), z("2026-03-10T00:00"))
    assert start("2026-03-08", "02:30", "America/Vancouver") == z("2026-03-08T10:00")


# ----- 3. Australia, the other way round --------------------------------------------------

SYDNEY_NINE_TO_FIVE = [
    # AEDT (+11) until 2026-04-05 03:00 local (= 04-04 16:00Z), then AEST (+10)
    ("2026-04-03", "2026-04-02T22:00", "2026-04-03T06:00"),
    ("2026-04-04", "2026-04-03T22:00", "2026-04-04T06:00"),
    ("2026-04-05", "2026-04-04T23:00", "2026-04-05T07:00"),
    ("2026-04-06", "2026-04-05T23:00", "2026-04-06T07:00"),
    # AEST (+10) until 2026-10-04 02:00 local (= 10-03 16:00Z), then AEDT (+11)
    ("2026-10-02", "2026-10-01T23:00", "2026-10-02T07:00"),
    ("2026-10-03", "2026-10-02T23:00", "2026-10-03T07:00"),
    ("2026-10-04", "2026-10-03T22:00", "2026-10-04T06:00"),
    ("2026-10-05", "2026-10-04T22:00", "2026-10-05T06:00"),
]


@pytest.mark.parametrize(("day", "first", "last"), SYDNEY_NINE_TO_FIVE)
def test_sydney_nine_to_five(day, first, last):
    assert window(day, "09:00", "17:00", SYDNEY) == (z(first), z(last))


def test_sydney_leaves_dst_on_2026_04_05():
    # 00:00 AEDT = 04-04 13:00Z; 06:00 AEST = 04-04 20:00Z: a 6-hour wall window is 7 hours.
    assert window("2026-04-05", "00:00", "06:00", SYDNEY) == (z("2026-04-04T13:00"),
                                                              z("2026-04-04T20:00"))
    assert length("2026-04-05", "00:00", "06:00", SYDNEY) == 7 * 60
    # 02:30 happens twice: 15:30Z (AEDT) and 16:30Z (AEST).
    assert start("2026-04-05", "02:30", SYDNEY) == z("2026-04-04T15:30")
    assert end("2026-04-05", "02:30", SYDNEY) == z("2026-04-04T16:30")
    # the repeated hour as a window: 02:00 AEDT → 03:00 AEST = 15:00Z → 17:00Z
    assert window("2026-04-05", "02:00", "03:00", SYDNEY) == (z("2026-04-04T15:00"),
                                                              z("2026-04-04T17:00"))
    # overnight 22:00 AEDT Sat → 06:00 AEST Sun: 11:00Z → 20:00Z (9 hours)
    assert window("2026-04-04", "22:00", "06:00", SYDNEY) == (z("2026-04-04T11:00"),
                                                              z("2026-04-04T20:00"))


def test_sydney_enters_dst_on_2026_10_04():
    # 00:00 AEST = 10-03 14:00Z; 06:00 AEDT = 10-03 19:00Z: 5 hours.
    assert window("2026-10-04", "00:00", "06:00", SYDNEY) == (z("2026-10-03T14:00"),
                                                              z("2026-10-03T19:00"))
    assert length("2026-10-04", "00:00", "06:00", SYDNEY) == 5 * 60
    # 01:59 AEST exists; 02:00..02:59 do not and become 03:00 AEDT = 16:00Z.
    assert start("2026-10-04", "01:59", SYDNEY) == z("2026-10-03T15:59")
    for clock in ("02:00", "02:30", "02:59"):
        assert start("2026-10-04", clock, SYDNEY) == z("2026-10-03T16:00")
        assert end("2026-10-04", clock, SYDNEY) == z("2026-10-03T16:00")
    assert start("2026-10-04", "03:00", SYDNEY) == z("2026-10-03T16:00")
    assert start("2026-10-04", "03:01", SYDNEY) == z("2026-10-03T16:01")
    # overnight 22:00 AEST Sat → 06:00 AEDT Sun: 12:00Z → 19:00Z (7 hours)
    assert window("2026-10-03", "22:00", "06:00", SYDNEY) == (z("2026-10-03T12:00"),
                                                              z("2026-10-03T19:00"))


# ----- 4. Nonexistent local times move forward ------------------------------------------

def test_new_york_gap_moves_forward():
    # 2026-03-08 02:00 EST → 03:00 EDT at 07:00Z.
    assert start("2026-03-08", "02:30", NY) == z("2026-03-08T07:00")
    assert end("2026-03-08", "02:30", NY) == z("2026-03-08T07:00")
    assert start("2026-03-08", "01:59", NY) == z("2026-03-08T06:59")
    assert start("2026-03-08", "03:00", NY) == z("2026-03-08T07:00")
    assert window("2026-03-08", "02:00", "04:00", NY) == (z("2026-03-08T07:00"),
                                                          z("2026-03-08T08:00"))
    assert window("2026-03-08", "01:00", "04:00", NY) == (z("2026-03-08T06:00"),
                                                          z("2026-03-08T08:00"))


def test_window_entirely_inside_the_gap_is_empty():
    pattern = tuple(((hm("02:10"), hm("02:40")),) for _ in range(7))
    assert window("2026-03-08", "02:10", "02:40", NY) == (z("2026-03-08T07:00"),
                                                          z("2026-03-08T07:00"))
    got = pattern_intervals(pattern, NY, d("2026-03-07"), d("2026-03-09"))
    assert isos(got) == [(z("2026-03-07T07:10"), z("2026-03-07T07:40")),
                         (z("2026-03-09T06:10"), z("2026-03-09T06:40"))]


# ----- 5. Ambiguous local times never shorten ---------------------------------------------

def test_new_york_fall_back_never_shortens():
    # 2026-11-01 02:00 EDT → 01:00 EST at 06:00Z; 01:30 happens at 05:30Z and 06:30Z.
    assert start("2026-11-01", "01:30", NY) == z("2026-11-01T05:30")
    assert end("2026-11-01", "01:30", NY) == z("2026-11-01T06:30")
    assert window("2026-11-01", "01:00", "02:00", NY) == (z("2026-11-01T05:00"),
                                                          z("2026-11-01T07:00"))
    assert length("2026-11-01", "01:00", "02:00", NY) == 120
    # not ambiguous either side
    assert start("2026-11-01", "00:59", NY) == end("2026-11-01", "00:59", NY)
    assert end("2026-11-01", "00:59", NY) == z("2026-11-01T04:59")
    assert start("2026-11-01", "02:00", NY) == end("2026-11-01", "02:00", NY)
    assert start("2026-11-01", "02:00", NY) == z("2026-11-01T07:00")
    # a whole day and a night shift over the change are 25 hours and 9 hours
    assert window("2026-11-01", "00:00", "00:00", NY) == (z("2026-11-01T04:00"),
                                                          z("2026-11-02T05:00"))
    assert window("2026-10-31", "22:00", "06:00", NY) == (z("2026-11-01T02:00"),
                                                          z("2026-11-01T11:00"))


def test_ambiguous_window_through_pattern_intervals():
    got = pattern_intervals(daily("01:00", "02:00"), NY, d("2026-10-31"), d("2026-11-02"))
    assert isos(got) == [(z("2026-10-31T05:00"), z("2026-10-31T06:00")),
                         (z("2026-11-01T05:00"), z("2026-11-01T07:00")),
                         (z("2026-11-02T06:00"), z("2026-11-02T07:00"))]


# ----- 6. Minute precision ----------------------------------------------------------------

def test_kolkata_and_kathmandu_offsets():
    assert window("2026-03-02", "09:00", "17:00", KOLKATA) == (z("2026-03-02T03:30"),
                                                               z("2026-03-02T11:30"))
    assert window("2026-03-02", "09:00", "17:00", KATHMANDU) == (z("2026-03-02T03:15"),
                                                                 z("2026-03-02T11:15"))
    assert start("2026-03-02", "00:00", KATHMANDU) == z("2026-03-01T18:15")
    assert start("2026-03-02", "05:44", KATHMANDU) == z("2026-03-01T23:59")
    assert start("2026-03-02", "05:45", KATHMANDU) == z("2026-03-02T00:00")
    assert window("2026-03-02", "22:00", "06:00", KOLKATA) == (z("2026-03-02T16:30"),
                                                               z("2026-03-03T00:30"))
    # no DST: the same UTC times in July as in March
    assert window("2026-07-06", "09:00", "17:00", KATHMANDU) == (z("2026-07-06T03:15"),
                                                                 z("2026-07-06T11:15"))


def test_chatham_offsets_and_changes():
    # CHADT +13:45 until 2026-04-05 03:45 local (= 04-04 14:00Z), then CHAST +12:45.
    assert start("2026-04-04", "09:00", CHATHAM) == z("2026-04-03T19:15")
    assert start("2026-04-05", "09:00", CHATHAM) == z("2026-04-04T20:15")
    assert start("2026-04-06", "09:00", CHATHAM) == z("2026-04-05T20:15")
    # 03:00 on 04-05 happens twice: 13:15Z (+13:45) and 14:15Z (+12:45)
    assert start("2026-04-05", "03:00", CHATHAM) == z("2026-04-04T13:15")
    assert end("2026-04-05", "03:00", CHATHAM) == z("2026-04-04T14:15")
    # CHAST +12:45 until 2026-09-27 02:45 local (= 09-26 14:00Z), then CHADT +13:45.
    assert start("2026-09-26", "09:00", CHATHAM) == z("2026-09-25T20:15")
    assert start("2026-09-27", "02:44", CHATHAM) == z("2026-09-26T13:59")
    assert start("2026-09-27", "03:00", CHATHAM) == z("2026-09-26T14:00")
    assert end("2026-09-27", "03:30", CHATHAM) == z("2026-09-26T14:00")
    assert start("2026-09-27", "03:45", CHATHAM) == z("2026-09-26T14:00")
    assert start("2026-09-27", "09:00", CHATHAM) == z("2026-09-26T19:15")
    assert start("2026-09-28", "09:00", CHATHAM) == z("2026-09-27T19:15")


def test_lord_howe_leaves_dst_by_thirty_minutes():
    # LHDT +11 until 2026-04-05 02:00 local (= 04-04 15:00Z), then LHST +10:30.
    assert start("2026-04-04", "09:00", LORD_HOWE) == z("2026-04-03T22:00")
    assert start("2026-04-05", "09:00", LORD_HOWE) == z("2026-04-04T22:30")
    assert start("2026-04-06", "09:00", LORD_HOWE) == z("2026-04-05T22:30")
    # 01:45 happens twice: 14:45Z (+11) and 15:15Z (+10:30)
    assert start("2026-04-05", "01:45", LORD_HOWE) == z("2026-04-04T14:45")
    assert end("2026-04-05", "01:45", LORD_HOWE) == z("2026-04-04T15:15")
    # 01:29 is not ambiguous
    assert start("2026-04-05", "01:29", LORD_HOWE) == end("2026-04-05", "01:29", LORD_HOWE)
    assert end("2026-04-05", "01:29", LORD_HOWE) == z("2026-04-04T14:29")
    # 00:00 LHDT → 06:00 LHST: 13:00Z → 19:30Z, six and a half hours
    assert window("2026-04-05", "00:00", "06:00", LORD_HOWE) == (z("2026-04-04T13:00"),
                                                                 z("2026-04-04T19:30"))
    assert length("2026-04-05", "00:00", "06:00", LORD_HOWE) == 390
    # the repeated half hour as a window: 01:30 (+11) → 02:00 (+10:30) = 14:30Z → 15:30Z
    assert window("2026-04-05", "01:30", "02:00", LORD_HOWE) == (z("2026-04-04T14:30"),
                                                                 z("2026-04-04T15:30"))


def test_lord_howe_enters_dst_by_thirty_minutes():
    # LHST +10:30 until 2026-10-04 02:00 local (= 10-03 15:30Z), then LHDT +11.
    assert start("2026-10-03", "09:00", LORD_HOWE) == z("2026-10-02T22:30")
    assert start("2026-10-04", "01:59", LORD_HOWE) == z("2026-10-03T15:29")
    for clock in ("02:00", "02:15", "02:29"):
        assert start("2026-10-04", clock, LORD_HOWE) == z("2026-10-03T15:30")
        assert end("2026-10-04", clock, LORD_HOWE) == z("2026-10-03T15:30")
    assert start("2026-10-04", "02:30", LORD_HOWE) == z("2026-10-03T15:30")
    assert start("2026-10-04", "02:31", LORD_HOWE) == z("2026-10-03T15:31")
    assert start("2026-10-04", "09:00", LORD_HOWE) == z("2026-10-03T22:00")
    assert start("2026-10-05", "09:00", LORD_HOWE) == z("2026-10-04T22:00")
    # 00:00 LHST → 06:00 LHDT: 13:30Z → 19:00Z, five and a half hours
    assert window("2026-10-04", "00:00", "06:00", LORD_HOWE) == (z("2026-10-03T13:30"),
                                                                 z("2026-10-03T19:00"))
    assert length("2026-10-04", "00:00", "06:00", LORD_HOWE) == 330
    # a window wholly inside the gap is empty and dropped from a pattern
    pattern = tuple(((hm("02:00"), hm("02:30")),) for _ in range(7))
    got = pattern_intervals(pattern, LORD_HOWE, d("2026-10-03"), d("2026-10-05"))
    assert isos(got) == [(z("2026-10-02T15:30"), z("2026-10-02T16:00")),
                         (z("2026-10-04T15:00"), z("2026-10-04T15:30"))]


# ----- 7. The horizon ---------------------------------------------------------------------

def test_span_utc_week():
    span = span_of("2026-03-02", 7)
    assert (iso_utc(span.start), iso_utc(span.end)) == (z("2026-03-02T00:00"),
                                                        z("2026-03-09T00:00"))
    assert [iso_utc(b) for b in span.block_starts] == [z("2026-03-02T00:00")]


def test_span_london_week_with_the_spring_change_is_167_hours():
    span = span_of("2026-03-23", 7, LONDON)
    assert (iso_utc(span.start), iso_utc(span.end)) == (z("2026-03-23T00:00"),
                                                        z("2026-03-29T23:00"))
    assert span.end - span.start == 167 * 60
    two = span_of("2026-03-23", 14, LONDON)
    assert [iso_utc(b) for b in two.block_starts] == [z("2026-03-23T00:00"),
                                                      z("2026-03-29T23:00")]
    assert iso_utc(two.end) == z("2026-04-05T23:00")
    autumn = span_of("2026-10-19", 7, LONDON)
    assert (iso_utc(autumn.start), iso_utc(autumn.end)) == (z("2026-10-18T23:00"),
                                                            z("2026-10-26T00:00"))
    assert autumn.end - autumn.start == 169 * 60


def test_span_kolkata_and_santiago():
    span = span_of("2026-03-02", 7, KOLKATA)
    assert (iso_utc(span.start), iso_utc(span.end)) == (z("2026-03-01T18:30"),
                                                        z("2026-03-08T18:30"))
    # Chile springs forward at 24:00 on Sat 2026-09-05: Sunday's midnight does not exist
    # and the horizon starts at 01:00 -03 = 04:00Z.
    chile = span_of("2026-09-06", 1, "America/Santiago")
    assert (iso_utc(chile.start), iso_utc(chile.end)) == (z("2026-09-06T04:00"),
                                                          z("2026-09-07T03:00"))


def test_span_via_yaml_weeks():
    team = make_team("  - {name: A, tiers: [tier2]}\n",
                     horizon="{start: 2026-03-02, weeks: 2, timezone: Asia/Kolkata}",
                     shifts="  - {name: s, start: '09:00', end: '17:00'}\n")
    span = Span.of(team.horizon)
    assert [iso_utc(b) for b in span.block_starts] == [z("2026-03-01T18:30"),
                                                       z("2026-03-08T18:30")]
    assert iso_utc(span.end) == z("2026-03-15T18:30")


def test_night_shift_before_the_horizon_overlaps_it():
    span = span_of("2026-03-02", 7)
    night = ShiftTemplate(name="apac", start=hm("23:00"), end=hm("07:00") + MINUTES_PER_DAY)
    got = isos(template_occurrences(night, "UTC", span))
    assert got[0] == (z("2026-03-01T23:00"), z("2026-03-02T07:00"))
    assert got[-1] == (z("2026-03-08T23:00"), z("2026-03-09T07:00"))
    assert len(got) == 8
    assert span.block(template_occurrences(night, "UTC", span)[0][0]) == 0
    # a shift starting exactly at the horizon end does not overlap it
    midnight = ShiftTemplate(name="m", start=0, end=hm("08:00"))
    got = isos(template_occurrences(midnight, "UTC", span))
    assert got[0] == (z("2026-03-02T00:00"), z("2026-03-02T08:00"))
    assert got[-1] == (z("2026-03-08T00:00"), z("2026-03-08T08:00"))
    assert len(got) == 7
    # a shift ending exactly at the horizon start does not overlap it either
    evening = ShiftTemplate(name="e", start=hm("16:00"), end=MINUTES_PER_DAY)
    got = isos(template_occurrences(evening, "UTC", span))
    assert got[0] == (z("2026-03-02T16:00"), z("2026-03-03T00:00"))
    assert len(got) == 7


def test_night_shift_candidates_through_generate():
    team = make_team("  - {name: A, tiers: [tier2]}\n",
                     shifts="  - {name: apac, start: '23:00', end: '07:00'}\n")
    span = Span.of(team.horizon)
    cands = generate(team, span)
    got = [(iso_utc(c.start), iso_utc(c.end), c.day.isoformat(), c.block) for c in cands]
    assert got[0] == (z("2026-03-01T23:00"), z("2026-03-02T07:00"), "2026-03-01", 0)
    assert got[-1] == (z("2026-03-08T23:00"), z("2026-03-09T07:00"), "2026-03-08", 0)
    assert len(got) == 8
    assert all(c.shift == "apac" and c.tier == "tier2" for c in cands)


def test_span_block_of_a_later_week():
    span = span_of("2026-03-02", 14)
    assert span.block(to_minute(datetime(2026, 3, 8, 23, 59, tzinfo=UTC))) == 0
    assert span.block(to_minute(datetime(2026, 3, 9, 0, 0, tzinfo=UTC))) == 1
    assert [iso_utc(m) for m in span.block_interval(1)] == [z("2026-03-09T00:00"),
                                                            z("2026-03-16T00:00")]


# ----- 8. Kathmandu: fixed local shifts and flexible starts ------------------------------

def test_local_fixed_shift_in_kathmandu():
    team = make_team("  - {name: K, timezone: Asia/Kathmandu, tiers: [tier2]}\n",
                     shifts="  - {name: day, start: '09:00', end: '17:00', timezone: local}\n"
                            "  - {name: night, start: '21:00', end: '05:00', timezone: local}\n")
    span = Span.of(team.horizon)
    cands = generate(team, span)
    days = [(iso_utc(c.start), iso_utc(c.end)) for c in cands if c.shift == "day"]
    assert days[0] == (z("2026-03-02T03:15"), z("2026-03-02T11:15"))
    assert days[-1] == (z("2026-03-08T03:15"), z("2026-03-08T11:15"))
    assert len(days) == 7
    nights = [(iso_utc(c.start), iso_utc(c.end), c.day.isoformat())
              for c in cands if c.shift == "night"]
    # 21:00 NPT on 03-01 is 15:15Z on 03-01, ends 05:00 NPT = 23:15Z: before the horizon.
    assert nights[0] == (z("2026-03-02T15:15"), z("2026-03-02T23:15"), "2026-03-02")
    # 21:00 NPT Sun 03-08 = 15:15Z, inside the horizon; 21:00 NPT Mon 03-09 = 15:15Z, after
    assert nights[-1] == (z("2026-03-08T15:15"), z("2026-03-08T23:15"), "2026-03-08")
    assert len(nights) == 7
    assert {iso_utc(c.start)[14:16] for c in cands} == {"15"}


def test_flexible_starts_in_kathmandu_fall_on_quarter_past_and_to():
    span = span_of("2026-03-02", 7)
    starts = flexible_starts(KATHMANDU, 30, span)
    assert {iso_utc(m)[14:16] for m in starts} == {"15", "45"}
    assert iso_utc(starts[0]) == z("2026-02-28T18:15")  # local 03-01 00:00 NPT
    assert iso_utc(starts[-1]) == z("2026-03-09T17:45")  # local 03-09 23:30 NPT
    assert len(starts) == 9 * 48  # local dates 03-01 .. 03-09

    team = make_team("  - {name: K, timezone: Asia/Kathmandu, tiers: [tier2],"
                     " availability: {daily: '06:00-15:00'}}\n",
                     flexible="{min_hours: 4, max_hours: 9, step_minutes: 30}")
    cands = generate(team, Span.of(team.horizon))
    assert cands
    assert {iso_utc(c.start)[14:16] for c in cands} == {"15", "45"}
    assert {iso_utc(c.end)[14:16] for c in cands} == {"15", "45"}
    first = cands[0]
    # 06:00 NPT Mon 03-02 = 00:15Z: the earliest start inside availability and the horizon
    assert (iso_utc(first.start), iso_utc(first.end)) == (z("2026-03-02T00:15"),
                                                          z("2026-03-02T04:15"))
    assert iso_utc(max(c.end for c in cands)) == z("2026-03-08T09:15")


def test_flexible_starts_skip_the_new_york_gap():
    span = span_of("2026-03-08", 1)
    starts = [iso_utc(m) for m in flexible_starts(NY, 30, span)]
    # local 03-08 01:30 EST = 06:30Z, then 02:00/02:30 (nonexistent) and 03:00 are all 07:00Z
    i = starts.index(z("2026-03-08T06:30"))
    assert starts[i:i + 3] == [z("2026-03-08T06:30"), z("2026-03-08T07:00"),
                               z("2026-03-08T07:30")]


def test_flexible_starts_include_both_occurrences_of_a_repeated_hour():
    # London 2026-10-25: 01:00 BST (00:00Z) and 01:00 GMT (01:00Z) are both 01:00 on the
    # engineer's clock; 02:00 GMT is 02:00Z.
    london = [iso_utc(m) for m in flexible_starts(LONDON, 60, span_of("2026-10-25", 1))]
    i = london.index(z("2026-10-24T23:00"))  # 00:00 BST
    assert london[i:i + 4] == [z("2026-10-24T23:00"), z("2026-10-25T00:00"),
                               z("2026-10-25T01:00"), z("2026-10-25T02:00")]
    # New York 2026-11-01, step 30: 01:00/01:30 EDT (05:00Z/05:30Z), then EST (06:00Z/06:30Z)
    new_york = [iso_utc(m) for m in flexible_starts(NY, 30, span_of("2026-11-01", 1))]
    i = new_york.index(z("2026-11-01T04:30"))  # 00:30 EDT
    assert new_york[i:i + 6] == [z("2026-11-01T04:30"), z("2026-11-01T05:00"),
                                 z("2026-11-01T05:30"), z("2026-11-01T06:00"),
                                 z("2026-11-01T06:30"), z("2026-11-01T07:00")]


def test_flexible_candidates_in_the_repeated_hour():
    team = make_team("  - {name: L, timezone: Europe/London, tiers: [tier2]}\n",
                     horizon="{start: 2026-10-25, days: 1}",
                     flexible="{min_hours: 4, max_hours: 4, step_minutes: 60}")
    starts = [iso_utc(c.start) for c in generate(team, Span.of(team.horizon))]
    assert z("2026-10-25T01:00") in starts
    # 4-hour shifts overlapping [10-25 00:00Z, 10-26 00:00Z): starts 10-24 21:00Z .. 10-25 23:00Z
    assert starts == [z(f"2026-10-24T{h}:00") for h in range(21, 24)] + [
        z(f"2026-10-25T{h:02d}:00") for h in range(0, 24)]


# ----- 9. Demand --------------------------------------------------------------------------

def test_demand_max_of_two_utc_rules():
    team = make_team("  - {name: A, tiers: [tier2]}\n",
                     shifts="  - {name: s, start: '00:00', end: '08:00'}\n",
                     coverage="  - {tier: tier2, min: 1}\n"
                              "  - {tier: tier2, min: 2, days: mon-fri, hours: '13:00-17:00'}\n")
    got = isos(demand(team, Span.of(team.horizon))["tier2"])
    expected = [(z("2026-03-02T00:00"), z("2026-03-02T13:00"), 1)]
    for day in range(2, 7):  # Mon 03-02 .. Fri 03-06
        expected.append((z(f"2026-03-0{day}T13:00"), z(f"2026-03-0{day}T17:00"), 2))
        if day < 6:
            expected.append((z(f"2026-03-0{day}T17:00"), z(f"2026-03-0{day + 1}T13:00"), 1))
    expected.append((z("2026-03-06T17:00"), z("2026-03-09T00:00"), 1))
    assert got == expected
    assert len(got) == 11


def test_demand_rule_in_new_york_across_the_change():
    team = make_team("  - {name: A, tiers: [tier1, tier2]}\n",
                     horizon="{start: 2026-03-02, weeks: 2}",
                     shifts="  - {name: s, start: '00:00', end: '08:00'}\n",
                     coverage="  - {tier: tier1, min: 1, days: mon-fri, hours: '09:00-17:00',"
                              " timezone: America/New_York}\n"
                              "  - {tier: tier2, min: 3, days: sat-sun, hours: '22:00-02:00',"
                              " timezone: America/New_York}\n")
    span = Span.of(team.horizon)
    got = demand(team, span)
    assert list(got) == ["tier1", "tier2"]
    tier1 = [(z(f"2026-03-{day:02d}T14:00"), z(f"2026-03-{day:02d}T22:00"), 1)
             for day in range(2, 7)]
    tier1 += [(z(f"2026-03-{day:02d}T13:00"), z(f"2026-03-{day:02d}T21:00"), 1)
              for day in range(9, 14)]
    assert isos(got["tier1"]) == tier1
    # Sat/Sun 22:00-02:00 NY: EST (+5h) until 03-08 02:00 EST, EDT (+4h) after. The Sunday
    # 03-01 night runs into the horizon; the Sunday 03-15 one starts after its end.
    assert isos(got["tier2"]) == [
        (z("2026-03-02T03:00"), z("2026-03-02T07:00"), 3),  # Sun 03-01 22:00 EST
        (z("2026-03-08T03:00"), z("2026-03-08T07:00"), 3),  # Sat 03-07 22:00 EST → 03:00 EDT
        (z("2026-03-09T02:00"), z("2026-03-09T06:00"), 3),  # Sun 03-08 22:00 EDT
        (z("2026-03-15T02:00"), z("2026-03-15T06:00"), 3),  # Sat 03-14 22:00 EDT
    ]
    # Saturday 03-07's window ends at 02:00 on 03-08, which does not exist → 03:00 EDT.
    # Sunday 03-08's window starts at the end of this two-day horizon and is not included.
    rule = team.coverage[1]
    assert isos(rule_intervals(rule, span_of("2026-03-07", 2))) == [
        (z("2026-03-08T03:00"), z("2026-03-08T07:00")),
    ]


def test_demand_is_clipped_to_the_horizon():
    team = make_team("  - {name: A, tiers: [tier2]}\n",
                     shifts="  - {name: s, start: '00:00', end: '08:00'}\n",
                     coverage="  - {tier: tier2, min: 1, hours: '20:00-04:00'}\n")
    got = isos(demand(team, Span.of(team.horizon))["tier2"])
    assert got[0] == (z("2026-03-02T00:00"), z("2026-03-02T04:00"), 1)
    assert got[-1] == (z("2026-03-08T20:00"), z("2026-03-09T00:00"), 1)
    assert len(got) == 8


def test_demand_in_a_london_horizon_over_the_spring_change():
    team = make_team("  - {name: A, tiers: [tier2]}\n",
                     horizon="{start: 2026-03-23, weeks: 1, timezone: Europe/London}",
                     shifts="  - {name: s, start: '00:00', end: '08:00'}\n",
                     coverage="  - {tier: tier2, min: 1}\n")
    got = isos(demand(team, Span.of(team.horizon))["tier2"])
    assert got == [(z("2026-03-23T00:00"), z("2026-03-29T23:00"), 1)]


# ----- 10. Holidays and time off ----------------------------------------------------------

LONDON_ENGINEER = "  - {name: L, timezone: Europe/London, holidays: GB-ENG, tiers: [tier2]}\n"


def test_gb_eng_christmas_2026():
    team = make_team(LONDON_ENGINEER, horizon="{start: 2026-12-21, weeks: 2}",
                     shifts="  - {name: s, start: '09:00', end: '17:00'}\n")
    found = public_holidays(team.engineers[0], Span.of(team.horizon))
    assert d("2026-12-25") in found  # Christmas Day, a Friday
    assert d("2026-12-28") in found  # Boxing Day (Sat 12-26) observed on Monday
    assert d("2027-01-01") in found
    for day in ("2026-12-21", "2026-12-24", "2026-12-27", "2026-12-29", "2026-12-31"):
        assert d(day) not in found


@pytest.mark.parametrize("work_on_holidays", [False, True])
def test_no_candidate_starts_on_a_holiday(work_on_holidays):
    team = make_team(LONDON_ENGINEER, horizon="{start: 2026-12-21, weeks: 1}",
                     shifts="  - {name: day, start: '09:00', end: '17:00', timezone: local}\n"
                            "  - {name: late, start: '22:00', end: '06:00', timezone: local}\n",
                     rules=f"{{work_on_holidays: {str(work_on_holidays).lower()}}}")
    cands = generate(team, Span.of(team.horizon))
    day_shifts = [c.day.isoformat() for c in cands if c.shift == "day"]
    late = [(iso_utc(c.start), c.day.isoformat()) for c in cands if c.shift == "late"]
    if work_on_holidays:
        assert day_shifts == [f"2026-12-{n}" for n in range(21, 28)]
        assert len(late) == 8
    else:
        # Fri 12-25 Christmas and Sat 12-26 Boxing Day are holidays in England.
        assert day_shifts == ["2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24",
                              "2026-12-27"]
        # a night that starts on Christmas Eve is allowed; one starting on the 25th is not
        assert (z("2026-12-24T22:00"), "2026-12-24") in late
        assert all(day not in ("2026-12-25", "2026-12-26") for _, day in late)
        assert late[0] == (z("2026-12-20T22:00"), "2026-12-20")
        assert late[-1] == (z("2026-12-27T22:00"), "2026-12-27")
        assert len(late) == 6


@pytest.mark.parametrize("work_on_holidays", [False, True])
def test_holidays_are_the_engineers_local_dates(work_on_holidays):
    # Sydney, Easter 2026 (AU-NSW: Good Friday 04-03 to Easter Monday 04-06). 08:00 local
    # is 21:00Z the previous UTC day under AEDT, 22:00Z under AEST (from 04-05).
    team = make_team("  - {name: S, timezone: Australia/Sydney, holidays: AU-NSW,"
                     " tiers: [tier2]}\n",
                     horizon="{start: 2026-03-30, weeks: 1}",
                     shifts="  - {name: day, start: '08:00', end: '16:00', timezone: local}\n",
                     rules=f"{{work_on_holidays: {str(work_on_holidays).lower()}}}")
    cands = generate(team, Span.of(team.horizon))
    got = [(iso_utc(c.start), iso_utc(c.end), c.day.isoformat()) for c in cands]
    expected = [
        (z("2026-03-29T21:00"), z("2026-03-30T05:00"), "2026-03-30"),
        (z("2026-03-30T21:00"), z("2026-03-31T05:00"), "2026-03-31"),
        (z("2026-03-31T21:00"), z("2026-04-01T05:00"), "2026-04-01"),
        (z("2026-04-01T21:00"), z("2026-04-02T05:00"), "2026-04-02"),
    ]
    if work_on_holidays:
        expected += [
            (z("2026-04-02T21:00"), z("2026-04-03T05:00"), "2026-04-03"),
            (z("2026-04-03T21:00"), z("2026-04-04T05:00"), "2026-04-04"),
            (z("2026-04-04T22:00"), z("2026-04-05T06:00"), "2026-04-05"),
            (z("2026-04-05T22:00"), z("2026-04-06T06:00"), "2026-04-06"),
        ]
    assert got == expected


def test_unavailable_dates_are_whole_local_days():
    team = make_team(
        "  - name: P\n"
        "    timezone: Asia/Kolkata\n"
        "    tiers: [tier2]\n"
        "    unavailable:\n"
        "      - 2026-03-04\n"
        "      - 2026-03-10..2026-03-12\n"
        "      - 2026-03-05T14:00..2026-03-05T18:00\n",
        shifts="  - {name: s, start: '09:00', end: '17:00'}\n")
    eng = team.engineers[0]
    assert isos(time_off(eng)) == [
        (z("2026-03-03T18:30"), z("2026-03-04T18:30")),
        (z("2026-03-05T08:30"), z("2026-03-05T12:30")),
        (z("2026-03-09T18:30"), z("2026-03-12T18:30")),
    ]
    span = Span.of(team.horizon)
    # no availability pattern: always available, around the horizon
    assert isos(availability(eng, span)) == [(z("2026-02-27T18:30"), z("2026-03-10T18:30"))]
    assert isos(free_time(eng, span)) == [
        (z("2026-02-27T18:30"), z("2026-03-03T18:30")),
        (z("2026-03-04T18:30"), z("2026-03-05T08:30")),
        (z("2026-03-05T12:30"), z("2026-03-09T18:30")),
    ]


def test_unavailable_days_over_dst_changes():
    team = make_team(
        "  - {name: L, timezone: Europe/London, tiers: [tier2],"
        " unavailable: [2026-03-29, 2026-10-25]}\n"
        "  - {name: N, timezone: America/New_York, tiers: [tier2],"
        " unavailable: ['2026-11-01', '2026-03-08T01:00..2026-03-08T03:30']}\n"
        "  - {name: H, timezone: Australia/Lord_Howe, tiers: [tier2],"
        " unavailable: ['2026-04-05T01:45..2026-04-05T01:50',"
        " '2026-10-04T02:15..2026-10-04T02:45']}\n",
        shifts="  - {name: s, start: '09:00', end: '17:00'}\n")
    london, new_york, lord_howe = team.engineers
    assert isos(time_off(london)) == [
        (z("2026-03-29T00:00"), z("2026-03-29T23:00")),  # 23 hours
        (z("2026-10-24T23:00"), z("2026-10-26T00:00")),  # 25 hours
    ]
    assert isos(time_off(new_york)) == [
        (z("2026-03-08T06:00"), z("2026-03-08T07:30")),  # 01:00 EST → 03:30 EDT
        (z("2026-11-01T04:00"), z("2026-11-02T05:00")),  # 25 hours
    ]
    # 01:45 → 01:50 (both ambiguous): the earlier 01:45 (+11) to the later 01:50 (+10:30);
    # 02:15 (in the gap) → 02:45 LHDT
    assert isos(time_off(lord_howe)) == [
        (z("2026-04-04T14:45"), z("2026-04-04T15:20")),
        (z("2026-10-03T15:30"), z("2026-10-03T15:45")),
    ]


def test_availability_pattern_for_a_kathmandu_engineer():
    team = make_team("  - {name: K, timezone: Asia/Kathmandu, tiers: [tier2],"
                     " availability: {mon-fri: '06:00-15:00'}}\n",
                     shifts="  - {name: s, start: '09:00', end: '17:00'}\n")
    got = isos(availability(team.engineers[0], Span.of(team.horizon)))
    # local dates 02-28 .. 03-10 (two days before, one after); Mon-Fri only
    assert got == [(z(f"2026-03-{n:02d}T00:15"), z(f"2026-03-{n:02d}T09:15"))
                   for n in (2, 3, 4, 5, 6, 9, 10)]


# ----- 11. Properties ---------------------------------------------------------------------

ZONES = [
    "UTC", NY, "America/Los_Angeles", "America/St_Johns", "America/Santiago",
    "America/Havana", LONDON, "Europe/Berlin", "Africa/Casablanca", "Asia/Tehran",
    KOLKATA, KATHMANDU, SYDNEY, LORD_HOWE, CHATHAM, "Pacific/Auckland", "Pacific/Apia",
]
DAYS = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))
PROPS = settings(max_examples=300, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


def wall(minute: int, tz: str) -> datetime:
    return from_minute(minute).astimezone(zone(tz)).replace(tzinfo=None)


def naive(day: date, minute_of_day: int) -> datetime:
    return datetime(day.year, day.month, day.day) + timedelta(minutes=minute_of_day)


def instants_showing(moment: datetime, tz: str) -> list[int]:
    """Every instant whose local wall time in `tz` is `moment` (sorted; empty in a gap)."""
    guess = to_minute(moment.replace(tzinfo=UTC))
    offsets = {int(from_minute(guess + k).astimezone(zone(tz)).utcoffset().total_seconds()) // 60
               for k in range(-16 * 60, 16 * 60 + 1, 15)}
    return sorted({guess - off for off in offsets if wall(guess - off, tz) == moment})


@PROPS
@given(tz=st.sampled_from(ZONES), day=DAYS, minute=st.integers(0, 2 * MINUTES_PER_DAY - 1))
@example(tz=NY, day=date(2026, 3, 8), minute=150)
@example(tz=NY, day=date(2026, 11, 1), minute=90)
@example(tz=LORD_HOWE, day=date(2026, 4, 5), minute=105)
@example(tz=LORD_HOWE, day=date(2026, 10, 4), minute=135)
@example(tz="America/Santiago", day=date(2026, 9, 5), minute=MINUTES_PER_DAY)
def test_localize_matches_the_wall_clock(tz, day, minute):
    early = localize(day, minute, tz, is_end=False)
    late = localize(day, minute, tz, is_end=True)
    assert early <= late
    moment = naive(day, minute)
    seen = instants_showing(moment, tz)
    if seen:
        # exists: it converts back, a start takes the first occurrence, an end the last
        assert wall(early, tz) == moment and wall(late, tz) == moment
        assert (early, late) == (seen[0], seen[-1])
    else:
        # nonexistent: the first instant after the gap, for starts and ends alike
        assert early == late
        assert wall(early, tz) > moment
        assert wall(early - 1, tz) < moment


@PROPS
@given(tz=st.sampled_from(ZONES), day=DAYS, first=st.integers(0, MINUTES_PER_DAY - 1),
       span=st.integers(1, MINUTES_PER_DAY), probe=st.floats(0, 1, exclude_max=True))
def test_a_window_covers_every_instant_of_its_wall_clock_range(tz, day, first, span, probe):
    s = localize(day, first, tz, is_end=False)
    e = localize(day, first + span, tz, is_end=True)
    assert s <= e
    # at most one change (of at most an hour) falls inside a day's window in these zones
    assert span - 60 <= e - s <= span + 60
    # never shortened: any instant showing a wall time inside the window lies inside it
    inside = naive(day, first + int(probe * span))
    for instant in instants_showing(inside, tz):
        assert s <= instant < e


@PROPS
@given(tz=st.sampled_from(ZONES), day=DAYS, a=st.integers(0, 2 * MINUTES_PER_DAY),
       b=st.integers(0, 2 * MINUTES_PER_DAY), is_end=st.booleans())
def test_localize_is_monotonic(tz, day, a, b, is_end):
    lo, hi = sorted((a, b))
    assert localize(day, lo, tz, is_end=is_end) <= localize(day, hi, tz, is_end=is_end)


@settings(max_examples=100, deadline=None)
@given(tz=st.sampled_from(ZONES), day=DAYS, days=st.integers(1, 21))
def test_span_runs_from_local_midnight_to_local_midnight(tz, day, days):
    span = Span.of(Horizon(start=day, days=days, timezone=tz))
    assert abs((span.end - span.start) - days * MINUTES_PER_DAY) <= 60
    assert len(span.block_starts) == (days + 6) // 7
    for index, boundary in enumerate(span.block_starts):
        local = wall(boundary, tz)
        block_day = day + timedelta(days=7 * index)
        # midnight, or the first instant after a gap that swallowed midnight
        assert local.date() == block_day
        assert local.time().hour <= 1
        assert wall(boundary - 1, tz) < naive(block_day, 0)
    assert local_date(span.end, tz) == day + timedelta(days=days)


@settings(max_examples=60, deadline=None)
@given(tz=st.sampled_from(ZONES), day=DAYS, step=st.sampled_from([15, 30, 45, 60, 90]))
@example(tz=LONDON, day=date(2026, 10, 24), step=30)
@example(tz=LORD_HOWE, day=date(2026, 4, 4), step=45)
@example(tz=LORD_HOWE, day=date(2026, 10, 3), step=45)
def test_flexible_starts_are_on_the_local_step(tz, day, step):
    span = Span.of(Horizon(start=day, days=2, timezone="UTC"))
    starts = flexible_starts(tz, step, span)
    assert starts == sorted(set(starts))
    for m in starts:
        local = wall(m, tz)
        on_step = (local.hour * 60 + local.minute) % step == 0
        moved = wall(m - 1, tz) < local - timedelta(minutes=1)  # just after a gap
        assert on_step or moved
    # every instant of the horizon that shows a step mark is a start (both of a repeated one)
    given_starts = set(starts)
    for m in range(span.start, span.end):
        local = wall(m, tz)
        if (local.hour * 60 + local.minute) % step == 0:
            assert m in given_starts, iso_utc(m)
