"""The documented limits (SPEC §6) that keep any input from exhausting the machine."""

from __future__ import annotations

from pathlib import Path

from rota.errors import InputError, Problem

MAX_CONFIG_BYTES = 4 * 2**20  # a generated 1,000-engineer team is 140 KB
MAX_SCHEDULE_BYTES = 64 * 2**20  # a 1,000-engineer quarter is about 9 MB
MAX_ALIAS_NODES = 10_000  # nodes that YAML aliases may expand to, in all
MAX_DEPTH = 100  # nesting of YAML collections
MAX_COUNT = 2**31 - 1  # counts and seeds fit in 32 bits
MAX_WORKERS = 256
MAX_SECONDS = 604_800  # solver time limits: a week
MAX_COVERAGE_MIN = 10_000  # people required at once
MIN_STEP_MINUTES = 5
MAX_WEEK_HOURS = 168
MAX_FAIRNESS_WEEKS = 104  # history.fairness_weeks: two years
MAX_CANDIDATES = 1_000_000  # estimated before they are built; the 1,000 × 13 weeks: 650,000


def read_capped(path: str | Path, limit: int, error: type[InputError]) -> bytes:
    """The bytes of `path`, or `error` if it cannot be read or holds more than `limit`."""
    name = str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise error([Problem(name, f"cannot read file: {exc.strerror or exc}")]) from None
    if len(raw) > limit:
        raise error([Problem(name, f"the file is larger than {limit // 2**20} MiB, "
                                   f"the most rota reads")]) from None
    return raw
