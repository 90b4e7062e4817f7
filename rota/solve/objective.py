"""The plan's objective: one table of stages, solved in this order (SPEC §3).

Each stage minimises one expression, then keeps it at the value found for the stages
after it. The solver, the greedy start and the summary all read this table; a new stage
is one row here (and the model method its expression calls). This module never imports
ortools: `expression` is given the model (`rota.solve.model.RotaModel`).

`objective:` in the team file names the groups of stages 2-6 (`preferences`, `night`,
`fairness`, `handoffs`, `spread`) in the order wanted, leaving out the ones not wanted;
`uncovered` is always first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rota.problem import OBJECTIVE_NAMES
from rota.solve.greedy import uncovered_minutes

# The kinds of neighbourhood a stage's searches free (`rota.solve.lns`).
DAYS = "days"  # every candidate starting in a run of days
PEOPLE = "people"  # every candidate of a busy engineer and of colleagues who share their demand


@dataclass(frozen=True)
class Stage:
    name: str
    group: str  # the `objective:` name it belongs to
    meaning: str
    share: float  # of the time the coverage stage leaves (the first stage takes what it needs)
    # The model's expression, given the previous stage's schedule; None: nothing to optimise.
    expression: Callable[[Any, list[int]], Any]
    # Its value for a 0/1 choice of candidates, computed in Python: to compare starting
    # points, and to judge a schedule no search improved.
    evaluate: Callable[[Any, list[int]], int]
    never_negative: bool = False  # a schedule at 0 is optimal, no search needed
    prunable: bool = False  # dropping an assignment nobody needs never makes it worse
    on_large_models: bool = True  # runs past rota.solve.params.LARGE_MODEL_CANDIDATES
    replan_only: bool = False  # runs only in `rota replan` (SPEC §8), right after uncovered
    # The neighbourhoods its searches free (`rota.solve.lns`): DAYS where its moves are
    # local in time (trim an overlap, merge two shifts into one), PEOPLE where they move
    # hours between engineers.
    moves: tuple[str, ...] = ()
    # For a stage whose value is a maximum over engineers: given the model and the value
    # so far, a second measure its neighbourhood searches lower (`model.Refinement`).
    refine: Callable[[Any, int], Any] | None = None


def _soft(m, values: list[int]) -> int:
    return sum(cost for cost, v in zip(m.soft_costs(), values) if v)


def _night(m, values: list[int]) -> int:
    return sum(n for n, v in zip(m.night_minutes(), values) if v)


def _deviation(m, values: list[int]) -> Any:
    return m.load_deviation(sum(c.minutes for c, v in zip(m.cands, values) if v))


STAGES: tuple[Stage, ...] = (
    Stage("uncovered_minutes", "uncovered", "person-minutes of demand nobody covers", 0.0,
          lambda m, _: m.uncovered, lambda m, v: uncovered_minutes(m.segments, v),
          never_negative=True, prunable=True),
    Stage("changes", "changes", "published assignments removed + new ones added (replan only)",
          2.0, lambda m, _: m.changes(), lambda m, v: m.changes_of(v), never_negative=True,
          prunable=True, replan_only=True, moves=(DAYS,)),
    Stage("soft_preferences", "preferences",
          "minutes inside `avoid`, and outside `prefer` where given", 2.0,
          lambda m, _: m.soft_cost(), _soft, never_negative=True, prunable=True,
          moves=(DAYS, PEOPLE)),
    Stage("night_minutes", "night", "minutes on duty inside each engineer's local night", 1.0,
          lambda m, _: m.night_cost(), _night, never_negative=True, prunable=True,
          on_large_models=False, moves=(DAYS, PEOPLE)),
    Stage("max_load_ratio", "fairness", "the largest hours/capacity ratio, in basis points",
          1.5, lambda m, _: m.max_load_ratio(), lambda m, v: m.load_ratio(v),
          prunable=True, moves=(PEOPLE,), refine=lambda m, value: m.load_excess(value - 1)),
    # Nobody on duty who is not needed, before the spread: otherwise the spread evens
    # loads out by giving the light engineers needless shifts.
    Stage("assigned_minutes", "fairness", "minutes on duty in all: no one on duty not needed",
          1.0, lambda m, _: m.total_minutes(),
          lambda m, v: sum(c.minutes for c, x in zip(m.cands, v) if x), prunable=True,
          on_large_models=False, moves=(DAYS,)),
    Stage("load_spread", "fairness",
          "Σ over groups of identical engineers of the most minutes − the fewest, and the same"
          " of weekend minutes", 1.0,
          lambda m, _: m.load_spread(), lambda m, v: m.load_spread_value(v),
          on_large_models=False, moves=(PEOPLE,)),
    # Weekend, holiday and night shifts spread evenly (SPEC §3 stage 6) before the
    # hand-offs: after them, the hand-offs' regular start times decide who works weekends.
    Stage("turns", "fairness",
          "Σ n(n−1)/2 over engineers and their n weekend, holiday and night shifts", 1.0,
          lambda m, _: m.turns(), lambda m, v: m.turns_value(v), never_negative=True,
          prunable=True, on_large_models=False, moves=(PEOPLE, DAYS)),
    Stage("handoffs", "handoffs",
          "assignments + distinct local start times of each engineer + distinct UTC times"
          " of day each tier hands over at", 1.5,
          lambda m, _: m.handoffs(), lambda m, v: m.handoffs_value(v), prunable=True,
          on_large_models=False, moves=(DAYS,)),
    Stage("peaks", "spread",
          "most weekend + most holiday + most night minutes of anyone", 0.5,
          lambda m, _: m.peaks(), lambda m, v: m.peaks_value(v), prunable=True,
          on_large_models=False, moves=(PEOPLE,)),
    Stage("load_deviation", "spread", "Σ |minutes − fair share by capacity|", 0.5,
          _deviation, lambda m, v: m.deviation_value(v), on_large_models=False,
          moves=(PEOPLE, DAYS)),
)


def stages_for(objective: tuple[str, ...] | None, replan: bool = False) -> list[Stage]:
    """The stages in the order of `objective:` (None: SPEC's order, all of them); for a
    replan, `changes` right after uncovered. Without `fairness`, assigned_minutes still
    runs, last, as a tie-break."""
    groups = OBJECTIVE_NAMES if objective is None else objective
    out = [STAGES[0], *(s for s in STAGES if s.replan_only and replan),
           *(s for g in groups for s in STAGES if s.group == g)]
    if "fairness" not in groups:
        out += [s for s in STAGES if s.name == "assigned_minutes"]
    return out
