"""The schedule CSV: writing what `plan` made, reading what `check` gets."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

from dateutil.parser import isoparse

from rota.assignment import Assignment, hours_text, sort_key
from rota.errors import Problem, ScheduleError
from rota.limits import MAX_SCHEDULE_BYTES, read_capped
from rota.problem import FIRST_YEAR, LAST_YEAR, Team
from rota.timeline import iso_local, iso_utc, to_minute

SCHEDULE_COLUMNS = ("engineer", "tier", "shift", "start_utc", "end_utc", "timezone",
                    "start_local", "end_local", "hours")
REQUIRED_COLUMNS = ("engineer", "tier", "start_utc", "end_utc")
LOCAL_COLUMNS = ("timezone", "start_local", "end_local")
NAME_COLUMNS = ("engineer", "tier", "shift")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _formula_like(cell: str) -> bool:
    """Whether a spreadsheet could run `cell` as a formula, or `'` + it would read back
    as something else: what `safe_cell` quotes and `unquote_cell` unquotes."""
    rest = cell.lstrip("'")  # `'=x` is written `''=x`, so that it reads back as `'=x`
    return rest.startswith(_FORMULA) and not _NUMBER.fullmatch(rest)


def safe_cell(value: object) -> object:
    """A CSV cell that opens as text, not a formula (SPEC §6): a leading `'` if needed."""
    return f"'{value}" if isinstance(value, str) and _formula_like(value) else value


def unquote_cell(cell: str) -> str:
    """The text `safe_cell` was given."""
    return cell[1:] if cell.startswith("'") and _formula_like(cell[1:]) else cell


def csv_text(header: tuple[str, ...], rows: list[list[object]]) -> str:
    """A CSV file with every text cell made safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def schedule_csv(team: Team, assignments: list[Assignment]) -> str:
    """schedule.csv as SPEC §4 gives it, sorted by start_utc, engineer."""
    rows: list[list[object]] = []
    for a in sorted(assignments, key=sort_key):
        eng = team.engineer(a.engineer)
        tz = eng.timezone if eng else "UTC"
        rows.append([a.engineer, a.tier, a.shift, iso_utc(a.start), iso_utc(a.end), tz,
                     iso_local(a.start, tz), iso_local(a.end, tz), hours_text(a.minutes)])
    return csv_text(SCHEDULE_COLUMNS, rows)


def read_schedule(path: str | Path, team: Team | None = None,
                  tier: str | None = None) -> list[Assignment]:
    """Read `engineer,tier,start_utc,end_utc` (other columns ignored); raise ScheduleError.

    By extension: `.xlsx` reads the Schedule sheet, `.ics` a calendar feed of `team`
    (SPEC §9), anything else CSV."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        from rota.xlsx import read_schedule_sheet

        return read_schedule_sheet(path)
    if suffix in (".ics", ".ical") and team is not None:
        from rota.feeds import read_feed

        return read_feed(path, team, tier)
    name = str(path)
    raw = read_capped(path, MAX_SCHEDULE_BYTES, ScheduleError)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScheduleError([Problem(name, "not UTF-8 text")]) from None
    return parse_schedule(text, name)


def parse_schedule(text: str, name: str = "<string>") -> list[Assignment]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        empty = Problem(name, "the file is empty; expected a CSV header", 1)
        raise ScheduleError([empty]) from None
    columns = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        listed = ", ".join(f"'{c}'" for c in missing)
        raise ScheduleError([Problem(name, f"missing column{'s' if len(missing) > 1 else ''} "
                                           f"{listed} (need {','.join(REQUIRED_COLUMNS)})", 1)])
    where = {c: columns.index(c) for c in REQUIRED_COLUMNS}
    for column in ("shift", *LOCAL_COLUMNS):
        if column in columns:
            where[column] = columns.index(column)
    problems: list[Problem] = []
    out: list[Assignment] = []
    count, last = 0, reader.line_num  # data rows so far; the line the last record ended on
    try:
        for row in reader:
            line, last = last + 1, reader.line_num  # a quoted cell may span lines
            if not any(cell.strip() for cell in row):
                continue
            count += 1
            if len(row) < len(columns):
                row = row + [""] * (len(columns) - len(row))
            got = {c: unquote_cell(row[i].strip()) for c, i in where.items()}
            bad = _row_problem(got)
            if bad:
                problems.append(Problem(name, bad, line, key_path=f"row {count}"))
                continue
            start, end = _instant(got["start_utc"]), _instant(got["end_utc"])
            local = tuple(got[c] for c in LOCAL_COLUMNS) if all(
                got.get(c) for c in LOCAL_COLUMNS) else None
            out.append(Assignment(got["engineer"], got["tier"], start, end,
                                  got.get("shift", ""), line, local))  # type: ignore[arg-type]
    except csv.Error as exc:
        problems.append(Problem(name, f"CSV syntax error: {exc}", reader.line_num))
    if problems:
        raise ScheduleError(problems)
    return out


def _shown(text: str) -> str:
    return f"'{text}'" if len(text) <= 60 else f"'{text[:56]}...'"


def _instant(text: str) -> int:
    return to_minute(isoparse(text))


def _row_problem(got: dict[str, str]) -> str | None:
    for column in REQUIRED_COLUMNS:
        if not got[column]:
            return f"{column}: empty"
    for column in NAME_COLUMNS:
        bad = next((c for c in got.get(column, "") if unicodedata.category(c) == "Cc"), None)
        if bad is not None:
            return f"{column}: contains the control character U+{ord(bad):04X}"
    for column in ("start_utc", "end_utc"):
        text = _shown(got[column])
        try:
            moment = isoparse(got[column])
        except (ValueError, OverflowError):
            return f"{column}: bad timestamp {text} (expected ISO 8601 like " \
                   f"2026-03-02T23:00:00Z)"
        if moment.tzinfo is None or moment.utcoffset() is None:
            return f"{column}: timestamp {text} has no UTC offset (add Z or +HH:MM)"
        if moment.second or moment.microsecond:
            return f"{column}: timestamp {text} is not on a whole minute"
        try:
            year = (moment - moment.utcoffset()).year
        except OverflowError:
            year = 0
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return f"{column}: timestamp {text} is out of range: years " \
                   f"{FIRST_YEAR}..{LAST_YEAR} only"
    if _instant(got["end_utc"]) <= _instant(got["start_utc"]):
        return f"end_utc {got['end_utc']} is not after start_utc {got['start_utc']}"
    return None
