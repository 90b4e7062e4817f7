"""`rota export --to xlsx`, reading the Schedule sheet back, and `rota hours` (SPEC §9)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas
import pytest
from click.testing import CliRunner

from rota.cli import cli
from rota.xlsx import SHORT

TEAM = """version: 1
team: Sheet test
horizon: {start: 2026-03-06, days: 3}
flexible: {}
rules: {night: "20:00-07:00"}
engineers:
  - {name: Ann Lee, id: ann, timezone: America/New_York, tiers: [tier2], holidays: US}
  - {name: "=Bob+1", id: bob, timezone: Europe/London, tiers: [tier2]}
coverage:
  - {tier: tier2, min: 1, hours: "08:00-20:00"}
"""
# Fri 14-22Z (Ann 09-17 EST), Sat 06-14Z (Bob), Sun 08-18Z (Ann 04-14 EDT after the change)
ROWS = [("ann", "2026-03-06T14:00:00Z", "2026-03-06T22:00:00Z"),
        ("bob", "2026-03-07T06:00:00Z", "2026-03-07T14:00:00Z"),
        ("ann", "2026-03-08T08:00:00Z", "2026-03-08T18:00:00Z")]


def files(tmp_path: Path) -> tuple[Path, Path]:
    team = tmp_path / "team.yaml"
    team.write_text(TEAM, encoding="utf-8")
    schedule = tmp_path / "schedule.csv"
    schedule.write_text("engineer,tier,start_utc,end_utc\n" + "".join(
        f"{e},tier2,{s},{t}\n" for e, s, t in ROWS), encoding="utf-8")
    return team, schedule


def run(*args):
    return CliRunner().invoke(cli, [*map(str, args)])


def test_workbook_sheets_grid_fills_and_text(tmp_path):
    team, schedule = files(tmp_path)
    book = tmp_path / "rota.xlsx"
    result = run("export", team, schedule, "--to", "xlsx", "-o", book)
    assert (result.exit_code, result.output) == (0, f"wrote {book}\n")
    sheets = pandas.read_excel(book, sheet_name=None)
    assert list(sheets) == ["Schedule", "Grid tier2", "Engineers", "Gaps"]
    sched = sheets["Schedule"]
    assert list(sched.columns) == ["engineer", "tier", "shift", "start_utc", "end_utc",
                                   "timezone", "start_local", "end_local", "hours"]
    assert list(sched["start_utc"]) == [s for _, s, _ in ROWS]
    assert list(sched["hours"]) == [8, 8, 10]
    grid = sheets["Grid tier2"].set_index("UTC day")
    assert list(grid.index) == ["Fri 2026-03-06", "Sat 2026-03-07", "Sun 2026-03-08"]
    assert grid.loc["Fri 2026-03-06", "13"] == "0/1"  # 08:00-20:00 UTC demand, Ann from 14
    assert grid.loc["Sat 2026-03-07", "13"] == "1/1"
    assert grid.loc["Sun 2026-03-08", "07"] == "0/0"
    gaps = sheets["Gaps"]
    assert [tuple(r) for r in gaps[["start_utc", "end_utc", "minutes"]].itertuples(index=False)] \
        == [("2026-03-06T08:00:00Z", "2026-03-06T14:00:00Z", 360),
            ("2026-03-07T14:00:00Z", "2026-03-07T20:00:00Z", 360),
            ("2026-03-08T18:00:00Z", "2026-03-08T20:00:00Z", 120)]
    ws = openpyxl.load_workbook(book)["Grid tier2"]
    header = {c.value: c.column for c in ws[1]}
    fri = 2
    assert ws.cell(fri, 1).value == "Fri 2026-03-06"
    red = {ws.cell(fri, header[f"{h:02d}"]).fill.start_color.rgb for h in range(8, 14)}
    assert red == {SHORT.start_color.rgb}
    assert ws.cell(fri, header["14"]).fill.start_color.rgb != SHORT.start_color.rgb
    bob = openpyxl.load_workbook(book)["Engineers"]["A3"]
    assert (bob.value, bob.data_type) == ("=Bob+1", "s")  # a name, never a formula


def test_engineers_sheet_and_hours_split(tmp_path):
    team, schedule = files(tmp_path)
    run("export", team, schedule, "--to", "xlsx", "-o", tmp_path / "rota.xlsx")
    eng = pandas.read_excel(tmp_path / "rota.xlsx", sheet_name="Engineers")
    # Ann: Fri 09-17 EST weekday; Sun 04:00-14:00 EDT weekend, of which 04:00-07:00 night;
    # Fri evening 20:00-... not reached (ends 17:00). Bob: Sat 06-14 GMT weekend, 06-07 night.
    assert eng[["id", "shifts", "hours", "weekday_hours", "weekend_hours", "holiday_hours",
                "night_hours"]].values.tolist() == [["ann", 2, 18, 8, 10, 0, 3],
                                                     ["bob", 1, 8, 0, 8, 0, 1]]


def test_schedule_sheet_reads_back_for_check(tmp_path):
    team, schedule = files(tmp_path)
    run("export", team, schedule, "--to", "xlsx", "-o", tmp_path / "rota.xlsx")
    from_csv = run("check", team, schedule, "--format", "json")
    from_xlsx = run("check", team, tmp_path / "rota.xlsx", "--format", "json")
    assert from_csv.exit_code == from_xlsx.exit_code == 1
    assert from_xlsx.output == from_csv.output


def test_xlsx_bad_input(tmp_path):
    team, _ = files(tmp_path)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    result = run("check", team, broken)
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {broken}: not a readable xlsx workbook")
    assert result.output.count("\n") == 1
    other = tmp_path / "other.xlsx"
    pandas.DataFrame({"a": [1]}).to_excel(other, sheet_name="Rota", index=False)
    assert run("check", team, other).output == \
        f"error: {other}: no sheet named 'Schedule' (sheets: Rota)\n"
    rows = tmp_path / "rows.xlsx"
    pandas.DataFrame({"engineer": ["ann", "ann"], "tier": ["tier2", "tier2"],
                      "start_utc": ["2026-03-06T14:00:00Z", "yesterday"],
                      "end_utc": ["2026-03-06T22:00:00Z", "2026-03-06T22:00:00Z"]}
                     ).to_excel(rows, sheet_name="Schedule", index=False)
    result = run("check", team, rows)
    assert (result.exit_code, result.output) == (2, (
        f"error: {rows}:3: row 2: start_utc: bad timestamp 'yesterday' (expected ISO 8601 "
        "like 2026-03-02T23:00:00Z)\n"))


def test_hours_by_week_and_month_over_two_schedules(tmp_path):
    team, schedule = files(tmp_path)
    later = tmp_path / "later.csv"
    later.write_text("engineer,tier,start_utc,end_utc\n"
                     "ann,tier2,2026-03-08T08:00:00Z,2026-03-08T18:00:00Z\n"  # repeated: once
                     "Ann Lee,tier2,2026-03-31T13:00:00Z,2026-03-31T21:00:00Z\n"
                     "ann,tier2,2026-05-25T13:00:00Z,2026-05-25T21:00:00Z\n",  # Memorial Day
                     encoding="utf-8")
    result = run("hours", team, schedule, later)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "engineer,id,period,period_start,shifts,hours,weekday_hours,weekend_hours,"
        "holiday_hours,night_hours",
        "Ann Lee,ann,2026-W10,2026-03-02,2,18,8,10,0,3",
        "Ann Lee,ann,2026-W14,2026-03-30,1,8,8,0,0,0",
        "Ann Lee,ann,2026-W22,2026-05-25,1,8,0,0,8,0",
        "=Bob+1,bob,2026-W10,2026-03-02,1,8,0,8,0,1"]
    out = tmp_path / "hours.xlsx"
    assert run("hours", team, schedule, later, "--by", "month", "-o", out).exit_code == 0
    table = pandas.read_excel(out, sheet_name="Hours")
    assert table[["id", "period", "hours", "holiday_hours"]].values.tolist() == [
        ["ann", "2026-03", 26, 0], ["ann", "2026-05", 8, 8], ["bob", "2026-03", 8, 0]]


def test_hours_unknown_engineer_is_bad_input(tmp_path):
    team, _ = files(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("engineer,tier,start_utc,end_utc\nzed,tier2,2026-03-06T14:00Z,"
                   "2026-03-06T15:00Z\n", encoding="utf-8")
    result = run("hours", team, bad)
    assert (result.exit_code, result.output) == (2, f"error: {bad}:2: unknown engineer 'zed'\n")


@pytest.mark.parametrize("by", ["week", "month"])
def test_hours_csv_is_what_pandas_reads(tmp_path, by):
    team, schedule = files(tmp_path)
    text = run("hours", team, schedule, "--by", by).output
    table = pandas.read_csv(io.StringIO(text))
    assert table["hours"].sum() == 26
    assert (table["weekday_hours"] + table["weekend_hours"] + table["holiday_hours"]
            == table["hours"]).all()
