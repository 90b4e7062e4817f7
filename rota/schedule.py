"""Assignments and the schedule CSV: writing what `plan` made, reading what `check` gets."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from dateutil.parser import isoparse

from rota.errors import Problem, ScheduleError
from rota.problem import Team
from rota.timeline import iso_local, iso_utc, to_minute

SCHEDULE_COLUMNS = ("engineer", "tier", "shift", "start_utc", "end_utc", "timezone",
                    "start_local", "end_local", "hours")
REQUIRED_COLUMNS = ("engineer", "tier", "start_utc", "end_utc")


@dataclass(frozen=True)
class Assignment:
    """One engineer on duty for one tier over [start, end) (epoch minutes, UTC)."""

    engineer: str
    tier: str
    start: int
    end: int
    shift: str = ""
    row: int | None = None  # line in the CSV it came from

    @property
    def minutes(self) -> int:
        return self.end - self.start


def sort_key(a: Assignment) -> tuple[int, str, int, str]:
    return (a.start, a.engineer, a.end, a.tier)


def hours_text(minutes: int) -> str:
    """480 → '8', 450 → '7.5', 20 → '0.33'."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def schedule_csv(team: Team, assignments: list[Assignment]) -> str:
    """schedule.csv as SPEC §4 gives it, sorted by start_utc, engineer."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SCHEDULE_COLUMNS)
    for a in sorted(assignments, key=sort_key):
        eng = team.engineer(a.engineer)
        tz = eng.timezone if eng else "UTC"
        writer.writerow([a.engineer, a.tier, a.shift, iso_utc(a.start), iso_utc(a.end), tz,
                         iso_local(a.start, tz), iso_local(a.end, tz), hours_text(a.minutes)])
    return out.getvalue()


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
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ScheduleError([Problem(name, f"cannot read file: {exc.strerror or exc}")]) from None
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
    if "shift" in columns:
        where["shift"] = columns.index("shift")
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
            got = {c: row[i].strip() for c, i in where.items()}
            bad = _row_problem(got)
            if bad:
                problems.append(Problem(name, bad, line, key_path=f"row {count}"))
                continue
            start, end = _instant(got["start_utc"]), _instant(got["end_utc"])
            out.append(Assignment(got["engineer"], got["tier"], start, end,
                                  got.get("shift", ""), line))
    except csv.Error as exc:
        problems.append(Problem(name, f"CSV syntax error: {exc}", reader.line_num))
    if problems:
        raise ScheduleError(problems)
    return out


def _instant(text: str) -> int:
    return to_minute(isoparse(text))


def _row_problem(got: dict[str, str]) -> str | None:
    for column in REQUIRED_COLUMNS:
        if not got[column]:
            return f"{column}: empty"
    for column in ("start_utc", "end_utc"):
        try:
            moment = isoparse(got[column])
        except (ValueError, OverflowError):
            return f"{column}: bad timestamp '{got[column]}' (expected ISO 8601 like " \
                   f"2026-03-02T23:00:00Z)"
        if moment.tzinfo is None or moment.utcoffset() is None:
            return f"{column}: timestamp '{got[column]}' has no UTC offset (add Z or +HH:MM)"
        if moment.second or moment.microsecond:
            return f"{column}: timestamp '{got[column]}' is not on a whole minute"
    if _instant(got["end_utc"]) <= _instant(got["start_utc"]):
        return f"end_utc {got['end_utc']} is not after start_utc {got['start_utc']}"
    return None
