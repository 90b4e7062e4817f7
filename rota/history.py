"""History (SPEC §8): the schedules published before, loaded and validated, and split into
the facts inside the horizon and the past that rules and fairness look back on.

The files are those of the team file's `history.schedules` and of `--history`, read like
`rota check` reads a schedule (.csv or .xlsx). A row repeated in several files (the shift
across a week boundary is in both weeks' schedules) counts once.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from rota.assignment import Assignment, sort_key
from rota.candidates import Candidate
from rota.diff import match_key
from rota.errors import InputError, Problem
from rota.problem import DEFAULT_FAIRNESS_WEEKS, HistoryFile, Team
from rota.schedule import read_table, resolve_names
from rota.timeline import Span, iso_utc, local_date, local_midnight, public_holidays

HISTORY_SHIFT = "history"  # the shift of a history row that names none

MIN_LOOKBACK_DAYS = 7


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
    """Days before the horizon that the rules look back on: the most any rule of the
    registry declares for any engineer (a run of local days limited plus one for the run's
    end and one for the widest zone offset; the rest after the last shift), at least a
    week."""
    from rota.rules import RULES

    return max([MIN_LOOKBACK_DAYS] + [rule.lookback_days(eng) for eng in team.engineers
                                      for rule in RULES])


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
    def judged(self) -> tuple[Assignment, ...]:
        """What `check` judges the schedule with: the facts and the rules' look-back."""
        return self.facts + self.for_rules

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


# ----- history in the model ------------------------------------------------------------------

def fixed_candidate(team: Team, span: Span, a: Assignment, *, fixed: bool = True,
                    published: bool = False) -> Candidate:
    """A history row (engineer by name) as a candidate of its engineer: chosen whatever the
    solver does when `fixed`. It counts in the block `Span.block_of` gives it: block 0 if
    it overlaps the horizon start, a week before the horizon if it lies wholly before."""
    index = next(n for n, eng in enumerate(team.engineers) if eng.name == a.engineer)
    eng = team.engineers[index]
    return Candidate(index, a.tier, a.shift or HISTORY_SHIFT, a.start, a.end,
                     local_date(a.start, eng.timezone), span.block_of(a.start, a.end),
                     fixed=fixed, published=published)


def with_facts(team: Team, span: Span, candidates: list[Candidate], facts: Iterable[Assignment],
               lookback: Iterable[Assignment], since: int | None = None
               ) -> tuple[list[Candidate], list[Candidate]]:
    """The candidates with history's facts added as fixed candidates, and the rules'
    look-back rows as fixed candidates of their own (for the rules only: they cover
    nothing and count in no objective).

    Generated candidates are left out where history has decided: one equal to a fact
    (same engineer, tier, start and end); one that starts before `since` (replan: the
    kept part); and, without `since`, one that starts before the horizon for a tier of
    which a fact starts before the horizon too (history staffed the shift across the
    boundary, which is not planned again)."""
    fixed = [fixed_candidate(team, span, a) for a in facts]
    taken = {(c.engineer, c.tier, c.start, c.end) for c in fixed}
    early_tiers = {c.tier for c in fixed if c.start < span.start}

    def open_(c: Candidate) -> bool:
        if (c.engineer, c.tier, c.start, c.end) in taken:
            return False
        if since is not None:
            return c.start >= since
        return not (c.start < span.start and c.tier in early_tiers)

    out = [c for c in candidates if open_(c)] + fixed
    out.sort(key=lambda c: (c.engineer, c.start, c.end, c.tier, c.shift))
    return out, [fixed_candidate(team, span, a) for a in lookback]


# ----- fairness over weeks -------------------------------------------------------------------

@dataclass(frozen=True)
class PastLoad:
    """What each engineer (by index) worked in the fairness window before the horizon,
    the constants that fairness adds to this horizon's loads (SPEC §3 stages 4 and 6)."""

    days: int = 0  # the window's length; capacity grows by it
    minutes: dict[int, int] = field(default_factory=dict)
    weekend_minutes: dict[int, int] = field(default_factory=dict)
    weekend_shifts: dict[int, int] = field(default_factory=dict)
    holiday_minutes: dict[int, int] = field(default_factory=dict)
    holiday_shifts: dict[int, int] = field(default_factory=dict)
    night_minutes: dict[int, int] = field(default_factory=dict)
    night_shifts: dict[int, int] = field(default_factory=dict)


def past_load(team: Team, span: Span, history: HistorySplit | None) -> PastLoad | None:
    """History's fairness window, per engineer; None without history (no row at all: then
    capacity is the horizon's alone, not grown by a window nobody worked in). A row counts
    in full where it starts (as in the weekly blocks); a day is the local date of the start."""
    from rota.rules.nights import is_night_shift, night_minutes

    if history is None or not (history.facts or history.past):
        return None
    window = Span(history.fairness_start, span.start, ())
    out = PastLoad((span.start - history.fairness_start) // 1440)
    index = {eng.name: n for n, eng in enumerate(team.engineers)}
    for a in history.for_fairness:
        e = index[a.engineer]
        eng = team.engineers[e]
        day = local_date(a.start, eng.timezone)
        out.minutes[e] = out.minutes.get(e, 0) + a.minutes
        if day.weekday() in eng.weekend:
            out.weekend_minutes[e] = out.weekend_minutes.get(e, 0) + a.minutes
            out.weekend_shifts[e] = out.weekend_shifts.get(e, 0) + 1
        if day in public_holidays(eng, window):
            out.holiday_minutes[e] = out.holiday_minutes.get(e, 0) + a.minutes
            out.holiday_shifts[e] = out.holiday_shifts.get(e, 0) + 1
        night = night_minutes(eng.timezone, eng.rules.night, a.start, a.end)
        if night:
            out.night_minutes[e] = out.night_minutes.get(e, 0) + night
        if is_night_shift(eng, a.start, a.end):
            out.night_shifts[e] = out.night_shifts.get(e, 0) + 1
    return out
