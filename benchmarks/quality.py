"""The quality of the rota `rota plan` returns: each stage's value against its proven bound,
and what a manager sees, as medians of several runs, optionally beside a baseline checkout
run in the same command (issue "Rotas as good as the time and the machine allow").

A case is a team file, `real` (the real balena week exactly as their data has it: the
shipped examples/real-team.yaml without the `max_shifts_per_day` line rota added), or
`NxW[@LOAD]` (`rota generate --engineers N --weeks W --seed 1 [--load LOAD]`). Each run is
`python -m rota plan TEAM -o DIR --quiet --time-limit L --workers W --seed S` in a fresh
process (seed S = the run's number); the referee (`rota check`, this checkout's) judges
every schedule. The measures of the schedule come from this checkout's code, the same for
both sides.

Run from the repository root:

    .venv/bin/python benchmarks/quality.py real examples/tight-14.yaml 200x4 200x1@0.85 \\
        --runs 3 --out benchmarks/QUALITY.md
    .venv/bin/python benchmarks/quality.py real --baseline /path/to/old/checkout --runs 3
    .venv/bin/python benchmarks/quality.py real --workers 1,2 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rota import metrics  # noqa: E402
from rota.config import load_team  # noqa: E402
from rota.generate import generate_team  # noqa: E402
from rota.schedule import read_schedule  # noqa: E402
from rota.timeline import Span, local_date  # noqa: E402

THEIR_RULE = re.compile(r"^\s*max_shifts_per_day:.*\n", re.MULTILINE)


def case_file(case: str, folder: Path) -> Path:
    """The team file of a case, written into `folder` where it is made."""
    if case == "real":
        text = THEIR_RULE.sub("", (ROOT / "examples" / "real-team.yaml").read_text())
        path = folder / "real-team.yaml"
        path.write_text(text)
        return path
    size = re.fullmatch(r"(\d+)x(\d+)(?:@([0-9.]+))?", case)
    if size:
        n, w, load = int(size[1]), int(size[2]), size[3]
        path = folder / f"{case.replace('@', '-')}.yaml"
        path.write_text(generate_team(n, w, seed=1, load=float(load) if load else None))
        return path
    return Path(case).resolve()


def plan_once(root: Path, team: Path, out: Path, limit: float, workers: int, seed: int,
              extra: list[str]) -> dict:
    """One `rota plan` of `root`'s code in a fresh process; its summary and wall time."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    command = [sys.executable, "-m", "rota", "plan", str(team), "-o", str(out), "--quiet",
               "--time-limit", f"{limit:g}", "--workers", str(workers), "--seed", str(seed),
               *extra]
    clock = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=root, capture_output=True, text=True)
    wall = time.perf_counter() - clock
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{shlex.join(command)} exited {done.returncode}: {done.stderr}")
    judged = subprocess.run([sys.executable, "-m", "rota", "check", str(team),
                             str(out / "schedule.csv"), "--format", "json"],
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                            text=True)
    verdict = json.loads(judged.stdout)
    summary = json.loads((out / "summary.json").read_text())
    return {"wall": wall, "summary": summary, "violations": len(verdict["violations"]),
            "gaps": len(verdict["gaps"])}


def measures(team_path: Path, out: Path, run: dict) -> dict[str, float]:
    """What one run gives: stage values and bounds, and the schedule's shape."""
    team = load_team(team_path)
    span = Span.of(team.horizon)
    rows = read_schedule(str(out / "schedule.csv"), team)
    got: dict[str, float] = {"plan wall (s)": round(run["wall"], 1)}
    stages = run["summary"]["solver"]["stages"]
    for s in stages:
        got[f"{s['name']}"] = s["objective"]
        if s["status"] != "NOT_RUN" and s["bound"] >= 0:
            got[f"{s['name']} bound"] = s["bound"]
            if s["objective"] > 0:
                got[f"{s['name']} above bound (%)"] = round(
                    100 * (s["objective"] - s["bound"]) / s["objective"], 1)
    got["stages proven"] = sum(s["status"] == "OPTIMAL" for s in stages)
    hours: Counter[str] = Counter()
    days: Counter[tuple[str, object]] = Counter()
    for a in rows:
        hours[a.engineer] += a.minutes / 60
        days[(a.engineer, local_date(a.start, team.engineer(a.engineer).timezone))] += 1
    lengths = sorted(a.minutes / 60 for a in rows)
    got.update({
        "uncovered person-minutes": sum(run["summary"]["gap_minutes"].values()),
        "violations (rota check)": run["violations"],
        "assignments": len(rows),
        "median shift (h)": median(lengths) if lengths else 0,
        "busiest engineer (h)": round(max(hours.values(), default=0), 2),
        "engineer-days with 2+ shifts": sum(1 for n in days.values() if n > 1),
        "distinct UTC hand-off times per tier and week": metrics.handoff_times(team, span, rows),
        "second weekend shifts a colleague with none could take":
            len(metrics.weekend_moves(team, span, rows)),
    })
    return got


def run_side(root: Path, team: Path, folder: Path, args, workers: int) -> list[dict]:
    results = []
    for seed in range(args.runs):
        out = folder / f"out-{root.name}-{workers}-{seed}"
        run = plan_once(root, team, out, args.limit, workers, seed, args.extra)
        results.append(measures(team, out, run))
        print(f"  {root} workers={workers} seed={seed}: {run['wall']:.1f}s", file=sys.stderr)
    return results


def med(values: list[float]) -> str:
    if not values:
        return ""
    mid = median(values)
    text = f"{mid:g}" if isinstance(mid, int) or float(mid).is_integer() else f"{mid:.1f}"
    if len(values) > 1 and min(values) != max(values):
        text += f" ({min(values):g}-{max(values):g})"
    return text


def table(columns: dict[str, list[dict]]) -> str:
    keys: list[str] = []
    for runs in columns.values():
        for r in runs:
            keys += [k for k in r if k not in keys]
    lines = ["| measure | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns)]
    for key in keys:
        cells = [med([r[key] for r in runs if key in r]) for runs in columns.values()]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def options(doc: str) -> argparse.ArgumentParser:
    """The options quality.py and workers.py share."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("cases", nargs="+")
    parser.add_argument("--limit", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--extra", default="", help="more plan options, e.g. --reproducible")
    parser.add_argument("--out", type=Path)
    return parser


def report(args, columns_of: Callable[[Path, Path], dict[str, list[dict]]]) -> int:
    """One table per case (`columns_of(team file, work folder)` gives its columns), printed
    and written to `args.out` as markdown with the machine and the command."""
    sections = [f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
                f"{platform.python_version()}; {time.strftime('%Y-%m-%d %H:%M')}",
                f"Command: `{shlex.join([Path(sys.argv[0]).name, *sys.argv[1:]])}`",
                f"Each column: the median of {args.runs} runs (seeds 0-{args.runs - 1}), "
                "min-max in brackets; `--time-limit "
                f"{args.limit:g}`{' ' + shlex.join(args.extra) if args.extra else ''}."]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for case in args.cases:
            sections.append(f"### {case}\n\n{table(columns_of(case_file(case, folder), folder))}")
            print(sections[-1] + "\n", file=sys.stderr)
    text = "\n\n".join(sections) + "\n"
    if args.out:
        args.out.write_text(text)
    print(text)
    return 0


def main() -> int:
    parser = options(__doc__)
    parser.add_argument("--workers", default="2", help="comma list, e.g. 1,2")
    parser.add_argument("--baseline", type=Path, help="another checkout, run the same way")
    args = parser.parse_args()
    args.extra = shlex.split(args.extra)

    def columns_of(team: Path, folder: Path) -> dict[str, list[dict]]:
        columns: dict[str, list[dict]] = {}
        for w in (int(w) for w in args.workers.split(",")):
            if args.baseline:
                columns[f"baseline, {w} workers"] = run_side(args.baseline.resolve(), team,
                                                             folder, args, w)
            columns[f"this code, {w} workers"] = run_side(ROOT, team, folder, args, w)
        return columns

    return report(args, columns_of)


if __name__ == "__main__":
    sys.exit(main())
