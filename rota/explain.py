"""`rota explain`: why each gap of a plan is there, and the smallest fix found for it.

A gap's cause is structural (as `validate` reports it: nobody available, holiday or
leave, no shift fits) or the rules: the engineers who have a legal candidate shift over
the gap, each with the rule instances that adding it to their planned schedule breaks,
as the referee's rules (`rota.rules`) find them. That is relaxation on the plan: cheap,
and it names the very rule instance (the block, the neighbouring shift).

The fixes are of two kinds: one rule relaxed for one engineer, just enough for that
candidate shift to pass; or one more engineer of the tier free only in the gap's UTC
window, in a zone whose daytime that window is. Each fix is verified by planning the
changed team (coverage stage only) and comparing its uncovered minutes with the plan's.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from html import escape
from typing import Any

from rota import scenarios
from rota.assignment import Assignment, hours_text
from rota.candidates import (
    Candidate,
    demand_segments,
    engineer_candidates,
    generate,
    template_occurrences,
)
from rota.capacity import NOBODY, TIME_OFF, StructuralGap, capacity
from rota.check import Gap, check
from rota.jobs import SEARCH_WORKERS, run_all
from rota.problem import Engineer, Team
from rota.resilience import SinglePoint, single_points
from rota.rules import RULES, Duty, Violation
from rota.solve.planner import Plan, plan
from rota.timeline import Span, from_minute, iso_utc, local_date, overlap, pattern_intervals, zone

# A violation found when a candidate joins a schedule → the rule key that would let it.
VIOLATION_KEYS: dict[str, str | None] = {
    "hours_per_week": "max_hours_per_week", "shifts_per_week": "max_shifts_per_week",
    "rest": "min_rest_hours", "overlap": None, "consecutive_days": "max_consecutive_days",
    "weekend_days": "max_weekend_days", "shifts_per_day": "max_shifts_per_day",
    "night_shifts_per_week": "max_night_shifts_per_week",
    "consecutive_nights": "max_consecutive_nights"}
CANDIDATES_PER_ENGINEER = 40  # candidate shifts tried per engineer and gap, most overlap first
RELAXATIONS_VERIFIED = 3  # per gap, the most promising relaxations re-planned
TOTAL_TIMES = 10  # no verifying re-plan starts after this many plan time limits, unless told
DAYTIME = (8 * 60, 18 * 60)  # a zone's daytime, for the stand-in engineer
# Zones offered for a stand-in engineer (after the team's own): hubs first, then one per offset.
ZONES = ("America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Berlin",
         "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
         "Pacific/Auckland", "America/Chicago", "America/Denver", "America/Sao_Paulo",
         "Pacific/Honolulu", "America/Anchorage", "Atlantic/Azores", "Europe/Athens",
         "Africa/Nairobi", "Asia/Dubai", "Asia/Karachi", "Asia/Dhaka", "Asia/Bangkok",
         "Australia/Brisbane", "Pacific/Noumea", "Pacific/Fiji")


@dataclass(frozen=True)
class Block:
    """One rule instance that stops an engineer from taking a shift."""

    rule: str  # the rule key (max_hours_per_week, min_rest_hours, ...) or "overlap"
    violation: str  # the referee's name for it
    text: str


@dataclass(frozen=True)
class Blocker:
    """An engineer who could otherwise cover (part of) a gap, and what stops them."""

    engineer: str
    start: int  # the candidate shift that would cover it
    end: int
    covers: int  # minutes of the gap it covers
    blocks: tuple[Block, ...]


@dataclass
class Fix:
    kind: str  # "relax" or "add_engineer"
    text: str
    engineer: str | None = None
    rule: str | None = None
    old: Any = None
    new: Any = None
    tier: str | None = None
    timezone: str | None = None
    window: tuple[int, int] | None = None
    more: tuple[tuple[int, int], ...] = ()  # further windows of the same stand-in
    covers: int = 0  # minutes of the gap the fix is aimed at
    size: float = 0.0  # how big the change is, to rank fixes of one kind
    closes: int | None = None  # person-minutes fewer uncovered, verified by re-planning
    uncovered_after: int | None = None
    proven: bool = False  # the re-plan's coverage stage proved its uncovered minutes
    witness: Assignment | None = None  # the shift the fix lets someone take
    replanned: bool = False

    def team(self, team: Team) -> Team:
        """The team with this fix applied."""
        if self.kind == "relax":
            return scenarios.with_rule(team, self.engineer, self.rule, self.new)
        assert self.tier and self.timezone and self.window
        return scenarios.with_engineers(team, [scenarios.stand_in(
            team, self.tier, self.timezone, self.window, self.engineer or "stand-in",
            self.more)])

    def identity(self) -> tuple:
        return (self.kind, self.engineer, self.rule, self.new, self.tier, self.timezone,
                self.window, self.more)


@dataclass
class GapExplanation:
    gap: Gap
    structural: list[StructuralGap] = field(default_factory=list)
    blockers: list[Blocker] = field(default_factory=list)
    fix: Fix | None = None
    alternatives: list[Fix] = field(default_factory=list)
    unverified: int = 0  # fixes found but not re-planned: no time left

    @property
    def structural_minutes(self) -> int:
        return sum(min(s.end, self.gap.end) - max(s.start, self.gap.start)
                   for s in self.structural)

    def cause(self) -> str:
        parts = []
        for s in self.structural:
            parts.append(f"{_span(max(s.start, self.gap.start), min(s.end, self.gap.end))} "
                         f"{structural_text(s)}")
        if self.blockers:
            parts.append("rules block " + "; ".join(blocker_text(b) for b in self.blockers))
        elif not self.structural:
            parts.append("no engineer of the tier has a legal shift over it that is not "
                         "already on duty")
        return "; ".join(parts)


@dataclass
class Explanation:
    plan: Plan
    gaps: list[GapExplanation]
    seconds: float = 0.0
    verifications: int = 0
    single_points: list[SinglePoint] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # plan, causes, verify seconds
    # One stand-in for several gaps at the same UTC time of day: (gap numbers, fix).
    combined: list[tuple[tuple[int, ...], Fix]] = field(default_factory=list)

    def notes(self) -> dict[Gap, tuple[str, str]]:
        """Each gap's cause and fix, one line each, for report.md and report.html."""
        return {item.gap: (item.cause(), fix_text(item.fix, item.unverified))
                for item in self.gaps}

    def single_points_md(self) -> list[str]:
        from rota.report import _md

        lines = ["## Single points of failure", ""]
        if not self.single_points:
            return [*lines, "None: every interval has more engineers who can cover it than "
                            "it needs."]
        lines += ["| tier | start (UTC) | end (UTC) | minutes | required | only |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {_md(s.tier)} | {iso_utc(s.start)} | {iso_utc(s.end)} | {s.minutes} | "
                  f"{s.required} | {_md(', '.join(s.engineers))} |" for s in self.single_points]
        return lines

    def single_points_html(self) -> str:
        head = "\n<h2>Single points of failure</h2>"
        if not self.single_points:
            return head + "<p>None: every interval has more engineers who can cover it than " \
                          "it needs.</p>"
        rows = "".join(f"<tr><td>{escape(s.tier)}</td><td>{iso_utc(s.start)}</td>"
                       f"<td>{iso_utc(s.end)}</td><td>{s.minutes}</td><td>{s.required}</td>"
                       f"<td>{escape(', '.join(s.engineers))}</td></tr>\n"
                       for s in self.single_points)
        return (head + '<table id="single-points"><thead><tr><th>tier</th><th>start_utc</th>'
                "<th>end_utc</th><th>minutes</th><th>required</th><th>only</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>")

    @property
    def uncovered(self) -> int:
        return sum(self.plan.verdict.uncovered.values())

    @property
    def proven(self) -> bool:
        return self.plan.result.coverage_stage.status == "OPTIMAL"


# ----- rule instances ---------------------------------------------------------------------

def _span(start: int, end: int) -> str:
    """Mon 2027-02-01 20:00–24:00Z; Tue 2027-02-02 20:00–Wed 08:00Z."""
    a, b = from_minute(start), from_minute(end)
    if b.date() == a.date():
        tail = b.strftime("%H:%M")
    elif b.strftime("%H:%M") == "00:00" and (b.date() - a.date()).days == 1:
        tail = "24:00"
    else:
        tail = b.strftime("%a %H:%M")
    return f"{a.strftime('%a %Y-%m-%d %H:%M')}–{tail}Z"


def shift_label(a: Assignment | Candidate) -> str:
    return _span(a.start, a.end)


def structural_text(s: StructuralGap) -> str:
    names = ", ".join(s.who[:6]) + (f" and {len(s.who) - 6} more" if len(s.who) > 6 else "")
    if s.reason == NOBODY:
        return (f"nobody holding {s.tier} is available" if not s.who
                else f"nobody else holding {s.tier} is available (only {names})")
    if s.reason == TIME_OFF:
        return f"holiday or leave: {names}"
    return f"no shift fits the free time of {names}"


def blocker_text(b: Blocker) -> str:
    return (f"{b.engineer} ({shift_label(b)}): "
            + ", ".join(block.text for block in b.blocks))


def _duty(eng: Engineer, span: Span, items: list[Assignment]) -> Duty:
    items = sorted(items, key=lambda a: (a.start, a.end))
    return Duty(eng, span, items, [local_date(a.start, eng.timezone) for a in items])


def _violations(eng: Engineer, span: Span, items: list[Assignment]) -> list[Violation]:
    duty = _duty(eng, span, items)
    return [v for rule in RULES for v in rule.check(duty)]


def _block(v: Violation, eng: Engineer, span: Span, mine: list[Assignment],
           c: Assignment) -> Block:
    key = VIOLATION_KEYS.get(v.rule)
    rules = eng.rules
    if v.rule in ("hours_per_week", "shifts_per_week"):
        index = span.block(v.start)
        same = [a for a in mine if span.block(a.start) == index]
        if v.rule == "hours_per_week":
            text = (f"max_hours_per_week {rules.max_hours_per_week:g} reached in week "
                    f"{index + 1} ({hours_text(sum(a.minutes for a in same))} h planned, "
                    f"this shift adds {hours_text(c.minutes)})")
        else:
            text = (f"max_shifts_per_week {rules.max_shifts_per_week} reached in week "
                    f"{index + 1} ({len(same)} shifts planned)")
    elif v.rule == "rest":
        if v.end == c.start:
            other = [a for a in mine if a.end == v.start]
            where = "after"
        else:
            other = [a for a in mine if a.start == v.end]
            where = "before"
        label = shift_label(other[0]) if other else _span(v.start, v.end)
        text = (f"min_rest_hours {rules.min_rest_hours:g} {where} their {label} shift "
                f"(only {hours_text(v.end - v.start)} h between)")
    elif v.rule == "overlap":
        other = [a for a in mine if a.start < c.end and c.start < a.end]
        label = shift_label(other[0]) if other else _span(v.start, v.end)
        text = f"already on duty {label}" + (f" for {other[0].tier}" if other else "")
    else:
        text = f"{key}: {v.message}"
    return Block(key or v.rule, v.rule, text)


def new_blocks(eng: Engineer, span: Span, mine: list[Assignment], c: Assignment,
               before: set[tuple] | None = None) -> list[Block]:
    """The rule instances that adding `c` to the engineer's schedule `mine` breaks."""
    known = before if before is not None else {
        (v.rule, v.start, v.end) for v in _violations(eng, span, mine)}
    out = []
    for v in _violations(eng, span, [*mine, c]):
        if (v.rule, v.start, v.end) not in known:
            out.append(_block(v, eng, span, mine, c))
    return out


def relaxed_value(eng: Engineer, span: Span, items: list[Assignment], key: str) -> Any:
    """The least change to the rule `key` of `eng` under which `items` keep every rule,
    or None if no value of that key alone does."""
    rules = eng.rules
    current = getattr(rules, key)

    def passes(value: Any) -> bool:
        return not _violations(replace(eng, rules=replace(rules, **{key: value})), span, items)

    if key == "min_rest_hours":
        ordered = sorted(items, key=lambda a: (a.start, a.end))
        rests = [b.start - a.end for a, b in zip(ordered, ordered[1:])]
        short = [r for r in rests if 0 <= r < rules.min_rest_minutes]
        value = min(short) / 60 if short else None
    elif key == "max_hours_per_week":
        blocks: dict[int, int] = defaultdict(int)
        for a in items:
            blocks[span.block(a.start)] += a.minutes
        value = float(math.ceil(max(blocks.values()) / 60))
    else:
        value = next((current + k for k in range(1, 15) if passes(current + k)), None)
    return value if value is not None and passes(value) else None


# ----- the gaps ---------------------------------------------------------------------------

class _Context:
    """What every gap's explanation reads: the plan, the candidates, who is on duty."""

    def __init__(self, team: Team, p: Plan):
        self.team, self.span = team, p.span
        self.candidates = generate(team, p.span)
        self.by_engineer: dict[tuple[int, str], list[Candidate]] = defaultdict(list)
        for c in self.candidates:
            self.by_engineer[(c.engineer, c.tier)].append(c)
        self.duty: dict[str, list[Assignment]] = defaultdict(list)
        for a in p.result.assignments:
            self.duty[a.engineer].append(a)
        self.base = {name: {(v.rule, v.start, v.end) for v in _violations(
            team.engineer(name), self.span, items)} for name, items in self.duty.items()}
        self.structural = capacity(team).gaps

    def blockers(self, gap: Gap) -> tuple[list[Blocker], list[Fix]]:
        """Who could otherwise cover `gap`, what stops each, and the relaxations that
        would let them."""
        out: list[Blocker] = []
        fixes: list[Fix] = []
        for index, eng in enumerate(self.team.engineers):
            if gap.tier not in eng.tiers:
                continue
            mine = self.duty.get(eng.name, [])
            if any(a.tier == gap.tier and a.start < gap.end and gap.start < a.end for a in mine):
                continue  # already on duty in it, counted in `assigned`
            options = [c for c in self.by_engineer.get((index, gap.tier), ())
                       if c.start < gap.end and gap.start < c.end]
            if not options:
                continue
            options.sort(key=lambda c: (-_covers(c, gap), c.minutes, c.start))
            best: tuple | None = None
            for c in options[:CANDIDATES_PER_ENGINEER]:
                shift = Assignment(eng.name, c.tier, c.start, c.end, c.shift)
                blocks = new_blocks(eng, self.span, mine, shift, self.base.get(eng.name, set()))
                keys = {b.rule for b in blocks}
                rank = (len(keys), -_covers(c, gap), c.minutes)
                if best is None or rank < best[0]:
                    best = (rank, shift, blocks)
                if len(keys) == 1 and None not in keys and "overlap" not in keys:
                    fix = self._relax(eng, mine, shift, next(iter(keys)), gap)
                    if fix:
                        fixes.append(fix)
            if best is not None:
                _, shift, blocks = best
                out.append(Blocker(eng.name, shift.start, shift.end, _covers(shift, gap),
                                   tuple(blocks)))
        out.sort(key=lambda b: (-b.covers, len(b.blocks), b.engineer))
        return out, fixes

    def _relax(self, eng: Engineer, mine: list[Assignment], shift: Assignment, key: str,
               gap: Gap) -> Fix | None:
        value = relaxed_value(eng, self.span, [*mine, shift], key)
        if value is None:
            return None
        old = getattr(eng.rules, key)
        if key == "min_rest_hours":
            size = (old - value) / old if old else 1.0
            change = f"min_rest_hours {old:g} → {value:g}"
        else:
            size = (value - old) / old if old else float(value)
            change = f"{key} {old:g} → {value:g} (+{value - old:g})"
        return Fix("relax", f"relax {change} for {eng.name}", engineer=eng.name, rule=key,
                   old=old, new=value, covers=_covers(shift, gap), size=size, witness=shift)

    def stand_in(self, gap: Gap) -> Fix | None:
        """One more engineer of the tier, free in the gap's window, in the zone whose
        daytime holds most of it and who has a legal shift there."""
        window = self._window(gap)
        zones = list(dict.fromkeys([*(e.timezone for e in self.team.engineers), *ZONES]))
        ranked = sorted(zones, key=lambda tz: _daytime_rank(tz, window, self.team))
        name = f"New {gap.tier} engineer"
        for tz in ranked[:6]:
            extra = scenarios.stand_in(self.team, gap.tier, tz, window, name)
            trial = scenarios.with_engineers(self.team, [extra])
            cands = engineer_candidates(trial, len(trial.engineers) - 1, self.span)
            best = max((c for c in cands if c.tier == gap.tier),
                       key=lambda c: (_covers(c, gap), -c.minutes), default=None)
            covers = _covers(best, gap) if best else 0
            if best and covers:
                local = f"{_clock(window[0], tz)}–{_clock(window[1], tz)} {tz} time"
                return Fix("add_engineer",
                           f"one more {gap.tier} engineer available {_span(*window)} "
                           f"({local})",
                           engineer=name, tier=gap.tier, timezone=tz, window=window,
                           covers=covers, size=window[1] - window[0],
                           witness=Assignment(name, gap.tier, best.start, best.end, best.shift))
        return None

    def _window(self, gap: Gap) -> tuple[int, int]:
        """The gap, widened to hold a shift: the fixed shifts of its tier that overlap it,
        or the shortest flexible shift."""
        start, end = gap.start, gap.end
        flex = self.team.flexible
        if flex is not None:
            if end - start < flex.min_minutes:
                end = start + flex.min_minutes
            return start, end
        for template in self.team.shifts:
            if template.tiers is not None and gap.tier not in template.tiers:
                continue
            tz = "UTC" if template.timezone == "local" else template.timezone
            for s, e in template_occurrences(template, tz, self.span):
                if s < gap.end and gap.start < e:
                    start, end = min(start, s), max(end, e)
        return start, end


def _covers(c: Any, gap: Gap) -> int:
    return max(0, min(c.end, gap.end) - max(c.start, gap.start))


def _clock(minute: int, tz: str) -> str:
    return from_minute(minute).astimezone(zone(tz)).strftime("%H:%M")


def _daytime_rank(tz: str, window: tuple[int, int], team: Team) -> tuple:
    start, end = window
    first = local_date(start, tz)
    days = pattern_intervals(((DAYTIME,),) * 7, tz, first, local_date(end, tz))
    outside = (end - start) - overlap(days, start, end)
    local = from_minute((start + end) // 2).astimezone(zone(tz))
    centre = abs(local.hour * 60 + local.minute - (DAYTIME[0] + DAYTIME[1]) // 2)
    known = any(e.timezone == tz for e in team.engineers)
    order = ZONES.index(tz) if tz in ZONES else -1
    return (outside, not known, centre // 120, order, tz)


def explain(team: Team, *, time_limit: float | None = None,
            verify_time_limit: float | None = None, total_seconds: float | None = None,
            workers: int | None = None, seed: int | None = None, base: Plan | None = None,
            reproducible: bool | None = None, jobs: int = 1, log=None) -> Explanation:
    """Plan `team` (or take `base`), then explain each gap and verify a fix for it by
    re-planning the changed team, `jobs` re-plans at once (`rota.jobs`: each bounded by
    work alone, so the answers do not depend on `jobs`). No re-plan starts that would end
    after `total_seconds` (default: 10 × the plan's time limit); a gap left without one
    says so."""
    started = time.perf_counter()
    p = base or plan(team, time_limit=time_limit, workers=workers, seed=seed,
                     reproducible=reproducible)
    timings = {"plan": time.perf_counter() - started, "causes": 0.0, "verify": 0.0}
    ctx = _Context(team, p)
    before = sum(p.verdict.uncovered.values())
    verify_limit = verify_time_limit or min(30.0, p.time_limit or 30.0)
    cache: dict[tuple, scenarios.Probe] = {}
    total = TOTAL_TIMES * (p.time_limit or 60.0) if total_seconds is None else total_seconds

    options = {"time_limit": verify_limit, "workers": workers or SEARCH_WORKERS, "seed": seed}

    def replan(fixes: list[Fix]) -> None:
        """Re-plan the changed team of each fix not re-planned yet (once per identity),
        `jobs` at once, as many as fit before `total` (each may take `verify_limit`)."""
        clock = time.perf_counter()
        todo = list({f.identity(): f for f in fixes if f.identity() not in cache}.values())
        rounds = max(0, int((total - (clock - started)) // verify_limit))
        todo = todo[:rounds * max(1, jobs)]
        probes = run_all(scenarios.coverage_probe, [(f.team(team), options) for f in todo],
                         jobs)
        for fix, probe in zip(todo, probes):
            cache[fix.identity()] = probe
            if log:
                log(f"re-planned: {fix.text}: {probe.uncovered} uncovered "
                    f"({probe.status}, {probe.seconds:.1f}s)")
        timings["verify"] += time.perf_counter() - clock

    def verify(fix: Fix) -> Fix | None:
        """The fix's closed minutes: the better of the plan plus the fix's shift, judged by
        the referee on the changed team, and its re-plan (if `replan` had time for it).
        None if neither could be had."""
        found: list[int] = []
        if fix.witness is not None:
            verdict = check(fix.team(team), [*p.result.assignments, fix.witness])
            if not verdict.violations:
                found.append(sum(verdict.uncovered.values()))
        probe = cache.get(fix.identity())
        if probe is not None:
            found.append(probe.uncovered)
        if not found:
            return None
        fix.replanned, fix.proven = probe is not None, bool(probe and probe.proven)
        fix.uncovered_after = min(found)
        fix.closes = before - fix.uncovered_after
        return fix

    out: list[GapExplanation] = []
    relaxed: list[list[Fix]] = []  # per gap, the relaxations to verify
    for gap in p.verdict.gaps:
        item = GapExplanation(gap, [s for s in ctx.structural if s.tier == gap.tier
                                    and s.start < gap.end and gap.start < s.end])
        item.blockers, relaxations = ctx.blockers(gap)
        seen: dict[tuple, Fix] = {}  # one per engineer and rule: the least change
        for fix in sorted(relaxations, key=lambda f: (-f.covers, f.size, f.engineer)):
            seen.setdefault((fix.engineer, fix.rule), fix)
        out.append(item)
        relaxed.append(list(seen.values())[:RELAXATIONS_VERIFIED])
    replan([f for fixes in relaxed for f in fixes])
    tried = [[verify(f) for f in fixes] for fixes in relaxed]
    extra: dict[int, Fix] = {}  # per gap no relaxation closes: a stand-in engineer
    for n, (item, fixes) in enumerate(zip(out, tried)):
        person_minutes = item.gap.missing * item.gap.minutes
        if not any(f and f.closes and f.closes >= min(person_minutes, f.covers) for f in fixes):
            stand_in = ctx.stand_in(item.gap)
            if stand_in:
                extra[n] = stand_in
    replan(list(extra.values()))
    for n, (item, fixes) in enumerate(zip(out, tried)):
        if n in extra:
            fixes.append(verify(extra[n]))
        person_minutes = item.gap.missing * item.gap.minutes
        item.unverified = sum(1 for f in fixes if f is None)
        good = [f for f in fixes if f and f.closes and f.closes > 0]
        good.sort(key=lambda f: (-min(f.closes or 0, person_minutes), f.kind != "relax",
                                 f.size, f.text))
        if good:
            item.fix, item.alternatives = good[0], good[1:]
    daily = _daily(out)
    replan([fix for _, fix in daily])
    combined = [(numbers, fix) for numbers, fix in daily
                if verify(fix) and fix.closes and fix.closes > 0]
    points = single_points(team, demand_segments(team, p.span, ctx.candidates), ctx.candidates)
    seconds = time.perf_counter() - started
    timings["causes"] = seconds - timings["plan"] - timings["verify"]
    return Explanation(p, out, round(seconds, 3), len(cache), points,
                       {k: round(v, 3) for k, v in timings.items()}, combined)


def _daily(items: list[GapExplanation]) -> list[tuple[tuple[int, ...], Fix]]:
    """Gaps whose fix is a stand-in at the same UTC time of day, for the same length, tier
    and zone: one stand-in free in all their windows."""
    groups: dict[tuple, list[tuple[int, Fix]]] = defaultdict(list)
    for n, item in enumerate(items, 1):
        f = item.fix
        if f is not None and f.kind == "add_engineer" and f.window:
            start, end = f.window
            groups[(f.tier, f.timezone, start % 1440, end - start)].append((n, f))
    out = []
    for (tier, tz, _, _), members in groups.items():
        if len(members) < 2:
            continue
        windows = [f.window for _, f in members if f.window]
        first = windows[0]
        text = (f"one more {tier} engineer available {from_minute(first[0]):%H:%M}–"
                f"{_span(*first)[-6:]} on {len(windows)} days "
                f"({_clock(first[0], tz)}–{_clock(first[1], tz)} {tz} time)")
        out.append((tuple(n for n, _ in members),
                    Fix("add_engineer", text, engineer=members[0][1].engineer, tier=tier,
                        timezone=tz, window=first, more=tuple(windows[1:]),
                        covers=sum(f.covers for _, f in members))))
    return out


# ----- output -----------------------------------------------------------------------------

def fix_text(fix: Fix | None, unverified: int = 0) -> str:
    if fix is None:
        if unverified:
            return (f"{unverified} fix(es) found but not verified: no time left "
                    "(raise --total)")
        return "no fix found that closes any of it"
    how = ("re-planned" if fix.proven else "re-planned, not proven minimal" if fix.replanned
           else "the plan plus this shift, judged by the referee; no time left to re-plan")
    return f"{fix.text}: closes {fix.closes} person-minutes ({how})"


def gap_note(item: GapExplanation) -> tuple[str, str]:
    """(cause, fix) of one gap, one line each, for the reports."""
    return item.cause(), fix_text(item.fix)


def explain_text(ex: Explanation) -> str:
    p = ex.plan
    proven = "proven minimal" if ex.proven else "NOT proven minimal"
    lines = [f"{p.team.name}: {len(p.verdict.gaps)} gap(s), {ex.uncovered} person-minutes "
             f"uncovered ({proven})"]
    for n, item in enumerate(ex.gaps, 1):
        g = item.gap
        lines += ["", f"gap {n}: {g.tier} {_span(g.start, g.end)}, short {g.missing} of "
                      f"{g.required}, {g.missing * g.minutes} person-minutes"]
        for s in item.structural:
            lines.append(f"  structural {_span(max(s.start, g.start), min(s.end, g.end))}: "
                         f"{structural_text(s)}")
        if item.blockers:
            lines.append("  could otherwise cover it:")
            for b in item.blockers:
                lines.append(f"    {b.engineer}, {shift_label(b)} ({b.covers} min of it): "
                             + ("; ".join(block.text for block in b.blocks)
                                or "no rule broken (the plan is not minimal here)"))
        elif not item.structural:
            lines.append("  nobody holding the tier has a legal shift over it")
        lines.append(f"  fix: {fix_text(item.fix, item.unverified)}")
        for alt in item.alternatives:
            lines.append(f"  or:  {fix_text(alt)}")
    for numbers, fix in ex.combined:
        lines += ["", f"together, gaps {', '.join(map(str, numbers))}: {fix_text(fix)}"]
    if not ex.gaps:
        lines.append("every minute is covered: nothing to explain")
    t = ex.timings
    lines += ["", f"explained in {ex.seconds:.1f}s: plan {t.get('plan', 0):.1f}s, causes "
                  f"{t.get('causes', 0):.1f}s, {ex.verifications} re-plan(s) to verify fixes "
                  f"{t.get('verify', 0):.1f}s"]
    return "\n".join(lines) + "\n"


def _fix_json(fix: Fix) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": fix.kind, "text": fix.text, "closes_minutes": fix.closes,
                           "uncovered_after": fix.uncovered_after, "proven": fix.proven,
                           "replanned": fix.replanned}
    if fix.kind == "relax":
        out.update(engineer=fix.engineer, rule=fix.rule, old=fix.old, new=fix.new)
    else:
        assert fix.window
        out.update(tier=fix.tier, timezone=fix.timezone, start_utc=iso_utc(fix.window[0]),
                   end_utc=iso_utc(fix.window[1]))
        if fix.more:
            out["windows"] = [{"start_utc": iso_utc(a), "end_utc": iso_utc(b)}
                              for a, b in (fix.window, *fix.more)]
    return out


def explain_json(ex: Explanation) -> dict[str, Any]:
    from rota.report import gap_row

    gaps = []
    for item in ex.gaps:
        row = gap_row(item.gap)
        row["person_minutes"] = item.gap.missing * item.gap.minutes
        row["structural"] = [{"start_utc": iso_utc(max(s.start, item.gap.start)),
                              "end_utc": iso_utc(min(s.end, item.gap.end)),
                              "reason": s.reason, "who": list(s.who)} for s in item.structural]
        row["blocked"] = [{"engineer": b.engineer, "start_utc": iso_utc(b.start),
                           "end_utc": iso_utc(b.end), "covers_minutes": b.covers,
                           "rules": [{"rule": x.rule, "violation": x.violation, "text": x.text}
                                     for x in b.blocks]} for b in item.blockers]
        row["cause"] = item.cause()
        row["fix"] = _fix_json(item.fix) if item.fix else None
        row["alternatives"] = [_fix_json(f) for f in item.alternatives]
        row["unverified_fixes"] = item.unverified
        gaps.append(row)
    return {"team": ex.plan.team.name, "status": "covered" if not ex.gaps else "gaps",
            "uncovered_minutes": ex.uncovered, "proven_minimal": ex.proven,
            "gaps": gaps, "combined_fixes": [{"gaps": list(numbers), **_fix_json(fix)}
                                             for numbers, fix in ex.combined],
            "seconds": ex.seconds, "timings": ex.timings,
            "verifications": ex.verifications}
