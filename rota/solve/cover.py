"""Coverage alone, over some of the candidates: the tight-team start (`rota.solve.start`)
and resilience's bounds and repairs (`rota.absence`) ask only this."""

from __future__ import annotations

from rota.candidates import Candidate
from rota.problem import Team
from rota.solve import cpsat
from rota.solve.control import SearchControl
from rota.solve.model import RotaModel
from rota.timeline import Interval, Span


def search_cover(team: Team, span: Span, candidates: list[Candidate], *, amount: float,
                 workers: int, seed: int, reproducible: bool = True,
                 hint: list[int] | None = None, window: list[Interval] | None = None,
                 single: bool = False, light: bool = False,
                 control: SearchControl | None = None, until: float | None = None
                 ) -> cpsat.Found:
    """Minimise the uncovered person-minutes over `candidates` alone, under every rule,
    within `amount` (deterministic time, or seconds unless `reproducible`), starting from
    `hint` (a legal 0/1 choice). With `window`, only the demand inside it counts.
    `single`: one worker, no interleaving, the LP with cuts at every node (a bound on a
    small model is proven soonest so: the load-0.85 week's window bounds in about 1 unit,
    where the interleaved batch takes 6); `light`: no LP-based full-problem workers (their
    first task on a model of tens of thousands of candidates takes the whole budget)."""
    part = RotaModel(team, span, candidates, window=window)
    part.model.minimize(part.uncovered)
    if hint is not None:
        part.hint(hint)

    def params_of(params) -> None:
        cpsat.configure(params, reproducible=reproducible, amount=amount, workers=workers,
                        seed=seed, candidates=len(candidates),
                        terms=cpsat.LARGE_MODEL_TERMS + 1 if light else 0)
        if single:
            params.num_workers = 1
            params.interleave_search = False
            params.linearization_level = 2

    return cpsat.run(part.model, part.x, params_of, control, until)



