"""Every rule of the registry (`rota.rules`), alone, through the CP-SAT model, the referee
and the greedy test: on small teams, for every subset of the candidates, the model admits
the subset exactly when the referee finds no violation of that rule and exactly when the
rule's `fits` lets the candidates join one by one. Per-candidate rules: a candidate is
built exactly when the referee passes it on its own.

Every case sets the other schedule rules to no limit, so each rule is judged alone.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from rota import rules as registry
from rota.assignment import Assignment
from rota.candidates import engineer_candidates
from rota.check import check
from rota.config import load_team
from rota.problem import Rules
from rota.rules import Duty, Ledger
from rota.solve.model import RuleModel
from rota.timeline import Span, to_minute

NO_LIMITS = ("min_rest_hours: 0, max_hours_per_week: null, max_shifts_per_week: null, "
             "max_consecutive_days: null")
MAX_CANDIDATES = 11  # 2^11 subsets per case


def _merged(*lines: str) -> str:
    """`k: v, k: v` lines merged, later keys winning."""
    out: dict[str, str] = {}
    for line in lines:
        for item in filter(None, line.split(", ")):
            key, value = item.split(": ", 1)
            out[key] = value
    return ", ".join(f"{k}: {v}" for k, v in out.items())


def team_file(tmp_path: Path, rules: str, shifts: str, *, start: str = "2026-03-02",
              days: int = 7, engineer: str = "{name: Ann Lee, tiers: [tier2]}",
              flexible: str = "", coverage: str = "tier2") -> Path:
    text = (f"version: 1\nteam: Rule test\nhorizon: {{start: {start}, days: {days}}}\n"
            f"engineers:\n  - {engineer}\n"
            + (f"shifts:\n{shifts}" if shifts else "")
            + (f"flexible: {flexible}\n" if flexible else "")
            + "coverage:\n" + "".join(f"  - {{tier: {t}, min: 0}}\n" for t in coverage.split(","))
            + f"rules: {{{_merged(NO_LIMITS, rules)}}}\n")
    path = tmp_path / "team.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def daily(*windows: str, days: str = "daily", tz: str = "UTC") -> str:
    """Fixed shifts, one per "HH:MM-HH:MM" window, starting on `days` in zone `tz`."""
    return "".join(f"  - {{name: \"{w} {days}\", start: \"{w.split('-')[0]}\", "
                   f"end: \"{w.split('-')[1]}\", days: \"{days}\", timezone: {tz}}}\n"
                   for w in windows)


# rule name → (rules line, shifts, options): small cases where the rule binds.
SCHEDULE_CASES = {
    "rest": [("min_rest_hours: 11", daily("07:00-15:00", "15:00-23:00", "23:00-07:00"),
              {"days": 3})],
    "weekly": [("max_hours_per_week: 16, max_shifts_per_week: 2",
                daily("09:00-17:00", days="mon,wed,fri") + daily("18:00-22:00", days="tue,sat"),
                {"days": 14}),
               ("max_hours_per_week: 20", daily("09:00-17:00", "18:00-22:00"), {"days": 5})],
    "consecutive_days": [("max_consecutive_days: 2", daily("09:00-17:00"), {"days": 10})],
    "weekend_days": [("max_weekend_days: 1",
                      daily("09:00-17:00", days="fri-sun") + daily("18:00-22:00", days="sat"),
                      {"days": 14}),
                     ("max_weekend_days: 1", daily("09:00-17:00", days="fri-sat", tz="local"),
                      {"days": 7, "engineer": "{name: Ann Lee, tiers: [tier2], "
                                              "timezone: Asia/Dubai, weekend: [fri, sat]}"})],
    "shifts_per_day": [("max_shifts_per_day: 1",
                        daily("06:00-10:00", "12:00-16:00", "18:00-22:00"), {"days": 3}),
                       ("max_shifts_per_day: 2",
                        daily("06:00-10:00", "12:00-16:00", "18:00-22:00"), {"days": 3})],
    "nights": [("max_night_shifts_per_week: 2",
                daily("21:00-05:00", days="mon-fri") + daily("04:00-08:00", days="sat,sun"),
                {"days": 8}),
               # across the European clock change, in the engineer's own zone
               ("max_consecutive_nights: 2, night: \"23:00-07:00\"",
                daily("21:00-03:00", "05:00-11:00", tz="local"),
                {"start": "2027-03-25", "days": 5,
                 "engineer": "{name: Ann Lee, tiers: [tier2], timezone: Europe/Berlin}"}),
               ("max_consecutive_nights: 1, max_night_shifts_per_week: 3",
                daily("22:00-06:00"), {"days": 9})],
}

CANDIDATE_CASES = {
    "availability": ("", {"engineer": "{name: Ann Lee, tiers: [tier2], timezone: America/"
                                      "New_York, availability: {mon-fri: \"09:00-17:00\"}}"}),
    "unavailable": ("", {"engineer": "{name: Ann Lee, tiers: [tier2], unavailable: "
                                     "[2026-03-03, \"2026-03-04T10:00..2026-03-04T14:00\"]}"}),
    "holiday": ("work_on_holidays: false",
                {"start": "2026-12-24", "engineer": "{name: Ann Lee, tiers: [tier2], "
                                                   "holidays: US, timezone: America/Chicago}"}),
    "shift_length": ("max_shift_hours: 6", {}),
    "tier": ("", {"coverage": "tier1,tier2", "engineer": "{name: Ann Lee, tiers: [tier2]}\n"
                                                        "  - {name: Bob Ng, tiers: [tier1]}"}),
}


def _candidates(path: Path, rules=registry.CANDIDATE_RULES):
    team = load_team(path)
    span = Span.of(team.horizon)
    return team, span, engineer_candidates(team, 0, span, rules)


def _legal_by_model(team, span, cands, rule) -> set[tuple[int, ...]]:
    """Every subset of the candidates the model with only `rule` admits."""
    m = RuleModel(team, span, cands)
    m.constrain((rule,))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    legal = set()
    for subset in itertools.product((0, 1), repeat=len(cands)):
        m.model.clear_assumptions()
        m.model.add_assumptions([x if v else x.Not() for x, v in zip(m.x, subset)])
        if solver.solve(m.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            legal.add(subset)
    return legal


def _duty(team, span, cands, subset) -> Duty:
    eng = team.engineers[0]
    chosen = sorted((c for c, v in zip(cands, subset) if v), key=lambda c: (c.start, c.end))
    return Duty(eng, span, [Assignment(eng.name, c.tier, c.start, c.end) for c in chosen],
                [c.day for c in chosen])


def _fits_one_by_one(eng, cands, subset, rule) -> bool:
    ledger = Ledger()
    for c, v in zip(cands, subset):
        if v:
            if not rule.fits(eng, c, ledger):
                return False
            ledger.add(c)
    return True


def test_every_rule_has_a_case_and_every_key_a_home():
    assert set(SCHEDULE_CASES) == {r.name for r in registry.RULES}
    assert set(CANDIDATE_CASES) == {r.name for r in registry.CANDIDATE_RULES}
    assert [k.name for k in registry.KEYS] == list(Rules.__dataclass_fields__) or (
        sorted(k.name for k in registry.KEYS) == sorted(Rules.__dataclass_fields__))
    names = registry.VIOLATIONS
    assert len(names) == len(set(names))


@pytest.mark.parametrize("rule", registry.RULES, ids=lambda r: r.name)
def test_the_model_the_referee_and_the_greedy_test_agree(tmp_path, rule):
    for rules_line, shifts, options in SCHEDULE_CASES[rule.name]:
        options = dict(options)
        team, span, cands = _candidates(team_file(tmp_path, rules_line, shifts, **options))
        assert 2 <= len(cands) <= MAX_CANDIDATES, (rules_line, len(cands))
        model_legal = _legal_by_model(team, span, cands, rule)
        assert 0 < len(model_legal) < 2 ** len(cands), "the case does not bind the rule"
        for subset in itertools.product((0, 1), repeat=len(cands)):
            found = list(rule.check(_duty(team, span, cands, subset)))
            assert all(v.rule in rule.violations for v in found)
            referee_legal = not found
            assert (subset in model_legal) == referee_legal, (rules_line, subset, found)
            assert _fits_one_by_one(team.engineers[0], cands, subset, rule) == referee_legal


@pytest.mark.parametrize("rule", registry.CANDIDATE_RULES, ids=lambda r: r.name)
def test_a_candidate_is_built_exactly_when_the_referee_passes_it(tmp_path, rule):
    rules_line, options = CANDIDATE_CASES[rule.name]
    path = team_file(tmp_path, rules_line, "", days=3,
                     flexible="{min_hours: 4, max_hours: 10, step_minutes: 180}", **options)
    team, span, raw = _candidates(path, rules=())
    _, _, kept = _candidates(path, rules=(rule,))
    kept_keys = {(c.tier, c.start, c.end) for c in kept}
    assert kept_keys <= {(c.tier, c.start, c.end) for c in raw}
    rejected = 0
    for c in raw:
        found = list(rule.check(_duty(team, span, [c], (1,))))
        assert all(v.rule in rule.violations for v in found)
        assert ((c.tier, c.start, c.end) in kept_keys) == (not found), (c, found)
        rejected += bool(found)
    assert 0 < rejected < len(raw), "the case does not bind the rule"


def test_the_readme_rule_table_is_the_registry():
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    inside = text.split("<!-- rules:begin -->\n", 1)[1].split("<!-- rules:end -->", 1)[0]
    assert inside == registry.table(), "regenerate it with `python -m rota.rules`"
    for name in registry.VIOLATIONS:
        assert f"`{name}`" in inside


def test_check_reports_a_split_day_and_a_third_night_in_a_row(tmp_path):
    path = team_file(tmp_path, "max_shifts_per_day: 1, max_consecutive_nights: 2",
                     daily("06:00-10:00"))
    team = load_team(path)

    def at(text: str) -> int:
        return to_minute(datetime.fromisoformat(text).replace(tzinfo=UTC))

    rows = [("2026-03-02T06:00", "2026-03-02T10:00"), ("2026-03-02T12:00", "2026-03-02T16:00"),
            ("2026-03-02T22:00", "2026-03-03T06:00"), ("2026-03-03T22:00", "2026-03-04T06:00"),
            ("2026-03-04T22:00", "2026-03-05T06:00")]
    found = check(team, [Assignment("Ann Lee", "tier2", at(a), at(b)) for a, b in rows])
    got = [(v.rule, v.message) for v in found.violations]
    assert got == [
        ("shifts_per_day", "3 shifts start on 2026-03-02, above max_shifts_per_day 1"),
        ("consecutive_nights", "3 consecutive nights 2026-03-02..2026-03-04, above "
                               "max_consecutive_nights 2")]
