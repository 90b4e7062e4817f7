"""`rota generate`: realistic, reproducible team files that full coverage is possible for."""

from __future__ import annotations

from datetime import datetime

import pytest
from click.testing import CliRunner

from rota.assignment import Assignment
from rota.capacity import capacity_segments
from rota.check import check
from rota.cli import cli
from rota.config import load_team, parse_team
from rota.generate import MIN_ENGINEERS, build, generate_team
from rota.timeline import zone


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                     SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def gaps(text: str) -> dict[str, int]:
    """Per tier, the structural gaps `rota validate` would report."""
    segments = capacity_segments(parse_team(text))
    return {tier: sum(s.assigned < s.required for s in segs) for tier, segs in segments.items()}


def test_the_same_arguments_give_the_same_bytes_and_another_seed_another_team():
    first = generate_team(20, 4, seed=7)
    assert generate_team(20, 4, seed=7) == first
    assert generate_team(20, 4, seed=8) != first
    assert generate_team(20, 4, seed=7, understaffed=True) != first
    code, stdout, _ = run("generate", "--engineers", "20", "--weeks", "4", "--seed", "7")
    assert code == 0 and stdout == first


@pytest.mark.parametrize("weeks", [1, 4])
@pytest.mark.parametrize("engineers", [20, 50, 200])
def test_the_output_is_a_valid_team_of_that_size(engineers, weeks):
    team = parse_team(generate_team(engineers, weeks, seed=1))
    assert len(team.engineers) == engineers
    assert team.horizon.days == weeks * 7
    assert team.horizon.start.weekday() == 0
    assert {e.site for e in team.engineers} >= {"sydney", "bengaluru", "kathmandu", "london",
                                                 "new-york", "sao-paulo"}


def test_it_spans_odd_offsets_opposite_dst_tiers_and_both_kinds_of_shift():
    team = parse_team(generate_team(50, 13, seed=3))
    at = datetime(2027, 3, 1)
    offsets = {str(at.replace(tzinfo=zone(e.timezone)).utcoffset()) for e in team.engineers}
    assert {"5:30:00", "5:45:00"} <= offsets  # Kolkata and Kathmandu
    assert "Australia/Sydney" in {e.timezone for e in team.engineers}
    assert {"AU-NSW", "GB-ENG", "DE-BE", "IN-KA", "US-CA"} <= {e.holidays for e in team.engineers}
    assert {e.tiers for e in team.engineers} >= {("tier2",), ("tier1",), ("tier2", "tier1")}
    assert any(e.unavailable for e in team.engineers)
    assert any(e.prefer for e in team.engineers) and any(e.avoid for e in team.engineers)
    assert any(e.rules.max_hours_per_week == 24 for e in team.engineers)  # part-timers
    assert {s.timezone for s in team.shifts} >= {"UTC", "Asia/Singapore"}
    assert team.flexible is not None and team.flexible.min_minutes == 240
    assert {(r.tier, r.min) for r in team.coverage} == {("tier2", 1), ("tier2", 2), ("tier1", 1)}


@pytest.mark.parametrize(("engineers", "weeks"), [(20, 1), (20, 13), (50, 4), (200, 4)])
def test_coverable_by_construction_the_witness_passes_the_referee(engineers, weeks):
    generated = build(engineers, weeks, seed=5)
    team = parse_team(generated.yaml)
    witness = [Assignment(name, tier, start, end, shift)
               for name, tier, shift, start, end in generated.witness]
    verdict = check(team, witness)
    assert verdict.gaps == [] and verdict.violations == []
    assert not generated.unstaffed


def test_validate_finds_no_structural_gap_unless_understaffed():
    assert gaps(generate_team(20, 1, seed=2)) == {"tier2": 0, "tier1": 0}
    assert gaps(generate_team(50, 4, seed=2)) == {"tier2": 0, "tier1": 0}
    short = gaps(generate_team(20, 1, seed=2, understaffed=True))
    assert short["tier2"] > 0


def test_too_few_engineers_or_weeks_is_bad_usage(tmp_path):
    out = tmp_path / "team.yaml"
    code, stdout, stderr = run("generate", "--engineers", str(MIN_ENGINEERS - 1), "--weeks", "1",
                               "--seed", "0", "-o", str(out))
    assert code == 2 and stdout == "" and not out.exists()
    assert stderr == (f"error: --engineers must be at least {MIN_ENGINEERS} for a three-region "
                      f"follow-the-sun team, not {MIN_ENGINEERS - 1}\n")
    code, _, stderr = run("generate", "--engineers", "20", "--weeks", "53", "--seed", "0")
    assert code == 2 and "--weeks" in stderr
    code, stdout, _ = run("generate", "--help")
    assert code == 0 and f"At least {MIN_ENGINEERS} engineers" in " ".join(stdout.split())


def test_generated_team_plans_covered_and_the_referee_agrees(tmp_path):
    config = tmp_path / "team.yaml"
    code, stdout, _ = run("generate", "--engineers", "20", "--weeks", "1", "--seed", "11",
                          "-o", str(config))
    assert code == 0 and stdout == ""
    assert config.read_text(encoding="utf-8") == generate_team(20, 1, seed=11)
    load_team(config)
    out = tmp_path / "out"
    code, _, stderr = run("plan", str(config), "-o", str(out), "--time-limit", "20", "--quiet",
                          "--reproducible")
    assert code == 0, stderr
    code, stdout, _ = run("check", str(config), str(out / "schedule.csv"))
    assert code == 0, stdout


@pytest.mark.parametrize(("engineers", "weeks", "load"), [(10, 1, 0.7), (20, 1, 0.7),
                                                          (50, 1, 0.5), (20, 4, 0.5),
                                                          (10, 4, 0.7)])
def test_load_gives_a_tight_team_whose_witness_passes_the_referee(engineers, weeks, load):
    generated = build(engineers, weeks, seed=3, load=load)
    assert generated.load is not None and abs(generated.load - load) <= 0.05
    team = parse_team(generated.yaml)
    assert len(team.engineers) == engineers
    required = sum(s.required * s.minutes for segs in capacity_segments(team).values()
                   for s in segs)
    capacity = sum(e.rules.max_minutes_per_week for e in team.engineers) * weeks
    assert (required, capacity) == (generated.required, generated.capacity)
    assert f"# load {required / capacity:.2f}: " in generated.yaml
    assert gaps(generated.yaml) == {"tier2": 0, "tier1": 0}
    assert team.flexible is not None and team.flexible.step_minutes == 30
    assert team.flexible.min_minutes == 360
    assert team.rules.max_weekend_days == 1
    assert {e.tiers for e in team.engineers} >= {("tier2",), ("tier2", "tier1")}
    witness = [Assignment(name, tier, start, end, shift)
               for name, tier, shift, start, end in generated.witness]
    verdict = check(team, witness)
    assert verdict.gaps == [] and verdict.violations == []


def test_load_is_reproducible_and_leaves_the_plain_generator_alone():
    first = generate_team(20, 1, seed=4, load=0.7)
    assert generate_team(20, 1, seed=4, load=0.7) == first
    assert "--load 0.7" in first and "--load" not in generate_team(20, 1, seed=4)
    code, stdout, _ = run("generate", "--engineers", "20", "--weeks", "1", "--seed", "4",
                          "--load", "0.7")
    assert code == 0 and stdout == first


@pytest.mark.parametrize(("engineers", "load", "message"), [
    ("9", "0.7", "error: --engineers must be at least 10 with --load, not 9\n"),
    ("20", "1", "error: --load must be above 0 and below 1, not 1\n"),
    ("20", "0", "error: --load must be above 0 and below 1, not 0\n"),
])
def test_load_with_too_few_engineers_or_out_of_range_is_bad_usage(engineers, load, message):
    code, stdout, stderr = run("generate", "--engineers", engineers, "--weeks", "1",
                               "--seed", "0", "--load", load)
    assert (code, stdout, stderr) == (2, "", message)
