"""rota: follow-the-sun on-call rota planning with OR-Tools CP-SAT.

`plan` is imported lazily, so `check` and `validate` never load the solver.
"""

from typing import Any

from rota.check import check
from rota.config import load_team, parse_team

__version__ = "0.1.0"
__all__ = ["check", "load_team", "parse_team", "plan", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "plan":
        from rota.solve.planner import plan

        return plan
    raise AttributeError(name)
