"""Time `rota explain`, `rota resilience` and `rota what-if` (issue 13) on generated teams.

    .venv/bin/python benchmarks/why.py [--teams 200x1,200x1u,200x1l85,200x4] [--out FILE]

Each team is `rota generate --engineers N --weeks W --seed 1` (`u`: --understaffed,
`lNN`: --load 0.NN). Each command runs once as its own process under /usr/bin/time
(wall seconds, peak RSS) with --format json, whose figures go into a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROTA = str(ROOT / ".venv" / "bin" / "rota")


def team(spec: str, folder: Path) -> Path:
    m = re.fullmatch(r"(\d+)x(\d+)(u|l(\d+))?", spec)
    if not m:
        sys.exit(f"bad team {spec!r}: like 200x1, 200x1u or 200x1l85")
    args = ["--engineers", m[1], "--weeks", m[2], "--seed", "1"]
    if m[3] == "u":
        args.append("--understaffed")
    elif m[4]:
        args += ["--load", f"0.{m[4]}"]
    path = folder / f"{spec}.yaml"
    subprocess.run([ROTA, "generate", *args, "-o", str(path)], check=True)
    return path


def timed(args: list[str]) -> tuple[float, int, int, dict]:
    """(wall s, peak RSS MB, exit code, the JSON printed)."""
    proc = subprocess.run(["/usr/bin/time", "-f", "@@ %e %M", ROTA, *args],
                          capture_output=True, text=True)
    wall, rss = re.findall(r"@@ ([\d.]+) (\d+)", proc.stderr)[-1]
    code = proc.returncode
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        data = {"error": proc.stderr.strip().splitlines()[:3]}
    return float(wall), int(rss) // 1024, code, data


def first_engineer(path: Path) -> str:
    m = re.search(r"- name: (.+)", path.read_text())
    assert m
    return m[1].strip().strip("'\"")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--teams", default="200x1,200x1u,200x1l85,200x4")
    ap.add_argument("--time-limit", default="60")
    ap.add_argument("--commands", default="resilience,explain,what-if")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "why-latest.md"))
    opts = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec in opts.teams.split(","):
            path = team(spec, Path(tmp))
            limit = ["--time-limit", opts.time_limit]
            for command in opts.commands.split(","):
                if command == "resilience":
                    args = ["resilience", str(path), "--format", "json", *limit]
                elif command == "explain":
                    args = ["explain", str(path), "--format", "json", *limit]
                else:
                    args = ["what-if", str(path), "--format", "json", *limit,
                            "--without", first_engineer(path), "--set", "max_hours_per_week=40"]
                wall, rss, code, data = timed(args)
                rows.append((spec, command, wall, rss, code, summary(command, data)))
                print(f"{spec} {command}: {wall:.1f}s {rss} MB exit {code}: {rows[-1][-1]}",
                      flush=True)
    load = os.getloadavg()
    lines = ["| team | command | wall s | peak RSS MB | exit | what it found |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {s} | {c} | {w:.1f} | {r} | {e} | {x} |" for s, c, w, r, e, x in rows]
    head = (f"python {platform.python_version()}, {os.cpu_count()} cores, load average after "
            f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; --time-limit {opts.time_limit}")
    Path(opts.out).write_text(head + "\n\n" + "\n".join(lines) + "\n")
    print(f"wrote {opts.out}")


def summary(command: str, data: dict) -> str:
    if "error" in data:
        return f"error: {data['error']}"
    if command == "resilience":
        how: dict[str, int] = {}
        for a in data["absences"]:
            how[a["how"]] = how.get(a["how"], 0) + 1
        proven = sum(1 for a in data["absences"] if a["proven"])
        gap = sum(1 for a in data["absences"] if a["lower_bound"] > data["uncovered_minutes"])
        state = "proven" if data["proven_minimal"] else "unproven"
        return (f"plan {data['uncovered_minutes']} min ({state}); "
                + ", ".join(f"{n} {k}" for k, n in sorted(how.items()))
                + f"; {proven}/{len(data['absences'])} proven; {data['replans']} re-plans; "
                  f"{len(data['single_points_of_failure'])} single points; "
                  f"{len(data['opens_gap'])} absences open a gap, {gap} of them proven")
    if command == "explain":
        fixed = sum(1 for g in data["gaps"] if g["fix"])
        structural = sum(1 for g in data["gaps"] if g["structural"])
        blocked = sum(1 for g in data["gaps"] if g["blocked"])
        return (f"{len(data['gaps'])} gaps, {data['uncovered_minutes']} min; {structural} "
                f"structural, {blocked} rule-blocked; {fixed} with a verified fix; "
                f"{data['verifications']} re-plans; "
                + ", ".join(f"{k} {v:.1f}s" for k, v in data.get("timings", {}).items()))
    return "; ".join(f"{s['scenario']}: {s['uncovered_minutes']} min, load "
                     f"{s['largest_load']['load']:.0%}, {s['handoffs']} hand-offs, "
                     f"{s['seconds']:.0f}s" for s in data["scenarios"])


if __name__ == "__main__":
    main()
