"""Independent searches at once, in processes of their own (SPEC §7): explain's
verifications, what-if's scenarios and resilience's absences.

Each search is bounded by work done, never by the clock (`plan(..., reproducible=True,
guarded=False)`), so its answer is the same whether it runs alone or beside others on a
busy machine: `--jobs N` changes how long the command takes, not what it says.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


# Solver threads of each independent search unless told: one, whatever `--jobs` is, so
# that the answers are the same however many run at once.
SEARCH_WORKERS = 1


def default_jobs() -> int:
    """Searches at once unless told: one per core."""
    return os.cpu_count() or 1


def run_all(function: Callable[..., Result], items: Iterable[Item], jobs: int,
            shared: Any = None) -> list[Result]:
    """`function(item)` for each item (`function(shared, item)` with `shared`), `jobs` at a
    time in processes of their own (one: here, in turn); the results in the items' order.
    `shared` goes to each process once. `function` and the data must pickle: a
    module-level function and plain data."""
    items = list(items)
    call = function if shared is None else partial(function, shared)
    if jobs <= 1 or len(items) <= 1:
        return [call(item) for item in items]
    # A fresh interpreter per process: the parent may hold threads (the solver's, the
    # watcher's), which a forked child would inherit half-way.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(items)), mp_context=context,
                             initializer=_receive, initargs=(function, shared)) as pool:
        return list(pool.map(_call, items))


_task: Callable[[Any], Any] | None = None  # a pool process's function, `shared` bound


def _receive(function: Callable[..., Any], shared: Any) -> None:
    global _task
    _task = function if shared is None else partial(function, shared)


def _call(item: Any) -> Any:
    assert _task is not None
    return _task(item)
