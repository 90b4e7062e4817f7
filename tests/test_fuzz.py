"""A bounded mutation fuzz campaign in the normal suite (about 40 s); `make fuzz` runs
the long one. No case may crash, exit outside {0, 1, 2} or exit 2 without a located line."""

from __future__ import annotations

from pathlib import Path

import fuzzing


def test_mutated_team_files_never_crash(tmp_path: Path):
    tally = fuzzing.Tally()
    for seed in range(800):
        fuzzing.run_yaml(seed, tally, tmp_path)
    assert tally.failures == []
    assert set(tally.codes) == {0, 2}  # the mutations reach both valid and invalid files


def test_mutated_schedules_never_crash(tmp_path: Path):
    tally = fuzzing.Tally()
    for seed in range(800):
        fuzzing.run_csv(seed, tally, tmp_path)
    assert tally.failures == []
    assert set(tally.codes) == {0, 1, 2}
