"""One CP-SAT search: its parameters in either mode (`rota.solve.budget`), its run under
the plan's control, and what it found, as data.

Both modes search *interleaved*: CP-SAT runs its subsolvers in batches, which on two cores
gives the LP-based workers their turn (its plain portfolio there is one full worker and a
few neighbourhood searches, whose bounds stayed 40 % short). In reproducible mode the
batches are deterministic: a budget in deterministic time and no clause sharing between
workers make the same model, seed and workers give the same answer.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass
from functools import partial
from typing import Any

from ortools.sat.python import cp_model

from rota.solve.control import SearchControl

# Past this many candidates, or candidate-segment terms in the coverage constraints, the
# LP-based full-problem workers are left out: their first task took minutes (the
# 200-engineer week at load 0.85, 670,000 terms: its first improvement came 180 s in behind
# them, 10 s without), and each holds a copy of the model.
LARGE_MODEL_CANDIDATES = 100_000
LARGE_MODEL_TERMS = 500_000
LP_SUBSOLVERS = ("default_lp", "max_lp", "quick_restart")
# The slowest full-problem workers make every batch wait for them; without these three a
# batch of the real-team week takes a third less time for as good a schedule.
SLOW_SUBSOLVERS = ("max_lp_sym", "reduced_costs", "pseudo_costs")


def workers_of(workers: int | None) -> int:
    """Solver threads: 0 or None means every core."""
    return workers or os.cpu_count() or 1


def configure(params, *, reproducible: bool, amount: float, workers: int, seed: int,
              candidates: int = 0, terms: int = 0, light_presolve: bool = False) -> None:
    """Set `params` (a SatParameters) for one search given `amount`: deterministic time in
    reproducible mode, else seconds. The wall-clock deadline is kept from outside
    (`rota.solve.control`); in reproducible mode a deadline given to CP-SAT would change
    the search even when it never strikes."""
    params.interleave_search = True
    if reproducible:
        params.max_deterministic_time = max(0.01, amount)
        params.share_glue_clauses = False
        params.share_binary_clauses = False
    else:
        params.max_time_in_seconds = max(0.01, amount)
    params.catch_sigint_signal = False  # rota.solve.control handles Ctrl-C
    params.ignore_subsolvers.extend(SLOW_SUBSOLVERS)
    if candidates > LARGE_MODEL_CANDIDATES or terms > LARGE_MODEL_TERMS:
        params.ignore_subsolvers.extend(LP_SUBSOLVERS)
        params.symmetry_level = 0
        params.cp_model_probing_level = 0
    if light_presolve:
        # The stages after coverage presolve the same model again, plus one bound. Full
        # probing and the search for overlapping linear blocks cost about 5 deterministic
        # units a stage on the real 53-person week: a later stage's whole share.
        params.cp_model_probing_level = 0
        params.find_big_linear_overlap = False
    params.num_workers = workers_of(workers)
    params.random_seed = seed


NOT_RUN = -1  # a search that never started
STATUS_NAMES = {NOT_RUN: "NOT_RUN", cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE",
                cp_model.INFEASIBLE: "INFEASIBLE", cp_model.MODEL_INVALID: "MODEL_INVALID",
                cp_model.UNKNOWN: "UNKNOWN"}


@dataclass(frozen=True)
class Found:
    """What one search found."""

    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN, ...
    values: list[int] | None  # 0/1 per candidate, None if it found no solution
    objective: int  # -1 if none
    bound: int  # its proven lower bound, -1 if none
    seconds: float
    dtime: float  # deterministic time used
    stopped_by: str | None  # CLOCK or INTERRUPT if the clock or a signal ended it

    @property
    def solved(self) -> bool:
        return self.values is not None

    @property
    def proven(self) -> bool:
        return self.status in ("OPTIMAL", "INFEASIBLE")


def run(model: cp_model.CpModel, x: list[Any], params_of, control: SearchControl | None,
        until: float | None, callback: cp_model.CpSolverSolutionCallback | None = None
        ) -> Found:
    """Solve `model` with the parameters `params_of(params)` sets, stopped at `until` or
    on an interrupt; read the value of each of `x`."""
    solver = cp_model.CpSolver()
    params_of(solver.parameters)
    status, stopped_by = (control or SearchControl()).run(
        partial(solver.solve, model, callback), solver.stop_search, until)
    name = STATUS_NAMES.get(status, str(status))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Found(name, None, -1, -1, solver.wall_time, solver.deterministic_time,
                     stopped_by)
    return Found(name, [int(solver.boolean_value(v)) for v in x],
                 round(solver.objective_value), round(solver.best_objective_bound),
                 solver.wall_time, solver.deterministic_time, stopped_by)


class Background:
    """A search of a copy of `model` in its own thread, beside other work. Its bound, as it
    rises, can prove that work's best schedule optimal, and each schedule it finds is
    offered to it (`best`). `stop` ends it; `found` is what it found."""

    def __init__(self, model: cp_model.CpModel, x: list[Any], params_of):
        self.model, self.x = model.clone(), x
        self.solver = cp_model.CpSolver()
        params_of(self.solver.parameters)
        self.bound = -math.inf
        self.solver.best_bound_callback = self._raise
        self.offer: tuple[int, list[int]] | None = None
        self.status: int | None = None
        self.thread = threading.Thread(target=self._run, name="rota-beside", daemon=True)
        self.thread.start()

    def _raise(self, bound: float) -> None:
        self.bound = bound

    def _run(self) -> None:
        self.status = self.solver.solve(self.model, _Offers(self))
        if self.status == cp_model.OPTIMAL:  # proven: its value is the bound
            self.bound = max(self.bound, self.solver.objective_value)

    def best(self) -> tuple[int, list[int]] | None:
        """The best schedule found so far and its objective, or None."""
        return self.offer

    def stop(self) -> Found:
        """Stop the search (if it still runs) and say what it found."""
        self.solver.stop_search()
        self.thread.join()
        status, solver = self.status, self.solver
        name = STATUS_NAMES.get(status, str(status))
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Found(name, None, -1, -1, solver.wall_time, solver.deterministic_time, None)
        return Found(name, [int(solver.boolean_value(v)) for v in self.x],
                     round(solver.objective_value), round(solver.best_objective_bound),
                     solver.wall_time, solver.deterministic_time, None)


class _Offers(cp_model.CpSolverSolutionCallback):
    """Keeps the background search's latest schedule."""

    def __init__(self, owner: Background):
        super().__init__()
        self.owner = owner

    def on_solution_callback(self) -> None:
        self.owner.offer = (round(self.objective_value),
                            [int(self.boolean_value(v)) for v in self.owner.x])
