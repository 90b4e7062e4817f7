"""Measures of a rota's shape that the objective and the reports share: night minutes,
local start times, peer groups of identical engineers, hand-offs and the daytime share.
No solver here: `check`, `report` and `what-if` use these on any schedule."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC

from rota.assignment import Assignment
from rota.problem import Engineer, Team
from rota.rules.nights import night_intervals
from rota.timeline import Span, from_minute, local_date, overlap, subtract, zone


def night_minutes_of(eng: Engineer, span: Span, intervals: list[tuple[int, int]]) -> list[int]:
    """Minutes of each interval inside the engineer's local `night`."""
    nights = night_intervals(eng, span)
    return [overlap(nights, s, e) for s, e in intervals]


def local_minute_of_day(minute: int, tz: str) -> int:
    """The local wall-clock time of an instant, in minutes after local midnight."""
    moment = from_minute(minute).replace(tzinfo=UTC).astimezone(zone(tz))
    return moment.hour * 60 + moment.minute


def peer_key(eng: Engineer) -> tuple:
    """What makes two engineers interchangeable for fairness (SPEC §3): the same tiers,
    zone, availability, time off, rules, holidays and weekend."""
    return (eng.tiers, eng.timezone, eng.availability, eng.unavailable, eng.rules,
            eng.holidays, eng.weekend)


def peer_groups(team: Team) -> list[list[int]]:
    """Indices of engineers with the same `peer_key`, groups of two or more."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for index, eng in enumerate(team.engineers):
        groups[peer_key(eng)].append(index)
    return [g for g in groups.values() if len(g) > 1]


def daytime_share(team: Team, span: Span, segments: dict, assignments: list[Assignment]
                  ) -> dict[str, float | None]:
    """Per tier: the share of required person-minutes staffed by people outside their
    local night (SPEC §10); None for a tier with no requirement. `segments` is the
    referee's coverage (`CheckResult.segments`)."""
    from rota.check import coverage_segments

    day_parts = []
    nights: dict[str, list[tuple[int, int]]] = {}
    for a in assignments:
        eng = team.engineer(a.engineer)
        if eng is None or a.tier not in eng.tiers:
            continue
        if eng.name not in nights:
            nights[eng.name] = night_intervals(eng, span)
        for s, e in subtract([(a.start, a.end)], nights[eng.name]):
            day_parts.append(Assignment(eng.name, a.tier, s, e))
    daytime = coverage_segments(team, span, day_parts)
    out: dict[str, float | None] = {}
    for tier, segs in segments.items():
        required = sum(s.required * s.minutes for s in segs)
        staffed = sum(min(s.required, s.assigned) * s.minutes for s in daytime.get(tier, []))
        out[tier] = round(staffed / required, 4) if required else None
    return out


def schedule_night_minutes(team: Team, span: Span, assignments: list[Assignment]) -> int:
    """Minutes on duty inside each engineer's local night, in all."""
    total = 0
    for eng in team.engineers:
        mine = [(a.start, a.end) for a in assignments if a.engineer == eng.name]
        total += sum(night_minutes_of(eng, span, mine)) if mine else 0
    return total


def handoff_times(team: Team, span: Span, assignments: list[Assignment]) -> float:
    """How regular the hand-offs are: the distinct UTC times of day at which assignments
    start, per tier and 7-day block, on average (fewer is a rota people can live by)."""
    times: dict[tuple[str, int], set[int]] = defaultdict(set)
    for a in assignments:
        if span.start <= a.start < span.end:
            times[(a.tier, span.block_of(a.start, a.end))].add(a.start % 1440)
    return round(sum(len(t) for t in times.values()) / len(times), 2) if times else 0.0


def weekend_moves(team: Team, span: Span, assignments: list[Assignment]
                  ) -> list[tuple[str, str, Assignment]]:
    """(A, B, shift): engineer A has two or more weekend shifts (local start date on A's
    weekend), B, who holds the shift's tier, has none, and B could take this one of A's
    without breaking a rule (the referee judges B's schedule with it). SPEC §3 stage 6
    wants none."""
    from dataclasses import replace

    from rota.check import check

    mine: dict[str, list[Assignment]] = defaultdict(list)
    for a in assignments:
        mine[a.engineer].append(a)

    def weekend(eng: Engineer, a: Assignment) -> bool:
        return local_date(a.start, eng.timezone).weekday() in eng.weekend

    counts = {eng.name: sum(weekend(eng, a) for a in mine[eng.name]) for eng in team.engineers}
    out = []
    for eng in team.engineers:
        if counts[eng.name] < 2:
            continue
        for a in (a for a in mine[eng.name] if weekend(eng, a) and span.start <= a.start):
            for other in team.engineers:
                if counts[other.name] or a.tier not in other.tiers:
                    continue
                moved = replace(a, engineer=other.name)
                if not check(team, [*mine[other.name], moved]).violations:
                    out.append((eng.name, other.name, a))
    return out
