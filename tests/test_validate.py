"""`rota validate`: capacity before solving, structural gaps and their reasons, --strict."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from rota.capacity import NO_SHIFT, NOBODY, TIME_OFF, capacity
from rota.cli import cli
from rota.config import load_team
from rota.timeline import iso_utc

ROOT = Path(__file__).resolve().parents[1]

# Mon 2026-05-04 is the Early May bank holiday in England. Each stretch of the day is short
# for a different reason:
#   08-09 two required, only Ann is available       -> nobody (else) available
#   10-14 Bob's only hours, and he is on leave       -> time off
#   14-17 Cara's 3 free hours fit no 4-hour shift    -> no shift fits
#   17-18 nobody's pattern reaches it                -> nobody available
#   18-23 Eve's 19:00-24:00 BST, a public holiday    -> time off (holiday)
#   23-24 nobody's pattern reaches it                -> nobody available
REASONS = """\
version: 1
team: Reasons
horizon: {start: 2026-05-04, days: 1, timezone: UTC}
flexible: {min_hours: 4, max_hours: 12}
engineers:
  - {name: Ann Lee, tiers: [tier2], availability: {daily: "00:00-10:00"}}
  - {name: Bob Ng, tiers: [tier2], availability: {daily: "10:00-14:00"},
     unavailable: [2026-05-04]}
  - {name: Cara Diaz, tiers: [tier2], availability: {daily: "14:00-17:00"}}
  - {name: Eve Ford, timezone: Europe/London, holidays: GB-ENG, tiers: [tier2],
     availability: {daily: "19:00-24:00"}}
  - {name: Dan Roe, tiers: [tier1]}
coverage:
  - {tier: tier2, min: 1}
  - {tier: tier2, min: 2, hours: "08:00-09:00"}
"""

# Fixed shifts only; the night shift is for tier1. Priya (Kolkata, +05:30) is free all day
# but on leave 20:00-23:30 IST = 14:30-18:00 UTC, so the day shift does not fit either.
SHIFTS = """\
version: 1
team: Shifts
horizon: {start: 2026-03-02, days: 1}
shifts:
  - {name: day, start: "06:00", end: "18:00"}
  - {name: night, start: "18:00", end: "06:00", tiers: [tier1]}
engineers:
  - {name: Priya Raman, timezone: Asia/Kolkata, tiers: [tier2],
     unavailable: ["2026-03-02T20:00..2026-03-02T23:30"]}
  - {name: Dan Roe, tiers: [tier1]}
coverage:
  - {tier: tier2, min: 1}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def rows(path: Path) -> list[tuple]:
    cap = capacity(load_team(path))
    return [(g.tier, iso_utc(g.start), iso_utc(g.end), g.required, g.possible, g.reason, g.who)
            for g in cap.gaps]


def run(*args: str):
    return CliRunner().invoke(cli, ["validate", *args])


def day(hh_mm: str, date: str = "2026-05-04") -> str:
    return f"{date}T{hh_mm}:00Z"


def test_each_reason_with_its_exact_interval(tmp_path):
    assert rows(write(tmp_path, REASONS)) == [
        ("tier2", day("08:00"), day("09:00"), 2, 1, NOBODY, ("Ann Lee",)),
        ("tier2", day("10:00"), day("14:00"), 1, 0, TIME_OFF, ("Bob Ng (unavailable)",)),
        ("tier2", day("14:00"), day("17:00"), 1, 0, NO_SHIFT, ("Cara Diaz",)),
        ("tier2", day("17:00"), day("18:00"), 1, 0, NOBODY, ()),  # split where reason changes
        ("tier2", day("18:00"), day("23:00"), 1, 0, TIME_OFF,
         ("Eve Ford (public holiday 2026-05-04)",)),
        ("tier2", day("23:00"), "2026-05-05T00:00:00Z", 1, 0, NOBODY, ()),
    ]


def test_shift_templates_that_fit_nobody_and_minute_exact_leave(tmp_path):
    d = "2026-03-02"
    assert rows(write(tmp_path, SHIFTS)) == [
        ("tier2", day("00:00", d), day("14:30", d), 1, 0, NO_SHIFT, ("Priya Raman",)),
        ("tier2", day("14:30", d), day("18:00", d), 1, 0, TIME_OFF,
         ("Priya Raman (unavailable)",)),
        ("tier2", day("18:00", d), "2026-03-03T00:00:00Z", 1, 0, NO_SHIFT, ("Priya Raman",)),
    ]


def test_cli_prints_each_gap_with_its_reason(tmp_path):
    path = write(tmp_path, REASONS)
    result = run(str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{path}: valid",
        "team: Reasons; 5 engineers; horizon 2026-05-04T00:00:00Z .. 2026-05-05T00:00:00Z "
        "(1 days)",
        "tier2: 25 person-hours required; 6 structural gap(s), 900 person-minutes short:",
        "  2026-05-04T08:00:00Z .. 2026-05-04T09:00:00Z  at most 1 of 2 could be on duty "
        "(60 min): nobody else holding tier2 is available then (only Ann Lee)",
        "  2026-05-04T10:00:00Z .. 2026-05-04T14:00:00Z  at most 0 of 1 could be on duty "
        "(240 min): on holiday or unavailable: Bob Ng (unavailable)",
        "  2026-05-04T14:00:00Z .. 2026-05-04T17:00:00Z  at most 0 of 1 could be on duty "
        "(180 min): no shift fits the free time of Cara Diaz",
        "  2026-05-04T17:00:00Z .. 2026-05-04T18:00:00Z  at most 0 of 1 could be on duty "
        "(60 min): nobody holding tier2 is available then",
        "  2026-05-04T18:00:00Z .. 2026-05-04T23:00:00Z  at most 0 of 1 could be on duty "
        "(300 min): on holiday or unavailable: Eve Ford (public holiday 2026-05-04)",
        "  2026-05-04T23:00:00Z .. 2026-05-05T00:00:00Z  at most 0 of 1 could be on duty "
        "(60 min): nobody holding tier2 is available then",
    ]


def test_hours_grid_shows_the_most_who_could_be_on_duty(tmp_path):
    path = write(tmp_path, REASONS)
    hours = {iso_utc(h)[11:13]: (r, a, ok) for h, _, r, a, ok in capacity(load_team(path)).hours()}
    assert len(hours) == 24
    assert hours["07"] == (1, 1, True)
    assert hours["08"] == (2, 1, False)
    assert hours["10"] == (1, 0, False)
    out = run(str(path), "--hours").stdout
    grid = next(line for line in out.splitlines() if line.startswith("Mon 05-04"))
    assert grid.split()[2:] == ["1"] * 8 + ["1!", "1"] + ["0!"] * 14
    assert "the most who could be on duty" in out
    assert "Mon 05-04" not in run(str(path)).stdout  # the default output stays short


def test_strict_exits_1_on_structural_gaps_only(tmp_path):
    assert run(str(write(tmp_path, REASONS)), "--strict").exit_code == 1
    covered = ROOT / "examples" / "follow-the-sun.yaml"
    result = run(str(covered), "--strict")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "tier2: 168 person-hours required; no structural gap"
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nteam: [\n")
    result = run(str(bad), "--strict")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""


def test_understaffed_example_names_its_gaps_and_reasons():
    cap = capacity(load_team(ROOT / "examples" / "understaffed.yaml"))
    assert sum(g.minutes for g in cap.gaps) == 2160  # as plan's proven minimal gaps
    gaps = rows(ROOT / "examples" / "understaffed.yaml")
    nights = [g for g in gaps if g[5] == NOBODY]
    assert [(g[1][11:16], g[2][11:16]) for g in nights] == [("20:00", "00:00")] * 7
    assert [g[1:] for g in gaps if g[5] != NOBODY] == [
        ("2027-02-03T00:00:00Z", "2027-02-03T08:00:00Z", 1, 0, TIME_OFF,
         ("Chen Wei (unavailable)",))]
