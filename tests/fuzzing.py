"""Mutation fuzzing of the inputs rota reads (issue 9), in-process through the CLI.

The shipped examples and a valid schedule are mutated (types, ranges, tags, aliases,
unicode, bytes, truncation); every case must end in exit 0, 1 or 2 without a traceback,
and every exit 2 in error lines that name the file and a line. `tests/test_fuzz.py` runs a
few hundred cases; `make fuzz` runs this file for a long campaign and prints its figures.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

from rota.cli import cli

ROOT = Path(__file__).resolve().parents[1]
TEAMS = [ROOT / "examples" / name for name in
         ("follow-the-sun.yaml", "understaffed.yaml", "flexible-india-nepal.yaml")]
TEAMS.append(ROOT / "tests" / "data" / "valid" / "team.yaml")
SCHEDULE = ROOT / "tests" / "data" / "fuzz" / "follow-the-sun-schedule.csv"
SCHEDULE_TEAM = TEAMS[0]
FORMATS = ("text", "json", "junit", "github", "markdown")
DIFF_FORMATS = ("text", "json", "markdown")

ODD = [
    "1.0e+308", "-1.0e+308", ".inf", "-.inf", ".nan", "9223372036854775808", "2147483648",
    "-1", "0", "1e400", "0x7fffffff", "1_000_000", "null", "~", "true", "no", "''", '""',
    "[]", "{}", "!!timestamp x", "!!bool A", "!!int x", "!!float y", "!!binary AAAA",
    "!!set {a, b}", "!!omap [a: 1]", "!!str 5", "!!null x", "!python/object:os.system x",
    "*undefined", "&a [*a]", '"\\0"', '"\\x01"', '"\\u202e"', '"Bob "', '"a\\rb"',
    '"\\ud800"', "=HYPERLINK(1)", "'+cmd|''/C calc''!A0'", "\u00e9\u0301", "\U0001f600",
    "x" * 300, "25:00", "24:00", "00:00-24:00", "mon-fri", "off", "Europe/Londn",
    "Asia/Bangalore", "IST", "2026-02-30", "0001-01-01", "9999-12-31", "9-17", "local",
    "GB-XXX", "..", "2026-03-01..2026-02-01", "{mon,wed: 09:00-17:00}", "[[[[[[[[]]]]]]]]",
    "{a: {b: {c: {d: []}}}}", "- - - x", ": :", "? x", "|\n  block", ">-\n  folded",
]
CSV_ODD = [
    "", " ", "=1+1", "+cmd", "-1+1", "@SUM(1)", "'=x", "\t", "\x00", "\x01", "\r", "\n",
    '"', '""', "a,b", "9999-12-31T23:59:00-14:00", "0001-01-01T00:00:00Z", "2027-03-08",
    "2027-03-08T07:00:30Z", "2027-03-08T07:00:00", "2027-03-08T07:00:00+25:00", "nan",
    "1e999", "x" * 500, "\u202e", "\U0001f600", "\ufeff", "tier9", "Nobody",
    "2027-03-08T07:00:00.000001Z", "2027-W10-1T07:00Z", "1970-01-01T00:00:00Z",
]
LOCATED = re.compile(r"^error: (?P<file>.+?):(?P<line>\d+)(:\d+)?: ")


@dataclass
class Tally:
    cases: int = 0
    codes: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def add(self, kind: str, seed: int, result, path: str) -> None:
        self.cases += 1
        code = result.exit_code
        self.codes[code] += 1
        problem = None
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            problem = f"exception {type(result.exception).__name__}: {result.exception}"
        elif code not in (0, 1, 2):
            problem = f"exit {code}: {result.stderr.strip()[:300]}"
        elif "Traceback" in result.stderr:
            problem = "a traceback on stderr"
        elif code == 2:
            lines = result.stderr.splitlines()
            bad = [line for line in lines if not _located(line, path)]
            if not lines or bad:
                problem = f"exit 2 without a located error line: {(bad or ['(none)'])[0][:300]}"
        if problem:
            self.failures.append(f"{kind} seed {seed}: {problem}")


def _located(line: str, path: str) -> bool:
    match = LOCATED.match(line)
    return bool(match) and match["file"] == path


# ----- YAML mutations ---------------------------------------------------------------------

def mutate_yaml(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        lines = rng.choice(_YAML_MUTATIONS)(lines, rng)
    return "\n".join(lines) + "\n"


def _value_lines(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines)
            if ":" in line and not line.lstrip().startswith("#")] or [0]


def _replace_value(lines, rng):
    i = rng.choice(_value_lines(lines))
    key, _, _ = lines[i].partition(":")
    lines[i] = f"{key}: {rng.choice(ODD)}"
    return lines


def _replace_flow_item(lines, rng):
    i = rng.choice(_value_lines(lines))
    items = list(re.finditer(r"(?<=[:,\[{] )[^,\]}]+", lines[i]))
    if items:
        m = rng.choice(items)
        lines[i] = lines[i][:m.start()] + rng.choice(ODD).split("\n")[0] + lines[i][m.end():]
    return lines


def _alias(lines, rng):
    i, j = rng.choice(_value_lines(lines)), rng.choice(_value_lines(lines))
    key_i, _, value = lines[i].partition(":")
    if value.strip():
        lines[i] = f"{key_i}: &x{i} {value.strip()}"
        key_j, _, _ = lines[j].partition(":")
        lines[j] = f"{key_j}: *x{i}"
    return lines


def _delete_line(lines, rng):
    if len(lines) > 1:
        del lines[rng.randrange(len(lines))]
    return lines


def _duplicate_line(lines, rng):
    i = rng.randrange(len(lines))
    lines.insert(i, lines[i])
    return lines


def _indent(lines, rng):
    i = rng.randrange(len(lines))
    lines[i] = " " * rng.choice((1, 2, 3, 4)) + lines[i] if rng.random() < .5 else lines[i].lstrip()
    return lines


def _truncate(lines, rng):
    text = "\n".join(lines)
    return text[: rng.randrange(len(text) + 1)].split("\n")


def _bytes(lines, rng):
    text = "\n".join(lines)
    at = rng.randrange(len(text) + 1)
    noise = "".join(chr(rng.choice((0, 1, 9, 10, 13, 27, 0x85, 0x2028, 0x202E, 0xFEFF,
                                    0x7F, 0xFFFD, rng.randrange(32, 0x2FFF))))
                    for _ in range(rng.randrange(1, 4)))
    return (text[:at] + noise + text[at:]).split("\n")


_ESCAPES = ("\\t", "\\u0000", "\\u202e", " ", "\\r", "\\n")


def _unicode_name(lines, rng):
    i = rng.choice(_value_lines(lines))
    key, _, value = lines[i].partition(":")
    tail = rng.choice(_ESCAPES)
    lines[i] = f'{key}: "{value.strip()}{tail}"'
    return lines


_YAML_MUTATIONS = (_replace_value, _replace_value, _replace_flow_item, _replace_flow_item,
                   _alias, _delete_line, _duplicate_line, _indent, _truncate, _bytes,
                   _unicode_name)


# ----- CSV mutations ----------------------------------------------------------------------

def mutate_csv(text: str, rng: random.Random) -> str:
    rows = [line.split(",") for line in text.splitlines()]
    for _ in range(rng.choice((1, 1, 2, 3))):
        choice = rng.random()
        if choice < .55:
            row = rows[rng.randrange(len(rows))]
            row[rng.randrange(len(row))] = rng.choice(CSV_ODD)
        elif choice < .65:
            del rows[rng.randrange(len(rows))]
        elif choice < .72:
            row = rows[rng.randrange(len(rows))]
            if len(row) > 4:
                row[3], row[4] = row[4], row[3]
        elif choice < .8:
            rows.insert(rng.randrange(len(rows) + 1), list(rng.choice(rows)))
        elif choice < .9:
            joined = "\n".join(",".join(r) for r in rows)
            cut = joined[: rng.randrange(len(joined) + 1)]
            rows = [line.split(",") for line in cut.split("\n")] or [[""]]
        else:
            row = rows[rng.randrange(len(rows))]
            row.insert(rng.randrange(len(row) + 1), rng.choice(CSV_ODD))
    return "\n".join(",".join(r) for r in rows) + rng.choice(("\n", "\r\n", ""))


# ----- running ----------------------------------------------------------------------------

def run_yaml(seed: int, tally: Tally, workdir: Path) -> None:
    rng = random.Random(seed)
    base = rng.choice(TEAMS)
    text = mutate_yaml(base.read_text(encoding="utf-8"), rng)
    path = workdir / f"team-{seed}.yaml"
    if rng.random() < .05:
        path.write_bytes(text.encode("utf-8", "surrogatepass")[: rng.randrange(1, 400)])
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    tally.add("yaml", seed, CliRunner().invoke(cli, ["validate", str(path)]), str(path))
    path.unlink()


def run_csv(seed: int, tally: Tally, workdir: Path) -> None:
    rng = random.Random(seed)
    text = mutate_csv(SCHEDULE.read_text(encoding="utf-8"), rng)
    path = workdir / f"schedule-{seed}.csv"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    args = ["check", str(SCHEDULE_TEAM), str(path), "--format", rng.choice(FORMATS)]
    draw = rng.random()
    if draw < .1:
        args = ["report", str(SCHEDULE_TEAM), str(path), "-o", str(workdir / "r.html")]
    elif draw < .2:
        args = ["diff", str(SCHEDULE), str(path), "--format", rng.choice(DIFF_FORMATS)]
    elif draw < .3:  # the mutated schedule as history of the good one
        args = ["check", str(SCHEDULE_TEAM), str(SCHEDULE), "--history", str(path)]
    tally.add("csv", seed, CliRunner().invoke(cli, args), str(path))
    path.unlink()


def campaign(yaml_cases: int, csv_cases: int, first_seed: int = 0) -> tuple[Tally, Tally]:
    yaml_tally, csv_tally = Tally(), Tally()
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(first_seed, first_seed + yaml_cases):
            run_yaml(seed, yaml_tally, Path(tmp))
        for seed in range(first_seed, first_seed + csv_cases):
            run_csv(seed, csv_tally, Path(tmp))
    return yaml_tally, csv_tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--yaml", type=int, default=10_000, help="YAML cases")
    parser.add_argument("--csv", type=int, default=10_000, help="CSV cases")
    parser.add_argument("--seed", type=int, default=1_000_000, help="first seed")
    args = parser.parse_args()
    started = time.perf_counter()
    tallies = campaign(args.yaml, args.csv, args.seed)
    seconds = time.perf_counter() - started
    failures = 0
    for kind, tally in zip(("YAML", "CSV"), tallies):
        codes = ", ".join(f"exit {c}: {n}" for c, n in sorted(tally.codes.items()))
        print(f"{kind}: {tally.cases} cases, {len(tally.failures)} failures ({codes})")
        for failure in tally.failures[:20]:
            print(f"  {failure}")
        failures += len(tally.failures)
    print(f"wall time: {seconds:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
