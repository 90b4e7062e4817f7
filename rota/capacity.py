"""Capacity before solving: how many engineers could be on duty, per tier and instant."""

from __future__ import annotations

from collections import defaultdict

from rota.candidates import generate
from rota.check import Segment, coverage_segments
from rota.problem import Team
from rota.schedule import Assignment, hours_text
from rota.timeline import Span, iso_utc, merge


def capacity_segments(team: Team) -> dict[str, list[Segment]]:
    """Per tier: the most engineers who could be on duty, ignoring weekly rules.

    Each engineer counts once wherever any of their legal shifts for the tier reaches.
    """
    span = Span.of(team.horizon)
    reach: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    for c in generate(team, span):
        reach[(c.engineer, c.tier)].append((c.start, c.end))
    stand_ins = [Assignment(team.engineers[e].name, tier, start, end)
                 for (e, tier), intervals in reach.items() for start, end in merge(intervals)]
    return coverage_segments(team, span, stand_ins)


def capacity_text(team: Team) -> str:
    span = Span.of(team.horizon)
    lines = [f"{team.source}: valid",
             f"team: {team.name}; {len(team.engineers)} engineers; horizon "
             f"{iso_utc(span.start)} .. {iso_utc(span.end)} ({team.horizon.days} days)"]
    for tier, segments in capacity_segments(team).items():
        demand = sum(s.required * s.minutes for s in segments)
        short = [s for s in segments if s.assigned < s.required]
        lines.append(f"{tier}: {hours_text(demand)} person-hours required; "
                     + (f"{len(short)} structural gap(s):" if short else "no structural gap"))
        for s in short:
            lines.append(f"  {iso_utc(s.start)} .. {iso_utc(s.end)}  at most {s.assigned} of "
                         f"{s.required} could be on duty ({s.minutes} min)")
    return "\n".join(lines) + "\n"
