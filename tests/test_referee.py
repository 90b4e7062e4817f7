"""The referee stays independent: `rota check` and `rota validate` never load the solver."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import runpy, sys
sys.argv = ["rota", *sys.argv[1:]]
try:
    runpy.run_module("rota", run_name="__main__")
except SystemExit as exc:
    code = exc.code
print("exit", code, "ortools loaded:", "ortools" in sys.modules)
"""


def run_probe(*args: str) -> str:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    return done.stdout.strip().splitlines()[-1]


def test_check_never_imports_the_solver(tmp_path):
    schedule = tmp_path / "s.csv"
    schedule.write_text("engineer,tier,start_utc,end_utc\n"
                        "Wei Ling Tan,tier2,2027-03-07T23:00:00Z,2027-03-08T07:00:00Z\n")
    line = run_probe("check", "examples/follow-the-sun.yaml", str(schedule))
    assert line == "exit 1 ortools loaded: False"


def test_validate_never_imports_the_solver():
    assert run_probe("validate", "examples/follow-the-sun.yaml") == "exit 0 ortools loaded: False"


def test_report_never_imports_the_solver(tmp_path):
    schedule = tmp_path / "s.csv"
    schedule.write_text("engineer,tier,start_utc,end_utc\n")
    line = run_probe("report", "examples/follow-the-sun.yaml", str(schedule), "-o",
                     str(tmp_path / "r.html"))
    assert line == "exit 1 ortools loaded: False"
