"""Fairness over weeks (SPEC §8, issue 11): four consecutive weekly plans of a team, each
with the earlier ones as history, against four independent weekly plans of the same weeks.

For each engineer it totals, over the four weeks, the hours on duty and the weekend
shifts (shifts starting on a day of the engineer's own weekend), and reports, per group
of engineers with the same availability, tiers, rules, holidays, zone and leave, the
spread (largest minus smallest) of each. SPEC §3 asks engineers alike to end up within
one shift of each other.

Run from the repository root (each plan gets --time-limit seconds, default 20):

    .venv/bin/python benchmarks/weekly_fairness.py examples/follow-the-sun.yaml \\
        --start 2027-03-01 [--weeks 4] [--time-limit 20] [--markdown]
    .venv/bin/python benchmarks/weekly_fairness.py --rotation    # the built-in team below

The team file's `horizon.start` is replaced by each week's Monday (the file must plan
one week).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from rota.assignment import Assignment
from rota.config import parse_team
from rota.history import split_history
from rota.problem import Team
from rota.solve.planner import plan
from rota.timeline import local_date

# Eight engineers alike, three 8-hour shifts a day, one on duty at all times: 21 shifts a
# week for 8 people, so each week five get 3 shifts and three get 2, and six of them
# work a weekend shift. Planned alone, each week may pick the same people.
ROTATION = """\
version: 1
team: Rotation of eight
horizon: {start: 2027-03-01, weeks: 1}
engineers:
ENGINEERS
shifts:
  - {name: night, start: "00:00", end: "08:00"}
  - {name: day, start: "08:00", end: "16:00"}
  - {name: evening, start: "16:00", end: "00:00"}
coverage:
  - {tier: tier2, min: 1}
solver: {workers: 1}
""".replace("ENGINEERS", "\n".join(f"  - {{name: Engineer {n}, tiers: [tier2]}}"
                                    for n in range(1, 9)))


def week_team(text: str, monday: date, source: str) -> Team:
    moved = re.sub(r"(\n\s*start:\s*)\d{4}-\d{2}-\d{2}", rf"\g<1>{monday}", text, count=1)
    moved = re.sub(r"(horizon: \{start: )\d{4}-\d{2}-\d{2}", rf"\g<1>{monday}", moved, count=1)
    return parse_team(moved, source)


def run(text: str, source: str, first: date, weeks: int, limit: float, chained: bool
        ) -> tuple[Team, dict[str, list[Assignment]]]:
    done: list[Assignment] = []
    team = None
    for k in range(weeks):
        team = week_team(text, first + timedelta(days=7 * k), source)
        history = split_history(team, done) if chained else None
        result = plan(team, time_limit=limit, history=history)
        seen = {(a.engineer, a.tier, a.start, a.end) for a in done}
        done += [a for a in result.result.assignments
                 if (a.engineer, a.tier, a.start, a.end) not in seen]
        status = result.result.coverage_stage.status
        print(f"  week {k + 1} ({'chained' if chained else 'alone'}): "
              f"{'covered' if result.covered else 'gaps'}, coverage {status}, "
              f"{len(result.result.assignments)} assignments", file=sys.stderr)
    mine: dict[str, list[Assignment]] = defaultdict(list)
    for a in done:
        mine[a.engineer].append(a)
    assert team is not None
    return team, mine


def groups(team: Team) -> list[list[str]]:
    alike: dict[tuple, list[str]] = defaultdict(list)
    for eng in team.engineers:
        alike[(eng.timezone, eng.tiers, eng.availability, eng.rules, eng.holidays,
               eng.weekend, eng.unavailable)].append(eng.name)
    return [names for names in alike.values() if len(names) > 1]


def figures(team: Team, mine: dict[str, list[Assignment]]) -> dict[str, tuple[float, int, int]]:
    """Per engineer: hours, shifts and weekend shifts over the weeks."""
    out = {}
    for eng in team.engineers:
        rows = mine.get(eng.name, [])
        weekend = sum(1 for a in rows if local_date(a.start, eng.timezone).weekday()
                      in eng.weekend)
        out[eng.name] = (sum(a.minutes for a in rows) / 60, len(rows), weekend)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("team", nargs="?")
    parser.add_argument("--rotation", action="store_true", help="plan the built-in team")
    parser.add_argument("--start", default="2027-03-01", help="the first week's Monday")
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=20)
    args = parser.parse_args()
    if args.rotation:
        text, source = ROTATION, "rotation.yaml"
    else:
        text, source = Path(args.team).read_text(encoding="utf-8"), args.team
    first = date.fromisoformat(args.start)
    print(f"## {source}: {args.weeks} weeks from {first}, {args.time_limit:g} s a plan\n")
    results = {}
    for chained in (False, True):
        team, mine = run(text, source, first, args.weeks, args.time_limit, chained)
        results[chained] = figures(team, mine)
    alike = groups(team)
    print("| engineers alike | independent: hours (spread) | weekend shifts (spread) | "
          "chained: hours (spread) | weekend shifts (spread) |")
    print("|---|---|---|---|---|")
    for names in alike:
        cells = []
        for chained in (False, True):
            f = results[chained]
            hours = [f[n][0] for n in names]
            weekend = [f[n][2] for n in names]
            cells.append(f"{'/'.join(f'{h:g}' for h in hours)} ({max(hours) - min(hours):g} h)")
            cells.append(f"{'/'.join(map(str, weekend))} ({max(weekend) - min(weekend)})")
        print(f"| {', '.join(names)} | " + " | ".join(cells) + " |")
    print()
    print("| engineer | independent: hours, shifts, weekend shifts | chained |")
    print("|---|---|---|")
    for name in results[False]:
        a, b = results[False][name], results[True][name]
        print(f"| {name} | {a[0]:g} h, {a[1]}, {a[2]} | {b[0]:g} h, {b[1]}, {b[2]} |")


if __name__ == "__main__":
    main()
