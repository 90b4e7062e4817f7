"""What a rule is, and the three views of a schedule it judges.

A rule lives in one module of this package with everything about it side by side: the
YAML keys it reads, the violation names it reports, how it constrains the CP-SAT model,
how the referee finds its violations and how a greedy builder tests it. The modules
never import ortools: the model is handed to them (`ModelView`), so `rota check` stays
independent of the solver.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from rota.assignment import Assignment

if TYPE_CHECKING:
    from rota.candidates import Candidate
    from rota.problem import Engineer
    from rota.timeline import Interval, Span


@dataclass(frozen=True)
class Violation:
    rule: str
    engineer: str
    start: int
    end: int
    message: str
    row: int | None = None  # the schedule line it comes from, when one row is to blame


@dataclass(frozen=True)
class Key:
    """A key of `rules:` (also settable on a site or an engineer)."""

    name: str
    kind: str  # how config reads it: hours, shift_hours, week_hours, count, flag, window
    meaning: str


@dataclass
class Duty:
    """The referee's view of one engineer's schedule over the horizon."""

    eng: Engineer
    span: Span
    assignments: list[Assignment]  # sorted by start, then end
    days: list[date]  # the local date on which each assignment starts

    def violation(self, rule: str, start: int, end: int, message: str,
                  row: int | None = None) -> Violation:
        return Violation(rule, self.eng.name, start, end, message, row)

    def by_block(self) -> dict[int, list[int]]:
        """Indices of the assignments per 7-day block (where each starts; history wholly
        before the horizon in the weeks before it, `Span.block_of`)."""
        out: dict[int, list[int]] = defaultdict(list)
        for n, a in enumerate(self.assignments):
            out[self.span.block_of(a.start, a.end)].append(n)
        return dict(sorted(out.items()))


class Ledger:
    """What one engineer has been given so far by a greedy builder, indexed for the
    rules' `fits` tests."""

    def __init__(self) -> None:
        self.chosen: list[Candidate] = []
        self.by_block: dict[int, list[Candidate]] = defaultdict(list)
        self.days: dict[date, int] = defaultdict(int)  # shifts starting on each local date
        self.minutes = 0

    def add(self, c: Candidate) -> None:
        self.chosen.append(c)
        self.by_block[c.block].append(c)
        self.days[c.day] += 1
        self.minutes += c.minutes

    def remove(self, c: Candidate) -> None:
        self.chosen.remove(c)
        self.by_block[c.block].remove(c)
        self.days[c.day] -= 1
        if not self.days[c.day]:
            del self.days[c.day]
        self.minutes -= c.minutes


class ModelView(Protocol):
    """What a rule sees of the CP-SAT model (`rota.solve.model.RotaModel`)."""

    model: Any  # the cp_model.CpModel: add, add_at_most_one, new_bool_var, ...
    x: list[Any]  # one boolean per candidate
    cands: list[Candidate]

    def day_flags(self, ids: list[int], key: Callable[[Candidate], object]) -> dict:
        """A boolean per value of `key` that is 1 whenever a candidate with it is chosen."""
        ...


@dataclass(frozen=True)
class Rule:
    """A hard rule over each engineer's schedule as a whole."""

    name: str
    about: str  # one line for the README's rule table and the CLI help
    keys: tuple[Key, ...]
    violations: tuple[str, ...]
    constrain: Callable[[ModelView, Engineer, list[int]], None]  # ids: the engineer's candidates
    check: Callable[[Duty], Iterable[Violation]]
    fits: Callable[[Engineer, Candidate, Ledger], bool]  # may c join what ledger holds?
    # Days before the horizon whose history the rule needs (SPEC §8: every rule holds
    # across the boundary): rest after the last shift, runs of days counted back.
    lookback_days: Callable[[Engineer], int] = lambda eng: 0


@dataclass
class Bounds:
    """What the per-candidate rules leave an engineer: a candidate must lie inside `free`,
    last at most `longest` minutes, be for one of `tiers` and not start on a `days_off`."""

    free: list[Interval]
    longest: int
    tiers: tuple[str, ...]
    days_off: frozenset[date] = field(default_factory=frozenset)


@dataclass(frozen=True)
class CandidateRule:
    """A rule about each assignment on its own: the planner only ever builds candidates
    that keep it (`restrict`), the referee checks every row."""

    name: str
    about: str
    keys: tuple[Key, ...]
    violations: tuple[str, ...]
    restrict: Callable[[Engineer, Span, Bounds], Bounds]
    check: Callable[[Duty], Iterable[Violation]]


def when(a: Assignment) -> str:
    from rota.timeline import iso_utc

    return f"{iso_utc(a.start)}..{iso_utc(a.end)}"


def each(duty: Duty) -> Iterator[tuple[Assignment, date]]:
    return zip(duty.assignments, duty.days, strict=True)
