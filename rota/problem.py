"""The validated team description: plain frozen dataclasses, no I/O.

Local times are minutes after local midnight; a window that runs past midnight has an
end above 1440. Instants are whole minutes since the Unix epoch, UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 1440
FIRST_YEAR, LAST_YEAR = 1971, 2200  # zone and holiday data make sense in between
# The names `objective:` may list: the groups of stages 2-6 (SPEC §3, `rota.solve.objective`).
OBJECTIVE_NAMES = ("preferences", "night", "fairness", "handoffs", "spread")

Window = tuple[int, int]
"""(start, end) in minutes after local midnight, 0 <= start < end <= start + 1440."""

WeeklyPattern = tuple[tuple[Window, ...], ...]
"""Seven tuples of windows, Monday first."""


@dataclass(frozen=True)
class Rules:
    """Hard rules' values; `None` means no limit. What each means, and its checks, live
    in `rota.rules`."""

    min_rest_hours: float = 11
    max_shift_hours: float = 12
    max_hours_per_week: float | None = 48
    max_shifts_per_week: int | None = 6
    max_consecutive_days: int | None = 6
    max_weekend_days: int | None = None
    work_on_holidays: bool = False
    max_shifts_per_day: int | None = None
    night: Window = (22 * 60, 30 * 60)  # the engineer's local night (SPEC §10)
    max_night_shifts_per_week: int | None = None
    max_consecutive_nights: int | None = None

    @property
    def min_rest_minutes(self) -> int:
        return round(self.min_rest_hours * 60)

    @property
    def max_shift_minutes(self) -> int:
        return round(self.max_shift_hours * 60)

    @property
    def max_minutes_per_week(self) -> int | None:
        return None if self.max_hours_per_week is None else round(self.max_hours_per_week * 60)


@dataclass(frozen=True)
class Unavailable:
    """Local time off: whole dates (inclusive) or a local datetime range."""

    start: date | datetime
    end: date | datetime


@dataclass(frozen=True)
class Engineer:
    id: str
    name: str
    timezone: str
    tiers: tuple[str, ...]
    rules: Rules
    site: str | None = None
    holidays: str | None = None  # "GB-ENG", "US", ...
    weekend: frozenset[int] = frozenset({5, 6})
    availability: WeeklyPattern | None = None  # None: available at all times
    unavailable: tuple[Unavailable, ...] = ()
    prefer: WeeklyPattern | None = None
    avoid: WeeklyPattern | None = None
    email: str | None = None  # matches calendar attendees (SPEC §9)


@dataclass(frozen=True)
class ShiftTemplate:
    """A fixed shift that starts at `start` on each of `days`, in `timezone`.

    `timezone` is an IANA name, or "local" for each engineer's own zone.
    """

    name: str
    start: int
    end: int
    timezone: str = "UTC"
    days: frozenset[int] = frozenset(range(7))
    tiers: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Flexible:
    """Solver-chosen shifts: start on a step of the engineer's local clock."""

    min_minutes: int = 240
    max_minutes: int | None = None  # None: rules.max_shift_hours
    step_minutes: int = 60


@dataclass(frozen=True)
class CoverageRule:
    tier: str
    min: int
    days: frozenset[int] = frozenset(range(7))
    windows: tuple[Window, ...] = ((0, MINUTES_PER_DAY),)
    timezone: str = "UTC"


@dataclass(frozen=True)
class Horizon:
    start: date
    days: int
    timezone: str = "UTC"


@dataclass(frozen=True)
class SolverSettings:
    time_limit_seconds: float = 60
    workers: int = 0
    seed: int = 0
    reproducible: bool = False  # bound the search by work done, not seconds (SPEC §7)


DEFAULT_FAIRNESS_WEEKS = 4


@dataclass(frozen=True)
class HistoryFile:
    """A published schedule named under `history.schedules`: its path (relative paths
    resolved against the team file's folder) and where the team file names it."""

    path: str
    line: int | None = None
    column: int | None = None
    key_path: str = ""


@dataclass(frozen=True)
class History:
    """The `history` key (SPEC §8): earlier published schedules, and how many weeks
    before the horizon count for fairness."""

    files: tuple[HistoryFile, ...] = ()
    fairness_weeks: int = DEFAULT_FAIRNESS_WEEKS


@dataclass(frozen=True)
class Team:
    """Everything `plan`, `check` and `validate` need, validated."""

    name: str
    horizon: Horizon
    engineers: tuple[Engineer, ...]
    coverage: tuple[CoverageRule, ...]
    rules: Rules = field(default_factory=Rules)
    shifts: tuple[ShiftTemplate, ...] = ()
    flexible: Flexible | None = None
    solver: SolverSettings = field(default_factory=SolverSettings)
    source: str = "<memory>"
    history: History | None = None
    objective: tuple[str, ...] | None = None  # stages 2-6 by name (SPEC §3); None: all

    @property
    def tiers(self) -> tuple[str, ...]:
        """Tiers with demand, in the order the coverage rules first name them."""
        return tuple(dict.fromkeys(rule.tier for rule in self.coverage))

    @cached_property
    def _capacities(self) -> dict[str, float]:
        from rota.loads import capacities  # computed from the engineers' time (timeline)

        return capacities(self)

    def capacity(self, eng: Engineer) -> float:
        """Minutes the engineer may work over the horizon, net of leave and holidays
        (`rota.loads.capacities`)."""
        return self._capacities[eng.id]

    def capacity_minutes(self, eng: Engineer) -> int:
        """The capacity in whole minutes, at least 1: what load ratios are measured by."""
        return max(1, round(self.capacity(eng)))

    def engineer(self, key: str) -> Engineer | None:
        """Look an engineer up by name or id."""
        for eng in self.engineers:
            if key in (eng.name, eng.id):
                return eng
        return None
