"""The schedule CSV: writing what `plan` made, reading what `check` gets."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import replace
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


def resolve_names(team: Team, assignments: list[Assignment]
                  ) -> tuple[list[Assignment], list[Assignment]]:
    """The rows whose engineer (by name or id) is in the team, renamed to the engineer's
    name, and the rows of engineers the team does not have, as they were."""
    known, unknown = [], []
    for a in assignments:
        eng = team.engineer(a.engineer)
        if eng is None:
            unknown.append(a)
        else:
            known.append(a if a.engineer == eng.name else replace(a, engineer=eng.name))
    return known, unknown


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


def read_table(path: str | Path, purpose: str) -> list[Assignment]:
    """A schedule read without a team (`diff`, history): `.csv` or `.xlsx`. An `.ics` feed
    is refused, since it is read only over a team's horizon (SPEC §9)."""
    if Path(path).suffix.lower() in (".ics", ".ical"):
        raise ScheduleError([Problem(str(path), f"{purpose} reads .csv and .xlsx schedules, "
                                                f"not a calendar feed (a feed is read only "
                                                f"over a team's horizon, by `rota check`)")])
    return read_schedule(path)


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
            start, end = instant(got["start_utc"]), instant(got["end_utc"])
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


def instant_problem(text: str) -> str | None:
    """What keeps `text` from being an instant rota reads (ISO 8601 with an offset, on a
    whole minute, in the years of zone and holiday data), or None."""
    shown = _shown(text)
    try:
        moment = isoparse(text)
    except (ValueError, OverflowError):
        return f"bad timestamp {shown} (expected ISO 8601 like 2026-03-02T23:00:00Z)"
    if moment.tzinfo is None or moment.utcoffset() is None:
        return f"timestamp {shown} has no UTC offset (add Z or +HH:MM)"
    if moment.second or moment.microsecond:
        return f"timestamp {shown} is not on a whole minute"
    try:
        year = (moment - moment.utcoffset()).year
    except OverflowError:
        year = 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return f"timestamp {shown} is out of range: years {FIRST_YEAR}..{LAST_YEAR} only"
    return None


def instant(text: str) -> int:
    """The epoch minute of a timestamp `instant_problem` accepts."""
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
        bad = instant_problem(got[column])
        if bad:
            return f"{column}: {bad}"
    if instant(got["end_utc"]) <= instant(got["start_utc"]):
        return f"end_utc {got['end_utc']} is not after start_utc {got['start_utc']}"
    return None
