"""An assignment: one engineer on duty for one tier over an interval. No I/O."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Assignment:
    """One engineer on duty for one tier over [start, end) (epoch minutes, UTC)."""

    engineer: str
    tier: str
    start: int
    end: int
    shift: str = ""
    row: int | None = None  # line in the file it came from
    local: tuple[str, str, str] | None = None  # timezone, start_local, end_local as read

    @property
    def minutes(self) -> int:
        return self.end - self.start


Key = tuple[str, str, int, int]


def match_key(a: Assignment) -> Key:
    """What two schedules' rows are matched on (`rota diff`, history, replan)."""
    return (a.engineer, a.tier, a.start, a.end)


def sort_key(a: Assignment) -> tuple[int, str, int, str]:
    return (a.start, a.engineer, a.end, a.tier)


def hours_text(minutes: int) -> str:
    """480 → '8', 450 → '7.5', 20 → '0.33'."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")
