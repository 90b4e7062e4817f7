"""History (SPEC §8): the schedules published before, loaded and validated, and split into
the facts inside the horizon and the past that rules and fairness look back on.

The files are those of the team file's `history.schedules` and of `--history`, read like
`rota check` reads a schedule (.csv or .xlsx). A row repeated in several files (the shift
across a week boundary is in both weeks' schedules) counts once.
"""

from __future__ import annotations

import math
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from rota.assignment import Assignment, sort_key
from rota.diff import match_key
from rota.errors import InputError, Problem
from rota.problem import DEFAULT_FAIRNESS_WEEKS, HistoryFile, Team
from rota.schedule import read_table, resolve_names
from rota.timeline import Span, iso_utc, local_midnight

MIN_LOOKBACK_DAYS = 7
LOOKBACK_RULES = ("max_consecutive_days", "max_consecutive_nights")  # runs of local days


@dataclass(frozen=True)
class _Row:
    file: str
    a: Assignment

    @property
    def where(self) -> str:
        return f"{self.file}:{self.a.row}" if self.a.row else self.file


def history_files(team: Team, extra: Iterable[str] = ()) -> list[HistoryFile]:
    """The team file's history files, then `extra` (`--history`, relative to the current
    folder); a file named twice is read once."""
    files = list(team.history.files if team.history else ()) + [HistoryFile(p) for p in extra]
    seen: set[str] = set()
    out = []
    for f in files:
        key = os.path.realpath(f.path)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def load_history(team: Team, extra: Iterable[str] = (),
                 warn: Callable[[str], None] | None = None) -> list[Assignment]:
    """Every history row of an engineer of the team, named by the engineer's name, sorted
    by start. Raises InputError with one line per problem: a missing or malformed file, or
    an engineer on duty twice at once. Rows of engineers not in the team are left out, with
    one `warning:` line per file and name to `warn` (only when there is no problem, so that
    exit 2 prints one line per problem and nothing else)."""
    problems: list[Problem] = []
    rows: list[_Row] = []
    warnings: list[str] = []
    for f in history_files(team, extra):
        if f.line is not None and not Path(f.path).is_file():
            why = "is a folder" if Path(f.path).is_dir() else "does not exist"
            problems.append(Problem(team.source, f"history file '{f.path}' {why}", f.line,
                                    f.column, f.key_path))
            continue
        try:
            known, unknown = resolve_names(team, read_table(f.path, "history"))
        except InputError as exc:
            problems += exc.problems
            continue
        rows += [_Row(f.path, a) for a in known]
        warnings += _unknown_warnings(f.path, unknown)
    rows = _once(rows)
    problems += _overlaps(rows)
    if problems:
        raise InputError(problems)
    for line in warnings:
        if warn:
            warn(line)
    return sorted((r.a for r in rows), key=sort_key)


def _unknown_warnings(name: str, unknown: list[Assignment]) -> list[str]:
    counts = Counter(a.engineer for a in unknown)
    first = {}
    for a in unknown:
        first.setdefault(a.engineer, a.row)
    return [f"warning: {name}:{first[who]}: '{who}' is not in the team: {count} history "
            f"row{'s' if count > 1 else ''} ignored" for who, count in counts.items()]


def _once(rows: list[_Row]) -> list[_Row]:
    """The first of the rows that match on engineer, tier, start and end."""
    seen: set[tuple[str, str, int, int]] = set()
    out = []
    for r in rows:
        if match_key(r.a) not in seen:
            seen.add(match_key(r.a))
            out.append(r)
    return out


def _overlaps(rows: list[_Row]) -> list[Problem]:
    """One problem per row that overlaps an earlier row of the same engineer."""
    mine: dict[str, list[_Row]] = defaultdict(list)
    for r in rows:
        mine[r.a.engineer].append(r)
    problems = []
    for engineer, own in mine.items():
        latest: _Row | None = None  # the row reaching furthest so far
        for r in sorted(own, key=lambda r: (r.a.start, r.a.end)):
            if latest is not None and r.a.start < latest.a.end:
                other = f"line {latest.a.row}" if latest.file == r.file else latest.where
                problems.append(Problem(
                    r.file, f"{engineer} is on duty twice at once: {iso_utc(r.a.start)}.."
                            f"{iso_utc(r.a.end)} ({r.a.tier}) overlaps {other}, "
                            f"{iso_utc(latest.a.start)}..{iso_utc(latest.a.end)} "
                            f"({latest.a.tier}); history must not overlap itself", r.a.row))
            if latest is None or r.a.end > latest.a.end:
                latest = r
    return sorted(problems, key=lambda p: (p.file, p.line or 0))


# ----- what the horizon needs of it ----------------------------------------------------------

def rule_lookback_days(team: Team) -> int:
    """Days before the horizon that the rules look back on: the longest run of local days
    a rule limits, plus one for the run's end and one for the widest zone offset; the rest
    after the last shift; at least a week."""
    days = MIN_LOOKBACK_DAYS
    for eng in team.engineers:
        for rule in LOOKBACK_RULES:
            limit = getattr(eng.rules, rule, None)
            if limit is not None:
                days = max(days, limit + 2)
        days = max(days, math.ceil(eng.rules.min_rest_minutes / 1440) + 1)
    return days


@dataclass(frozen=True)
class HistorySplit:
    """History seen from a horizon: the facts that overlap it (kept as they are, counted as
    coverage, written to schedule.csv unchanged) and the past rows before it that a rule
    or fairness counts. Rows wholly after the horizon, or older than both windows, are
    left out."""

    facts: tuple[Assignment, ...]
    past: tuple[Assignment, ...]  # end by the horizon start, overlap a look-back window
    rules_start: int  # the rules look back to here
    fairness_start: int  # `fairness_weeks` weeks of 7 local days before the horizon

    @property
    def for_rules(self) -> tuple[Assignment, ...]:
        """Past rows that end after `rules_start`: rest, runs of days and nights."""
        return tuple(a for a in self.past if a.end > self.rules_start)

    @property
    def for_fairness(self) -> tuple[Assignment, ...]:
        """Past rows that start in the fairness window (a row counts where it starts)."""
        return tuple(a for a in self.past if a.start >= self.fairness_start)


def split_history(team: Team, history: list[Assignment]) -> HistorySplit:
    span = Span.of(team.horizon)
    weeks = team.history.fairness_weeks if team.history else DEFAULT_FAIRNESS_WEEKS
    horizon = team.horizon
    fairness_start = local_midnight(horizon.start - timedelta(days=7 * weeks), horizon.timezone)
    rules_start = span.start - rule_lookback_days(team) * 1440
    since = min(fairness_start, rules_start)
    facts = [a for a in history if a.start < span.end and a.end > span.start]
    past = [a for a in history if since < a.end <= span.start
            and (a.end > rules_start or a.start >= fairness_start)]
    return HistorySplit(tuple(facts), tuple(past), rules_start, fairness_start)
