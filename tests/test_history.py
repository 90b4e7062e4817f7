"""History (SPEC §8): the `history` key, `--history`, loading and validating the files,
and the split into facts and the past seen from the horizon."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from rota.assignment import Assignment
from rota.cli import cli
from rota.config import load_team, parse_team
from rota.errors import ConfigError, InputError
from rota.history import load_history, rule_lookback_days, split_history
from rota.problem import History, HistoryFile
from rota.timeline import iso_utc

HEADER = "engineer,tier,start_utc,end_utc\n"
TEAM = """\
version: 1
team: Two
horizon: {{start: 2026-03-09, days: 7}}
flexible: {{}}
engineers:
  - {{name: Ann Lee, tiers: [tier2]}}
  - {{name: Bob Ng, id: bob, tiers: [tier2], timezone: Asia/Tokyo}}
coverage:
  - {{tier: tier2, min: 1}}
{history}"""
W09 = HEADER + (  # the week before, and the shift across the boundary
    "Ann Lee,tier2,2026-03-02T00:00Z,2026-03-02T12:00Z\n"
    "bob,tier2,2026-03-08T12:00Z,2026-03-09T04:00Z\n")
W10 = HEADER + (  # the boundary shift again (it is in both weeks' schedules), then more
    "Bob Ng,tier2,2026-03-08T12:00Z,2026-03-09T04:00Z\n"
    "Ann Lee,tier2,2026-03-09T04:00Z,2026-03-09T16:00Z\n")


def setup(tmp_path: Path, history: str = "", files: dict[str, str] | None = None) -> Path:
    """team/team.yaml and its files, relative to the team file's folder."""
    folder = tmp_path / "team"
    for name, text in (files or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    folder.mkdir(exist_ok=True)
    path = folder / "team.yaml"
    path.write_text(TEAM.format(history=history), encoding="utf-8")
    return path


def rows(assignments) -> list[tuple[str, str, str, str]]:
    return [(a.engineer, a.tier, iso_utc(a.start), iso_utc(a.end)) for a in assignments]


# ----- the `history` key ---------------------------------------------------------------------

def test_history_key_resolves_paths_against_the_team_file(tmp_path):
    path = setup(tmp_path, "history:\n  schedules: [published/w09.csv, ../w10.csv]\n"
                           "  fairness_weeks: 6\n")
    team = load_team(path)
    assert team.history == History((
        HistoryFile(str(tmp_path / "team" / "published" / "w09.csv"), 11, 15,
                    "history.schedules[0]"),
        HistoryFile(str(tmp_path / "w10.csv"), 11, 34, "history.schedules[1]")), 6)


def test_history_defaults():
    team = parse_team(TEAM.format(history="history:\n  schedules: w09.csv\n"), "team.yaml")
    assert team.history == History((HistoryFile("w09.csv", 11, 14, "history.schedules"),), 4)
    assert parse_team(TEAM.format(history=""), "team.yaml").history is None
    assert parse_team(TEAM.format(history="history: {fairness_weeks: 0}\n")).history == History(
        (), 0)


@pytest.mark.parametrize("history, line", [
    ("history: [a.csv]\n", "error: team.yaml:10:10: history: history must be a mapping, "
                           "not a list"),
    ("history: {fairness_weeks: -1}\n", "error: team.yaml:10:27: history.fairness_weeks: "
                                        "must be at least 0, not -1"),
    ("history: {fairness_weeks: 105}\n", "error: team.yaml:10:27: history.fairness_weeks: "
                                         "must be at most 104, not 105"),
    ("history: {fairness_weeks: 2.5}\n", "error: team.yaml:10:27: history.fairness_weeks: "
                                         "expected a whole number, not 2.5"),
    ("history: {schedules: {a: 1}}\n", "error: team.yaml:10:22: history.schedules: expected a "
                                       "list of schedule files, not a mapping"),
    ("history: {schedules: ['']}\n", "error: team.yaml:10:23: history.schedules[0]: must not "
                                     "be empty"),
    ("history: {schedule: [a.csv]}\n", "error: team.yaml:10:11: history.schedule: unknown key "
                                       "'schedule' (did you mean 'schedules'?)"),
])
def test_bad_history_key(history, line):
    with pytest.raises(ConfigError) as caught:
        parse_team(TEAM.format(history=history), "team.yaml")
    assert [str(p) for p in caught.value.problems] == [line]


# ----- loading -------------------------------------------------------------------------------

def test_load_resolves_ids_and_counts_a_repeated_row_once(tmp_path):
    path = setup(tmp_path, "history: {schedules: [w09.csv]}\n", {"w09.csv": W09})
    (tmp_path / "w10.csv").write_text(W10, encoding="utf-8")
    team = load_team(path)
    got = load_history(team, [str(tmp_path / "w10.csv"), str(path.parent / "w09.csv")])
    assert rows(got) == [
        ("Ann Lee", "tier2", "2026-03-02T00:00:00Z", "2026-03-02T12:00:00Z"),
        ("Bob Ng", "tier2", "2026-03-08T12:00:00Z", "2026-03-09T04:00:00Z"),
        ("Ann Lee", "tier2", "2026-03-09T04:00:00Z", "2026-03-09T16:00:00Z")]


def test_unknown_engineers_are_dropped_with_one_warning_per_file_and_name(tmp_path):
    w09 = W09 + ("Old Timer,tier2,2026-03-03T00:00Z,2026-03-03T08:00Z\n"
                 "Old Timer,tier2,2026-03-04T00:00Z,2026-03-04T08:00Z\n")
    path = setup(tmp_path, "history: {schedules: [w09.csv]}\n", {"w09.csv": w09})
    warnings: list[str] = []
    got = load_history(load_team(path), warn=warnings.append)
    assert len(got) == 2
    assert warnings == [f"warning: {path.parent}/w09.csv:4: 'Old Timer' is not in the team: "
                        "2 history rows ignored"]


def test_every_problem_is_one_line(tmp_path):
    bad = HEADER + "Ann Lee,tier2,2026-03-02T00:00Z,soon\n"
    overlapping = HEADER + ("Ann Lee,tier2,2026-03-02T00:00Z,2026-03-02T12:00Z\n"
                            "Bob Ng,tier2,2026-03-02T00:00Z,2026-03-02T12:00Z\n")
    other = HEADER + "ann-lee,tier1,2026-03-02T11:00Z,2026-03-02T13:00Z\n"
    path = setup(tmp_path, "history:\n  schedules: [gone.csv, bad.csv, a.csv]\n",
                 {"bad.csv": bad, "a.csv": overlapping, "b.csv": other,
                  "cols.csv": "engineer,tier,start_utc\n"})
    d = path.parent
    with pytest.raises(InputError) as caught:
        load_history(load_team(path), [str(d / "b.csv"), str(d / "cols.csv")])
    assert [str(p) for p in caught.value.problems] == [
        f"error: {path}:11:15: history.schedules[0]: history file '{d}/gone.csv' does not exist",
        f"error: {d}/bad.csv:2: row 1: end_utc: bad timestamp 'soon' (expected ISO 8601 like "
        "2026-03-02T23:00:00Z)",
        f"error: {d}/cols.csv:1: missing column 'end_utc' (need engineer,tier,start_utc,end_utc)",
        f"error: {d}/b.csv:2: Ann Lee is on duty twice at once: 2026-03-02T11:00:00Z.."
        f"2026-03-02T13:00:00Z (tier1) overlaps {d}/a.csv:2, 2026-03-02T00:00:00Z.."
        "2026-03-02T12:00:00Z (tier2); history must not overlap itself"]


def test_overlap_in_one_file_names_the_other_line(tmp_path):
    text = HEADER + ("Ann Lee,tier2,2026-03-02T00:00Z,2026-03-02T12:00Z\n"
                     "Ann Lee,tier2,2026-03-02T12:00Z,2026-03-02T14:00Z\n"  # back to back: fine
                     "Ann Lee,tier2,2026-03-02T01:00Z,2026-03-02T02:00Z\n")
    path = setup(tmp_path, "history: {schedules: [w.csv]}\n", {"w.csv": text})
    with pytest.raises(InputError) as caught:
        load_history(load_team(path))
    assert [str(p) for p in caught.value.problems] == [
        f"error: {path.parent}/w.csv:4: Ann Lee is on duty twice at once: 2026-03-02T01:00:00Z.."
        "2026-03-02T02:00:00Z (tier2) overlaps line 2, 2026-03-02T00:00:00Z..2026-03-02T12:00:00Z"
        " (tier2); history must not overlap itself"]


def test_a_calendar_feed_is_refused(tmp_path):
    path = setup(tmp_path, files={"w.ics": "BEGIN:VCALENDAR\nEND:VCALENDAR\n"})
    with pytest.raises(InputError) as caught:
        load_history(load_team(path), [str(path.parent / "w.ics")])
    assert str(caught.value.problems[0]).startswith(
        f"error: {path.parent}/w.ics: history reads .csv and .xlsx schedules, not a calendar feed")


# ----- seen from the horizon -----------------------------------------------------------------

def test_split_into_facts_and_the_windows_before(tmp_path):
    path = setup(tmp_path, "history: {fairness_weeks: 2}\n")
    team = load_team(path)
    history = [Assignment(e, "tier2", _m(s), _m(t)) for e, s, t in [
        ("Ann Lee", "2026-02-01T00:00Z", "2026-02-01T08:00Z"),  # before both windows
        ("Ann Lee", "2026-02-23T00:00Z", "2026-02-23T08:00Z"),  # fairness: from 02-23
        ("Bob Ng", "2026-03-01T00:00Z", "2026-03-01T08:00Z"),   # both
        ("Bob Ng", "2026-03-08T12:00Z", "2026-03-09T04:00Z"),   # overlaps: a fact
        ("Ann Lee", "2026-03-10T00:00Z", "2026-03-10T08:00Z"),  # inside: a fact
        ("Ann Lee", "2026-03-16T00:00Z", "2026-03-16T08:00Z"),  # after the horizon
    ]]
    split = split_history(team, history)
    assert rows(split.facts) == rows(history[3:5])
    assert rows(split.past) == rows(history[1:3])
    assert rows(split.for_fairness) == rows(history[1:3])
    assert rows(split.for_rules) == rows(history[2:3])
    assert iso_utc(split.fairness_start) == "2026-02-23T00:00:00Z"
    assert iso_utc(split.rules_start) == "2026-03-01T00:00:00Z"  # 8 days: 6 in a row + 2


def test_lookback_follows_the_rules():
    team = parse_team(TEAM.format(history="rules: {max_consecutive_days: 12, "
                                          "min_rest_hours: 11}\n"))
    assert rule_lookback_days(team) == 14
    team = parse_team(TEAM.format(history="rules: {max_consecutive_days: null}\n"))
    assert rule_lookback_days(team) == 7


def _m(text: str) -> int:
    from rota.schedule import instant

    return instant(text)


# ----- the command line ----------------------------------------------------------------------

def test_check_validates_history_and_warns(tmp_path):
    w09 = W09 + "Gone,tier2,2026-03-03T00:00Z,2026-03-03T08:00Z\n"
    path = setup(tmp_path, "history: {schedules: [w09.csv]}\n", {"w09.csv": w09, "s.csv": W10})
    done = CliRunner().invoke(cli, ["check", str(path), str(path.parent / "s.csv")])
    assert done.exit_code == 1  # gaps: two people cannot staff the week
    assert done.stderr.splitlines() == [
        f"warning: {path.parent}/w09.csv:4: 'Gone' is not in the team: 1 history row ignored"]


def test_validate_reads_the_history_files_the_team_names(tmp_path):
    path = setup(tmp_path, "history: {schedules: [w09.csv]}\n")
    done = CliRunner().invoke(cli, ["validate", str(path)])
    assert done.exit_code == 2
    assert done.stderr == (f"error: {path}:10:23: history.schedules[0]: history file "
                           f"'{path.parent}/w09.csv' does not exist\n")
    (path.parent / "w09.csv").write_text(W09, encoding="utf-8")
    assert CliRunner().invoke(cli, ["validate", str(path)]).exit_code == 0


@pytest.mark.parametrize("command", ["check", "plan"])
def test_bad_history_is_exit_2_and_writes_nothing(tmp_path, command):
    path = setup(tmp_path, files={"s.csv": W10})
    out = tmp_path / "out"
    args = ([str(path), str(path.parent / "s.csv")] if command == "check"
            else [str(path), "-o", str(out), "--quiet"])
    done = CliRunner().invoke(cli, [command, *args, "--history", str(tmp_path / "nope.csv")])
    assert done.exit_code == 2
    assert done.stderr == (f"error: {tmp_path}/nope.csv: cannot read file: No such file or "
                           "directory\n")
    assert not out.exists()


def test_plan_takes_history(tmp_path):
    path = setup(tmp_path, "history: {schedules: [w09.csv]}\n", {"w09.csv": W09})
    out = tmp_path / "out"
    done = CliRunner().invoke(cli, ["plan", str(path), "-o", str(out), "--quiet",
                                    "--time-limit", "5", "--history", str(tmp_path / "w10.csv")])
    assert done.exit_code == 2  # the --history file is missing
    (tmp_path / "w10.csv").write_text(W10, encoding="utf-8")
    done = CliRunner().invoke(cli, ["plan", str(path), "-o", str(out), "--quiet",
                                    "--time-limit", "5", "--history", str(tmp_path / "w10.csv")])
    assert done.exit_code == 1, done.output  # two people cannot staff a week: gaps
    assert (out / "schedule.csv").is_file()
