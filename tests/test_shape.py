"""The shape of a rota (SPEC §3 stages 3-6, §10): daytime before night duty, night rules,
fair loads between identical engineers, few hand-offs, and `objective:`.

Every plan here is judged by `check` on what `plan` wrote (`plan_and_check`).
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_plan import EXAMPLES, plan_and_check, run, write

from rota import metrics
from rota.config import load_team
from rota.schedule import read_schedule
from rota.timeline import Span, iso_utc


def rows(out: Path) -> list[dict[str, str]]:
    with (out / "schedule.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_clock_is_covered_in_daytime_when_someone_is_awake(tmp_path):
    code, summary = plan_and_check(EXAMPLES / "night-or-daytime.yaml", tmp_path,
                                   "--time-limit", "20")
    assert code == 0
    assert summary["daytime_share"] == {"tier2": 1.0}
    night = next(s for s in summary["solver"]["stages"] if s["name"] == "night_minutes")
    assert (night["status"], night["objective"]) == ("OPTIMAL", 0)
    site = {"Australia/Sydney": "apac", "Europe/London": "emea", "America/New_York": "amer"}
    assert {(r["shift"], site[r["timezone"]]) for r in rows(tmp_path)} == {
        ("apac", "apac"), ("emea", "emea"), ("amer", "amer")}
    assert all(e["night_hours"] == 0 for e in summary["engineers"])
    # Without history, load ratios are against the horizon's capacity alone.
    team = load_team(EXAMPLES / "night-or-daytime.yaml")
    top = max(-(-10_000 * round(e["hours"] * 60) // team.capacity_minutes(team.engineer(e["name"])))
              for e in summary["engineers"])
    fair = next(s for s in summary["solver"]["stages"] if s["name"] == "max_load_ratio")
    assert fair["objective"] == top


def test_the_daytime_share_counts_only_required_minutes_outside_the_local_night(tmp_path):
    """Night duty: one London engineer staffs 22:00-06:00Z, the whole of their night."""
    path = write(tmp_path, """version: 1
team: Night duty
horizon: {start: 2027-01-04, days: 1}
engineers:
  - {name: Ola Nowak, timezone: Europe/London, tiers: [tier2]}
shifts:
  - {name: night, start: "22:00", end: "06:00"}
  - {name: day, start: "06:00", end: "22:00"}
coverage:
  - {tier: tier2, min: 1, hours: "00:00-08:00"}
rules: {max_shift_hours: 16, min_rest_hours: 0}
""")
    code, summary = plan_and_check(path, tmp_path / "out", "--time-limit", "5")
    assert code == 0
    # 00:00-08:00 required: 00:00-06:00 of it in the night shift, 06:00-08:00 in daytime.
    assert summary["daytime_share"] == {"tier2": round(120 / 480, 4)}
    code, stdout, _ = run("plan", str(path), "-o", str(tmp_path / "o2"))
    assert "daytime share (required person-minutes staffed outside the local night): " \
           "tier2 25%" in stdout


def test_night_rules_hold_in_plan_and_are_what_check_reports(tmp_path):
    code, _ = plan_and_check(EXAMPLES / "consecutive-nights.yaml", tmp_path, "--time-limit", "20")
    assert code == 0
    team = load_team(EXAMPLES / "consecutive-nights.yaml")
    assert (team.rules.max_consecutive_nights, team.rules.max_night_shifts_per_week) == (2, 3)
    nights = Counter()
    for r in rows(tmp_path):
        if r["shift"] == "night":
            nights[r["engineer"]] += 1
    assert sum(nights.values()) == 15  # 14 nights, and the one begun the evening before
    assert max(nights.values()) <= 6  # 3 per block, two blocks


def test_objective_reorders_and_drops_stages(tmp_path):
    text = (EXAMPLES / "night-or-daytime.yaml").read_text()
    path = write(tmp_path, text + "objective: [handoffs, fairness]\n")
    code, summary = plan_and_check(path, tmp_path / "out", "--time-limit", "10")
    assert code == 0
    assert [s["name"] for s in summary["solver"]["stages"]] == [
        "uncovered_minutes", "handoffs", "max_load_ratio", "assigned_minutes", "load_spread",
        "turns"]
    bad = write(tmp_path, text + "objective: [fairness, uncovered, sleep, fairness]\n")
    code, _, err = run("plan", str(bad), "-o", str(tmp_path / "bad"))
    assert code == 2
    assert err.splitlines() == [
        f"error: {bad}:33:23: objective[1]: unknown stage 'uncovered' (it is always first); "
        "expected one of preferences, night, fairness, handoffs, spread",
        f"error: {bad}:33:34: objective[2]: unknown stage 'sleep'; "
        "expected one of preferences, night, fairness, handoffs, spread",
        f"error: {bad}:33:41: objective[3]: stage 'fairness' is named twice"]
    assert not (tmp_path / "bad").exists()


def test_leave_shrinks_capacity_in_proportion_to_the_working_days_away(tmp_path):
    path = write(tmp_path, """version: 1
team: Leave
horizon: {start: 2026-03-02, weeks: 1}
flexible: {}
engineers:
  - {name: Ann Lee, tiers: [tier2], availability: {mon-fri: "09:00-17:00"},
     unavailable: ["2026-03-03..2026-03-05"]}
  - {name: Bob Ng, tiers: [tier2], availability: {mon-fri: "09:00-17:00"}}
coverage:
  - {tier: tier2, min: 1, days: mon-fri, hours: "09:00-17:00"}
rules: {max_hours_per_week: 40}
""")
    team = load_team(path)
    ann, bob = team.engineers
    assert team.capacity_minutes(bob) == 40 * 60
    assert team.capacity_minutes(ann) == 40 * 60 * 2 // 5  # there two working days of five


TEAM = """version: 1
team: Identical engineers
horizon: {{start: 2026-03-02, days: {days}}}
engineers:
{engineers}
shifts:
  - {{name: early, start: "06:00", end: "14:00"}}
  - {{name: late, start: "14:00", end: "22:00"}}
coverage:
  - {{tier: tier2, min: 1, hours: "06:00-22:00"{weekdays}}}
rules: {{min_rest_hours: {rest}, max_shifts_per_week: {per_week}}}
"""


@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(3, 6), days=st.integers(3, 9), weekdays=st.booleans(),
       rest=st.sampled_from([8, 11, 16]), per_week=st.integers(3, 6),
       window=st.sampled_from(["00:00-24:00", "05:00-23:00"]))
def test_identical_engineers_get_loads_within_one_shift(tmp_path, size, days, weekdays, rest,
                                                        per_week, window):
    engineers = "\n".join(
        f'  - {{name: Eng {n}, tiers: [tier2], availability: {{daily: "{window}"}}}}'
        for n in range(size))
    path = write(tmp_path, TEAM.format(days=days, engineers=engineers, rest=rest,
                                       per_week=per_week,
                                       weekdays=", days: mon-fri" if weekdays else ""))
    out = tmp_path / f"out-{size}-{days}-{weekdays}-{rest}-{per_week}-{window[:2]}"
    plan_and_check(path, out, "--time-limit", "10")
    shifts = Counter(r["engineer"] for r in rows(out))
    counts = [shifts.get(f"Eng {n}", 0) for n in range(size)]
    assert max(counts) - min(counts) <= 1, counts
    # No hand-off is needless: nobody works two abutting shifts as two assignments.
    mine: dict[str, list[tuple[str, str]]] = {}
    for r in rows(out):
        mine.setdefault(r["engineer"], []).append((r["start_utc"], r["end_utc"]))
    for spans in mine.values():
        assert all(a[1] != b[0] for a, b in zip(sorted(spans), sorted(spans)[1:]))


WEEKENDS = """version: 1
team: Weekends
horizon: {{start: 2026-03-02, weeks: {weeks}}}
engineers:
{engineers}
shifts:
  - {{name: day, start: "08:00", end: "16:00"}}
coverage:
  - {{tier: tier2, min: 1, hours: "08:00-16:00"}}
rules: {{max_shifts_per_week: {per_week}, max_consecutive_days: 5}}
"""


@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(4, 7), weeks=st.integers(1, 2), weekdays_only=st.integers(0, 2),
       per_week=st.integers(2, 5))
def test_nobody_gets_a_second_weekend_shift_while_a_colleague_who_could_has_none(
        tmp_path, size, weeks, weekdays_only, per_week):
    """SPEC §3 stage 6: a weekend shift goes to someone with none before anyone has two,
    as far as the rules allow (some engineers here never work weekends); the referee judges
    each possible hand-over (`metrics.weekend_moves`)."""
    engineers = "\n".join(
        f'  - {{name: Eng {n}, tiers: [tier2], availability: '
        f'{{{"mon-fri" if n < weekdays_only else "daily"}: "07:00-17:00"}}}}'
        for n in range(size))
    path = write(tmp_path, WEEKENDS.format(weeks=weeks, engineers=engineers,
                                           per_week=per_week))
    out = tmp_path / f"out-{size}-{weeks}-{weekdays_only}-{per_week}"
    code, summary = plan_and_check(path, out, "--time-limit", "10")
    team = load_team(path)
    span = Span.of(team.horizon)
    schedule = read_schedule(str(out / "schedule.csv"), team)
    turns = next(s for s in summary["solver"]["stages"] if s["name"] == "turns")
    assert turns["status"] == "OPTIMAL"
    assert metrics.weekend_moves(team, span, schedule) == []
    weekend = Counter(a.engineer for a in schedule
                      if datetime.fromisoformat(iso_utc(a.start)).weekday() >= 5)
    able = size - weekdays_only
    if code == 0 and 2 * weeks <= able:  # enough people for one weekend shift each
        assert max(weekend.values(), default=0) <= 1, weekend


def test_the_shipped_examples_spread_weekend_shifts(tmp_path):
    for name in ("follow-the-sun.yaml", "tight-14.yaml", "flexible-india-nepal.yaml"):
        path = EXAMPLES / name
        out = tmp_path / name
        plan_and_check(path, out, "--time-limit", "30")
        team = load_team(path)
        schedule = read_schedule(str(out / "schedule.csv"), team)
        assert metrics.weekend_moves(team, Span.of(team.horizon), schedule) == [], name
