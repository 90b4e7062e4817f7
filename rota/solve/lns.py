"""Neighbourhood searches: free one part of the schedule, keep the rest, solve what is left.

CP-SAT's own neighbourhoods are random; a rota's moves are not. Merging two people's short
shifts into one longer shift frees the candidates of one day together; taking hours off the
busiest engineer frees them and the colleagues who could cover their shifts. Each search
clones the whole model (every rule, coverage and the bounds of the stages before), fixes
every candidate outside the neighbourhood to its value in the best schedule so far, and
solves the small model that is left from that schedule. A better schedule is kept.

The neighbourhoods grow while their searches end in a proof and shrink while they do
not, so that each search is as large as the time allows.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rota.problem import MINUTES_PER_DAY
from rota.solve import cpsat
from rota.solve.budget import Budget
from rota.solve.control import CLOCK, INTERRUPT
from rota.solve.model import RotaModel
from rota.solve.objective import DAYS, Stage

FIRST_SIZE = 0.15  # of the open candidates, the first neighbourhood's size
MIN_SIZE = 150  # candidates: a neighbourhood never shrinks below this
GROW, SHRINK = 1.4, 0.7  # after a proof, after a search cut by its budget
SEARCHES = 12  # the stage's neighbourhood time is split into about this many searches
MIN_GIVE = 0.2  # reproducible mode: deterministic time each search is given at least
STALE = 6  # searches in a row without a better schedule: the rest goes to the full search
MAX_EXCESS = 400 * MINUTES_PER_DAY  # the most a refinement counts for one engineer


@dataclass
class Outcome:
    values: list[int]
    objective: int
    searches: int
    improved: int
    used: float  # in the budget's unit
    dtime: float
    stopped_by: str | None  # CLOCK or INTERRUPT if either ended it


class Neighbourhoods:
    """The parts of one schedule that a search may free."""

    def __init__(self, rota: RotaModel, seed: int):
        self.rota = rota
        cands, span = rota.cands, rota.span
        self.open = [i for i, c in enumerate(cands) if not c.fixed]
        days = max(1, (span.end - span.start + MINUTES_PER_DAY - 1) // MINUTES_PER_DAY)
        self.days = days
        self.on_day: dict[int, list[int]] = defaultdict(list)
        for i in self.open:
            day = min(days - 1, max(0, (cands[i].start - span.start) // MINUTES_PER_DAY))
            self.on_day[day].append(i)
        self.of_engineer = {e: [i for i in ids if not cands[i].fixed]
                            for e, ids in rota.by_engineer.items()}
        # Who can stand in for whom: engineers whose candidates cover the same demand.
        covers: dict[int, set[int]] = defaultdict(set)
        for k, seg in enumerate(rota.segments):
            for i in seg.covering:
                covers[cands[i].engineer].add(k)
        self.covers = covers
        self.rng = random.Random(seed)
        self.turn = 0

    def days_window(self, size: int) -> set[int]:
        """Every candidate starting in a run of days with about `size` of them, the run
        starting on the next day in turn."""
        first = self.turn % self.days
        self.turn += 1
        free: set[int] = set()
        day = first
        while len(free) < size and day < first + self.days:
            free.update(self.on_day.get(day % self.days, ()))
            day += 1
        return free

    def people(self, size: int, values: list[int]) -> set[int]:
        """The candidates of the most loaded engineers against capacity in `values`, each
        with a colleague who could take some of their work: one who shares much of their
        demand and has little load (starting a little way down the list now and then)."""
        rota = self.rota
        ratio = {e: rota.load_minutes(e, values) / max(1, rota.capacity(e))
                 for e in self.of_engineer}
        ranked = sorted(self.of_engineer, key=lambda e: (-ratio[e], e))
        top = max(ratio.values(), default=0.0) or 1.0
        free: set[int] = set()
        taken: set[int] = set()
        first = min(len(ranked) - 1, int(self.rng.expovariate(1.0)))
        for e in ranked[first:]:
            if len(free) >= size:
                break
            if e in taken:
                continue
            mine = self.covers.get(e, set())
            partner = max((o for o in self.of_engineer if o not in taken and o != e),
                          key=lambda o: (len(mine & self.covers.get(o, set()))
                                         * (1.0 - ratio[o] / top) * (0.5 + self.rng.random()),
                                         -o), default=None)
            for one in (e, partner):
                if one is not None:
                    taken.add(one)
                    free.update(self.of_engineer[one])
        return free


def improve(rota: RotaModel, stage: Stage, expr, values: list[int], amount: float,
            budget: Budget, params_of: Callable[[object, float], None], seed: int,
            beside: cpsat.Background | None = None) -> Outcome:
    """Search neighbourhoods of the stage's kinds (`Stage.moves`) from `values` for a
    better value of `expr` (the stage's expression, the model's objective), within `amount`
    of the budget; return the best schedule found. Alone, it stops after STALE searches
    in a row find nothing better. With a full search `beside` it, it runs until that
    search's bound proves the best schedule optimal, and takes each better schedule that
    search finds."""
    hoods = Neighbourhoods(rota, seed)
    total = len(hoods.open)
    size = max(MIN_SIZE, int(FIRST_SIZE * total))
    each = max(amount / SEARCHES, MIN_GIVE if budget.reproducible else 0.0)
    value = stage.evaluate(rota, values)
    refine = stage.refine(rota, value) if stage.refine else None
    key = (value, refine.value(values) if refine else 0)
    used = dtime = 0.0
    searches = improved = stale = 0
    stopped_by = None
    while (used < amount and total and not budget.stopped
           and not (beside is not None and beside.bound >= value)):
        offer = beside.best() if beside is not None else None
        if offer is not None and offer[0] < value:
            value, values = offer
            if refine is not None:
                refine = stage.refine(rota, value)
            key = (value, refine.value(values) if refine else 0)
            stale = 0
        kind = stage.moves[searches % len(stage.moves)]
        free = (hoods.days_window(size) if kind == DAYS else hoods.people(size, values))
        give = min(each, amount - used)
        clock = budget.left()
        objective = None
        if refine is not None:
            engineers = {rota.cands[i].engineer for i in free}
            weight = 1 + len(engineers) * MAX_EXCESS

            def objective(part, engineers=engineers, weight=weight, refine=refine):
                part.minimize(weight * expr + refine.add(part, engineers))

        found = solve_part(rota, values, free, give, budget, params_of, objective)
        searches += 1
        # Reproducible mode charges a search at least what it was given: a small model's
        # search counts less deterministic time than its copy and presolve take.
        cost = max(found.dtime, give) if budget.reproducible else clock - budget.left()
        used += cost
        dtime += found.dtime
        budget.spend(cost)
        better = False
        if found.solved:
            got = stage.evaluate(rota, found.values)
            if refine is not None and got < value:
                refine = stage.refine(rota, got)
            new = (got, refine.value(found.values) if refine else 0)
            if new < key:
                values, value, key, better = found.values, got, new, True
                improved += 1
        if budget.stopped:  # interrupted, or the plan's time is up
            stopped_by = INTERRUPT if budget.control.interrupted else CLOCK
            break
        stale = 0 if better else stale + 1
        if stale >= STALE and beside is None:
            break
        size = (min(total, int(size * GROW) + 1) if found.proven
                else max(MIN_SIZE, int(size * SHRINK)))
    return Outcome(values, value, searches, improved, used, dtime, stopped_by)


def solve_part(rota: RotaModel, values: list[int], free: set[int], amount: float,
               budget: Budget, params_of: Callable[[object, float], None],
               objective: Callable[[cp_model.CpModel], None] | None = None) -> cpsat.Found:
    """Solve the model with every candidate outside `free` fixed to its value, for the
    model's objective or the one `objective` sets on the part."""
    rota.hint(values)
    part = rota.model.clone()
    variables = part.proto.variables
    for i, var in enumerate(rota.x):
        if i not in free:
            domain = variables[var.index].domain
            domain[0] = domain[1] = values[i]
    if objective is not None:
        objective(part)
    return cpsat.run(part, rota.x, lambda params: params_of(params, amount), budget.control,
                     budget.until(amount))
