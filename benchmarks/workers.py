"""More workers never make a worse rota (SPEC §7): the same plans with 1, 2, 4, 8 and 16
workers, each stage's value against its bound, medians of several runs (quality.py's
measures, one column per worker count).

Run from the repository root; worker counts past the machine's cores are skipped unless
`--workers` names them:

    .venv/bin/python benchmarks/workers.py real examples/tight-14.yaml 200x4 --runs 3
    .venv/bin/python benchmarks/workers.py 200x1@0.85 --workers 4,8,16 --out WORKERS.md
"""

from __future__ import annotations

import os
import shlex
import sys

from quality import ROOT, options, report, run_side


def main() -> int:
    parser = options(__doc__)
    parser.add_argument("--workers", help="comma list (default: 1,2,4,8,16 up to the cores)")
    args = parser.parse_args()
    args.extra = shlex.split(args.extra)
    cores = os.cpu_count() or 1
    counts = ([int(w) for w in args.workers.split(",")] if args.workers else
              [w for w in (1, 2, 4, 8, 16) if w <= cores])
    return report(args, lambda team, folder: {
        f"{w} workers": run_side(ROOT, team, folder, args, w) for w in counts})


if __name__ == "__main__":
    sys.exit(main())
