"""Spreadsheets (SPEC §9): `rota export --to xlsx`, and the Schedule sheet as a schedule.

Written with pandas and openpyxl, which only `export`, `hours` and reading a .xlsx load.
Every text cell is stored as text: a name starting with `=` never becomes a formula.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pandas
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from rota import hours
from rota.assignment import Assignment
from rota.check import CheckResult
from rota.errors import Problem, ScheduleError
from rota.problem import Team
from rota.report import GAP_COLUMNS, gap_row
from rota.schedule import parse_schedule, schedule_csv
from rota.timeline import from_minute

SHORT = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")  # Excel's "bad" red
COVERED = PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE")
ENGINEER_COLUMNS = ("engineer", "id", "site", "timezone", "shifts", "hours", "weekday_hours",
                    "weekend_hours", "holiday_hours", "night_hours")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def grid_sheet_name(tier: str) -> str:
    """`Grid <tier>`, cut to Excel's 31 characters, without the characters it forbids."""
    return _SHEET_BAD.sub("_", f"Grid {tier}")[:31]


def workbook(team: Team, assignments: list[Assignment], verdict: CheckResult) -> bytes:
    """Schedule, one Grid per tier, Engineers and Gaps, as xlsx bytes."""
    schedule = pandas.read_csv(io.StringIO(schedule_csv(team, assignments)), dtype=str,
                               keep_default_na=False)
    schedule["hours"] = pandas.to_numeric(schedule["hours"])
    grids = {tier: _grid(verdict, tier) for tier in verdict.segments}
    engineers = pandas.DataFrame(
        [{"engineer": eng.name, "id": eng.id, "site": eng.site or "", "timezone": eng.timezone,
          **total.hours()} for eng, total in hours.totals(team, assignments)],
        columns=list(ENGINEER_COLUMNS))
    gaps = pandas.DataFrame([gap_row(g) for g in verdict.gaps], columns=list(GAP_COLUMNS))
    out = io.BytesIO()
    with pandas.ExcelWriter(out, engine="openpyxl") as writer:
        schedule.to_excel(writer, sheet_name="Schedule", index=False)
        for tier, (frame, short) in grids.items():
            name = grid_sheet_name(tier)
            frame.to_excel(writer, sheet_name=name)
            _paint(writer.sheets[name], short)
        engineers.to_excel(writer, sheet_name="Engineers", index=False)
        gaps.to_excel(writer, sheet_name="Gaps", index=False)
        for sheet in writer.sheets.values():
            _as_text(sheet)
            _widths(sheet)
    return out.getvalue()


def one_sheet(frame: pandas.DataFrame, name: str) -> bytes:
    """A workbook of one sheet holding `frame`, as xlsx bytes."""
    out = io.BytesIO()
    with pandas.ExcelWriter(out, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=name, index=False)
        _as_text(writer.sheets[name])
        _widths(writer.sheets[name])
    return out.getvalue()


def _grid(verdict: CheckResult, tier: str) -> tuple[pandas.DataFrame, set[tuple[int, int]]]:
    """Days × UTC hours of `fewest on duty/required`, and the (row, column) cells short."""
    cells: dict[str, dict[str, str]] = {}
    short = set()
    for hour, t, required, assigned, covered in verdict.hours():
        if t != tier:
            continue
        moment = from_minute(hour)
        day = moment.strftime("%a %Y-%m-%d")
        cells.setdefault(day, {})[f"{moment.hour:02d}"] = f"{assigned}/{required}"
        if not covered:
            short.add((list(cells).index(day), moment.hour))
    columns = [f"{h:02d}" for h in range(24)]
    frame = pandas.DataFrame.from_dict(cells, orient="index", columns=columns).fillna("")
    frame.index.name = "UTC day"
    return frame, short


def _paint(sheet, short: set[tuple[int, int]]) -> None:
    """Short cells red, the others that have a value green; the header row is row 1."""
    for row in sheet.iter_rows(min_row=2, min_col=2):
        for cell in row:
            if cell.value in (None, ""):
                continue
            cell.alignment = Alignment(horizontal="center")
            is_short = (cell.row - 2, cell.column - 2) in short
            cell.fill = SHORT if is_short else COVERED
            if is_short:
                cell.font = Font(bold=True, color="9C0006")


def _as_text(sheet) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":  # openpyxl takes a string starting with '=' as a formula
                cell.data_type = "s"


def _widths(sheet) -> None:
    for column in sheet.iter_cols():
        width = max(len(str(c.value)) if c.value is not None else 0 for c in column)
        sheet.column_dimensions[get_column_letter(column[0].column)].width = min(width + 2, 40)
    sheet.freeze_panes = "B2"
    sheet.page_setup.orientation = "landscape"  # printed: one page wide, as many long
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0


# ----- reading -----------------------------------------------------------------------------

def read_schedule_sheet(path: str | Path) -> list[Assignment]:
    """The `Schedule` sheet of a workbook, read like schedule.csv (sheet row = CSV line)."""
    name = str(path)
    try:
        book = pandas.ExcelFile(path, engine="openpyxl")
    except OSError as exc:
        raise ScheduleError([Problem(name, f"cannot read file: {exc.strerror or exc}")]) from None
    except (zipfile.BadZipFile, ValueError, KeyError) as exc:
        raise ScheduleError([Problem(name, f"not a readable xlsx workbook ({exc})")]) from None
    with book:
        if "Schedule" not in book.sheet_names:
            listed = ", ".join(book.sheet_names)
            raise ScheduleError([Problem(name, f"no sheet named 'Schedule' (sheets: {listed})")])
        frame = pandas.read_excel(book, sheet_name="Schedule", header=None, dtype=object)
    out = io.StringIO()
    frame.map(_cell_text).to_csv(out, header=False, index=False, lineterminator="\n")
    return parse_schedule(out.getvalue(), name)


def _cell_text(value: object) -> str:
    """A cell as text; a date-time typed into Excel (no zone) is taken as UTC."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S") + ("Z" if value.tzinfo is None else "")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
