"""What the searches of one plan may spend (SPEC §7).

By default, wall-clock seconds: the plan uses its time limit, every search is given
seconds, and time a search does not need goes to the ones after it. In reproducible mode,
CP-SAT deterministic time instead (a count of work, the same on every run), sized from the
limit and the model, so that the same file, seed and workers give the same schedule; the
wall clock then only guards the plan, at CLOCK_MARGIN × the limit.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from rota.solve.control import SearchControl

# Reproducible mode: deterministic time per second of the limit, for two workers. Two
# cores run 0.55-0.9 of it a second in full searches and less in neighbourhood searches,
# whose copies and presolves it does not count (measured: plans of 10 s ended after 7-9.4 s
# at 0.5), so the budget ends well before the clock's guard. It is counted per worker (half
# of it each), so that more workers are given more work to do, never less.
DTIME_PER_SECOND = 0.4
# Past this many candidates CP-SAT's deterministic clock runs slow against the wall clock
# (measured: 1 unit takes about 1 s at 16,000 candidates, 2-12 s at 500,000), so the rate
# shrinks with the size to the power 0.75.
DTIME_REFERENCE_CANDIDATES = 20_000
# Reproducible mode: the clock stops the search only past this multiple of the limit, so a
# plan on an idle machine ends by its budget and never runs past 1.25 × the limit.
CLOCK_MARGIN = 1.15
# By default a search is given its seconds and stops itself; the watcher stops it from
# outside only this much later (or at the plan's deadline), should it overrun.
OVERRUN_SECONDS = 1.0


def dtime_rate(candidates: int, workers: int = 2) -> float:
    """Deterministic time per second of the limit: DTIME_PER_SECOND for two workers on a
    small model, half of it per worker, and less past DTIME_REFERENCE_CANDIDATES (their
    work runs slower)."""
    size = min(1.0, (DTIME_REFERENCE_CANDIDATES / max(1, candidates)) ** 0.75
               / DTIME_PER_SECOND)
    return DTIME_PER_SECOND * size * max(2, workers) / 2


@dataclass
class Budget:
    """The plan's budget: seconds up to the deadline, or deterministic time left."""

    control: SearchControl
    reproducible: bool = False
    dtime: float = 0.0  # reproducible mode: deterministic time left

    @property
    def unit(self) -> str:
        return "dtime" if self.reproducible else "s"

    def left(self) -> float:
        """What is left to spend, in the mode's unit."""
        if self.reproducible:
            return self.dtime
        left = self.control.seconds_left()
        return math.inf if left is None else max(0.0, left)

    def spend(self, dtime: float) -> None:
        """Count a search's deterministic time (the clock counts itself)."""
        if self.reproducible:
            self.dtime = max(0.0, self.dtime - dtime)

    def until(self, amount: float) -> float | None:
        """The instant at which a search given `amount` is stopped from outside: by
        default a little after `amount` seconds from now (or the deadline, if sooner); in
        reproducible mode only the deadline, its guard."""
        deadline = self.control.deadline
        if self.reproducible or math.isinf(amount):
            return deadline
        stop = time.perf_counter() + amount + OVERRUN_SECONDS
        return stop if deadline is None else min(stop, deadline)

    @property
    def stopped(self) -> bool:
        """No search is worth starting: interrupted, or out of time."""
        return self.control.interrupted or (
            self.control.seconds_left() is not None and self.control.seconds_left() <= 0)
