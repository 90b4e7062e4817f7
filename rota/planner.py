"""The `plan` pipeline: team → candidates → solver → schedule, judged by the referee."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from rota.candidates import generate
from rota.check import CheckResult, check
from rota.control import CLOCK_MARGIN, SearchControl
from rota.history import HistorySplit
from rota.problem import Team
from rota.solver import PlanResult, solve
from rota.timeline import Span


@dataclass
class Plan:
    team: Team
    span: Span
    result: PlanResult
    verdict: CheckResult  # the referee's view of what the solver chose
    time_limit: float | None = None  # the limit it ran under, if not the team file's
    history: HistorySplit | None = None  # loaded and validated; not yet planned around

    @property
    def covered(self) -> bool:
        return not self.verdict.gaps


def plan(team: Team, *, time_limit: float | None = None, workers: int | None = None,
         seed: int | None = None, log: Callable[[str], None] | None = None,
         progress: Callable[[str], None] | None = None,
         control: SearchControl | None = None, history: HistorySplit | None = None,
         stages: tuple | None = None) -> Plan:
    """Plan the team's horizon within `time_limit` wall-clock seconds (default: the team
    file's), counted from now; the returned verdict is `check` run on the result.
    `control` may carry an earlier deadline and receives interrupts. `history` is carried
    on the Plan; the model does not use it yet (rules across the boundary come with the
    rules registry). `stages` (default: all of rota.objective.STAGES) goes to the solver."""
    limit = team.solver.time_limit_seconds if time_limit is None else time_limit
    deadline = time.perf_counter() + limit * CLOCK_MARGIN
    if control is None:
        control = SearchControl(deadline)
    elif control.deadline is None or control.deadline > deadline:
        control.deadline = deadline
    span = Span.of(team.horizon)
    candidates = generate(team, span)
    if log:
        log(f"{len(candidates)} candidate shifts for {len(team.engineers)} engineers")
    result = solve(team, span, candidates, time_limit=time_limit, workers=workers, seed=seed,
                   log=log, progress=progress, control=control, stages=stages)
    return Plan(team, span, result, check(team, result.assignments), limit, history)
