"""Independent searches in parallel processes (SPEC §7): `--jobs N` changes how long
explain, what-if and resilience take, never what they say."""

from __future__ import annotations

import json

from test_explain import SUNDAY_NIGHTS, UNDERSTAFFED, run, team_file

from rota.jobs import run_all


def _square(shared: int, item: int) -> int:
    return shared + item * item


def test_run_all_keeps_the_items_order_in_processes_and_here():
    items = list(range(7))
    assert run_all(_square, items, 3, shared=100) == [100 + i * i for i in items]
    assert run_all(_square, items, 1, shared=100) == [100 + i * i for i in items]


def _answers(data: dict, key: str) -> list:
    """The JSON without the seconds each search took."""
    return [{k: v for k, v in row.items() if k != "seconds"} for row in data[key]]


def test_what_if_gives_the_same_answers_one_at_a_time_and_side_by_side():
    args = ["what-if", str(UNDERSTAFFED), "--without", "Ben Carter", "--set",
            "max_hours_per_week=40", "--time-limit", "3", "--format", "json"]
    one = json.loads(run(*args, "--jobs", "1")[1])
    three = json.loads(run(*args, "--jobs", "3")[1])
    assert _answers(one, "scenarios") == _answers(three, "scenarios")
    assert [s["scenario"] for s in one["scenarios"]] == [
        "as is", "without Ben Carter", "max_hours_per_week=40", "all 2 changes"]


def test_resilience_gives_the_same_answers_one_at_a_time_and_side_by_side(tmp_path):
    config = team_file(tmp_path, SUNDAY_NIGHTS)
    one = json.loads(run("resilience", str(config), "--format", "json", "--jobs", "1")[1])
    two = json.loads(run("resilience", str(config), "--format", "json", "--jobs", "2")[1])
    assert _answers(one, "absences") == _answers(two, "absences")
    assert one["opens_gap"] == two["opens_gap"] != []


def test_explain_gives_the_same_answers_one_at_a_time_and_side_by_side():
    args = ["explain", str(UNDERSTAFFED), "--format", "json", "--time-limit", "5",
            "--reproducible"]
    one = json.loads(run(*args, "--jobs", "1")[1])
    two = json.loads(run(*args, "--jobs", "2")[1])
    assert one["gaps"] == two["gaps"] and one["combined_fixes"] == two["combined_fixes"]
