"""What each objective stage costs: `rota plan` on some teams, one column per team, one
row per stage, from each plan's summary.json (wall seconds, CP-SAT deterministic time,
status, and the value found against the bound proven).

Teams are YAML files, or generated ones written `NxW` or `NxW@LOAD` (`rota generate`
with seed 1). Run from the repository root:

    .venv/bin/python benchmarks/stage_costs.py examples/real-team.yaml 200x4 50x1@0.85 \\
        --out benchmarks/STAGES.md
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rota.generate import generate_team

ROTA = Path(sys.executable).with_name("rota")


def team_file(spec: str, workdir: Path) -> Path:
    """The YAML file for a team spec: a path, or NxW[@LOAD] generated with seed 1."""
    if Path(spec).exists():
        return Path(spec)
    size, _, load = spec.partition("@")
    engineers, weeks = (int(n) for n in size.split("x"))
    path = workdir / f"{spec.replace('@', '-')}.yaml"
    path.write_text(generate_team(engineers, weeks, seed=1, load=float(load) if load else None))
    return path


def plan(path: Path, out: Path, extra: list[str]) -> tuple[dict, float]:
    started = time.perf_counter()
    subprocess.run([str(ROTA), "plan", str(path), "-o", str(out), "--quiet", *extra],
                   check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json.loads((out / "summary.json").read_text()), time.perf_counter() - started


def cell(stage: dict | None) -> str:
    if stage is None:
        return "-"
    if stage["status"] == "NOT_RUN":
        return f"not run ({stage['stopped_by']})"
    value = f"{stage['objective']}" + (f" / {stage['bound']}" if stage["bound"] >= 0 else "")
    return (f"{stage['seconds']:.1f} s, {stage['deterministic_time']:.1f} dt, "
            f"{stage['status'].lower()} {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("teams", nargs="+")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--time-limit", type=float, help="for every team (default: its file's)")
    args = parser.parse_args()
    extra = ["--time-limit", str(args.time_limit)] if args.time_limit else []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        runs = []
        for n, spec in enumerate(args.teams):
            summary, wall = plan(team_file(spec, workdir), workdir / f"out{n}", extra)
            runs.append((spec, summary, wall))
            print(f"{spec}: {wall:.1f} s", file=sys.stderr)
    names: list[str] = []
    for _, summary, _ in runs:
        names += [s["name"] for s in summary["solver"]["stages"] if s["name"] not in names]
    lines = [f"Load average before: {os.getloadavg()[0]:.2f}; command: "
             f"`{' '.join(['python', *sys.argv])}`", "",
             "| stage | " + " | ".join(f"`{spec}`" for spec, _, _ in runs) + " |",
             "|---" * (len(runs) + 1) + "|"]
    for name in names:
        row = [cell(next((s for s in summary["solver"]["stages"] if s["name"] == name), None))
               for _, summary, _ in runs]
        lines.append(f"| {name} | " + " | ".join(row) + " |")
    lines.append("| **plan wall** | " + " | ".join(
        f"{wall:.1f} s of {summary['solver']['time_limit_seconds']:g} s, "
        f"{summary['solver']['candidates']} candidates" for _, summary, wall in runs) + " |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
