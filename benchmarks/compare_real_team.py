"""Compare schedules for one team, measure by measure, as a markdown table.

For each schedule CSV (at least engineer,tier,start_utc,end_utc; `rota plan`'s
schedule.csv has more columns, which are ignored) it computes the figures of
/work/shared/data/real-team/README.md against the team YAML, the same way for every
schedule:

- demand and uncovered person-minutes (uncovered as `rota check` counts it), and
  over-covered person-minutes: the sum over time of max(0, on duty - required) inside
  the horizon, per tier, from an exact sweep over the boundaries;
- assignments, their hours, and how many engineers have one;
- hours per engineer (all engineers of the team, and those scheduled), shift lengths,
  shifts per engineer, engineer-days with 2 or more shifts starting on one local day,
  and the shortest rest between one engineer's shifts;
- assignments (and minutes) inside the engineer's `avoid` windows and outside their
  `availability`;
- the violations `rota check` reports, by rule.

Run from the repository root:

    .venv/bin/python benchmarks/compare_real_team.py examples/real-team.yaml \\
        /work/shared/data/real-team/their-schedule.csv /tmp/rt-ours1/schedule.csv
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path
from statistics import median

from rota.assignment import Assignment, hours_text
from rota.check import check
from rota.config import load_team
from rota.errors import InputError
from rota.problem import Team
from rota.schedule import read_schedule
from rota.timeline import (
    Span,
    availability,
    contains,
    demand,
    local_date,
    merge,
    overlap,
    soft_intervals,
)


def coverage_sweep(team: Team, span: Span, assignments: list[Assignment]) -> tuple[int, int]:
    """(uncovered, over-covered) person-minutes inside the horizon, summed over tiers.

    Each engineer counts at most once per tier at any instant; tiers without demand
    count every on-duty minute as over-covered.
    """
    need = demand(team, span)
    on: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for a in assignments:
        start, end = max(a.start, span.start), min(a.end, span.end)
        if start < end:
            on[a.tier][a.engineer].append((start, end))
    under = over = 0
    for tier in set(need) | set(on):
        delta: Counter[int] = Counter()
        for start, end, required in need.get(tier, []):
            delta[start] -= required
            delta[end] += required
        for intervals in on[tier].values():
            for start, end in merge(intervals):
                delta[start] += 1
                delta[end] -= 1
        surplus = 0  # on duty - required, between this boundary and the next
        bounds = sorted(delta)
        for here, after in zip(bounds, bounds[1:]):
            surplus += delta[here]
            under += max(0, -surplus) * (after - here)
            over += max(0, surplus) * (after - here)
    return under, over


def triple(values: list[float]) -> str:
    """'min / median / max' of hour values, or 'n/a'."""
    if not values:
        return "n/a"
    low, mid, high = min(values), median(values), max(values)
    return " / ".join(hours_text(round(v * 60)) for v in (low, mid, high))


def measure(team: Team, assignments: list[Assignment]) -> dict[str, str]:
    """Every measure for one schedule, as display text keyed by measure name."""
    span = Span.of(team.horizon)
    verdict = check(team, assignments)
    under, over = coverage_sweep(team, span, assignments)
    uncovered = sum(verdict.uncovered.values())
    if under != uncovered:  # two independent counts of the same thing must agree
        raise RuntimeError(f"sweep finds {under} uncovered minutes, rota check {uncovered}")
    required = sum((end - start) * n for pieces in demand(team, span).values()
                   for start, end, n in pieces)

    mine: dict[str, list[Assignment]] = defaultdict(list)
    in_avoid = avoid_minutes = outside = outside_minutes = 0
    for a in assignments:
        eng = team.engineer(a.engineer)
        if eng is None:  # rota check reports it; it has no windows to measure against
            continue
        mine[eng.name].append(a)
        avoid = soft_intervals(eng, span, "avoid") or []
        if overlap(avoid, a.start, a.end):
            in_avoid += 1
            avoid_minutes += overlap(avoid, a.start, a.end)
        free = availability(eng, span)
        if not contains(free, a.start, a.end):
            outside += 1
            outside_minutes += a.minutes - overlap(free, a.start, a.end)

    hours = {eng.name: sum(a.minutes for a in mine[eng.name]) / 60 for eng in team.engineers}
    worked = [h for name, h in hours.items() if mine[name]]
    lengths = [a.minutes / 60 for a in assignments]
    rests, double_days = [], 0
    for name, items in mine.items():
        items.sort(key=lambda a: (a.start, a.end))
        rests += [(b.start - a.end) / 60 for a, b in zip(items, items[1:])]
        tz = team.engineer(name).timezone
        per_day = Counter(local_date(a.start, tz) for a in items)
        double_days += sum(1 for n in per_day.values() if n > 1)
    by_rule = Counter(v.rule for v in verdict.violations)

    return {
        "demand (person-minutes)": f"{required:,} ({hours_text(required)} h)",
        "uncovered person-minutes": f"{uncovered:,}",
        "coverage gaps (rota check)": str(len(verdict.gaps)),
        "over-covered person-minutes": f"{over:,}",
        "assignments (total hours)": f"{len(assignments)} "
                                     f"({hours_text(sum(a.minutes for a in assignments))} h)",
        "engineers with a shift": f"{len(worked)} of {len(team.engineers)}",
        "hours per engineer, all (min / median / max)": triple(list(hours.values())),
        "hours per engineer, scheduled (min / median / max)": triple(worked),
        "shift length, h (min / median / max)": triple(lengths),
        "max shifts per engineer": str(max((len(v) for v in mine.values()), default=0)),
        "engineer-days with 2+ shifts (local start date)": str(double_days),
        "min rest between one engineer's shifts, h":
            hours_text(round(min(rests) * 60)) if rests else "n/a",
        "assignments inside `avoid` (minutes)": f"{in_avoid} ({avoid_minutes:,} min)",
        "assignments outside availability (minutes)": f"{outside} ({outside_minutes:,} min)",
        "rota check violations": str(len(verdict.violations)) + (
            " (" + ", ".join(f"{r} {n}" for r, n in sorted(by_rule.items())) + ")"
            if by_rule else ""),
    }


def table(columns: dict[str, dict[str, str]]) -> str:
    """A markdown table: one row per measure, one column per schedule."""
    names = list(columns)
    lines = ["| measure | " + " | ".join(f"`{n}`" for n in names) + " |",
             "|---|" + "---|" * len(names)]
    for key in next(iter(columns.values())):
        lines.append(f"| {key} | " + " | ".join(columns[n][key] for n in names) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Usage: compare_real_team.py TEAM.yaml SCHEDULE.csv [SCHEDULE.csv ...]"""
    if len(argv) < 2:
        print(main.__doc__, file=sys.stderr)
        return 2
    try:
        team = load_team(argv[0])
        columns = {path: measure(team, read_schedule(path)) for path in argv[1:]}
    except InputError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Team: `{Path(argv[0])}` ({len(team.engineers)} engineers, "
          f"{team.horizon.days} days from {team.horizon.start})\n")
    print(table(columns))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
