"""The `plan` pipeline: team → candidates → solver → schedule, judged by the referee."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rota.candidates import generate
from rota.check import CheckResult, check
from rota.problem import Team
from rota.solver import PlanResult, solve
from rota.timeline import Span


@dataclass
class Plan:
    team: Team
    span: Span
    result: PlanResult
    verdict: CheckResult  # the referee's view of what the solver chose

    @property
    def covered(self) -> bool:
        return not self.verdict.gaps


def plan(team: Team, *, time_limit: float | None = None, workers: int | None = None,
         seed: int | None = None, log: Callable[[str], None] | None = None,
         progress: Callable[[str], None] | None = None,
         wall_limit: float | None = None) -> Plan:
    """Plan the team's horizon; the returned verdict is `check` run on the result."""
    span = Span.of(team.horizon)
    candidates = generate(team, span)
    if log:
        log(f"{len(candidates)} candidate shifts for {len(team.engineers)} engineers")
    result = solve(team, span, candidates, time_limit=time_limit, workers=workers, seed=seed,
                   log=log, progress=progress, wall_limit=wall_limit)
    return Plan(team, span, result, check(team, result.assignments))
