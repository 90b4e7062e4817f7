"""Benchmark `rota plan` and `rota check` on generated teams (issue 4, parts 2 and 3).

For each size (engineers x weeks) it generates a team with
`rota.generate.generate_team(n, w, seed=1)`, runs `rota plan team.yaml -o DIR --quiet
--time-limit T --seed 0` as a subprocess `--runs` times, reads `DIR/summary.json`, times
`rota check team.yaml DIR/schedule.csv` (also a subprocess), and prints a markdown table,
one row per size. Peak RSS is each child's own, from `os.wait4`.

Run from the repository root (`make bench` runs the full matrix):

    .venv/bin/python benchmarks/run.py --out benchmarks/RESULTS.md
    .venv/bin/python benchmarks/run.py --sizes 20x1,200x4 --runs 1 --out /tmp/bench.md
    .venv/bin/python benchmarks/run.py --runs 3 --runs-large 1 --out benchmarks/RESULTS.md

The file given by `--out` gets the machine, the command, the table and the targets of
issue 4 part 3 as measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

from rota.generate import generate_team

ENGINEERS = (20, 50, 200, 1000)
WEEKS = (1, 4, 13)
# The tight family of issue 8: `rota generate --load L` teams.
TIGHT_ENGINEERS = (10, 20, 50, 200)
TIGHT_WEEKS = (1, 4)
TIGHT_LOADS = (0.5, 0.7, 0.85)
ROTA = Path(sys.executable).with_name("rota")


@dataclass
class Run:
    """One `rota plan` and the `rota check` of its schedule."""

    exit: int
    wall: float
    rss_mb: float
    summary: dict
    check_exit: int
    check_s: float


@dataclass
class Size:
    """A size of the matrix and its runs."""

    engineers: int
    weeks: int
    limit: float
    load: float | None = None  # `rota generate --load`; None: the overstaffed generator
    runs: list[Run] = field(default_factory=list)
    code: str = ""  # rota's commit when the size started
    validate_exit: int = -1  # `rota validate --strict` on the generated team: 0 = no gap


def default_limit(engineers: int) -> float:
    """The time limit of issue 4: 60 s, or 180 s for the 1,000-engineer sizes."""
    return 180.0 if engineers >= 1000 else 60.0


def parse_sizes(text: str | None) -> list[tuple[int, int]]:
    """`20x1,200x4` -> [(20, 1), (200, 4)]; None -> the full matrix."""
    if not text:
        return [(n, w) for n in ENGINEERS for w in WEEKS]
    sizes = []
    for part in text.split(","):
        n, _, w = part.strip().lower().partition("x")
        sizes.append((int(n), int(w)))
    return sizes


def run_child(cmd: list[str]) -> tuple[int, float, float]:
    """Run `cmd`; return its exit code, wall seconds and own peak RSS in MB."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, wall, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def bench_size(size: Size, runs: int, workdir: Path) -> None:
    """Generate the team, then plan and check it `runs` times."""
    size.code = code_version()
    tag = f"{size.engineers}x{size.weeks}" + (f"-L{size.load:g}" if size.load else "")
    team = workdir / f"team-{tag}.yaml"
    team.write_text(generate_team(size.engineers, size.weeks, seed=1, load=size.load))
    size.validate_exit, _, _ = run_child([str(ROTA), "validate", str(team), "--strict"])
    for i in range(runs):
        out = workdir / f"out-{tag}-{i}"
        code, wall, rss = run_child([str(ROTA), "plan", str(team), "-o", str(out), "--quiet",
                                     "--time-limit", f"{size.limit:g}", "--seed", "0"])
        if code > 1:
            raise SystemExit(f"rota plan exited {code} on {team}")
        summary = json.loads((out / "summary.json").read_text())
        check_exit, check_s, _ = run_child([str(ROTA), "check", str(team),
                                            str(out / "schedule.csv")])
        size.runs.append(Run(code, wall, rss, summary, check_exit, check_s))
        print(f"  {tag} run {i + 1}: plan {wall:.1f} s, exit {code}, "
              f"check {check_s:.2f} s, exit {check_exit}", file=sys.stderr, flush=True)


def stage(summary: dict, name: str) -> dict | None:
    """The stage of summary.json called `name`, if it ran."""
    return next((s for s in summary["solver"]["stages"] if s["name"] == name), None)


def fairness(summary: dict) -> str:
    """max_load_ratio objective/bound, and 'proven' or the relative gap."""
    s = stage(summary, "max_load_ratio")
    if s is None or s["objective"] < 0:
        return "none"
    if s["status"] == "OPTIMAL":
        return f"{s['objective']}/{s['bound']} proven"
    return f"{s['objective']}/{s['bound']} ({fairness_gap(s):.1%} gap)"


def fairness_gap(s: dict) -> float:
    """Relative gap of a stage: (objective - bound) / objective."""
    return (s["objective"] - s["bound"]) / s["objective"] if s["objective"] else 0.0


def distinct(values: list) -> str:
    """The runs' values, once each, in order: they differ only if a wall-clock cap struck."""
    return " / ".join(dict.fromkeys(str(v) for v in values))


def cover_status(summary: dict) -> str:
    """The uncovered stage's status and seconds, e.g. `OPTIMAL (9.7 s)`."""
    first = summary["solver"]["stages"][0]
    return f"{first['status']} ({first['seconds']:.1f} s)"


def uncovered(summary: dict) -> int:
    """Person-minutes short, as the referee counts them (summed over tiers)."""
    gaps = summary["gap_minutes"]
    return sum(gaps.values()) if isinstance(gaps, dict) else int(gaps)


COLUMNS = ("engineers", "weeks", "load", "runs", "candidates", "variables", "constraints",
           "vars/cand", "limit s", "build s", "solve s", "plan wall s", "peak RSS MB", "status",
           "uncovered min", "bound", "fairness (max_load_ratio)", "check s", "validate",
           "reproducible")


def row(size: Size) -> list[str]:
    """One table row: medians of times, max of memory, the runs' distinct outcomes."""
    runs = size.runs
    solver = runs[0].summary["solver"]
    check_s = f"{median(r.check_s for r in runs):.2f}"
    if any(r.check_exit for r in runs):
        check_s += f" (exit {distinct([r.check_exit for r in runs])})"
    return [
        str(size.engineers), str(size.weeks), f"{size.load:g}" if size.load else "-",
        str(len(runs)), str(solver["candidates"]),
        str(solver["variables"]), str(solver["constraints"]),
        f"{solver['variables'] / solver['candidates']:.2f}", f"{size.limit:g}",
        f"{median(r.summary['solver']['build_seconds'] for r in runs):.2f}",
        f"{median(r.summary['solver']['solve_seconds'] for r in runs):.1f}",
        f"{median(r.wall for r in runs):.1f}",
        f"{max(r.rss_mb for r in runs):.0f}",
        distinct([cover_status(r.summary) for r in runs]),
        distinct([uncovered(r.summary) for r in runs]),
        distinct([r.summary["solver"]["bound"] for r in runs]),
        distinct([fairness(r.summary) for r in runs]),
        check_s,
        "PASS" if size.validate_exit == 0 else f"exit {size.validate_exit}",
        distinct([r.summary["solver"].get("reproducible", "-") for r in runs]),
    ]


def table(sizes: list[Size]) -> str:
    """The markdown table, one row per size."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(row(s)) + " |" for s in sizes]
    return "\n".join(lines) + "\n"


def fairness_done(r: Run) -> float:
    """Seconds into the plan when the fairness stage ended, at most: the plan's wall time
    less the stages after max_load_ratio."""
    names = [st["name"] for st in r.summary["solver"]["stages"]]
    if "max_load_ratio" not in names:
        return r.wall
    later = r.summary["solver"]["stages"][names.index("max_load_ratio") + 1:]
    return r.wall - sum(st["seconds"] for st in later)


def targets(sizes: list[Size]) -> str:
    """Issue 4 part 3, judged on the worst run of each size; 'not measured' if absent."""
    by = {(s.engineers, s.weeks): s for s in sizes}
    out = []
    if (s := by.get((200, 4))) is not None:
        ok, notes = True, []
        for r in s.runs:
            cov = r.summary["solver"]
            fair = stage(r.summary, "max_load_ratio")
            gap_ok = cov["status"] == "OPTIMAL"
            fair_ok = fair is not None and fair["objective"] >= 0 and (
                fair["status"] == "OPTIMAL" or fairness_gap(fair) <= 0.01)
            done = fairness_done(r)
            ok &= gap_ok and fair_ok and done <= 60
            notes.append(f"uncovered {cov['status']} {cov['objective']}/{cov['bound']}, "
                         f"fairness {fairness(r.summary)} by {done:.0f} s, "
                         f"plan {r.wall:.0f} s wall")
        out.append(f"- 200x4, minimal gap proven and fairness within 1% in 60 s: "
                   f"{'MET' if ok else 'NOT MET'} ({'; '.join(dict.fromkeys(notes))})")
    else:
        out.append("- 200x4: not measured")
    if (s := by.get((1000, 13))) is not None:
        gaps = max(uncovered(r.summary) for r in s.runs)
        wall = max(r.wall for r in s.runs)
        build = max(r.summary["solver"]["build_seconds"] for r in s.runs)
        rss = max(r.rss_mb for r in s.runs)
        check = max(r.check_s for r in s.runs)
        in_time = gaps == 0 and wall <= 180
        out += [
            f"- 1000x13, zero gaps within 180 s: {'MET' if in_time else 'NOT MET'} "
            f"({gaps} person-minutes uncovered, plan {wall:.1f} s wall, limit {s.limit:g} s)",
            f"- 1000x13, model build < 20 s: {'MET' if build < 20 else 'NOT MET'} "
            f"(solver.build_seconds {build:.1f} s)",
            f"- 1000x13, peak memory < 4 GiB: {'MET' if rss < 4096 else 'NOT MET'} "
            f"({rss:.0f} MB)",
            f"- rota check on 1000x13 < 2 s: {'MET' if check < 2 else 'NOT MET'} "
            f"({check:.2f} s)",
        ]
    else:
        out.append("- 1000x13: not measured")
    runs = [r for s in sizes for r in s.runs]
    unproven = [r for r in runs if any(st["status"] != "OPTIMAL"
                                       for st in r.summary["solver"]["stages"])]
    out.append(f"- time limit reached: {len(unproven)} of {len(runs)} plans left a stage "
               "unproven; each wrote summary.json (every stage's status, objective and "
               "bound) and a schedule.csv, judged by rota check (check s column)")
    ratios = [s.runs[0].summary["solver"]["variables"] / s.runs[0].summary["solver"]["candidates"]
              for s in sizes]
    out.append(f"- growth, variables per candidate: {min(ratios):.2f} to {max(ratios):.2f} "
               f"over {len(sizes)} sizes")
    return "\n".join(out) + "\n"


def code_version() -> str:
    """The git commit, and whether rota/ differs from it (plans import rota as it is now)."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "rota"], cwd=root,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return head + (" with rota/ modified" if dirty else ", rota/ unmodified")


def machine() -> str:
    """nproc, memory, CPU model, Python and OR-Tools versions, load average, rota's code."""
    import ortools  # only for its version; the plans run in subprocesses

    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), "0")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"- nproc: {os.cpu_count()}; memory: {int(mem) / 1024**2:.1f} GiB; CPU: {cpu}\n"
            f"- Python {platform.python_version()}, OR-Tools {ortools.__version__}\n"
            f"- load average (1, 5, 15 min): {load}\n"
            f"- rota: commit {code_version()}\n")


def main() -> None:
    """Parse the options, run the sizes, print the table and write `--out`."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", help="e.g. 20x1,200x4 (default: 20,50,200,1000 x 1,4,13)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--runs-large", type=int,
                    help="runs for the 1,000-engineer sizes (default: --runs)")
    ap.add_argument("--time-limit", type=float,
                    help="seconds per plan (default: 60, or 180 for 1,000 engineers)")
    ap.add_argument("--loads", help="tight teams at these loads, e.g. 0.5,0.7,0.85 "
                    "(`rota generate --load`); with no --sizes: 10,20,50,200 x 1,4")
    ap.add_argument("--out", type=Path, help="write the results here as markdown")
    args = ap.parse_args()
    started = datetime.now(UTC)
    before = machine()
    if args.loads:
        pairs = parse_sizes(args.sizes) if args.sizes else [
            (n, w) for n in TIGHT_ENGINEERS for w in TIGHT_WEEKS]
        sizes = [Size(n, w, args.time_limit or default_limit(n), float(load))
                 for load in args.loads.split(",") for n, w in pairs]
    else:
        sizes = [Size(n, w, args.time_limit or default_limit(n))
                 for n, w in parse_sizes(args.sizes)]
    with tempfile.TemporaryDirectory(prefix="rota-bench-") as tmp:
        for i, size in enumerate(sizes):
            large = size.engineers >= 1000 and args.runs_large is not None
            bench_size(size, args.runs_large if large else args.runs, Path(tmp))
            if args.out:  # after every size, so that an interrupted matrix leaves its rows
                write(args.out, sizes[:i + 1], started, before)
    print(table(sizes))


def code_note(sizes: list[Size]) -> str:
    """A warning listing rota's commit per size, if it changed while the matrix ran."""
    if len({s.code for s in sizes}) <= 1:
        return ""
    per_size = "; ".join(f"{s.engineers}x{s.weeks}: {s.code}" for s in sizes)
    return f"**rota changed while this ran**: {per_size}\n\n"


def write(out: Path, sizes: list[Size], started: datetime, before: str) -> None:
    """The results file: machine, command, table, targets."""
    minutes = (datetime.now(UTC) - started).total_seconds() / 60
    out.write_text(
        "# Benchmark results\n\n"
        f"Run {started:%Y-%m-%d %H:%M} UTC, {minutes:.0f} minutes in all.\n\n"
        f"## Machine\n\nAt the start:\n\n{before}\nAfter the last size:\n\n{machine()}\n"
        f"## Command\n\n```sh\n{shlex.join(['python', *sys.argv])}\n```\n\n"
        "Before the plans, `rota validate team.yaml --strict` (exit 0: no structural gap). "
        f"Each plan: `rota plan team.yaml -o DIR --quiet --time-limit T --seed 0`, "
        f"then `rota check team.yaml DIR/schedule.csv`, `runs` times per size. "
        "Times are medians of the runs, peak RSS the largest; build s is "
        "`solver.build_seconds` (the CP-SAT model), solve s `solver.solve_seconds`, "
        "plan wall s the whole `rota plan` process. Status, bound and uncovered are the "
        "uncovered stage's; uncovered is the referee's count. Fairness is the "
        "max_load_ratio stage's objective/bound (10000 x minutes / capacity).\n\n"
        f"## Results\n\n{table(sizes)}\n{code_note(sizes)}"
        f"## Targets (measured)\n\n{targets(sizes)}")


if __name__ == "__main__":
    main()
