"""Whatever the file holds, loading it ends in a Team or in located ConfigError lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rota.capacity import capacity_segments
from rota.config import parse_team
from rota.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "follow-the-sun.yaml"
BASE = yaml.safe_load(EXAMPLE.read_text())

ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
    st.text(max_size=12), st.sampled_from(["25:00", "24:00", "00:00-24:00", "mon-fri", "off",
                                           "Europe/Londn", "2026-02-30", "9-17", "local",
                                           "GB-XXX", "..", "2026-03-01..2026-02-01"]),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def key_paths(node: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += key_paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += key_paths(value, (*path, i))
    return out


PATHS = [p for p in key_paths(BASE) if p]


def replaced(path: tuple, value: Any) -> dict:
    doc = yaml.safe_load(yaml.safe_dump(BASE))
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return doc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=ODD_VALUES)
def test_any_value_anywhere_is_a_team_or_located_errors(path, value):
    text = yaml.safe_dump(replaced(path, value), allow_unicode=True)
    try:
        team = parse_team(text, "team.yaml")
    except ConfigError as exc:
        assert exc.problems
        for problem in exc.problems:
            line = str(problem)
            assert line.startswith("error: team.yaml")
            assert "\n" not in line
        return
    capacity_segments(team)  # a file that loads can be analysed without a crash


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_are_a_team_or_located_errors(raw):
    try:
        parse_team(raw, "team.yaml")
    except ConfigError as exc:
        assert all(str(p).startswith("error: team.yaml") for p in exc.problems)


def test_dates_far_outside_zone_and_holiday_data_are_refused():
    doc = replaced(("horizon", "start"), dt.date(9999, 12, 31))
    doc["engineers"][0]["unavailable"] = ["0001-01-01..0001-01-02"]
    try:
        parse_team(yaml.safe_dump(doc), "team.yaml")
    except ConfigError as exc:
        lines = [str(p) for p in exc.problems]
    assert lines == [
        "error: team.yaml:13:5: engineers[0].unavailable[0]: '0001-01-01..0001-01-02' is out of "
        "range: years 1971..2200 only",
        "error: team.yaml:142:10: horizon.start: 9999-12-31 is out of range: years 1971..2200 only",
    ]
