"""The plan's objective: one table of stages, solved in this order (SPEC §3).

Each stage minimises one expression, then keeps it at the value found for the stages
after it. The solver, the greedy start and the summary all read this table; a new stage
is one row here (and the model method its expression calls). This module never imports
ortools: `expression` is given the model (`rota.solver.RotaModel`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rota.greedy import uncovered_minutes


@dataclass(frozen=True)
class Stage:
    name: str
    meaning: str
    share: float  # of the time the coverage stage leaves (the first stage takes what it needs)
    # The model's expression, given the previous stage's schedule; None: nothing to optimise.
    expression: Callable[[Any, list[int]], Any]
    # Its value for a 0/1 choice of candidates, computed in Python, where the solver uses
    # it to compare greedy starting points; None where it does not.
    evaluate: Callable[[Any, list[int]], int] | None = None
    never_negative: bool = False  # a schedule at 0 is optimal, no search needed
    prunable: bool = False  # dropping an assignment nobody needs never makes it worse
    on_large_models: bool = True  # runs past rota.solver.LARGE_MODEL_CANDIDATES
    replan_only: bool = False  # runs only in `rota replan` (SPEC §8)


def _soft(m, values: list[int]) -> int:
    return sum(cost for cost, v in zip(m.soft_costs(), values) if v)


def _deviation(m, values: list[int]) -> Any:
    return m.load_deviation(sum(c.minutes for c, v in zip(m.cands, values) if v))


STAGES: tuple[Stage, ...] = (
    Stage("uncovered_minutes", "person-minutes of demand nobody covers", 0.0,
          lambda m, _: m.uncovered, lambda m, v: uncovered_minutes(m.segments, v),
          never_negative=True, prunable=True),
    Stage("changes", "published assignments removed + new ones added (replan only)", 2.0,
          lambda m, _: m.changes(), lambda m, v: m.changes_of(v), never_negative=True,
          prunable=True, replan_only=True),
    Stage("soft_preferences", "minutes inside `avoid`, and outside `prefer` where given", 2.0,
          lambda m, _: m.soft_cost(), _soft, never_negative=True, prunable=True),
    Stage("max_load_ratio", "the largest hours/capacity ratio, in basis points", 1.5,
          lambda m, _: m.max_load_ratio(), lambda m, v: m.load_ratio(v),
          prunable=True),
    Stage("assigned_minutes", "minutes on duty in all", 1.5,
          lambda m, _: m.total_minutes(), prunable=True, on_large_models=False),
    Stage("load_deviation", "Σ |minutes − fair share by capacity|", 1.0, _deviation,
          on_large_models=False),
    Stage("weekend_holiday_peak", "most weekend minutes + most holiday minutes of anyone", 1.0,
          lambda m, _: m.weekend_holiday_peak(), on_large_models=False),
)
