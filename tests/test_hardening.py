"""Issue 9: each defect found by a campaign of hostile inputs, with its exact exit code
and error line (SPEC §5, §6)."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from rota import cli as cli_module
from rota.cli import cli

TEAM = """\
version: 1
team: Tiny
horizon: {{start: 2027-02-01, days: 1}}
engineers:
  - {{name: "{a}", tiers: [tier2], timezone: UTC}}
  - {{name: "{b}", tiers: [tier2], timezone: Asia/Kolkata}}
shifts:
  - {{name: "{shift}", start: "00:00", end: "12:00"}}
  - {{name: late, start: "12:00", end: "24:00"}}
coverage:
  - {{tier: tier2, min: {min}}}
rules:
  min_rest_hours: {rest}
solver:
  seed: {seed}
"""
ROW = "engineer,tier,start_utc,end_utc\n"


def team_text(a="Ann", b="Bob", shift="early", min="1", rest="11", seed="0") -> str:
    return TEAM.format(a=a, b=b, shift=shift, min=min, rest=rest, seed=seed)


def write(tmp_path: Path, text: str, name: str = "team.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env)


def errors(result) -> list[str]:
    return result.stderr.splitlines()


def validate_errors(path: str) -> list[str]:
    """The error lines of `rota validate` on a file it must refuse (exit 2)."""
    result = run("validate", path)
    assert result.exit_code == 2, result.output
    return errors(result)


# ----- 1, 5: numbers outside their documented range -------------------------------------

@pytest.mark.parametrize(("line", "expected"), [
    ("rules:\n  min_rest_hours: 1.0e+308",
     "error: {f}:11:19: rules.min_rest_hours: must be at most 8784, not 1e+308"),
    ("rules:\n  max_hours_per_week: 1.0e+300",
     "error: {f}:11:23: rules.max_hours_per_week: must be at most 168, not 1e+300"),
    ("rules:\n  max_shift_hours: .inf",
     "error: {f}:11:20: rules.max_shift_hours: expected a finite number, not inf"),
    ("flexible: {min_hours: 1.0e+308}",
     "error: {f}:10:23: flexible.min_hours: must be at most 24, not 1e+308"),
    ("solver:\n  time_limit_seconds: 1.0e+308",
     "error: {f}:11:23: solver.time_limit_seconds: must be at most 604800, not 1e+308"),
    ("solver:\n  seed: 2147483648", "error: {f}:11:9: solver.seed: must be at most 2147483647, "
                                    "not 2147483648"),
    ("solver:\n  workers: 100000", "error: {f}:11:12: solver.workers: must be at most 256, "
                                   "not 100000"),
    ("flexible: {step_minutes: 1}",
     "error: {f}:10:26: flexible.step_minutes: must be at least 5, not 1"),
])
def test_numbers_past_their_range_are_bad_input(tmp_path, line, expected):
    base = team_text().split("rules:")[0]
    path = write(tmp_path, base.replace("coverage:\n  - {tier: tier2, min: 1}\n", "")
                 + line + "\ncoverage:\n  - {tier: tier2, min: 1}\n")
    assert validate_errors(path) == [expected.format(f=path)]


def test_a_64_bit_coverage_minimum_is_bad_input(tmp_path):
    path = write(tmp_path, team_text(min="9223372036854775808"))
    result = run("plan", path, "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert errors(result) == [f"error: {path}:11:24: coverage[0].min: must be at most 10000, "
                              f"not 9223372036854775808"]


@pytest.mark.parametrize(("option", "message"), [
    (["--seed", "2147483648"], "Invalid value for '--seed': 2147483648 is not in the range "
                               "0<=x<=2147483647."),
    (["--workers", "2147483648"], "Invalid value for '--workers': 2147483648 is not in the "
                                  "range 0<=x<=256."),
    (["--time-limit", "nan"], "Invalid value for '--time-limit': 'nan' is not a finite number "
                              "of seconds."),
    (["--time-limit", "inf"], "Invalid value for '--time-limit': inf is not in the range "
                              "0<x<=604800."),
])
def test_plan_options_past_their_range_are_usage_errors(tmp_path, option, message):
    result = run("plan", write(tmp_path, team_text()), *option)
    assert result.exit_code == 2
    assert errors(result)[-1] == f"Error: {message}"


# ----- 2, 3, 4: YAML tags, nesting, alias bombs -------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("team: !!timestamp x\n", "error: {f}:1:7: team: 'x' is not a valid !!timestamp"),
    ("team: !!bool A\n", "error: {f}:1:7: team: 'A' is not a valid !!bool"),
    ("team: !!int x1\n", "error: {f}:1:7: team: 'x1' is not a valid !!int"),
    ("a: " + "[" * 400 + "]" * 400 + "\n",
     "error: {f}:1:103: refused: nesting deeper than 100 levels"),
])
def test_tags_and_deep_nesting_are_located_errors(tmp_path, text, expected):
    path = write(tmp_path, text)
    assert validate_errors(path) == [expected.format(f=path)]


def test_an_alias_bomb_is_refused_at_once(tmp_path):
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 7)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    assert validate_errors(path) == [f"error: {path}:5:10: refused: aliases expand to more than "
                                     f"10,000 nodes"]


def test_a_few_aliases_still_work(tmp_path):
    text = team_text().replace('  - {name: "Ann", tiers: [tier2], timezone: UTC}',
                               '  - {name: "Ann", tiers: &t [tier2], timezone: UTC}')
    text = text.replace("tiers: [tier2], timezone: Asia", "tiers: *t, timezone: Asia")
    assert run("validate", write(tmp_path, text)).exit_code == 0


# ----- 6, 7: schedule timestamps and control characters ------------------------------------

@pytest.mark.parametrize("instant", ["9999-12-31T23:59:00-14:00", "0001-01-01T00:00:00Z"])
@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github", "markdown"])
def test_instants_past_the_datetime_range_are_bad_input(tmp_path, instant, fmt):
    team = write(tmp_path, team_text())
    schedule = write(tmp_path, ROW + f"Ann,tier2,2027-02-01T00:00Z,{instant}\n", "s.csv")
    result = run("check", team, schedule, "--format", fmt)
    assert result.exit_code == 2
    column = "end_utc"
    if instant.startswith("0001"):
        schedule = write(tmp_path, ROW + f"Ann,tier2,{instant},2027-02-01T12:00Z\n", "s.csv")
        result = run("check", team, schedule, "--format", fmt)
        column = "start_utc"
    assert errors(result) == [f"error: {schedule}:2: row 1: {column}: timestamp '{instant}' is "
                              f"out of range: years 1971..2200 only"]


def test_a_nul_in_a_schedule_cell_is_bad_input(tmp_path):
    team = write(tmp_path, team_text())
    schedule = write(tmp_path, ROW + "An\x00n,tier2,2027-02-01T00:00Z,2027-02-01T12:00Z\n", "s.csv")
    result = run("check", team, schedule, "--format", "junit")
    assert result.exit_code == 2
    assert errors(result) == [f"error: {schedule}:2: row 1: engineer: contains the control "
                              f"character U+0000"]


def test_junit_stays_xml_whatever_the_schedule_path(tmp_path):
    team = write(tmp_path, team_text())
    schedule = write(tmp_path, ROW + "Ann,tier2,2027-02-01T00:00Z,2027-02-01T12:00Z\n",
                     "s\x01.csv")
    result = run("check", team, schedule, "--format", "junit")
    assert result.exit_code == 1
    suite = ET.fromstring(result.stdout.split("\n", 1)[1])
    assert suite.get("file").endswith("s\\x01.csv")


# ----- 8: GITHUB_STEP_SUMMARY that cannot be written ---------------------------------------

@pytest.mark.parametrize("where", ["missing/summary.md", "."])
def test_an_unwritable_step_summary_is_an_error_line(tmp_path, where):
    team = write(tmp_path, team_text())
    schedule = write(tmp_path, ROW + "Ann,tier2,2027-02-01T00:00Z,2027-02-01T12:00Z\n", "s.csv")
    target = str(tmp_path / where)
    result = run("check", team, schedule, "--format", "github",
                 env={"GITHUB_STEP_SUMMARY": target})
    assert result.exit_code == 2
    reason = "No such file or directory" if "missing" in where else "Is a directory"
    assert errors(result) == [f"error: GITHUB_STEP_SUMMARY={target}: cannot append: {reason}"]


# ----- 9, 10, 13: names in CSV, markdown and HTML -------------------------------------------

HOSTILE = {"a": "=HYPERLINK(\\\"http://x\\\")", "b": "+cmd|' /C calc'!A0", "shift": "@SUM(1)"}


def test_formula_names_are_neutralised_and_read_back(tmp_path):
    team = write(tmp_path, team_text(**HOSTILE))
    out = tmp_path / "out"
    result = run("plan", team, "-o", str(out), "--quiet", "--time-limit", "5",
               "--reproducible")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO((out / "schedule.csv").read_text())))
    cells = {cell for row in rows[1:] for cell in row[:3]}
    assert cells == {"'=HYPERLINK(\"http://x\")", "'+cmd|' /C calc'!A0", "'@SUM(1)", "tier2",
                     "late"}
    assert not any(c.startswith(("=", "+", "-", "@")) for row in rows for c in row)
    again = run("check", team, str(out / "schedule.csv"))
    assert (again.exit_code, again.stdout) == (0, "PASS: every minute covered, no rule broken\n")


def test_a_minus_number_stays_a_number_and_a_minus_formula_is_quoted(tmp_path):
    team = write(tmp_path, team_text(a="-1", b="-1+1"))
    out = tmp_path / "out"
    assert run("plan", team, "-o", str(out), "--quiet", "--time-limit", "5",
               "--reproducible").exit_code == 0
    names = {row[0] for row in csv.reader(io.StringIO((out / "schedule.csv").read_text()))}
    assert names == {"engineer", "-1", "'-1+1"}
    assert run("check", team, str(out / "schedule.csv")).exit_code == 0


def test_spaces_around_a_name_are_removed_so_the_schedule_reads_back(tmp_path):
    team = write(tmp_path, team_text(a=" Bobby "))
    out = tmp_path / "out"
    assert run("plan", team, "-o", str(out), "--quiet", "--time-limit", "5",
               "--reproducible").exit_code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert [e["name"] for e in summary["engineers"]] == ["Bobby", "Bob"]
    assert run("check", team, str(out / "schedule.csv")).exit_code == 0


@pytest.mark.parametrize(("name", "code"), [("Bob\\rX", "000D"), ("Bob\\nX", "000A"),
                                            ("A\\u202eB", "202E")])
def test_control_characters_in_names_are_bad_input(tmp_path, name, code):
    path = write(tmp_path, team_text(b=name))
    assert validate_errors(path) == [f"error: {path}:6:12: engineers[1].name: contains the control "
                                     f"character U+{code}; names may not"]


def test_markdown_escapes_every_name(tmp_path):
    team = write(tmp_path, team_text(b="<img src=x onerror=alert(1)>", shift="<script>"))
    schedule = write(tmp_path, ROW + "<script>x</script>,tier2,2027-02-01T00:00Z,"
                                     "2027-02-01T12:00Z\n", "s.csv")
    result = run("check", team, schedule, "--format", "markdown")
    assert result.exit_code == 1
    assert "<" not in result.stdout
    assert ("| unknown_engineer | &lt;script&gt;x&lt;/script&gt; | 2027-02-01T00:00:00Z | "
            "2027-02-01T12:00:00Z | '&lt;script&gt;x&lt;/script&gt;' is not an engineer of this "
            "team |") in result.stdout.splitlines()
    out = tmp_path / "out"
    run("plan", team, "-o", str(out), "--quiet", "--time-limit", "5",
               "--reproducible")
    report = (out / "report.md").read_text()
    assert "<" not in report
    assert "| &lt;img src=x onerror=alert\\(1\\)&gt; |" in report


# ----- 11: a set of outputs is written whole or not at all ----------------------------------

def test_a_failed_write_changes_no_file_of_the_set(tmp_path):
    team = write(tmp_path, team_text())
    out = tmp_path / "out"
    (out / "report.md").mkdir(parents=True)
    old = {"schedule.csv": "old schedule\n", "gaps.csv": "old gaps\n",
           "coverage.csv": "old coverage\n", "summary.json": "{}\n"}
    for name, text in old.items():
        (out / name).write_text(text)
    result = run("plan", team, "-o", str(out), "--quiet", "--time-limit", "5",
               "--reproducible")
    assert result.exit_code == 2
    assert errors(result) == [f"error: {out / 'report.md'}: cannot write: Is a directory; "
                              f"no file in {out} was changed"]
    assert {p.name: p.read_text() for p in out.iterdir() if p.is_file()} == old
    assert sorted(p.name for p in out.iterdir()) == sorted([*old, "report.md"])


# ----- 14: sizes --------------------------------------------------------------------------

def test_a_team_with_too_many_candidates_is_refused_before_building(tmp_path):
    engineers = "".join(f'  - {{name: "E{i}", tiers: [tier2], timezone: UTC}}\n'
                        for i in range(300))
    text = (team_text().replace("days: 1}", "days: 90}").split("engineers:\n")[0]
            + "engineers:\n" + engineers
            + "flexible: {min_hours: 4, max_hours: 12, step_minutes: 5}\n"
            + "coverage:\n  - {tier: tier2, min: 1}\n")
    path = write(tmp_path, text)
    for command in ("validate", "plan"):
        result = run(command, path)
        assert result.exit_code == 2
        assert errors(result) == [
            f"error: {path}:305:55: flexible.step_minutes: refused: about 759,888,300 candidate "
            f"shifts, more than the limit of 1,000,000; they grow with 300 engineers, 90 days "
            f"of horizon, flexible.step_minutes 5 with lengths from 4 h to the longest shift; "
            f"raise step_minutes, narrow min_hours..max_hours, shorten the horizon or plan "
            f"fewer engineers at once"]


@pytest.mark.parametrize("command", ["validate", "check"])
def test_an_endless_file_is_refused(tmp_path, command):
    team = write(tmp_path, team_text())
    args = ["/dev/zero"] if command == "validate" else [team, "/dev/zero"]
    result = run(command, *args)
    assert result.exit_code == 2
    limit = 4 if command == "validate" else 64
    assert errors(result) == [f"error: /dev/zero: the file is larger than {limit} MiB, "
                              f"the most rota reads"]


# ----- an internal error never exits 1 --------------------------------------------------------

def test_an_internal_error_is_one_line_and_exit_3(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(sys.modules["rota.check"], "check", broken)
    team = write(tmp_path, team_text())
    schedule = write(tmp_path, ROW, "s.csv")
    result = run("check", team, schedule)
    assert result.exit_code == cli_module.EXIT_INTERNAL == 3
    assert errors(result) == ["internal error: RuntimeError: boom second line"]
    debug = run("--debug", "check", team, schedule)
    assert debug.exit_code == 3
    assert "Traceback (most recent call last):" in debug.stderr
    assert errors(debug)[-1] == "internal error: RuntimeError: boom second line"


# ----- messages a newcomer met ------------------------------------------------------------

@pytest.mark.parametrize(("zone", "hint"), [
    ("Asia/Bangalore", "(did you mean 'Asia/Kolkata'?)"),
    ("Bengaluru", "(did you mean 'Asia/Kolkata'?)"),
    ("America/Austin", "(did you mean 'America/Chicago'?)"),
    ("India", "(did you mean 'Asia/Kolkata'?)"),
    ("IST", "(did you mean one of 'Asia/Kolkata', 'Europe/Dublin', 'Asia/Jerusalem'?)"),
    ("Europe/Londn", "(did you mean 'Europe/London'?)"),
])
def test_zones_are_suggested_by_city_country_abbreviation_and_spelling(tmp_path, zone, hint):
    path = write(tmp_path, team_text().replace("timezone: Asia/Kolkata", f"timezone: {zone}"))
    assert validate_errors(path) == [
        f"error: {path}:6:45: engineers[1].timezone: unknown time zone '{zone}' {hint}"]


def test_an_unknown_site_lists_the_known_ones(tmp_path):
    text = team_text().replace("engineers:", "sites: {emea: {}, apac: {}}\nengineers:")
    path = write(tmp_path, text.replace("timezone: UTC}", "site: amer}"))
    result = run("validate", path)
    assert errors(result) == [f"error: {path}:6:41: engineers[0].site: unknown site 'amer' "
                              f"(known: emea, apac)"]


def test_days_with_commas_in_a_flow_mapping_need_quotes(tmp_path):
    path = write(tmp_path, team_text().replace(
        "timezone: UTC}", 'timezone: UTC, availability: {mon,tue: "00:00-24:00"}}'))
    assert validate_errors(path) == [
        f"error: {path}:5:65: engineers[0].availability.mon: no hours for 'mon': in {{...}} a "
        f"comma ends a key; quote days with commas, like {{\"mon,wed\": \"09:00-17:00\"}}"]


def test_check_says_when_every_row_was_ignored(tmp_path):
    team = write(tmp_path, team_text())
    schedule = write(tmp_path, ROW + "Ann,tier2,2029-02-01T00:00Z,2029-02-01T12:00Z\n", "s.csv")
    result = run("check", team, schedule)
    assert result.exit_code == 1
    assert errors(result) == [f"warning: {schedule}: all 1 rows lie outside the horizon "
                              f"2027-02-01T00:00:00Z..2027-02-02T00:00:00Z and were ignored"]


def test_check_warns_of_local_columns_that_contradict_the_engineer(tmp_path):
    team = write(tmp_path, team_text())
    header = "engineer,tier,start_utc,end_utc,timezone,start_local,end_local\n"
    schedule = write(tmp_path, header
                     + "Ann,tier2,2027-02-01T00:00Z,2027-02-01T12:00Z,UTC,"
                       "2027-02-01T00:00:00+00:00,2027-02-01T12:00:00+00:00\n"
                     + "Bob,tier2,2027-02-01T12:00Z,2027-02-02T00:00Z,UTC,"
                       "2027-02-01T12:00:00+00:00,2027-02-02T00:00:00+00:00\n", "s.csv")
    result = run("check", team, schedule)
    assert result.exit_code == 0
    assert errors(result) == [f"warning: {schedule}:3: timezone 'UTC' is not Bob's time zone "
                              f"'Asia/Kolkata'; the local times are wrong"]


# ----- found by `make fuzz` ---------------------------------------------------------------

def test_a_lone_surrogate_in_a_name_is_a_located_error(tmp_path):
    path = write(tmp_path, team_text(b="B\\ud800"))
    assert validate_errors(path) == [f"error: {path}:6:12: engineers[1].name: contains the control "
                                     f"character U+D800; names may not"]


@pytest.mark.parametrize(("char", "shown"), [("\\x85", "\\x85"), ("\\u2028", "\\u2028"),
                                             ("\\x0c", "\\x0c")])
def test_a_line_break_quoted_in_a_message_stays_on_its_line(tmp_path, char, shown):
    path = write(tmp_path, team_text().replace('end: "12:00"', f'end: "12{char}:00"'))
    assert validate_errors(path) == [
        f"error: {path}:8:42: shifts[0].end: expected a time like 09:00, not '12{shown}:00'"]
