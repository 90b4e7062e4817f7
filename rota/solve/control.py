"""When a search must stop: at the plan's wall-clock deadline, or on Ctrl-C / SIGTERM.

The search runs in a worker thread while the main thread waits in short steps, so that
Python's signal handlers run during a solve and the deadline is watched from outside the
solver: in reproducible mode a deadline given to the solver itself changes its work even
when it never strikes (measured). Imports no solver.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

POLL_SECONDS = 0.05
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}

# Why a stage's search ended, as summary.json reports it.
PROOF, BUDGET, CLOCK, INTERRUPT = "proof", "budget", "clock", "interrupt"


class SearchControl:
    """The plan's deadline (a `time.perf_counter` instant, or None) and its interruption."""

    def __init__(self, deadline: float | None = None):
        self.deadline = deadline
        self.signal: int | None = None

    @property
    def interrupted(self) -> bool:
        return self.signal is not None

    @property
    def exit_code(self) -> int | None:
        return None if self.signal is None else EXIT_CODES.get(self.signal, 128 + self.signal)

    def seconds_left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.perf_counter()

    def run(self, search: Callable[[], Any], stop: Callable[[], None],
            until: float | None = None) -> tuple[Any, str | None]:
        """Run `search` in a thread; call `stop` at `until` (default: the deadline) or on
        an interrupt. Returns its result and CLOCK, INTERRUPT or None (it ended itself)."""
        until = self.deadline if until is None else until
        box: list[Any] = []
        failure: list[BaseException] = []

        def target() -> None:
            try:
                box.append(search())
            except BaseException as exc:  # re-raised in the calling thread
                failure.append(exc)

        worker = threading.Thread(target=target, name="rota-search", daemon=True)
        worker.start()
        reason = None
        while worker.is_alive():
            worker.join(POLL_SECONDS)
            if reason is None and worker.is_alive():
                if self.interrupted:
                    reason = INTERRUPT
                elif until is not None and time.perf_counter() >= until:
                    reason = CLOCK
                if reason:
                    stop()
        if failure:
            raise failure[0]
        return box[0], reason

    def install_signal_handlers(self) -> Callable[[], None]:
        """Ctrl-C or SIGTERM stops the search (the best schedule is still written); a
        second one exits at once, writing nothing. Returns a function that restores the
        previous handlers."""

        def handler(signum: int, _frame: object) -> None:
            if self.signal is not None:
                os._exit(EXIT_CODES.get(self.signal, 128 + signum))
            self.signal = signum

        previous = {sig: signal.signal(sig, handler) for sig in EXIT_CODES}

        def restore() -> None:
            for sig, old in previous.items():
                signal.signal(sig, old)

        return restore
