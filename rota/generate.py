"""`rota generate`: a realistic follow-the-sun team in SPEC format, reproducible from a seed.

The team:

- Three hand-off regions, each a fixed 8-hour UTC shift for tier 2 -- apac 23:00-07:00,
  emea 07:00-15:00, amer 15:00-23:00 -- staffed from sites in several countries, so that
  one country's public holiday never empties a region: apac from Sydney, Singapore and
  Tokyo; emea from London, Berlin, Bengaluru (+05:30) and Kathmandu (+05:45, Saturday
  weekend); amer from New York, Chicago, Los Angeles and Sao Paulo.
- Tier 1 covers business hours, 08:00-17:00 Monday to Friday, in each region's main zone
  (Singapore, London, New York), with a fixed shift of its own.
- Tier 2 needs 1 engineer around the clock and 2 in the 13:00-17:00 UTC weekday peak.
- A flexible shift (4 to 8 hours) is offered to everyone as well.
- Each engineer has a role: tier-2 weekdays, tier-2 with weekends, tier 1 only, both tiers,
  part-time (3 or 4 days, capped hours), or personal hours outside the hand-off shift
  (shifted or split days, usable only by flexible shifts). Availability windows are
  derived from the hand-off shifts' local times over the horizon, so they hold the shift
  on both sides of every DST change.
- The horizon starts on Monday 2027-03-01: 13 weeks cross the US (03-14), EU (03-28) and
  Australian (04-04, the other way) clock changes.

Coverable by construction: while drawing the team the generator builds a *witness*, a
schedule made of fixed shifts only that covers every required minute and keeps every rule
with room to spare (at most 5 shifts per 7-day block and 5 consecutive days, where the
rules allow 6). Where leave or a public holiday leaves a shift without anyone, it takes a
leave block back or makes someone a holiday volunteer (`work_on_holidays: true`). With
`understaffed`, apac has nobody for weekends, so the apac hours of every weekend are
structural gaps, and the witness is left with those gaps.

Everything random comes from one `random.Random(seed)`; the same arguments give the same
bytes.
"""

from __future__ import annotations

import copy
import json
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from rota.candidates import Candidate
from rota.problem import DAY_NAMES, Rules
from rota.rules import Ledger, fits
from rota.timeline import (
    from_minute,
    holiday_calendar,
    local_date,
    local_midnight,
    localize,
    zone,
)

HORIZON_START = date(2027, 3, 1)  # a Monday; 13 weeks cross the US, EU and AU DST changes
MIN_ENGINEERS = 20
MAX_WEEKS = 52
SHIFT_MINUTES = 8 * 60
TIER1_HOURS = (8 * 60, 17 * 60)  # local business hours of each region's main zone
PEAK_HOURS = (13 * 60, 17 * 60)  # UTC, mon-fri: EMEA afternoon meets the Americas morning
# The flexible step drives the model's size: every engineer gets a candidate per step of
# their local clock and per length inside their free time. Keep it coarse.
FLEX_MIN_HOURS, FLEX_MAX_HOURS, FLEX_STEP_MINUTES = 4, 8, 120
WITNESS_MAX_SHIFTS = 5  # per 7-day block; the rule allows 6
WITNESS_MAX_RUN = 5  # consecutive days; the rule allows 6
DEFAULT_WEEKLY_MINUTES = 48 * 60

# `--load L`: a tight team. Demand is scaled by integer multipliers of the tier-2 and
# tier-1 minimums and the team's weekly cap is chosen, so that required person-hours ÷
# capacity comes as close to L as the head-count allows.
LOAD_MIN_ENGINEERS = 10
LOAD_HOURS = tuple(range(36, 49, 2))  # the team's max_hours_per_week, one per team
LOAD_FLEX = (6, 10, 30)  # flexible min_hours, max_hours, step_minutes
PEAK_SHIFT = (12 * 60, 18 * 60)  # UTC, mon-fri: a short tier-2 shift that staffs the peak
LOAD_MAX_SHIFTS = 6  # the rules' own limits: the witness keeps them, with no room to spare
LOAD_MAX_RUN = 6
# With --load the tier-1 hand-offs are staggered so that they tile the union of the three
# business days with barely an overlap: London from 08:00 covers Singapore's last hour,
# New York from 10:00 London's last two, London New York's first two, in every DST
# combination. The requirement stays 08:00-17:00 in each zone.
LOAD_TIER1 = {"apac": (8 * 60, 16 * 60), "emea": (8 * 60, 15 * 60), "amer": (10 * 60, 17 * 60)}
LOAD_TRIES = 6  # designs tried per target, closest estimate first
LOAD_STEPS = 8  # targets: L, then 0.03 lower each time none of those is coverable
WITNESS_ATTEMPTS = 4  # tie orders the witness tries per design


@dataclass(frozen=True)
class Region:
    key: str  # also the name of its tier-2 hand-off shift
    start: int  # UTC minute of the day the hand-off shift starts
    tier1_zone: str  # tier 1 works 08:00-17:00 mon-fri here
    share: float  # of the engineers


@dataclass(frozen=True)
class Site:
    key: str
    region: str
    timezone: str
    holidays: str
    weekend: tuple[int, ...]
    share: float  # of its region
    names: str  # the name pool


REGIONS = (
    Region("apac", 23 * 60, "Asia/Singapore", 0.30),
    Region("emea", 7 * 60, "Europe/London", 0.35),
    Region("amer", 15 * 60, "America/New_York", 0.35),
)
SITES = (
    Site("sydney", "apac", "Australia/Sydney", "AU-NSW", (5, 6), 0.35, "au"),
    Site("singapore", "apac", "Asia/Singapore", "SG", (5, 6), 0.40, "sg"),
    Site("tokyo", "apac", "Asia/Tokyo", "JP", (5, 6), 0.25, "jp"),
    Site("london", "emea", "Europe/London", "GB-ENG", (5, 6), 0.35, "gb"),
    Site("berlin", "emea", "Europe/Berlin", "DE-BE", (5, 6), 0.25, "de"),
    Site("bengaluru", "emea", "Asia/Kolkata", "IN-KA", (5, 6), 0.25, "in"),
    Site("kathmandu", "emea", "Asia/Kathmandu", "NP", (5,), 0.15, "np"),
    Site("new-york", "amer", "America/New_York", "US-NY", (5, 6), 0.35, "us"),
    Site("chicago", "amer", "America/Chicago", "US-IL", (5, 6), 0.20, "us"),
    Site("los-angeles", "amer", "America/Los_Angeles", "US-CA", (5, 6), 0.25, "us"),
    Site("sao-paulo", "amer", "America/Sao_Paulo", "BR-SP", (5, 6), 0.20, "br"),
)

_NAMES = {
    "au": ("Chloe Liam Olivia Jack Mia Noah Isla Lachlan Ruby Cooper Matilda Harrison Zara "
           "Angus Sienna Riley",
           "Nguyen O'Brien Smith Wilson Taylor Kelly Murphy Walsh Campbell Ryan Clarke Harris "
           "Chen Patel Brown Lee"),
    "sg": ("Wei_Ling Jun_Jie Hui_Min Siti Arjun Marcus Priya Darren Nurul Kai_Wen Farah "
           "Jia_Hui Ravi Shu_Fen Hafiz Mei",
           "Tan Lim Lee Ng Ong Wong Goh Chua Koh Teo Rahman Pillai Yeo Chong Abdullah Sim"),
    "jp": ("Haruto Yui Sota Aoi Ren Hina Yuto Sakura Kaito Mei Riku Yuna Takumi Akari Daiki Mio",
           "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato "
           "Yoshida Yamada Sasaki Matsumoto Inoue Kimura"),
    "gb": ("Oliver Amara Hannah George Isla Harry Freya Jacob Poppy Alfie Imogen Callum Evie "
           "Rhys Niamh Samuel",
           "Hughes Okafor Price Smith Jones Williams Taylor Davies Evans Thomas Walker Wright "
           "Robinson Khan Edwards Green"),
    "de": ("Lena Jonas Lukas Mia Felix Hannah Leon Emilia Paul Sophie Maximilian Clara Finn "
           "Marie Tobias Jana",
           "Fischer Weber Müller Schmidt Schneider Meyer Wagner Becker Schulz Hoffmann Koch "
           "Richter Klein Wolf Schröder Neumann"),
    "in": ("Priya Arjun Ananya Rohit Kavya Vikram Sneha Aditya Divya Karthik Meera Rahul "
           "Lakshmi Siddharth Pooja Nikhil",
           "Raman Iyer Sharma Reddy Nair Rao Gowda Menon Kumar Shetty Hegde Krishnan Bhat "
           "Pillai Joshi Kulkarni"),
    "np": ("Aarav Sita Bikash Anjali Suman Pooja Rajesh Sunita Prakash Manisha Nabin Asha "
           "Dipesh Srijana Kiran Binita",
           "Shrestha Thapa Gurung Tamang Maharjan Adhikari Karki Rai Magar Basnet Pradhan "
           "Joshi Bhandari Khadka Shakya Limbu"),
    "us": ("Maya Daniel Sofia Ethan Grace Noah Ava Marcus Emily Jordan Olivia Tyler Chloe "
           "Brandon Hannah Kevin",
           "Johnson Kim Alvarez Brooks Chen Patel Williams Garcia Miller Davis Rodriguez "
           "Martinez Anderson Jackson Nguyen Thompson"),
    "br": ("João Ana Pedro Mariana Lucas Beatriz Gabriel Juliana Rafael Camila Thiago Larissa "
           "Bruno Fernanda Felipe Letícia",
           "Silva Santos Oliveira Souza Lima Pereira Costa Ferreira Almeida Carvalho Gomes "
           "Ribeiro Martins Rocha Barbosa Araújo"),
}

# Roles, in the order they are filled; the first four make the witness.
T1, BOTH, WEEKEND, WEEKDAY, PART_TIME, PERSONAL = (
    "tier1", "both", "weekend", "weekday", "part-time", "personal")
_ROLE_SHARES = {T1: 0.10, BOTH: 0.15, WEEKEND: 0.25, PART_TIME: 0.08, PERSONAL: 0.07}
_ROLE_MINIMUM = {T1: 1, BOTH: 1, WEEKEND: 2, PART_TIME: 0, PERSONAL: 0}
_WEEKDAY_MINIMUM = 2
_WEEKEND_DAYS = ("daily", "wed-sun", "thu-mon", "fri-tue")
PEAK = "peak"  # a role with --load: weekdays around the peak shift only (emea, amer)


@dataclass(frozen=True)
class Design:
    """With --load: the tier-2 and tier-1 multipliers and the team's weekly hours."""

    tier2: int  # tier 2 needs this many around the clock, twice as many at the peak
    tier1: int  # tier 1 needs this many in each region's business hours
    hours: int  # the team's max_hours_per_week (part-timers keep their lower cap)


def _load_roles(region: str, size: int, design: Design) -> dict[str, int] | None:
    """How many of each role a region of `size` gets for `design`: enough tier-1 holders
    for the business days, weekend crews for the weekends, peak people in emea and amer,
    the rest tier-2 weekday staff; None when the region is too small for the design."""
    shift = LOAD_TIER1[region][1] - LOAD_TIER1[region][0]
    per_person = max(1, min(5, design.hours * 60 // shift))  # business days in a week
    tier1 = math.ceil(5 * design.tier1 * 1.15 / per_person)
    # a few tier-1 specialists in larger regions; every other tier-1 holder takes tier 2
    # as well, so that no hour of a tight team is stuck in one tier
    only = min(tier1 - 1, round(0.10 * size)) if size >= 8 else 0
    counts = {T1: only, BOTH: tier1 - only,
              WEEKEND: math.ceil(1.25 * design.tier2),  # each works 2 weekend days
              PEAK: math.ceil(0.6 * design.tier2) if region != "apac" else 0,
              PART_TIME: round(0.08 * size), PERSONAL: round(0.07 * size)}
    floor = {T1: 0, BOTH: 1, WEEKEND: design.tier2, PEAK: 0, PART_TIME: 0, PERSONAL: 0}
    for role in (PERSONAL, PART_TIME, PEAK, WEEKEND, T1):
        while sum(counts.values()) > size and counts[role] > floor[role]:
            counts[role] -= 1
    if sum(counts.values()) > size:
        return None
    counts[WEEKDAY] = size - sum(counts.values())
    return counts


def _region_sizes(n: int) -> list[int]:
    sizes = [round(n * r.share) for r in REGIONS[:-1]]
    return [*sizes, n - sum(sizes)]


def _weekdays(weeks: int) -> int:
    return 5 * weeks  # the horizon starts on a Monday and lasts whole weeks


def _tier1_minutes(weeks: int) -> int:
    """The minutes of the horizon in which tier 1 is required: the union of the three
    regions' business hours (the requirement at an instant is the max of the rules)."""
    h_start = local_midnight(HORIZON_START, "UTC")
    h_end = h_start + weeks * 7 * 1440
    spans = sorted((max(h_start, localize(day, TIER1_HOURS[0], r.tier1_zone, is_end=False)),
                    min(h_end, localize(day, TIER1_HOURS[1], r.tier1_zone, is_end=True)))
                   for r in REGIONS for d in range(-1, weeks * 7 + 1)
                   if (day := HORIZON_START + timedelta(days=d)).weekday() < 5)
    total, reach = 0, h_start
    for start, end in spans:
        start = max(start, reach)
        if end > start:
            total, reach = total + end - start, end
    return total


def _required_minutes(design: Design, weeks: int, tier1_minutes: int) -> int:
    """Required person-minutes over the horizon (what `rota validate` counts): tier 2
    around the clock plus the weekday peak, tier 1 in the union of business hours."""
    tier2 = design.tier2 * (weeks * 7 * 1440 + _weekdays(weeks) * (PEAK_HOURS[1] - PEAK_HOURS[0]))
    return tier2 + design.tier1 * tier1_minutes


def _designs(n: int, weeks: int, load: float) -> list[Design]:
    """Every design the head-count can staff, closest estimated load first; among those
    about as close, balanced tiers and a cap near 40 hours."""
    ranked = []
    tier1_minutes = _tier1_minutes(weeks)
    top = max(1, math.ceil(n * max(LOAD_HOURS) / 100))
    for hours in LOAD_HOURS:
        for m2 in range(1, top + 1):
            for m1 in range(1, top + 1):
                design = Design(m2, m1, hours)
                roles = [_load_roles(r.key, size, design)
                         for r, size in zip(REGIONS, _region_sizes(n))]
                if any(r is None for r in roles):
                    continue
                part = sum(r[PART_TIME] for r in roles if r)
                capacity = ((n - part) * hours + part * 28) * weeks * 60
                estimate = _required_minutes(design, weeks, tier1_minutes) / capacity
                if estimate >= 1:
                    break
                ranked.append((round(abs(estimate - load), 2), abs(m2 - m1), abs(hours - 40),
                               m2, m1, design))
    ranked.sort(key=lambda r: r[:5])
    return [r[-1] for r in ranked]

Window = tuple[int, int]  # local minutes after midnight


@dataclass(frozen=True)
class Slot:
    """One occurrence of a fixed shift the witness must staff `need` times."""

    region: str
    tier: str
    shift: str
    start: int  # epoch minutes, UTC
    end: int
    need: int


@dataclass(frozen=True)
class _Duty:
    """What the rules' `fits` reads of an engineer."""

    rules: Rules
    weekend: frozenset[int]


@dataclass
class _Engineer:
    name: str
    site: Site
    role: str
    tiers: tuple[str, ...]
    week: list[tuple[Window, ...]]  # Monday first; () = off
    max_hours: int | None = None
    leave: list[tuple[date, date]] = field(default_factory=list)
    appointment: tuple[date, int, int] | None = None  # a few local hours off one day
    volunteer: bool = False  # works on public holidays
    prefer: dict[str, str] | None = None
    avoid: dict[str, str] | None = None
    team_hours: int = DEFAULT_WEEKLY_MINUTES // 60  # the team's max_hours_per_week
    max_weekend: int | None = None  # weekend days per 7-day block (None = no limit)
    ledger: Ledger = field(default_factory=Ledger)  # the witness shifts so far

    @property
    def weekend(self) -> frozenset[int]:
        return frozenset(self.site.weekend)

    def block_minutes(self, block: int) -> int:
        return sum(c.minutes for c in self.ledger.by_block.get(block, ()))

    @property
    def max_minutes(self) -> int:
        return (self.team_hours if self.max_hours is None else self.max_hours) * 60


@dataclass
class Generated:
    """The team's YAML and the witness schedule (engineer, tier, shift, start, end)."""

    yaml: str
    witness: list[tuple[str, str, str, int, int]]
    unstaffed: list[Slot]  # slots the witness could not staff (only with understaffed)
    design: Design | None = None  # with --load
    required: int = 0  # with --load: required person-minutes over the horizon
    capacity: int = 0  # with --load: Σ max_hours_per_week × weeks, in minutes

    @property
    def load(self) -> float | None:
        return self.required / self.capacity if self.capacity else None


class _NoWitness(Exception):
    """With --load: the witness found nobody for a slot, even by recruiting."""


def generate_team(engineers: int, weeks: int, seed: int, understaffed: bool = False,
                  load: float | None = None) -> str:
    """The YAML text of a generated team (SPEC §2)."""
    return build(engineers, weeks, seed, understaffed, load).yaml


def build(engineers: int, weeks: int, seed: int, understaffed: bool = False,
          load: float | None = None) -> Generated:
    if load is not None:
        return _build_loaded(engineers, weeks, seed, understaffed, load)
    if engineers < MIN_ENGINEERS:
        raise ValueError(f"--engineers must be at least {MIN_ENGINEERS} for a three-region "
                         f"follow-the-sun team, not {engineers}")
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"--weeks must be between 1 and {MAX_WEEKS}, not {weeks}")
    return _Builder(engineers, weeks, seed, understaffed).run()


def _build_loaded(engineers: int, weeks: int, seed: int, understaffed: bool,
                  load: float) -> Generated:
    """A tight team: the designs closest to `load` are drawn in turn until one's witness
    staffs every slot; of the first few that do, the closest achieved load wins."""
    if not 0 < load < 1:
        raise ValueError(f"--load must be above 0 and below 1, not {load:g}")
    if understaffed:
        raise ValueError("--load makes a coverable team; it cannot be combined with "
                         "--understaffed")
    if engineers < LOAD_MIN_ENGINEERS:
        raise ValueError(f"--engineers must be at least {LOAD_MIN_ENGINEERS} with --load, "
                         f"not {engineers}")
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"--weeks must be between 1 and {MAX_WEEKS}, not {weeks}")
    best: Generated | None = None
    found = 0
    tried: set[Design] = set()
    for step in range(LOAD_STEPS):  # aim a little lower each time no design is coverable
        for design in _designs(engineers, weeks, load - 0.03 * step)[:LOAD_TRIES]:
            if design in tried:
                continue
            tried.add(design)
            try:
                generated = _Builder(engineers, weeks, seed, False, design, load).run()
            except _NoWitness:
                continue
            assert generated.load is not None
            found += 1
            if best is None or abs(generated.load - load) < abs(best.load - load):  # type: ignore
                best = generated
            if abs(generated.load - load) <= 0.02 or found >= 3:
                break
        if best is not None:
            break
    if best is None:
        raise ValueError(f"load {load:g} is too high for {engineers} engineers: no team "
                         "drawn for it is coverable; lower --load or add engineers")
    return best


# ----- time helpers -----------------------------------------------------------------------

def _wall(minute: int, tz: str) -> int:
    moment = from_minute(minute).astimezone(zone(tz))
    return moment.hour * 60 + moment.minute


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _window_text(win: Window) -> str:
    return f"{_clock(win[0])}-{_clock(win[1])}"


def _days_text(days: list[int]) -> str:
    """Day indexes as `mon-fri`, `thu-mon`, `mon,wed` or `daily`."""
    chosen = sorted(set(days))
    if len(chosen) == 7:
        return "daily"
    runs: list[list[int]] = []
    for day in chosen:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == 6:  # wraps past Sunday
        runs[0] = runs.pop() + runs[0]
    return ",".join(DAY_NAMES[r[0]] if len(r) == 1 else f"{DAY_NAMES[r[0]]}-{DAY_NAMES[r[-1]]}"
                    for r in runs)


def _days(spec: str) -> list[int]:
    if spec == "daily":
        return list(range(7))
    first, _, last = spec.partition("-")
    a, b = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
    return [(a + i) % 7 for i in range((b - a) % 7 + 1)]


def _pattern(week: list[tuple[Window, ...]]) -> dict[str, object]:
    """A weekly pattern as YAML-ready {days: window(s)}, grouping days with equal windows."""
    groups: dict[tuple[Window, ...], list[int]] = {}
    for day, wins in enumerate(week):
        if wins:
            groups.setdefault(wins, []).append(day)
    out: dict[str, object] = {}
    for wins, days in sorted(groups.items(), key=lambda kv: kv[1][0]):
        texts = [_window_text(w) for w in wins]
        out[_days_text(days)] = texts[0] if len(texts) == 1 else texts
    return out


# ----- the builder ------------------------------------------------------------------------

class _Builder:
    def __init__(self, engineers: int, weeks: int, seed: int, understaffed: bool,
                 design: Design | None = None, load: float | None = None):
        self.n, self.weeks, self.seed, self.understaffed = engineers, weeks, seed, understaffed
        self.design, self.load = design, load
        self.rng = random.Random(seed)
        self.days = weeks * 7
        self.h_start = local_midnight(HORIZON_START, "UTC")
        self.h_end = self.h_start + self.days * 1440
        self.last_day = HORIZON_START + timedelta(days=self.days - 1)
        self.slots = self._slots()
        self.ranges = self._local_ranges()
        self.people: list[_Engineer] = []
        self.taken_names: set[str] = set()
        self.witness: list[tuple[str, str, str, int, int]] = []
        self.unstaffed: list[Slot] = []

    def run(self) -> Generated:
        for region, size in zip(REGIONS, self._region_sizes()):
            self._draw_region(region, size)
        self._draw_leave()
        if self.design is None:
            self._draw_witness()
        else:  # a greedy can paint itself into a corner: a few more orders before giving up
            keep = {id(site): site for site in SITES}  # sites are shared, never copied
            people = copy.deepcopy(self.people, dict(keep))
            for attempt in range(WITNESS_ATTEMPTS):
                try:
                    self._draw_witness()
                    break
                except _NoWitness:
                    if attempt == WITNESS_ATTEMPTS - 1:
                        raise
                    self.people, self.witness = copy.deepcopy(people, dict(keep)), []
        if self.design is None:
            return Generated(self._yaml(), sorted(self.witness, key=lambda w: (w[3], w[0])),
                             self.unstaffed)
        self.required = _required_minutes(self.design, self.weeks, _tier1_minutes(self.weeks))
        self.capacity = sum(e.max_minutes for e in self.people) * self.weeks
        return Generated(self._yaml(), sorted(self.witness, key=lambda w: (w[3], w[0])),
                         self.unstaffed, self.design, self.required, self.capacity)

    # --- demand, as fixed-shift slots ----------------------------------------------------
    def _slots(self) -> list[Slot]:
        peaks = [(self.h_start + d * 1440 + PEAK_HOURS[0], self.h_start + d * 1440 + PEAK_HOURS[1])
                 for d in range(self.days) if (HORIZON_START + timedelta(days=d)).weekday() < 5]
        out = []
        m2 = 1 if self.design is None else self.design.tier2
        m1 = 1 if self.design is None else self.design.tier1
        if self.design is not None:  # the peak's second layer: a short shift of its own
            for s, _ in peaks:
                start = s - PEAK_HOURS[0] + PEAK_SHIFT[0]
                out.append(Slot(PEAK, "tier2", PEAK, start,
                                start + PEAK_SHIFT[1] - PEAK_SHIFT[0], m2))
            peaks = []
        for region in REGIONS:
            for d in range(-1, self.days):
                start = self.h_start + d * 1440 + region.start
                end = start + SHIFT_MINUTES
                if end <= self.h_start or start >= self.h_end:
                    continue
                need = 2 if any(s < end and start < e for s, e in peaks) else m2
                out.append(Slot(region.key, "tier2", region.key, start, end, need))
            tz = region.tier1_zone
            hours = TIER1_HOURS if self.design is None else LOAD_TIER1[region.key]
            for d in range(-1, self.days + 1):
                day = HORIZON_START + timedelta(days=d)
                if day.weekday() >= 5:
                    continue
                start = localize(day, hours[0], tz, is_end=False)
                end = localize(day, hours[1], tz, is_end=True)
                if end > self.h_start and start < self.h_end:
                    out.append(Slot(region.key, "tier1", f"t1-{region.key}", start, end, m1))
        return out

    def _local_ranges(self) -> dict[tuple[str, str], Window]:
        """(site, tier) → the local window every occurrence of the region's shift of that
        tier falls in, over the whole horizon (so it holds across DST changes)."""
        out: dict[tuple[str, str], Window] = {}
        for site in SITES:
            for tier in ("tier1", "tier2"):
                walls = [(_wall(s.start, site.timezone),
                          _wall(s.start, site.timezone) + s.end - s.start)
                         for s in self.slots if s.region == site.region and s.tier == tier]
                lo = min(w[0] for w in walls) // 30 * 30
                hi = -(-max(w[1] for w in walls) // 30) * 30
                out[(site.key, tier)] = (lo, hi)
            walls = [(_wall(s.start, site.timezone),
                      _wall(s.start, site.timezone) + s.end - s.start)
                     for s in self.slots if s.region == PEAK and site.region != "apac"]
            if walls:
                out[(site.key, PEAK)] = (min(w[0] for w in walls) // 30 * 30,
                                         -(-max(w[1] for w in walls) // 30) * 30)
        return out

    def _peak_site(self, site: Site) -> bool:
        """Whether the peak shift falls in a sensible local day at this site."""
        window = self.ranges.get((site.key, PEAK))
        return window is not None and window[0] >= 6 * 60 and window[1] <= 21 * 60

    def _tier1_site(self, site: Site) -> bool:
        """Whether tier 1's business hours fall in a sensible local day at this site."""
        lo, hi = self.ranges[(site.key, "tier1")]
        return lo >= 7 * 60 and hi <= 19 * 60

    # --- who ------------------------------------------------------------------------------
    def _region_sizes(self) -> list[int]:
        return _region_sizes(self.n)

    def _role_counts(self, region: Region, size: int) -> list[str]:
        if self.design is not None:
            counts = _load_roles(region.key, size, self.design)
            assert counts is not None  # _designs offers only designs every region can take
            order = (T1, BOTH, WEEKEND, PEAK, WEEKDAY, PART_TIME, PERSONAL)
            return [role for role in order for _ in range(counts[role])]
        counts = {role: max(_ROLE_MINIMUM[role], round(size * share))
                  for role, share in _ROLE_SHARES.items()}
        if self.understaffed and region.key == "apac":
            counts[WEEKDAY] = counts.pop(WEEKEND)
        counts[WEEKDAY] = counts.get(WEEKDAY, 0) + size - sum(counts.values())
        if counts[WEEKDAY] < _WEEKDAY_MINIMUM:
            # Small regions: optional roles give way to the core.
            for role in (PERSONAL, PART_TIME):
                while counts[role] and counts[WEEKDAY] < _WEEKDAY_MINIMUM:
                    counts[role] -= 1
                    counts[WEEKDAY] += 1
        order = (T1, BOTH, WEEKEND, WEEKDAY, PART_TIME, PERSONAL)
        return [role for role in order for _ in range(counts.get(role, 0))]

    def _draw_region(self, region: Region, size: int) -> None:
        sites = [s for s in SITES if s.region == region.key]
        load = dict.fromkeys((s.key for s in sites), 0.0)
        for role in self._role_counts(region, size):
            allowed = [s for s in sites if role not in (T1, BOTH) or self._tier1_site(s)]
            if role == PEAK:
                allowed = [s for s in sites if self._peak_site(s)]
            # The site furthest below its share: every role spreads over the countries.
            site = min(allowed, key=lambda s: (load[s.key] / s.share, -s.share))
            load[site.key] += 1
            self.people.append(self._draw_engineer(site, role))

    def _name(self, site: Site) -> str:
        firsts, lasts = (pool.split() for pool in _NAMES[site.names])
        for attempt in range(200):
            first = self.rng.choice(firsts).replace("_", " ")
            last = self.rng.choice(lasts)
            middle = f" {self.rng.choice('ABCDEFGHJKLMNPRSTVW')}." if attempt >= 20 else ""
            name = f"{first}{middle} {last}"
            if name not in self.taken_names:
                self.taken_names.add(name)
                return name
        name = f"{first} {last} {len(self.taken_names)}"
        self.taken_names.add(name)
        return name

    def _workweek(self, site: Site) -> list[int]:
        """The working days in week order: mon-fri, or sun-fri where Saturday is the weekend."""
        first = (max(site.weekend) + 1) % 7
        return [d for d in ((first + i) % 7 for i in range(7)) if d not in site.weekend]

    def _pad(self, win: Window) -> Window:
        before, after = self.rng.choice((0, 0, 30, 60)), self.rng.choice((0, 0, 30, 60))
        return (max(0, win[0] - before), min(1440, win[1] + after))

    def _draw_engineer(self, site: Site, role: str) -> _Engineer:
        rng = self.rng
        t2 = self.ranges[(site.key, "tier2")]
        t1 = self.ranges[(site.key, "tier1")]
        tiers: tuple[str, ...] = ("tier2",)
        days = self._workweek(site)
        max_hours = None
        if role == T1:
            tiers, window = ("tier1",), self._pad(t1)
        elif role == BOTH:
            tiers = ("tier2", "tier1")
            window = self._pad((min(t1[0], t2[0]), max(t1[1], t2[1])))
        elif role == WEEKEND:
            days = _days(rng.choice(_WEEKEND_DAYS))
            window = self._pad(t2)
        elif role == PEAK:
            window = self._pad(self.ranges[(site.key, PEAK)])
        elif role == PART_TIME:
            length = rng.choice((3, 4))
            first = rng.randrange(len(days) - length + 1)
            days = days[first:first + length]
            window = self._pad(t2)
            max_hours = 8 * length
        elif role == PERSONAL:
            shift = rng.choice((-180, -120, 120, 180))
            window = (max(0, t2[0] + shift), min(1440, t2[1] + shift))
            if rng.random() < 0.5 and window[1] - window[0] >= 9 * 60:
                # a split day: a long lunch or the school run in the middle
                cut = window[0] + rng.choice((4, 5)) * 60
                windows: tuple[Window, ...] = ((window[0], cut), (cut + 60, window[1]))
            else:
                windows = (window,)
        else:
            window = self._pad(t2)
        if role != PERSONAL:
            windows = (window,)
        week: list[tuple[Window, ...]] = [windows if d in days else () for d in range(7)]
        eng = _Engineer(self._name(site), site, role, tiers, week, max_hours)
        if self.design is not None:  # one cap for the team; weekend crews work both days
            eng.team_hours = self.design.hours
            eng.max_weekend = 2 if role == WEEKEND else 1
        elif role in (WEEKEND, WEEKDAY, BOTH) and rng.random() < 0.15 and eng.max_hours is None:
            eng.max_hours = rng.choice((40, 44))
        self._draw_soft(eng, days, windows)
        return eng

    def _draw_soft(self, eng: _Engineer, days: list[int], windows: tuple[Window, ...]) -> None:
        rng = self.rng
        first, last = windows[0][0], windows[-1][1]
        weekend = [d for d in days if d in eng.site.weekend]
        weekdays = [d for d in self._workweek(eng.site) if d in days]
        if rng.random() < 0.25 and weekdays:
            if weekend:  # would rather do the week than the weekend
                eng.prefer = {_days_text(weekdays): _window_text((first, last))}
            else:  # an early or a late bird
                half = (first + last) // 2 // 30 * 30
                win = (first, half) if rng.random() < 0.5 else (half, last)
                eng.prefer = {_days_text(weekdays[:4]): _window_text(win)}
        if rng.random() < 0.2:
            if weekend:
                eng.avoid = {DAY_NAMES[rng.choice(weekend)]: _window_text((first, last))}
            elif weekdays:
                eng.avoid = {DAY_NAMES[weekdays[-1]]: _window_text((max(first, last - 180),
                                                                    last))}

    # --- leave ----------------------------------------------------------------------------
    def _draw_leave(self) -> None:
        """Leave blocks for some engineers; people of one site take turns."""
        on_leave: dict[tuple[str, date], int] = defaultdict(int)
        site_size: dict[str, int] = defaultdict(int)
        for eng in self.people:
            site_size[eng.site.key] += 1
        for eng in self.people:
            limit = max(1, site_size[eng.site.key] // 6)
            blocks = 0
            if self.rng.random() < 0.4:
                blocks = 1 if self.weeks < 8 else self.rng.choice((1, 1, 2))
            for _ in range(blocks):
                length = self.rng.choice((1, 2, 3, 5, 7, 10))
                for _try in range(10):
                    first = HORIZON_START + timedelta(days=self.rng.randrange(self.days))
                    last = min(first + timedelta(days=length - 1), self.last_day)
                    span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
                    if all(on_leave[(eng.site.key, d)] < limit for d in span) and not any(
                            a <= last and first <= b for a, b in eng.leave):
                        for d in span:
                            on_leave[(eng.site.key, d)] += 1
                        eng.leave.append((first, last))
                        break
            if self.rng.random() < 0.05:
                day = HORIZON_START + timedelta(days=self.rng.randrange(self.days))
                start = self.rng.choice((9, 10, 13, 14)) * 60
                eng.appointment = (day, start, start + 3 * 60)
            eng.leave.sort()

    # --- the witness ----------------------------------------------------------------------
    def _holidays(self, eng: _Engineer) -> frozenset[date]:
        return holiday_calendar(eng.site.holidays, HORIZON_START.year - 1, self.last_day.year + 1)

    def _fits_week(self, eng: _Engineer, slot: Slot, day: date) -> bool:
        """Availability holds the slot on its local date."""
        tz = eng.site.timezone
        return any(localize(day, a, tz, is_end=False) <= slot.start
                   and slot.end <= localize(day, b, tz, is_end=True)
                   for a, b in eng.week[day.weekday()])

    def _on_leave(self, eng: _Engineer, day: date) -> bool:
        return (any(a <= day <= b for a, b in eng.leave)
                or (eng.appointment is not None and eng.appointment[0] == day))

    def _block(self, minute: int) -> int:
        return max(0, (minute - self.h_start) // (7 * 1440))

    def _witness_rules(self, eng: _Engineer) -> Rules:
        """The rules the witness keeps for `eng`: the team's, and without --load a shift
        and a day in hand, so that a plan has room to do better."""
        loaded = self.design is not None
        return Rules(max_hours_per_week=eng.max_minutes / 60, max_weekend_days=eng.max_weekend,
                     max_shifts_per_week=LOAD_MAX_SHIFTS if loaded else WITNESS_MAX_SHIFTS,
                     max_consecutive_days=LOAD_MAX_RUN if loaded else WITNESS_MAX_RUN)

    def _candidate(self, slot: Slot, day: date) -> Candidate:
        return Candidate(0, slot.tier, slot.shift, slot.start, slot.end, day,
                         self._block(slot.start))

    def _rules_allow(self, eng: _Engineer, slot: Slot, day: date) -> bool:
        duty = _Duty(self._witness_rules(eng), eng.weekend)
        return fits(duty, self._candidate(slot, day), eng.ledger)

    def _draw_witness(self) -> None:
        """Staff every slot with fixed shifts, hardest slots first; take leave back or ask
        a holiday volunteer where a slot would otherwise stay empty."""
        order = {id(eng): i for i, eng in enumerate(self.people)}
        tie = list(range(len(self.people)))
        self.rng.shuffle(tie)
        by_region: dict[str, list[_Engineer]] = defaultdict(list)
        for eng in self.people:
            by_region[eng.site.region].append(eng)
            if eng.site.region != "apac":
                by_region[PEAK].append(eng)
        able: dict[Slot, list[tuple[_Engineer, date]]] = {}
        for slot in self.slots:
            able[slot] = []
            for eng in by_region[slot.region]:
                if slot.tier in eng.tiers:
                    day = local_date(slot.start, eng.site.timezone)
                    if self._fits_week(eng, slot, day):
                        able[slot].append((eng, day))

        def free(eng: _Engineer, day: date) -> bool:
            return not self._on_leave(eng, day) and (
                eng.volunteer or day not in self._holidays(eng))

        def hardness(slot: Slot) -> tuple[int, int]:
            return (sum(free(e, d) for e, d in able[slot]) - slot.need, slot.start)

        for slot in sorted(self.slots, key=hardness):
            for _ in range(slot.need):
                taken = {w[0] for w in self.witness if w[3] == slot.start and w[1] == slot.tier}
                pool = [(e, d) for e, d in able[slot]
                        if e.name not in taken and self._rules_allow(e, slot, d)]
                ready = [(e, d) for e, d in pool if free(e, d)]
                if not ready and pool:
                    eng, day = min(pool, key=lambda p: (self._on_leave(*p), len(p[0].ledger.chosen),
                                                        tie[order[id(p[0])]]))
                    if day in self._holidays(eng):
                        eng.volunteer = True
                    eng.leave = [(a, b) for a, b in eng.leave if not a <= day <= b]
                    if eng.appointment and eng.appointment[0] == day:
                        eng.appointment = None
                    ready = [(eng, day)]
                if not ready and self.design is not None and self._swap_in(slot, able, free):
                    continue
                if not ready and self.design is not None:
                    recruit = self._recruit(slot, by_region[slot.region], taken, free,
                                            lambda e: (len(e.ledger.chosen), tie[order[id(e)]]))
                    if recruit is None:
                        raise _NoWitness(slot)
                    ready = [recruit]
                    for other in self.slots:  # the wider window may hold other slots too
                        if (other.region == slot.region and other.tier == slot.tier
                                and all(e is not recruit[0] for e, _ in able[other])):
                            day = local_date(other.start, recruit[0].site.timezone)
                            if self._fits_week(recruit[0], other, day):
                                able[other].append((recruit[0], day))
                if not ready:
                    if not self.understaffed:
                        raise RuntimeError(f"internal error: nobody for {slot}")
                    self.unstaffed.append(slot)
                    break
                block = self._block(slot.start)
                if self.design is None:
                    eng, day = min(ready, key=lambda p: (
                        len(p[0].ledger.by_block[block]), len(p[0].ledger.chosen),
                        tie[order[id(p[0])]]))
                else:  # whoever has the most hours left this block
                    eng, day = min(ready, key=lambda p: (
                        p[0].block_minutes(block) - p[0].max_minutes,
                        len(p[0].ledger.chosen), tie[order[id(p[0])]]))
                self._assign(eng, slot, day)

    def _assign(self, eng: _Engineer, slot: Slot, day: date) -> None:
        eng.ledger.add(self._candidate(slot, day))
        self.witness.append((eng.name, slot.tier, slot.shift, slot.start, slot.end))

    def _unassign(self, eng: _Engineer, slot: Slot) -> date:
        """Take `slot` back from `eng`; returns the local date it was booked on."""
        booked = next(c for c in eng.ledger.chosen if (c.start, c.end) == (slot.start, slot.end))
        eng.ledger.remove(booked)
        self.witness.remove((eng.name, slot.tier, slot.shift, slot.start, slot.end))
        return booked.day

    def _swap_in(self, slot: Slot, able: dict[Slot, list[tuple[_Engineer, date]]],
                 free) -> bool:
        """With --load, where everyone able to take `slot` is held back by the rules: hand
        one of their shifts to a colleague who can take it, so that they can take this one
        (a one-step ejection chain). True if `slot` got one more engineer."""
        by_key = {(w.tier, w.shift, w.start): w for w in self.slots}

        def staffed(other: Slot) -> set[str]:
            return {w[0] for w in self.witness
                    if (w[1], w[2], w[3]) == (other.tier, other.shift, other.start)}

        taken = staffed(slot)
        for eng, day in able[slot]:
            if eng.name in taken or not free(eng, day):
                continue
            mine = [w for w in self.witness if w[0] == eng.name]
            for _, tier, shift, start, _ in mine:
                other = by_key[(tier, shift, start)]
                booked = self._unassign(eng, other)
                if self._rules_allow(eng, slot, day):
                    there = staffed(other)
                    for mate, mate_day in able[other]:
                        if (mate is not eng and mate.name not in there and free(mate, mate_day)
                                and self._rules_allow(mate, other, mate_day)):
                            self._assign(mate, other, mate_day)
                            self._assign(eng, slot, day)
                            return True
                self._assign(eng, other, booked)
        return False

    def _recruit(self, slot: Slot, region: list[_Engineer], taken: set[str], free,
                 rank) -> tuple[_Engineer, date] | None:
        """With --load, where nobody's availability holds a slot: widen the window of
        someone of the region who holds the tier, is free that day and whose rules allow
        it (a weekday engineer who also works that weekend day, say)."""
        kind = PEAK if slot.region == PEAK else slot.tier
        best = None
        for eng in region:
            window = self.ranges.get((eng.site.key, kind))
            if (slot.tier not in eng.tiers or eng.name in taken or window is None
                    or eng.role == PERSONAL):
                continue
            day = local_date(slot.start, eng.site.timezone)
            if not free(eng, day) or not self._rules_allow(eng, slot, day):
                continue
            wins = eng.week[day.weekday()]
            wider = (min([window[0], *(w[0] for w in wins)]),
                     max([window[1], *(w[1] for w in wins)]))
            if wider[1] - wider[0] > 14 * 60:
                continue
            if best is None or rank(eng) < rank(best[0]):
                best = (eng, day, wider)
        if best is None:
            return None
        eng, day, wider = best
        eng.week[day.weekday()] = (wider,)
        return eng, day

    # --- YAML -----------------------------------------------------------------------------
    def _yaml(self) -> str:
        q = _quote
        args = f"--engineers {self.n} --weeks {self.weeks} --seed {self.seed}"
        if self.understaffed:
            args += " --understaffed"
        design = self.design
        if design is not None:
            args += f" --load {self.load:g}"
        volunteers = sum(e.volunteer for e in self.people)
        flex = LOAD_FLEX if design else (FLEX_MIN_HOURS, FLEX_MAX_HOURS, FLEX_STEP_MINUTES)
        m2, m1 = (design.tier2, design.tier1) if design else (1, 1)
        lines = [
            f"# Generated by `rota generate {args}`.",
            "#",
            "# A follow-the-sun support team: tier 2 hands off at fixed UTC times (apac",
            "# 23:00-07:00, emea 07:00-15:00, amer 15:00-23:00), staffed from sites in several",
            "# countries per region; tier 1 covers business hours in Singapore, London and New",
            "# York. Flexible shifts (4-8 h) are offered as well. Engineers' windows are local",
            "# time and hold their region's shift across the US (03-14), EU (03-28) and",
            "# Australian (04-04) clock changes.",
            "#",
        ]
        if design is not None:
            hours = _minutes_text(self.required)
            lines[5:8] = [
                "# York. A 6-hour tier-2 shift (12:00-18:00 UTC) staffs the weekday peak, and",
                "# flexible shifts (6-10 h on a 30-minute step) are offered as well. Engineers'",
                "# windows are local time and hold their region's shift across the US (03-14),",
                "# EU (03-28) and Australian (04-04) clock changes.",
            ]
            lines += [
                f"# load {self.required / self.capacity:.2f}: {hours} required person-hours / "
                f"{_minutes_text(self.capacity)} h capacity",
                f"# (tier 2 x{m2}, tier 1 x{m1}, max_hours_per_week {design.hours}; "
                f"--load {self.load:g} asked).",
                "#",
                "# Coverable by construction: a schedule of fixed shifts alone covers every",
                "# required minute within every rule (no room to spare). "
                f"{volunteers} holiday volunteer(s)",
                "# (work_on_holidays) keep shifts staffed on public holidays.",
            ]
        elif self.understaffed:
            lines += ["# UNDERSTAFFED: nobody in apac works weekends, so the apac hours of every",
                      "# weekend cannot be covered (structural gaps; `rota plan` exits 1)."]
        else:
            lines += ["# Coverable by construction: a schedule of fixed shifts alone covers every",
                      "# required minute within the rules, with room to spare. "
                      f"{volunteers} holiday volunteer(s)",
                      "# (work_on_holidays) keep shifts staffed on public holidays."]
        title = f"Generated follow-the-sun support ({self.n} engineers, seed {self.seed})"
        lines += [
            "",
            "version: 1",
            f"team: {q(title)}",
            "",
            "horizon:",
            f"  start: {HORIZON_START.isoformat()}",
            f"  weeks: {self.weeks}",
            "  timezone: UTC",
            "",
            "sites:",
        ]
        site_default: dict[str, tuple[list[tuple[Window, ...]], tuple[str, ...]]] = {}
        for region in REGIONS:
            for site in (s for s in SITES if s.region == region.key):
                window = self.ranges[(site.key, "tier2")]
                week = [(window,) if d not in site.weekend else () for d in range(7)]
                site_default[site.key] = (week, ("tier2",))
                weekend = ", ".join(DAY_NAMES[d] for d in site.weekend)
                lines += [
                    f"  {site.key}:  # works the {region.key} hand-off",
                    f"    timezone: {site.timezone}",
                    f"    holidays: {site.holidays}",
                    f"    weekend: [{weekend}]",
                    "    tiers: [tier2]",
                    f"    availability: {_flow(_pattern(week))}",
                ]
        lines += ["", "engineers:"]
        for site in SITES:
            mine = [e for e in self.people if e.site is site]
            if not mine:
                continue
            lines.append(f"  # --- {site.key} ({site.timezone}, {site.holidays}): "
                         f"{len(mine)} engineer(s)")
            for eng in mine:
                week, tiers = site_default[site.key]
                lines.append(f"  - name: {q(eng.name)}")
                lines.append(f"    site: {site.key}")
                if eng.tiers != tiers:
                    lines.append(f"    tiers: [{', '.join(eng.tiers)}]")
                if eng.week != week:
                    lines.append(f"    availability: {_flow(_pattern(eng.week))}")
                leave = [q(a.isoformat() if a == b else f"{a.isoformat()}..{b.isoformat()}")
                         for a, b in eng.leave]
                if eng.appointment:
                    day, a, b = eng.appointment
                    leave.append(q(f"{day.isoformat()}T{_clock(a)}..{day.isoformat()}T{_clock(b)}"))
                if leave:
                    lines.append(f"    unavailable: [{', '.join(leave)}]")
                if eng.max_hours is not None:
                    lines.append(f"    max_hours_per_week: {eng.max_hours}")
                if eng.max_weekend is not None and eng.max_weekend != 1:
                    lines.append(f"    max_weekend_days: {eng.max_weekend}")
                if eng.volunteer:
                    lines.append("    work_on_holidays: true")
                if eng.prefer:
                    lines.append(f"    prefer: {_flow(eng.prefer)}")
                if eng.avoid:
                    lines.append(f"    avoid: {_flow(eng.avoid)}")
        lines += ["", "shifts:"]
        for region in REGIONS:
            start, end = _clock(region.start % 1440), _clock((region.start + SHIFT_MINUTES) % 1440)
            lines.append(f"  - {{name: {region.key}, start: {q(start)}, end: {q(end)}, "
                         "timezone: UTC, days: daily, tiers: [tier2]}")
        if design is not None:
            lines.append(f"  - {{name: {PEAK}, start: {q(_clock(PEAK_SHIFT[0]))}, "
                         f"end: {q(_clock(PEAK_SHIFT[1]))}, timezone: UTC, days: mon-fri, "
                         "tiers: [tier2]}")
        for region in REGIONS:
            hours = TIER1_HOURS if design is None else LOAD_TIER1[region.key]
            lines.append(f"  - {{name: t1-{region.key}, start: {q(_clock(hours[0]))}, "
                         f"end: {q(_clock(hours[1]))}, timezone: {region.tier1_zone}, "
                         "days: mon-fri, tiers: [tier1]}")
        lines += [
            "",
            "# The step drives the model's size: each engineer gets one candidate per step of",
            "# their local clock and per length that fits their free time. Keep it coarse.",
            "flexible:",
            f"  min_hours: {flex[0]}",
            f"  max_hours: {flex[1]}",
            f"  step_minutes: {flex[2]}",
            "",
            "coverage:",
            f"  - {{tier: tier2, min: {m2}}}                     # around the clock",
            f"  - {{tier: tier2, min: {2 * m2}, days: mon-fri, hours: "
            f"{q(_window_text(PEAK_HOURS))}, timezone: UTC}}   # peak",
        ]
        for region in REGIONS:
            lines.append(f"  - {{tier: tier1, min: {m1}, days: mon-fri, hours: "
                         f"{q(_window_text(TIER1_HOURS))}, timezone: {region.tier1_zone}}}")
        lines += [
            "",
            "rules:",
            "  min_rest_hours: 11",
            "  max_shift_hours: 12",
            f"  max_hours_per_week: {design.hours if design else 48}",
            "  max_shifts_per_week: 6",
            "  max_consecutive_days: 6",
            f"  max_weekend_days: {1 if design else 'null'}",
            "  work_on_holidays: false",
        ]
        return "\n".join(lines) + "\n"


def _minutes_text(minutes: int) -> str:
    """Minutes as hours: `646` or `646.5`."""
    return f"{minutes // 60}" if minutes % 60 == 0 else f"{minutes / 60:g}"


def _flow(mapping: dict[str, object]) -> str:
    """{key: "value", key: ["a", "b"]} in YAML flow style."""
    parts = []
    for key, value in mapping.items():
        text = (f"[{', '.join(_quote(v) for v in value)}]" if isinstance(value, list)
                else _quote(value))
        parts.append(f"{_quote(key) if ',' in key else key}: {text}")
    return "{" + ", ".join(parts) + "}"


def _quote(value: object) -> str:
    """A YAML double-quoted scalar (a JSON string is one)."""
    return json.dumps(value, ensure_ascii=False)
