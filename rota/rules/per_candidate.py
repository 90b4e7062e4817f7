"""The rules about each assignment on its own: availability, leave (`unavailable`),
public holidays (`work_on_holidays`), shift length (`max_shift_hours`) and tier.

The planner keeps them by construction: `restrict` narrows the `Bounds` inside which
candidates are built. The referee checks every row.
"""

from __future__ import annotations

from dataclasses import replace

from rota.assignment import hours_text
from rota.rules.base import Bounds, CandidateRule, Duty, Key, each, when
from rota.timeline import availability, contains, overlap, public_holidays, subtract, time_off


def _restrict_availability(eng, span, bounds: Bounds) -> Bounds:
    free = bounds.free
    return replace(bounds, free=subtract(free, subtract(free, availability(eng, span))))


def _check_availability(duty: Duty):
    free = availability(duty.eng, duty.span)
    for a in duty.assignments:
        if not contains(free, a.start, a.end):
            yield duty.violation("availability", a.start, a.end,
                                 f"{duty.eng.name} is not available for all of {when(a)}", a.row)


def _restrict_leave(eng, span, bounds: Bounds) -> Bounds:
    return replace(bounds, free=subtract(bounds.free, time_off(eng)))


def _check_leave(duty: Duty):
    off = time_off(duty.eng)
    for a in duty.assignments:
        if overlap(off, a.start, a.end):
            yield duty.violation("unavailable", a.start, a.end,
                                 f"{duty.eng.name} is unavailable during {when(a)}", a.row)


def _holidays(eng, span) -> frozenset:
    return frozenset() if eng.rules.work_on_holidays else public_holidays(eng, span)


def _restrict_holidays(eng, span, bounds: Bounds) -> Bounds:
    return replace(bounds, days_off=bounds.days_off | _holidays(eng, span))


def _check_holidays(duty: Duty):
    holidays = _holidays(duty.eng, duty.span)
    for a, day in each(duty):
        if day in holidays:
            yield duty.violation("holiday", a.start, a.end,
                                 f"{day} is a public holiday ({duty.eng.holidays}) for "
                                 f"{duty.eng.name}", a.row)


def _restrict_length(eng, span, bounds: Bounds) -> Bounds:
    return replace(bounds, longest=min(bounds.longest, eng.rules.max_shift_minutes))


def _check_length(duty: Duty):
    rules = duty.eng.rules
    for a in duty.assignments:
        if a.minutes > rules.max_shift_minutes:
            yield duty.violation("shift_length", a.start, a.end,
                                 f"{hours_text(a.minutes)} h is longer than max_shift_hours "
                                 f"{rules.max_shift_hours:g}", a.row)


def _restrict_tier(eng, span, bounds: Bounds) -> Bounds:
    return replace(bounds, tiers=tuple(t for t in bounds.tiers if t in eng.tiers))


def _check_tier(duty: Duty):
    eng = duty.eng
    for a in duty.assignments:
        if a.tier not in eng.tiers:
            yield duty.violation("tier", a.start, a.end,
                                 f"{eng.name} does not hold tier '{a.tier}' "
                                 f"(holds {', '.join(eng.tiers)})", a.row)


AVAILABILITY = CandidateRule(
    "availability", "each assignment lies inside the engineer's `availability`", (),
    ("availability",), _restrict_availability, _check_availability)
LEAVE = CandidateRule("unavailable", "no assignment overlaps the engineer's `unavailable`", (),
                      ("unavailable",), _restrict_leave, _check_leave)
HOLIDAYS = CandidateRule(
    "holiday", "no assignment starts on a public holiday of the engineer's `holidays`",
    (Key("work_on_holidays", "flag", "whether engineers may work on their public holidays"),),
    ("holiday",), _restrict_holidays, _check_holidays)
SHIFT_LENGTH = CandidateRule(
    "shift_length", "no assignment is longer than the longest allowed",
    (Key("max_shift_hours", "shift_hours", "longest single assignment"),),
    ("shift_length",), _restrict_length, _check_length)
TIER = CandidateRule("tier", "each assignment is for a tier the engineer holds", (), ("tier",),
                     _restrict_tier, _check_tier)
