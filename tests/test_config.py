"""rota.config: the YAML team file (SPEC §2) and its bad input (SPEC §6).

Bad input goes through `rota validate` as a user would run it: exit 2, exactly one
`error: FILE:LINE:COL: key.path: message` line per problem on stderr, no traceback.
Valid input is checked field by field on the dataclasses `parse_team` returns.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from rota.cli import cli
from rota.config import parse_team, slug
from rota.errors import ConfigError
from rota.problem import (
    CoverageRule,
    Engineer,
    Flexible,
    Horizon,
    Rules,
    ShiftTemplate,
    SolverSettings,
    Unavailable,
)

DATA = Path(__file__).parent / "data"

# The smallest valid team. Line numbers, for reading the expected errors below:
#  1 version: 1                 6 engineers:            11 shifts:
#  2 team: T                    7   - name: Ann         12   - {name: day, start: ...}
#  3 horizon:                   8     tiers: [tier2]    13 coverage:
#  4   start: 2026-03-02        9   - name: Bob         14   - tier: tier2
#  5   weeks: 1                10     tiers: [tier2]    15     min: 1
BASE = """\
version: 1
team: T
horizon:
  start: 2026-03-02
  weeks: 1
engineers:
  - name: Ann
    tiers: [tier2]
  - name: Bob
    tiers: [tier2]
shifts:
  - {name: day, start: "09:00", end: "17:00"}
coverage:
  - tier: tier2
    min: 1
"""


def edit(old: str, new: str, base: str = BASE) -> str:
    """BASE with its one `old` replaced by `new`."""
    assert base.count(old) == 1, old
    return base.replace(old, new)


def ann(*lines: str) -> str:
    """BASE with `lines` added to Ann (engineers[0]); the first one lands on line 8."""
    return edit("  - name: Ann\n", "  - name: Ann\n" + "".join(f"    {x}\n" for x in lines))


SITES = "sites:\n  emea: {timezone: Europe/London}\n"  # two lines before BASE

# The layout of the SPEC §6 example: engineers[2].timezone's value at line 14, column 15.
SPEC_EXAMPLE = """\
version: 1
team: Global tier-2 support
horizon:
  start: 2026-03-02
  weeks: 1
engineers:
  - name: Priya Raman
    tiers: [tier2]
    timezone: Asia/Kolkata
  - name: Wei Ling Tan
    tiers: [tier2]
  - name: Oliver Hughes
    tiers: [tier2]
    timezone: Europe/Londn
shifts:
  - {name: day, start: "07:00", end: "15:00"}
coverage:
  - {tier: tier2, min: 1}
"""

INVALID = [
    # --- not YAML, not text, not a mapping --------------------------------------------
    ("yaml-syntax", edit("tiers: [tier2]\n  - name: Bob", "tiers: [tier2\n  - name: Bob"),
     ["error: team.yaml:9:9: YAML syntax error: expected ',' or ']', but got ':'"]),
    ("yaml-tab-indent", "version: 1\nhorizon:\n\tstart: 2026-03-02\n",
     ["error: team.yaml:3:1: YAML syntax error: found character '\\t' that cannot start any "
      "token"]),
    ("yaml-control-character", "version: 1\nteam: a\x07b\n",
     ["error: team.yaml:2:8: YAML syntax error: character #x0007 is not allowed "
      "(special characters are not allowed)"]),
    ("yaml-duplicate-key", edit("team: T\n", "team: T\nteam: U\n"),
     ["error: team.yaml:3:1: team: duplicate key 'team'"]),
    ("yaml-unknown-tag", edit("team: T", "team: !!python/object:os.system T"),
     ["error: team.yaml:2:7: team: YAML error: unsupported tag '!!python/object:os.system'"]),
    ("yaml-recursive-alias", edit("tiers: [tier2]\n  - name: Bob", "tiers: &t [*t]\n  - name: Bob"),
     ["error: team.yaml:8:12: engineers[0].tiers[0]: an alias refers to a node that contains "
      "it"]),
    ("yaml-bad-merge", edit("    min: 1", "    <<: 5\n    min: 1"),
     ["error: team.yaml:15:9: coverage[0]: YAML error: expected a mapping or list of mappings "
      "for merging, but found scalar"]),
    ("not-utf8", b"version: 1\nteam: caf\xe9\n",
     ["error: team.yaml:2:10: not UTF-8 text (byte 0xe9 cannot be decoded)"]),
    ("not-utf8-leading-ff", b"\xff\xfev\x00",
     ["error: team.yaml:1:1: not UTF-8 text (byte 0xff cannot be decoded)"]),
    ("a-list", "- version: 1\n- team: T\n",
     ["error: team.yaml:1:1: the file must be a mapping, not a list"]),
    ("a-scalar", "just some text\n",
     ["error: team.yaml:1:1: the file must be a mapping, not 'just some text'"]),
    ("empty", "", ["error: team.yaml:1:1: the file is empty; expected a YAML mapping"]),
    ("only-comments", "# nothing yet\n\n",
     ["error: team.yaml:1:1: the file is empty; expected a YAML mapping"]),
    # --- unknown and missing keys ------------------------------------------------------
    ("unknown-top-key", edit("engineers:", "enginers:"),  # and no extra 'missing' line
     ["error: team.yaml:6:1: enginers: unknown key 'enginers' (did you mean 'engineers'?)"]),
    ("unknown-top-key-no-match", BASE + "colour: blue\n",
     ["error: team.yaml:16:1: colour: unknown key 'colour'"]),
    ("unknown-engineer-key", ann("timzone: UTC"),
     ["error: team.yaml:8:5: engineers[0].timzone: unknown key 'timzone' "
      "(did you mean 'timezone'?)"]),
    ("unknown-shift-key", edit('end: "17:00"}', 'end: "17:00", tier: [tier2]}'),
     ["error: team.yaml:12:47: shifts[0].tier: unknown key 'tier' (did you mean 'tiers'?)"]),
    ("unknown-rules-key", BASE + "rules:\n  max_hours_per_weak: 40\n",
     ["error: team.yaml:17:3: rules.max_hours_per_weak: unknown key 'max_hours_per_weak' "
      "(did you mean 'max_hours_per_week'?)"]),
    ("unknown-site-key", "sites:\n  emea: {timezone: Europe/London, holiday: GB}\n" + BASE,
     ["error: team.yaml:2:35: sites.emea.holiday: unknown key 'holiday' "
      "(did you mean 'holidays'?)"]),
    ("missing-top-key", edit("coverage:\n  - tier: tier2\n    min: 1\n", ""),
     ["error: team.yaml:1:1: missing required key 'coverage'"]),
    ("missing-horizon-start", edit("  start: 2026-03-02\n", ""),
     ["error: team.yaml:4:3: horizon: missing required key 'start'"]),
    ("missing-engineer-name", edit("  - name: Bob\n", "  - id: bob\n"),
     ["error: team.yaml:9:5: engineers[1]: missing required key 'name'"]),
    ("missing-coverage-min", edit("    min: 1\n", ""),
     ["error: team.yaml:14:5: coverage[0]: missing required key 'min'"]),
    ("engineer-without-tiers", edit("    tiers: [tier2]\n  - name: Bob", "  - name: Bob"),
     ["error: team.yaml:7:5: engineers[0]: no `tiers`: give the tiers this engineer may "
      "staff, e.g. [tier2]"]),
    ("unsupported-version", edit("version: 1", "version: 2"),
     ["error: team.yaml:1:10: version: unsupported version 2; this rota reads version 1"]),
    # --- wrong types -------------------------------------------------------------------
    ("min-a-string", edit("min: 1", 'min: "two"'),
     ["error: team.yaml:15:10: coverage[0].min: expected a whole number, not 'two'"]),
    ("min-a-fraction", edit("min: 1", "min: 1.5"),
     ["error: team.yaml:15:10: coverage[0].min: expected a whole number, not 1.5"]),
    ("tiers-a-number", edit("tiers: [tier2]\n  - name: Bob", "tiers: 5\n  - name: Bob"),
     ["error: team.yaml:8:12: engineers[0].tiers: expected a non-empty list of tier names, "
      "not 5"]),
    ("tiers-empty", edit("tiers: [tier2]\n  - name: Bob", "tiers: []\n  - name: Bob"),
     ["error: team.yaml:8:12: engineers[0].tiers: expected a non-empty list of tier names, "
      "not an empty list"]),
    ("horizon-a-number", edit("horizon:\n  start: 2026-03-02\n  weeks: 1\n", "horizon: 3\n"),
     ["error: team.yaml:3:10: horizon: horizon must be a mapping, not 3"]),
    ("horizon-start-not-a-date", edit("start: 2026-03-02", "start: 2026-02-30"),
     ["error: team.yaml:4:10: horizon.start: expected a date like 2026-03-02, "
      "not '2026-02-30'"]),
    ("engineers-empty",
     edit("  - name: Ann\n    tiers: [tier2]\n  - name: Bob\n    tiers: [tier2]\n", "  []\n"),
     ["error: team.yaml:7:3: engineers: engineers must be a non-empty list, "
      "not an empty list"]),
    ("engineer-a-string", edit("  - name: Bob\n    tiers: [tier2]\n", "  - Bob\n"),
     ["error: team.yaml:9:5: engineers[1]: an engineer must be a mapping, not 'Bob'"]),
    ("boolean-a-number", BASE + "rules:\n  work_on_holidays: 1\n",
     ["error: team.yaml:17:21: rules.work_on_holidays: expected true or false, not 1"]),
    ("hours-infinite", BASE + "rules:\n  max_hours_per_week: .inf\n",
     ["error: team.yaml:17:23: rules.max_hours_per_week: expected a finite number, not inf; "
      "null means no limit"]),
    ("hours-not-whole-minutes", BASE + "rules:\n  max_hours_per_week: 10.01\n",
     ["error: team.yaml:17:23: rules.max_hours_per_week: 10.01 hours is not a whole number "
      "of minutes"]),
    ("pattern-a-list", ann('availability: ["09:00-17:00"]'),
     ["error: team.yaml:8:19: engineers[0].availability: expected a weekly pattern like "
      '{mon-fri: "09:00-17:00"}, not a list']),
    ("pattern-value-empty", ann("availability: {mon: }"),
     ["error: team.yaml:8:24: engineers[0].availability.mon: expected a window like "
      '"09:00-17:00", a list of those, or off, not nothing']),
    # --- time zones --------------------------------------------------------------------
    ("spec-example-timezone", SPEC_EXAMPLE,
     ["error: team.yaml:14:15: engineers[2].timezone: unknown time zone 'Europe/Londn' "
      "(did you mean 'Europe/London'?)"]),
    ("timezone-wrong-case", edit('end: "17:00"}', 'end: "17:00", timezone: utc}'),
     ["error: team.yaml:12:57: shifts[0].timezone: unknown time zone 'utc' "
      "(did you mean 'UTC'?)"]),
    ("shift-timezone-local-misspelt", edit('end: "17:00"}', 'end: "17:00", timezone: Local}'),
     ["error: team.yaml:12:57: shifts[0].timezone: unknown time zone 'Local' "
      "(did you mean 'local'?)"]),
    ("horizon-timezone", edit("weeks: 1", "weeks: 1\n  timezone: America/New_Yrok"),
     ["error: team.yaml:6:13: horizon.timezone: unknown time zone 'America/New_Yrok' "
      "(did you mean 'America/New_York'?)"]),
    ("timezone-no-match", ann("timezone: Mars/Olympus_Mons"),
     ["error: team.yaml:8:15: engineers[0].timezone: unknown time zone 'Mars/Olympus_Mons'"]),
    # --- sites -------------------------------------------------------------------------
    ("unknown-site", SITES + ann("site: emae"),
     ["error: team.yaml:10:11: engineers[0].site: unknown site 'emae' (did you mean 'emea'?)"]),
    ("site-without-sites", ann("site: emea"),
     ["error: team.yaml:8:11: engineers[0].site: unknown site 'emea'"]),
    # the bad site zone is reported once, not once per engineer who inherits it
    ("site-timezone-once",
     "sites:\n  emea: {timezone: Europe/Londn}\n"
     + edit("  - name: Bob\n", "  - name: Bob\n    site: emea\n", ann("site: emea")),
     ["error: team.yaml:2:20: sites.emea.timezone: unknown time zone 'Europe/Londn' "
      "(did you mean 'Europe/London'?)"]),
    # a site nobody uses is still checked
    ("unused-site-checked", "sites:\n  emea: {holidays: DE-BER}\n" + BASE,
     ["error: team.yaml:2:20: sites.emea.holidays: unknown subdivision 'BER' of DE "
      "(did you mean 'BE'?)"]),
    # a malformed site is one problem: its engineers are not also 'unknown site'
    ("site-not-a-mapping", "sites:\n  emea:\n" + ann("site: emea"),
     ["error: team.yaml:2:8: sites.emea: site 'emea' must be a mapping, not nothing"]),
    # --- tiers nobody holds --------------------------------------------------------------
    ("coverage-tier-unheld", edit("  - tier: tier2", "  - tier: tier3"),
     ["error: team.yaml:14:11: coverage[0].tier: no engineer holds tier 'tier3' "
      "(did you mean 'tier2'?)"]),
    ("shift-tier-unheld", edit('end: "17:00"}', 'end: "17:00", tiers: [teir2]}'),
     ["error: team.yaml:12:55: shifts[0].tiers[0]: no engineer holds tier 'teir2' "
      "(did you mean 'tier2'?)"]),
    # the only tier2 engineer has a bad zone: that is the problem, not "nobody holds tier2"
    ("tier-holder-invalid",
     edit("tiers: [tier2]\n  - name: Bob\n    tiers: [tier2]",
          "tiers: [tier2]\n    timezone: Mars/Base\n  - name: Bob\n    tiers: [tier1]"),
     ["error: team.yaml:9:15: engineers[0].timezone: unknown time zone 'Mars/Base'"]),
    # ... but an engineer who fails for another reason still counts as holding their tiers
    ("tier-unheld-beside-invalid-engineer",
     edit("  - tier: tier2", "  - tier: tier3", ann("timezone: Mars/Base")),
     ["error: team.yaml:8:15: engineers[0].timezone: unknown time zone 'Mars/Base'",
      "error: team.yaml:15:11: coverage[0].tier: no engineer holds tier 'tier3' "
      "(did you mean 'tier2'?)"]),
    # --- duplicate engineers -------------------------------------------------------------
    ("duplicate-name", edit("name: Bob", "name: Ann"),  # one line, not also 'duplicate id'
     ["error: team.yaml:9:11: engineers[1].name: duplicate engineer name 'Ann' "
      "(also engineers[0])"]),
    ("duplicate-id", edit("name: Bob", "name: Bob\n    id: ann"),
     ["error: team.yaml:10:9: engineers[1].id: duplicate engineer id 'ann' "
      "(also engineers[0])"]),
    ("duplicate-slug", edit("name: Ann", "name: Zoë Smith", edit("name: Bob", "name: Zoe Smith")),
     ["error: team.yaml:9:11: engineers[1].name: the id 'zoe-smith' made from this name is "
      "already the id of engineers[0]; give one an `id`"]),
    ("name-is-another-id", edit("name: Bob", "name: ann"),
     ["error: team.yaml:9:11: engineers[1].name: engineer name 'ann' is already the id of "
      "engineers[0]"]),
    ("duplicate-shift", edit('end: "17:00"}', 'end: "17:00"}\n  - {name: day, start: "17:00", '
                                              'end: "01:00"}'),
     ["error: team.yaml:13:12: shifts[1].name: duplicate shift name 'day'"]),
    # --- impossible times and windows ----------------------------------------------------
    ("availability-25-00", ann('availability: {mon: "09:00-25:00"}'),
     ["error: team.yaml:8:25: engineers[0].availability.mon: impossible time '25:00'"]),
    ("availability-12-60", ann('availability: {mon: "12:60-14:00"}'),
     ["error: team.yaml:8:25: engineers[0].availability.mon: impossible time '12:60'"]),
    ("availability-starts-24-00", ann('availability: {mon: "24:00-02:00"}'),
     ["error: team.yaml:8:25: engineers[0].availability.mon: impossible time '24:00'"]),
    ("availability-in-list", ann('availability: {mon: ["09:00-12:00", "13:00-1x:00"]}'),
     ["error: team.yaml:8:41: engineers[0].availability.mon[1]: expected a window like "
      "\"09:00-17:00\", not '13:00-1x:00'"]),
    ("window-hours-only", edit("min: 1", 'min: 1\n    hours: "9-17"'),  # one line, not two
     ["error: team.yaml:16:12: coverage[0].hours: expected a window like \"09:00-17:00\", "
      "not '9-17'"]),
    ("shift-start-25-00", edit('start: "09:00"', 'start: "25:00"'),
     ["error: team.yaml:12:24: shifts[0].start: impossible time '25:00'"]),
    ("shift-start-12-60", edit('start: "09:00"', 'start: "12:60"'),
     ["error: team.yaml:12:24: shifts[0].start: impossible time '12:60'"]),
    ("shift-start-bare-25-00", edit('start: "09:00"', "start: 25:00"),  # YAML int 1500
     ["error: team.yaml:12:24: shifts[0].start: impossible time '25:00'"]),
    ("shift-end-24-01", edit('end: "17:00"', 'end: "24:01"'),
     ["error: team.yaml:12:38: shifts[0].end: impossible time '24:01'"]),
    ("shift-start-not-a-time", edit('start: "09:00"', 'start: "9am"'),
     ["error: team.yaml:12:24: shifts[0].start: expected a time like 09:00, not '9am'"]),
    # --- negative and out-of-range counts -----------------------------------------------
    ("coverage-min-negative", edit("min: 1", "min: -1"),
     ["error: team.yaml:15:10: coverage[0].min: must be at least 0, not -1"]),
    ("max-shifts-negative", BASE + "rules:\n  max_shifts_per_week: -2\n",
     ["error: team.yaml:17:24: rules.max_shifts_per_week: must be at least 0, not -2"]),
    ("engineer-rule-negative", ann("max_hours_per_week: -3"),
     ["error: team.yaml:8:25: engineers[0].max_hours_per_week: must be greater than 0, "
      "not -3"]),
    ("max-shift-hours-over-24", BASE + "rules:\n  max_shift_hours: 25\n",
     ["error: team.yaml:17:20: rules.max_shift_hours: must be at most 24, not 25"]),
    ("horizon-weeks-zero", edit("weeks: 1", "weeks: 0"),
     ["error: team.yaml:5:10: horizon.weeks: must be at least 1, not 0"]),
    ("flexible-max-below-min",
     edit('shifts:\n  - {name: day, start: "09:00", end: "17:00"}\n',
          "flexible: {min_hours: 4, max_hours: 2}\n"),
     ["error: team.yaml:11:37: flexible.max_hours: max_hours 2 is below min_hours 4"]),
    # --- nothing to schedule -------------------------------------------------------------
    ("neither-shifts-nor-flexible",
     edit('shifts:\n  - {name: day, start: "09:00", end: "17:00"}\n', ""),
     ["error: team.yaml:1:1: neither `shifts` nor `flexible` is given: nothing can be "
      "scheduled"]),
    ("shifts-empty", edit('shifts:\n  - {name: day, start: "09:00", end: "17:00"}\n',
                          "shifts: []\n"),
     ["error: team.yaml:11:9: shifts: no shifts and no `flexible`: nothing can be scheduled"]),
    # --- days ----------------------------------------------------------------------------
    ("day-key-mon-fry", ann('availability: {mon-fry: "09:00-17:00"}'),
     ["error: team.yaml:8:20: engineers[0].availability.mon-fry: expected days like mon-fri, "
      "sat,sun or daily, not 'mon-fry'"]),
    ("shift-days", edit('end: "17:00"}', 'end: "17:00", days: weekdays}'),
     ["error: team.yaml:12:53: shifts[0].days: expected days like mon-fri, sat,sun or daily, "
      "not 'weekdays'"]),
    ("weekend-item", ann("weekend: [sat, sonday]"),
     ["error: team.yaml:8:20: engineers[0].weekend[1]: expected days like mon-fri, sat,sun "
      "or daily, not 'sonday'"]),
    # --- unavailable ---------------------------------------------------------------------
    ("unavailable-bad-date", ann("unavailable: [2026-13-01]"),
     ["error: team.yaml:8:19: engineers[0].unavailable[0]: expected a date (2026-03-04), "
      "a range (2026-03-10..2026-03-12) or a local time range "
      "(2026-03-05T14:00..2026-03-05T18:00), not '2026-13-01'"]),
    ("unavailable-backwards", ann("unavailable: [2026-03-05..2026-03-04]"),
     ["error: team.yaml:8:19: engineers[0].unavailable[0]: '2026-03-05..2026-03-04': "
      "the range ends before it starts"]),
    ("unavailable-empty-time-range", ann("unavailable: [2026-03-05T10:00..2026-03-05T10:00]"),
     ["error: team.yaml:8:19: engineers[0].unavailable[0]: "
      "'2026-03-05T10:00..2026-03-05T10:00': the end must be after the start"]),
    ("unavailable-single-time", ann("unavailable: [2026-03-05T14:00]"),
     ["error: team.yaml:8:19: engineers[0].unavailable[0]: a single date and time is not a "
      "range; use a range like 2026-03-05T14:00..2026-03-05T18:00"]),
    ("unavailable-a-number", ann("unavailable: [5]"),
     ["error: team.yaml:8:19: engineers[0].unavailable[0]: expected a date or a range A..B, "
      "not 5"]),
    ("unavailable-not-a-list", ann("unavailable: 2026-03-05"),
     ["error: team.yaml:8:18: engineers[0].unavailable: expected a list of dates or ranges, "
      "not '2026-03-05'"]),
    # --- holidays ------------------------------------------------------------------------
    ("holidays-unknown-country", ann("holidays: XX"),
     ["error: team.yaml:8:15: engineers[0].holidays: unknown holiday country 'XX'"]),
    ("holidays-subdivision-typo", ann("holidays: GB-SCO"),
     ["error: team.yaml:8:15: engineers[0].holidays: unknown subdivision 'SCO' of GB "
      "(did you mean 'SCT'?)"]),
    ("holidays-subdivision-unknown", ann("holidays: GB-XYZ"),
     ["error: team.yaml:8:15: engineers[0].holidays: unknown subdivision 'XYZ' of GB "
      "(known: ENG, NIR, SCT, WLS)"]),
    ("holidays-subdivision-us", ann("holidays: US-CAL"),
     ["error: team.yaml:8:15: engineers[0].holidays: unknown subdivision 'CAL' of US "
      "(did you mean 'CA'?)"]),
    # --- horizon length ------------------------------------------------------------------
    ("horizon-weeks-and-days", edit("weeks: 1", "weeks: 1\n  days: 3"),
     ["error: team.yaml:6:3: horizon.days: give `weeks` or `days`, not both"]),
    ("horizon-367-days", edit("weeks: 1", "days: 367"),
     ["error: team.yaml:5:9: horizon.days: the horizon is 367 days; at most 366 are allowed"]),
    ("horizon-53-weeks", edit("weeks: 1", "weeks: 53"),
     ["error: team.yaml:5:10: horizon.weeks: the horizon is 371 days; at most 366 are "
      "allowed"]),
    # --- several problems: one line each, in file order ---------------------------------
    ("several-problems",
     edit("min: 1", "min: x", edit("weeks: 1", "weeks: -1", edit("name: Bob", "name: Ann")))
     + "rules: {max_shift_hours: 0}\n",
     ["error: team.yaml:5:10: horizon.weeks: must be at least 1, not -1",
      "error: team.yaml:9:11: engineers[1].name: duplicate engineer name 'Ann' "
      "(also engineers[0])",
      "error: team.yaml:15:10: coverage[0].min: expected a whole number, not 'x'",
      "error: team.yaml:16:26: rules.max_shift_hours: must be greater than 0, not 0"]),
    ("several-null-sections", "version: 1\nhorizon:\nengineers:\ncoverage:\nshifts:\n",
     ["error: team.yaml:2:9: horizon: horizon must be a mapping, not nothing",
      "error: team.yaml:3:11: engineers: engineers must be a non-empty list, not nothing",
      "error: team.yaml:4:10: coverage: coverage must be a non-empty list of rules, "
      "not nothing",
      "error: team.yaml:5:8: shifts: shifts must be a list, not nothing"]),
]


def validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | bytes) -> Result:
    """Run `rota validate team.yaml` in tmp_path on `content`."""
    monkeypatch.chdir(tmp_path)
    data = content.encode() if isinstance(content, str) else content
    (tmp_path / "team.yaml").write_bytes(data)
    return CliRunner().invoke(cli, ["validate", "team.yaml"])


def assert_invalid(result: Result, expected: list[str]) -> None:
    assert isinstance(result.exception, SystemExit), result.exception  # nothing escaped
    assert "Traceback" not in result.output
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == expected


def test_base_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = validate(tmp_path, monkeypatch, BASE)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.startswith("team.yaml: valid\n")


@pytest.mark.parametrize(("text", "expected"), [case[1:] for case in INVALID],
                         ids=[case[0] for case in INVALID])
def test_bad_input_gives_one_located_line_per_problem(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str | bytes,
        expected: list[str]) -> None:
    assert_invalid(validate(tmp_path, monkeypatch, text), expected)


def test_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate", "nope.yaml"])
    assert_invalid(result, ["error: nope.yaml: cannot read file: No such file or directory"])


def test_parse_team_raises_config_error_with_every_problem() -> None:
    text = edit("min: 1", "min: -1", edit("engineers:", "enginers:"))
    with pytest.raises(ConfigError) as caught:
        parse_team(text, "team.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "error: team.yaml:6:1: enginers: unknown key 'enginers' (did you mean 'engineers'?)",
        "error: team.yaml:15:10: coverage[0].min: must be at least 0, not -1",
    ]
    assert [(p.line, p.column, p.key_path) for p in caught.value.problems] == [
        (6, 1, "enginers"), (15, 10, "coverage[0].min")]


# ----- valid files ------------------------------------------------------------------------

DEFAULT_RULES = Rules(min_rest_hours=11, max_shift_hours=12, max_hours_per_week=48,
                      max_shifts_per_week=6, max_consecutive_days=6, max_weekend_days=None,
                      work_on_holidays=False)
EVERY_DAY = frozenset(range(7))


def week(*days: tuple[tuple[int, int], ...]) -> tuple[tuple[tuple[int, int], ...], ...]:
    assert len(days) == 7
    return tuple(days)


@pytest.fixture(scope="module")
def full_team():
    path = DATA / "valid" / "team.yaml"
    return parse_team(path.read_text(encoding="utf-8"), "team.yaml")


def test_full_file_top_level(full_team) -> None:
    assert full_team.name == "Valid team"
    assert full_team.source == "team.yaml"
    assert full_team.horizon == Horizon(start=date(2026, 3, 2), days=14,
                                        timezone="Europe/London")
    assert full_team.rules == DEFAULT_RULES
    assert full_team.solver == SolverSettings(time_limit_seconds=60, workers=0, seed=0)
    assert [e.id for e in full_team.engineers] == ["zoe-smith", "ola", "ana-lima", "sam-doe"]
    assert full_team.tiers == ("tier2",)


def test_engineer_inherits_everything_from_site(full_team) -> None:
    site_week = ((480, 1200),)
    assert full_team.engineers[0] == Engineer(
        id="zoe-smith", name="Zoë Smith", timezone="Europe/London", tiers=("tier2",),
        rules=replace(DEFAULT_RULES, max_shifts_per_week=4), site="emea", holidays="GB-SCT",
        weekend=frozenset({4, 5}),
        availability=week(site_week, site_week, site_week, site_week, site_week, (), ()),
        unavailable=(), prefer=None, avoid=None)


def test_engineer_overrides_and_replaces_site_fields(full_team) -> None:
    split = ((420, 720), (780, 1140))
    night = ((1320, 1800),)
    nine_to_five = ((540, 1020),)
    assert full_team.engineers[1] == Engineer(
        id="ola", name="Ola Nordmann", timezone="Europe/Oslo", tiers=("tier1", "tier2"),
        rules=replace(DEFAULT_RULES, max_shifts_per_week=4), site="emea",
        holidays="NO",  # YAML 1.1 reads a bare NO as false; it is Norway here
        weekend=frozenset({4, 5}),  # still the site's
        # daily 00:00-24:00, then mon-fri two windows (sorted), then fri-mon past midnight,
        # then mon,wed off (bare), then sun "off" (quoted): each later key wins its days
        availability=week((), split, (), split, night, night, ()),
        unavailable=(
            Unavailable(date(2026, 3, 4), date(2026, 3, 4)),
            Unavailable(date(2026, 3, 6), date(2026, 3, 6)),
            Unavailable(date(2026, 3, 10), date(2026, 3, 12)),
            Unavailable(datetime(2026, 3, 5, 14, 0), datetime(2026, 3, 5, 18, 0)),
        ),
        prefer=week(nine_to_five, nine_to_five, nine_to_five, nine_to_five, (), (), ()),
        avoid=week((), (), (), (), ((900, 1200),), (), ()))


def test_engineer_rule_override_and_site_without_rules(full_team) -> None:
    ana = full_team.engineers[2]
    assert ana.timezone == "America/Los_Angeles"  # overrides amer's New York
    assert ana.holidays == "US"
    assert ana.tiers == ("tier2",)  # a single tier may be given as a string
    assert ana.weekend == frozenset({5, 6})
    assert ana.availability == week(*[((600, 960),)] * 7)
    assert ana.rules == replace(DEFAULT_RULES, max_hours_per_week=32)
    assert ana.rules.max_minutes_per_week == 32 * 60


def test_engineer_without_site_gets_defaults(full_team) -> None:
    assert full_team.engineers[3] == Engineer(
        id="sam-doe", name="Sam Doe", timezone="UTC", tiers=("tier2",), rules=DEFAULT_RULES,
        site=None, holidays=None, weekend=frozenset({5, 6}), availability=None,
        unavailable=(), prefer=None, avoid=None)


def test_shifts_flexible_and_coverage(full_team) -> None:
    assert full_team.shifts == (
        # `start: 23:00` unquoted is the YAML 1.1 integer 1380 (sexagesimal); read as 23:00
        ShiftTemplate(name="night", start=23 * 60, end=(24 + 7) * 60, timezone="local",
                      days=frozenset({0, 1, 2, 3, 4}), tiers=("tier2",)),
        ShiftTemplate(name="day", start=7 * 60, end=19 * 60, timezone="UTC", days=EVERY_DAY,
                      tiers=None),
    )
    # `flexible: {}`: every default; max_minutes None means rules.max_shift_hours
    assert full_team.flexible == Flexible(min_minutes=240, max_minutes=None, step_minutes=60)
    assert full_team.coverage == (
        CoverageRule(tier="tier2", min=1, days=EVERY_DAY, windows=((0, 1440),),
                     timezone="UTC"),
        CoverageRule(tier="tier2", min=2, days=frozenset({5, 6}), windows=((720, 840),),
                     timezone="America/New_York"),
    )


def test_minimal_file_defaults() -> None:
    team = parse_team(edit("team: T\n", ""), "team.yaml")
    assert team.name == "team"  # no `team`: the file's stem
    assert team.horizon == Horizon(start=date(2026, 3, 2), days=7, timezone="UTC")
    assert team.rules == DEFAULT_RULES
    assert team.flexible is None
    assert team.solver == SolverSettings()
    assert team.coverage == (CoverageRule(tier="tier2", min=1, days=EVERY_DAY,
                                          windows=((0, 1440),), timezone="UTC"),)
    assert team.shifts == (ShiftTemplate(name="day", start=540, end=1020, timezone="UTC",
                                         days=EVERY_DAY, tiers=None),)
    assert [(e.id, e.availability, e.rules) for e in team.engineers] == [
        ("ann", None, DEFAULT_RULES), ("bob", None, DEFAULT_RULES)]


def test_flexible_max_defaults_to_max_shift_hours() -> None:
    text = edit('shifts:\n  - {name: day, start: "09:00", end: "17:00"}\n',
                "flexible: {min_hours: 2.5, step_minutes: 30}\nrules: {max_shift_hours: 10}\n")
    team = parse_team(text, "team.yaml")
    assert team.shifts == ()
    assert team.flexible == Flexible(min_minutes=150, max_minutes=None, step_minutes=30)
    assert team.rules == replace(DEFAULT_RULES, max_shift_hours=10)
    assert team.rules.max_shift_minutes == 600


def test_rule_precedence_engineer_over_site_over_team() -> None:
    text = """\
horizon: {start: 2026-03-02}
sites:
  emea: {max_hours_per_week: 40, max_weekend_days: 1, tiers: [tier2]}
engineers:
  - {name: Ann, site: emea}
  - {name: Bob, site: emea, max_hours_per_week: 32}
  - {name: Cy, tiers: [tier2]}
flexible: {}
coverage: [{tier: tier2, min: 1}]
rules: {max_hours_per_week: 44, min_rest_hours: 12.5, max_consecutive_days: null}
"""
    team = parse_team(text, "team.yaml")
    team_rules = replace(DEFAULT_RULES, max_hours_per_week=44, min_rest_hours=12.5,
                         max_consecutive_days=None)
    assert team.rules == team_rules
    assert [e.rules for e in team.engineers] == [
        replace(team_rules, max_hours_per_week=40, max_weekend_days=1),  # Ann: the site's
        replace(team_rules, max_hours_per_week=32, max_weekend_days=1),  # Bob: his own
        team_rules,  # Cy: no site, no override
    ]
    assert team.engineers[0].rules.min_rest_minutes == 750


def ann_pattern(pattern: str):
    """Ann's availability after parsing `availability: <pattern>`."""
    return parse_team(ann(f"availability: {pattern}"), "team.yaml").engineers[0].availability


NINE_FIVE = ((540, 1020),)


@pytest.mark.parametrize(("pattern", "expected"), [
    ('{mon-fri: "09:00-17:00"}', week(*[NINE_FIVE] * 5, (), ())),
    ('{fri-mon: "09:00-17:00"}', week(NINE_FIVE, (), (), (), NINE_FIVE, NINE_FIVE, NINE_FIVE)),
    ('{"mon,wed": "09:00-17:00"}', week(NINE_FIVE, (), NINE_FIVE, (), (), (), ())),
    ('{"mon-tue,sat": "09:00-17:00"}', week(NINE_FIVE, NINE_FIVE, (), (), (), NINE_FIVE, ())),
    ('{Mon-Fri: "09:00-17:00"}', week(*[NINE_FIVE] * 5, (), ())),
    ('{daily: "09:00-17:00"}', week(*[NINE_FIVE] * 7)),
    ('{daily: "00:00-24:00"}', week(*[((0, 1440),)] * 7)),
    ('{sun: "22:00-06:00"}', week((), (), (), (), (), (), ((1320, 1800),))),
    ('{mon: "09:00-09:00"}', week(((540, 1980),), (), (), (), (), (), ())),  # a full 24 h
    ('{mon: 09:00-17:00}', week(NINE_FIVE, (), (), (), (), (), ())),  # unquoted
    ('{mon: " 9:00 - 17:00 "}', week(NINE_FIVE, (), (), (), (), (), ())),
    ('{mon: ["13:00-17:00", "08:00-12:00"]}',
     week(((480, 720), (780, 1020)), (), (), (), (), (), ())),
    ('{daily: "09:00-17:00", sat-sun: off}', week(*[NINE_FIVE] * 5, (), ())),
    ('{daily: "09:00-17:00", sat-sun: "off"}', week(*[NINE_FIVE] * 5, (), ())),
    ('{daily: "09:00-17:00", sat-sun: []}', week(*[NINE_FIVE] * 5, (), ())),
    ('{sat-sun: "10:00-14:00", daily: "09:00-17:00"}', week(*[NINE_FIVE] * 7)),
    ("{}", week(*[()] * 7)),
])
def test_weekly_patterns(pattern: str, expected) -> None:
    assert ann_pattern(pattern) == expected


@pytest.mark.parametrize(("entry", "expected"), [
    ("2026-03-04", Unavailable(date(2026, 3, 4), date(2026, 3, 4))),
    ('"2026-03-04"', Unavailable(date(2026, 3, 4), date(2026, 3, 4))),
    ("2026-03-10..2026-03-12", Unavailable(date(2026, 3, 10), date(2026, 3, 12))),
    ('"2026-03-10 .. 2026-03-12"', Unavailable(date(2026, 3, 10), date(2026, 3, 12))),
    ("2026-03-05T14:00..2026-03-05T18:00",
     Unavailable(datetime(2026, 3, 5, 14, 0), datetime(2026, 3, 5, 18, 0))),
    ("2026-03-05T22:00..2026-03-06T06:30",
     Unavailable(datetime(2026, 3, 5, 22, 0), datetime(2026, 3, 6, 6, 30))),
])
def test_unavailable_entries(entry: str, expected: Unavailable) -> None:
    team = parse_team(ann(f"unavailable: [{entry}]"), "team.yaml")
    assert team.engineers[0].unavailable == (expected,)


@pytest.mark.parametrize(("value", "expected"), [
    ("GB-SCT", "GB-SCT"), ("gb-sct", "GB-SCT"), ("US", "US"), ("AU-NSW", "AU-NSW"),
    ("NO", "NO"), ("no", "NO"), ('"NO"', "NO"),
])
def test_holidays(value: str, expected: str) -> None:
    team = parse_team(ann(f"holidays: {value}"), "team.yaml")
    assert team.engineers[0].holidays == expected


def test_explicit_id_and_numeric_name_kept_as_text() -> None:
    team = parse_team(ann("id: 7").replace("name: Ann", "name: 1e3"), "team.yaml")
    assert (team.engineers[0].id, team.engineers[0].name) == ("7", "1e3")


@pytest.mark.parametrize(("name", "expected"), [
    ("Zoë Smith", "zoe-smith"), ("Liam O'Brien", "liam-o-brien"), ("  Ann  ", "ann"),
    ("José María López", "jose-maria-lopez"), ("!!!", "engineer"),
])
def test_slug(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_shift_unquoted_times_and_24_00_end() -> None:
    text = edit('  - {name: day, start: "09:00", end: "17:00"}',
                "  - {name: late, start: 16:00, end: 24:00, days: [sat, sun]}\n"
                "  - {name: early, start: 6:30, end: 14:30, days: fri-mon}")
    assert parse_team(text, "team.yaml").shifts == (
        ShiftTemplate(name="late", start=960, end=1440, days=frozenset({5, 6})),
        ShiftTemplate(name="early", start=390, end=870, days=frozenset({4, 5, 6, 0})),
    )


def test_bytes_with_bom_are_utf8() -> None:
    team = parse_team("\ufeff".encode() + BASE.replace("name: Ann", "name: Zoë").encode())
    assert team.engineers[0].name == "Zoë"
    assert team.source == "<string>"
