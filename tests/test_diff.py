"""`rota diff` (SPEC §8): rows matched on engineer, tier, start_utc, end_utc; text, JSON
and markdown output exactly; exit 0 same, 1 changed, 2 bad input."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from rota.assignment import Assignment
from rota.cli import cli
from rota.diff import compare, match_key
from rota.schedule import parse_schedule

HEADER = "engineer,tier,start_utc,end_utc\n"
OLD = HEADER + (
    "Ann Lee,tier2,2026-03-02T00:00Z,2026-03-02T12:00Z\n"
    "Bob Ng,tier2,2026-03-02T12:00Z,2026-03-03T00:00Z\n"
    "Cy Oz,tier1,2026-03-02T00:00Z,2026-03-02T08:00Z\n")
NEW = HEADER + (
    "Ann Lee,tier2,2026-03-02T00:00Z,2026-03-02T12:00Z\n"
    "Bob Ng,tier2,2026-03-02T13:00Z,2026-03-03T00:00Z\n"   # moved: one removed, one added
    "Cy Oz,tier1,2026-03-02T00:00Z,2026-03-02T08:00Z\n"
    "Dee|*Evil*,tier2,2026-03-02T12:00Z,2026-03-02T13:00Z\n")


ROWS = st.builds(Assignment, st.sampled_from(["Ann", "Bob"]), st.sampled_from(["t1", "t2"]),
                 st.integers(0, 3), st.integers(4, 5))


def files(tmp_path: Path, old: str = OLD, new: str = NEW) -> tuple[str, str]:
    (tmp_path / "old.csv").write_text(old, encoding="utf-8")
    (tmp_path / "new.csv").write_text(new, encoding="utf-8")
    return str(tmp_path / "old.csv"), str(tmp_path / "new.csv")


def run(*args: str):
    return CliRunner().invoke(cli, ["diff", *args])


def test_text(tmp_path):
    old, new = files(tmp_path)
    done = run(old, new)
    assert done.exit_code == 1
    assert done.stdout == (
        f"rota diff {old} {new}: 1 removed, 2 added, 2 engineers affected\n"
        "\n"
        "Bob Ng: 1 removed, 1 added\n"
        "  - tier2  2026-03-02T12:00:00Z .. 2026-03-03T00:00:00Z  12 h\n"
        "  + tier2  2026-03-02T13:00:00Z .. 2026-03-03T00:00:00Z  11 h\n"
        "\n"
        "Dee|*Evil*: 1 added\n"
        "  + tier2  2026-03-02T12:00:00Z .. 2026-03-02T13:00:00Z  1 h\n")


def test_json(tmp_path):
    old, new = files(tmp_path)
    done = run(old, new, "--format", "json")
    assert done.exit_code == 1
    assert json.loads(done.stdout) == {
        "status": "changed", "old": old, "new": new, "removed": 1, "added": 2,
        "unchanged": 2, "engineers": ["Bob Ng", "Dee|*Evil*"],
        "changes": [
            {"change": "removed", "engineer": "Bob Ng", "tier": "tier2",
             "start_utc": "2026-03-02T12:00:00Z", "end_utc": "2026-03-03T00:00:00Z",
             "hours": 12},
            {"change": "added", "engineer": "Bob Ng", "tier": "tier2",
             "start_utc": "2026-03-02T13:00:00Z", "end_utc": "2026-03-03T00:00:00Z",
             "hours": 11},
            {"change": "added", "engineer": "Dee|*Evil*", "tier": "tier2",
             "start_utc": "2026-03-02T12:00:00Z", "end_utc": "2026-03-02T13:00:00Z",
             "hours": 1}]}


def test_markdown_escapes_names(tmp_path):
    old, new = files(tmp_path)
    done = run(old, new, "--format", "markdown")
    assert done.exit_code == 1
    assert done.stdout == (
        "## rota diff: 1 removed, 2 added\n"
        "\n"
        f"`{old}` → `{new}`: 2 engineers affected, 2 assignments unchanged.\n"
        "\n"
        "| engineer | change | tier | start (UTC) | end (UTC) | hours |\n"
        "|---|---|---|---|---|---|\n"
        "| Bob Ng | removed | tier2 | 2026-03-02T12:00:00Z | 2026-03-03T00:00:00Z | 12 |\n"
        "| Bob Ng | added | tier2 | 2026-03-02T13:00:00Z | 2026-03-03T00:00:00Z | 11 |\n"
        "| Dee\\|\\*Evil\\* | added | tier2 | 2026-03-02T12:00:00Z | 2026-03-02T13:00:00Z | 1 |\n")


@pytest.mark.parametrize("fmt, expected", [
    ("text", "rota diff {old} {new}: no changes (3 assignments in both)\n"),
    ("markdown", "## rota diff: no changes\n\n`{old}` → `{new}`: the same 3 assignments.\n"),
])
def test_same_schedules_exit_0(tmp_path, fmt, expected):
    # the same rows in another order, with other columns and written with an offset
    shuffled = ("tier,engineer,start_utc,end_utc,hours\n"
                "tier1,Cy Oz,2026-03-02T01:00+01:00,2026-03-02T08:00Z,8\n"
                "tier2,Bob Ng,2026-03-02T12:00Z,2026-03-03T00:00Z,12\n"
                "tier2,Ann Lee,2026-03-02T00:00Z,2026-03-02T12:00Z,12\n")
    old, new = files(tmp_path, OLD, shuffled)
    done = run(old, new, "--format", fmt)
    assert (done.exit_code, done.stdout) == (0, expected.format(old=old, new=new))
    data = json.loads(run(old, new, "--format", "json").stdout)
    assert (data["status"], data["changes"], data["unchanged"]) == ("same", [], 3)


def test_output_file(tmp_path):
    old, new = files(tmp_path)
    out = tmp_path / "diff.md"
    done = run(old, new, "--format", "markdown", "-o", str(out))
    assert (done.exit_code, done.stdout) == (1, "")
    assert out.read_text(encoding="utf-8").startswith("## rota diff: 1 removed, 2 added\n")


def test_rows_match_as_a_multiset():
    one = Assignment("Ann", "tier2", 0, 60)
    changes = compare([one, one, Assignment("Ann", "tier1", 0, 60)], [one])
    assert (changes.removed, changes.added, changes.unchanged) == (
        (one, Assignment("Ann", "tier1", 0, 60)), (), 1)


@given(st.lists(ROWS, max_size=12), st.lists(ROWS, max_size=12))
def test_removing_and_adding_the_changes_turns_old_into_new(old, new):
    changes = compare(old, new)
    left = Counter(map(match_key, old))
    left.subtract(map(match_key, changes.removed))
    left.update(map(match_key, changes.added))
    assert +left == Counter(map(match_key, new))
    assert changes.unchanged + len(changes.removed) == len(old)
    assert changes.unchanged + len(changes.added) == len(new)
    assert changes.same == (Counter(map(match_key, old)) == Counter(map(match_key, new)))


def test_a_tier_change_is_a_removal_and_an_addition():
    old = parse_schedule(HEADER + "Ann,tier2,2026-03-02T00:00Z,2026-03-02T08:00Z\n")
    new = parse_schedule(HEADER + "Ann,tier1,2026-03-02T00:00Z,2026-03-02T08:00Z\n")
    changes = compare(old, new)
    assert [(c, a.tier) for c, a in changes.rows()] == [("removed", "tier2"), ("added", "tier1")]


def test_xlsx_reads_like_csv(tmp_path):
    from rota.check import check
    from rota.config import parse_team
    from rota.xlsx import workbook

    team = parse_team("version: 1\nhorizon: {start: 2026-03-02, days: 1}\nflexible: {}\n"
                      "engineers: [{name: Ann Lee, tiers: [tier2]}, {name: Bob Ng, tiers: "
                      "[tier2]}, {name: Cy Oz, tiers: [tier1]}]\n"
                      "coverage: [{tier: tier2, min: 1}]\n")
    rows = parse_schedule(OLD)
    (tmp_path / "old.xlsx").write_bytes(workbook(team, rows, check(team, rows)))
    old, new = files(tmp_path)
    done = run(str(tmp_path / "old.xlsx"), old)
    assert done.exit_code == 0, done.output


@pytest.mark.parametrize("new, lines", [
    (None, ["error: {d}/nope.csv: cannot read file: No such file or directory"]),
    ("engineer,tier,start_utc\nAnn,tier2,2026-03-02T00:00Z\n",
     ["error: {d}/new.csv:1: missing column 'end_utc' (need engineer,tier,start_utc,end_utc)"]),
    (HEADER + "Ann,tier2,2026-03-02T00:00,2026-03-02T08:00Z\n",
     ["error: {d}/new.csv:2: row 1: start_utc: timestamp '2026-03-02T00:00' has no UTC "
      "offset (add Z or +HH:MM)"]),
    (HEADER + "Ann,tier2,yesterday,2026-03-02T08:00Z\n",
     ["error: {d}/new.csv:2: row 1: start_utc: bad timestamp 'yesterday' (expected ISO 8601 "
      "like 2026-03-02T23:00:00Z)"]),
])
def test_bad_input_exit_2(tmp_path, new, lines):
    old, good = files(tmp_path, new=new or NEW)
    done = run(old, good if new else str(tmp_path / "nope.csv"))
    assert done.exit_code == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [line.format(d=tmp_path) for line in lines]


def test_both_files_bad_are_both_reported(tmp_path):
    done = run(str(tmp_path / "a.csv"), str(tmp_path / "b.ics"))
    assert done.exit_code == 2
    assert done.stderr.splitlines() == [
        f"error: {tmp_path}/a.csv: cannot read file: No such file or directory",
        f"error: {tmp_path}/b.ics: diff reads .csv and .xlsx schedules, not a calendar feed "
        "(a feed is read only over a team's horizon, by `rota check`)"]


def test_long_markdown_is_cut_for_a_comment(tmp_path):
    rows = "".join(f"E{i},tier2,2026-03-02T00:00Z,2026-03-02T08:00Z\n" for i in range(600))
    old, new = files(tmp_path, HEADER, HEADER + rows)
    text = run(old, new, "--format", "markdown").stdout
    assert text.count("| added |") == 500
    assert text.endswith("\n… and 100 more; `rota diff` lists them all.\n")
    assert len(text) < 65_536
