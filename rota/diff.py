"""What changed between two schedules (SPEC §8): `rota diff`, and replan's changes.

Rows are matched on (engineer, tier, start_utc, end_utc), as a multiset: a row written
twice in OLD and once in NEW is one removal. A moved shift is one removal and one
addition. This module is the one home of that matching; `rota.replan` builds changes.csv
and the summary block on it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby

from rota.assignment import Assignment, Key, hours_text, match_key
from rota.errors import InputError
from rota.report import _code, _md
from rota.schedule import read_table
from rota.timeline import iso_local, iso_utc

MAX_MARKDOWN_ROWS = 500  # a GitHub comment holds 65,536 characters; a row takes about 100


@dataclass(frozen=True)
class Changes:
    """The rows only in the old schedule, those only in the new, and how many are in both."""

    removed: tuple[Assignment, ...]
    added: tuple[Assignment, ...]
    unchanged: int

    @property
    def same(self) -> bool:
        return not self.removed and not self.added

    @property
    def engineers(self) -> list[str]:
        """Everyone with a change, sorted: the people to tell."""
        return sorted({a.engineer for a in (*self.removed, *self.added)})

    def rows(self) -> list[tuple[str, Assignment]]:
        """("removed" | "added", assignment) per engineer, then by start; at the same start a
        removal comes before an addition."""
        out = [("removed", a) for a in self.removed] + [("added", a) for a in self.added]
        return sorted(out, key=lambda c: (c[1].engineer, c[1].start, c[0] != "removed",
                                          c[1].end, c[1].tier))


def compare(old: list[Assignment], new: list[Assignment]) -> Changes:
    """Match the rows of `old` and `new`; engineers are compared as written."""
    in_new, in_old = Counter(map(match_key, new)), Counter(map(match_key, old))
    removed, added = _unmatched(old, in_new), _unmatched(new, in_old)
    return Changes(tuple(removed), tuple(added), len(old) - len(removed))


def _unmatched(rows: list[Assignment], other: Counter[Key]) -> list[Assignment]:
    left = Counter(other)
    out = []
    for a in rows:
        if left[match_key(a)] > 0:
            left[match_key(a)] -= 1
        else:
            out.append(a)
    return out


def diff_files(old: str, new: str) -> Changes:
    """Read both schedules (.csv or .xlsx) and compare them; InputError lists the problems
    of both files."""
    problems, read = [], []
    for path in (old, new):
        try:
            read.append(read_table(path, "diff"))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return compare(read[0], read[1])


# ----- rendering ---------------------------------------------------------------------------

def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _counts(changes: Changes) -> str:
    return (f"{len(changes.removed)} removed, {len(changes.added)} added, "
            f"{_plural(len(changes.engineers), 'engineer')} affected")


def changes_text(changes: Changes, title: str,
                 zone_of: Callable[[str], str | None] | None = None) -> str:
    """Per engineer, each removed (`-`) and added (`+`) assignment in UTC; with `zone_of`
    (engineer → time zone), in their local time too."""
    if changes.same:
        return f"{title}: no changes ({_plural(changes.unchanged, 'assignment')} in both)\n"
    lines = [f"{title}: {_counts(changes)}"]
    for engineer, group in groupby(changes.rows(), key=lambda c: c[1].engineer):
        mine = list(group)
        kinds = Counter(change for change, _ in mine)
        lines += ["", f"{engineer}: " + ", ".join(
            f"{kinds[kind]} {kind}" for kind in ("removed", "added") if kinds[kind])]
        tz = zone_of(engineer) if zone_of else None
        for change, a in mine:
            local = f"  ({iso_local(a.start, tz)} .. {iso_local(a.end, tz)} {tz})" if tz else ""
            lines.append(f"  {'-' if change == 'removed' else '+'} {a.tier}  "
                         f"{iso_utc(a.start)} .. {iso_utc(a.end)}  {hours_text(a.minutes)} h"
                         f"{local}")
    return "\n".join(lines) + "\n"


def change_row(change: str, a: Assignment) -> dict[str, object]:
    hours = round(a.minutes / 60, 2)
    return {"change": change, "engineer": a.engineer, "tier": a.tier,
            "start_utc": iso_utc(a.start), "end_utc": iso_utc(a.end),
            "hours": int(hours) if hours.is_integer() else hours}


def diff_text(changes: Changes, old: str, new: str) -> str:
    return changes_text(changes, f"rota diff {old} {new}")


def diff_json(changes: Changes, old: str, new: str) -> str:
    data = {"status": "same" if changes.same else "changed", "old": old, "new": new,
            "removed": len(changes.removed), "added": len(changes.added),
            "unchanged": changes.unchanged, "engineers": changes.engineers,
            "changes": [change_row(c, a) for c, a in changes.rows()]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def diff_markdown(changes: Changes, old: str, new: str) -> str:
    """A pull-request comment or CI job summary: one table, per engineer."""
    files = f"{_code(old)} → {_code(new)}"
    if changes.same:
        return (f"## rota diff: no changes\n\n{files}: the same "
                f"{_plural(changes.unchanged, 'assignment')}.\n")
    lines = [f"## rota diff: {len(changes.removed)} removed, {len(changes.added)} added", "",
             f"{files}: {_plural(len(changes.engineers), 'engineer')} affected, "
             f"{_plural(changes.unchanged, 'assignment')} unchanged.", "",
             "| engineer | change | tier | start (UTC) | end (UTC) | hours |",
             "|---|---|---|---|---|---|"]
    rows = changes.rows()
    for change, a in rows[:MAX_MARKDOWN_ROWS]:
        lines.append(f"| {_md(a.engineer)} | {change} | {_md(a.tier)} | {iso_utc(a.start)} | "
                     f"{iso_utc(a.end)} | {hours_text(a.minutes)} |")
    if len(rows) > MAX_MARKDOWN_ROWS:
        lines += ["", f"… and {len(rows) - MAX_MARKDOWN_ROWS} more; `rota diff` lists them all."]
    return "\n".join(lines) + "\n"


DIFF_FORMATS = {"text": diff_text, "json": diff_json, "markdown": diff_markdown}
