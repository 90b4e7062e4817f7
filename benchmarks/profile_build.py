"""Build (not solve) the model of one generated size, for profiling.

    .venv/bin/python -m cProfile -s cumtime benchmarks/profile_build.py 1000 13 | head -40

It generates the team with `generate_team(n, w, seed=1)` into a temp file, then runs what
`rota plan` runs before the solver: load_team, Span.of, candidates.generate, RotaModel.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from rota import candidates
from rota.config import load_team
from rota.generate import generate_team
from rota.solve.model import RotaModel
from rota.timeline import Span


def main() -> None:
    """Time each step of the build for the size given as `ENGINEERS WEEKS`."""
    n, w = int(sys.argv[1]), int(sys.argv[2])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "team.yaml"
        path.write_text(generate_team(n, w, seed=1))
        t0 = time.perf_counter()
        team = load_team(path)
        t1 = time.perf_counter()
        span = Span.of(team.horizon)
        cands = candidates.generate(team, span)
        t2 = time.perf_counter()
        model = RotaModel(team, span, cands)
        t3 = time.perf_counter()
    proto = model.model.proto
    print(f"{n}x{w}: load {t1 - t0:.2f} s, candidates {len(cands)} in {t2 - t1:.2f} s, "
          f"model {len(proto.variables)} variables, {len(proto.constraints)} constraints "
          f"in {t3 - t2:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
