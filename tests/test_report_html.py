"""report.html (`rota report` and `plan`): parsed with html.parser and held against the
schedule: the heatmap cells against coverage.csv, the gap rows against gaps.csv, local
times, escaping, no network, print CSS."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from rota.check import check
from rota.cli import cli
from rota.config import load_team
from rota.report import coverage_csv, gaps_csv
from rota.schedule import read_schedule

ROOT = Path(__file__).resolve().parents[1]
EVIL = '<script>alert(1)</script> & "Bob"'
VOID = {"meta", "input", "br", "hr", "img", "link"}

# Sun 2026-03-08: New York springs forward (02:00 EST -> 03:00 EDT). One tier-2 engineer
# needed 24x7; 16:00-17:00 UTC nobody is on duty (21:30-22:30 in Kolkata, 12:00-13:00 EDT).
TEAM = """\
version: 1
team: Report <test> & co
horizon: {start: 2026-03-08, days: 1}
sites:
  india: {timezone: Asia/Kolkata}
  amer: {timezone: America/New_York}
flexible: {}
engineers:
  - {name: Priya Raman, site: india, tiers: [tier2]}
  - {name: Ann Lee, tiers: [tier2]}
  - {name: '<script>alert(1)</script> & "Bob"', site: amer, tiers: [tier2]}
coverage:
  - {tier: tier2, min: 1}
"""
SCHEDULE = '''\
engineer,tier,start_utc,end_utc
Priya Raman,tier2,2026-03-08T00:00:00Z,2026-03-08T08:00:00Z
ann-lee,tier2,2026-03-08T08:00:00Z,2026-03-08T16:00:00Z
"<script>alert(1)</script> & ""Bob""",tier2,2026-03-08T17:00:00Z,2026-03-09T00:00:00Z
'''


class Page(HTMLParser):
    """What a reader of the page sees: grids, cells, tables by id, text; checks nesting."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.cells: list[dict] = []  # heatmap cells: attributes + text + view + tier
        self.tables: dict[str, list[list[str]]] = {}
        self.text: list[str] = []
        self.style = ""
        self.attrs: list[tuple[str, str]] = []
        self.radios: list[dict] = []
        self.labels: list[str] = []
        self._view = self._grid = self._table = None
        self._row: list[str] | None = None
        self._cell: dict | None = None
        self.feed(text)
        self.close()
        assert self.stack == [], f"unclosed tags: {self.stack}"

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.attrs += [(k, v or "") for k, v in attrs]
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "section" and "view" in a.get("class", ""):
            self._view = a["data-tz"]
        if tag == "table":
            self._grid = a if a.get("class") == "grid" else None
            self._table = a.get("id")
            if self._table:
                self.tables[self._table] = []
        if tag == "tr":
            self._row = []
        if tag in ("td", "th"):
            self._cell = {**a, "text": "", "tag": tag}
        if tag == "input" and a.get("type") == "radio":
            self.radios.append(a)
        if tag == "label":
            self.labels.append("")

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()
        if tag in ("td", "th") and self._cell is not None:
            if self._row is not None:
                self._row.append(self._cell["text"])
            if tag == "td" and self._grid is not None:
                self.cells.append({**self._cell, "view": self._view,
                                   "tier": self._grid["data-tier"]})
            self._cell = None
        if tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
        if tag == "table":
            self._grid = self._table = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell["text"] += data
        if self.stack and self.stack[-1] == "style":
            self.style += data
        if self.stack and self.stack[-1] == "label":
            self.labels[-1] += data

    def grid(self, view: str, tier: str = "tier2") -> list[dict]:
        return [c for c in self.cells if c["view"] == view and c["tier"] == tier]

    def table(self, table_id: str) -> list[dict[str, str]]:
        header, *rows = self.tables[table_id]
        return [dict(zip(header, row)) for row in rows]


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit), result.output
    return result


@pytest.fixture
def made(tmp_path):
    """(team path, schedule path, report.html text) from `rota report`."""
    team, schedule, out = tmp_path / "team.yaml", tmp_path / "s.csv", tmp_path / "r.html"
    team.write_text(TEAM, encoding="utf-8")
    schedule.write_text(SCHEDULE, encoding="utf-8")
    result = run("report", str(team), str(schedule), "-o", str(out))
    assert result.exit_code == 1, result.output  # a gap: like `check`
    assert result.stdout == f"wrote {out}: 1 gap(s), 0 rule(s) broken\n"
    return team, schedule, out.read_text(encoding="utf-8")


def referee(team: Path, schedule: Path):
    return check(load_team(team), read_schedule(schedule))


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def utc_cells_match_coverage(page: Page, coverage: list[dict[str, str]]) -> None:
    cells = [c for c in page.grid("UTC") if "data-start" in c]
    assert [(c["data-start"], c["tier"], c["data-required"], c["data-assigned"],
             str(c["class"] != "gap").lower()) for c in cells] == [
        (r["hour_utc"], r["tier"], r["required"], r["min_assigned"], r["covered"])
        for r in coverage]
    assert all(c["text"].startswith(f"{c['data-assigned']}/{c['data-required']}") for c in cells)


def test_utc_heatmap_equals_coverage_csv(made):
    team, schedule, html = made
    page = Page(html)
    coverage = csv_rows(coverage_csv(referee(team, schedule)))
    assert len(coverage) == 24
    utc_cells_match_coverage(page, coverage)
    red = [c for c in page.grid("UTC") if c["class"] == "gap"]
    assert [(c["data-start"], c["text"]) for c in red] == [("2026-03-08T16:00:00Z", "0/160 min")]


def test_gap_rows_equal_gaps_csv(made):
    team, schedule, html = made
    page = Page(html)
    assert page.table("gaps") == csv_rows(gaps_csv(referee(team, schedule)))
    assert page.table("gaps") == [{"tier": "tier2", "start_utc": "2026-03-08T16:00:00Z",
                                   "end_utc": "2026-03-08T17:00:00Z", "required": "1",
                                   "assigned": "0", "missing": "1", "minutes": "60"}]


def test_site_views_show_local_hours_and_exact_short_minutes(made):
    page = Page(made[2])
    assert page.labels == ["UTC", "Asia/Kolkata (india)", "America/New_York (amer)"]
    assert ["checked" in r for r in page.radios] == [True, False, False]  # UTC shown first
    kolkata = [c for c in page.grid("Asia/Kolkata") if c["class"] == "gap"]
    # 16:00-17:00 UTC is 21:30-22:30 IST: two local hours, 30 minutes short in each.
    assert [(c["data-start"], c["data-end"], c["data-short"]) for c in kolkata] == [
        ("2026-03-08T15:30:00Z", "2026-03-08T16:30:00Z", "30"),
        ("2026-03-08T16:30:00Z", "2026-03-08T17:30:00Z", "30")]
    new_york = page.grid("America/New_York")
    rows = [new_york[i:i + 24] for i in range(0, len(new_york), 24)]
    assert len(rows) == 2  # Sat 03-07 19:00 EST .. Sun 03-08 20:00 EDT
    assert [c["class"] for c in rows[0][:19]] == ["out"] * 19
    assert rows[1][2]["class"] == "skip"  # 02:00 does not exist on Sun 2026-03-08
    assert [c["data-start"] for c in rows[1] if c["class"] == "gap"] == ["2026-03-08T16:00:00Z"]
    assert rows[1][12]["text"] == "0/160 min"  # 12:00-13:00 EDT


def test_shifts_in_each_engineers_local_time(made):
    page = Page(made[2])
    shifts = page.table("shifts")
    mine = [(r["engineer"], r["starts (local)"], r["ends (local)"], r["hours"])
            for r in shifts if r.get("hours")]
    assert mine == [
        ("Priya Raman", "Sun 2026-03-08 05:30", "13:30", "8"),
        ("Ann Lee", "Sun 2026-03-08 08:00", "16:00", "8"),  # named by id in the schedule
        (EVIL, "Sun 2026-03-08 13:00", "20:00", "7"),  # EDT, after the change
    ]


def test_load_table_against_capacity(made):
    loads = Page(made[2]).table("loads")
    assert [r["engineer"] for r in loads] == ["Priya Raman", "Ann Lee", EVIL]
    ann = loads[1]
    assert ann["hours / capacity"].split() == ["8", "/", "6.9", "117%"]  # 48 h a week, 1 day
    assert ann["shifts / limit"] == "1 / 6"
    assert ann["weekend / limit"] == "8 h, 1 days / no limit"  # a Sunday
    assert ann["holiday / rule"] == "0 h / not allowed"


def test_every_name_is_escaped(made):
    html = made[2]
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Bob&quot;" in html
    page = Page(html)
    assert EVIL in page.text[page.text.index(EVIL)]
    assert ("data-engineer", EVIL) in page.attrs
    assert "Rota: Report <test> & co" in "".join(page.text)


def test_self_contained_and_printable(made):
    html = made[2]
    assert "http://" not in html and "https://" not in html
    assert "<link" not in html and " src=" not in html and "<script" not in html
    page = Page(html)
    assert "@media print" in page.style
    assert "@page" in page.style and "print-color-adjust:exact" in page.style
    assert html.startswith("<!DOCTYPE html>")


def test_report_exit_2_on_bad_input(tmp_path, made):
    team, _, _ = made
    bad = tmp_path / "bad.csv"
    bad.write_text("engineer,start_utc\n")
    out = tmp_path / "never.html"
    result = run("report", str(team), str(bad), "-o", str(out))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"error: {bad}:1: missing column")
    assert not out.exists()


def test_plan_writes_report_html_for_the_follow_the_sun_week(tmp_path):
    config, out = ROOT / "examples" / "follow-the-sun.yaml", tmp_path / "out"
    result = run("plan", str(config), "-o", str(out), "--quiet", "--time-limit", "10",
                 "--reproducible")
    assert result.exit_code == 0, result.output
    checked = run("check", str(config), str(out / "schedule.csv"))
    assert checked.exit_code == 0, checked.output
    page = Page((out / "report.html").read_text(encoding="utf-8"))
    utc = [c for c in page.grid("UTC") if "data-start" in c]
    assert len(utc) == 168
    assert {c["class"] for c in utc} <= {"ok", "more"}
    assert utc[0]["data-start"] == "2027-03-08T00:00:00Z"
    assert utc[-1]["data-start"] == "2027-03-14T23:00:00Z"
    utc_cells_match_coverage(page, csv_rows((out / "coverage.csv").read_text()))
    assert "gaps" not in page.tables and "None: every minute is covered." in page.text
    assert len(page.labels) == 7  # UTC and the six zones of the three sites
    assert sum(1 for c in page.cells if c["class"] == "skip") == 2  # New York, Los Angeles
    # `rota report` on the same schedule draws the same heatmaps
    again = tmp_path / "again.html"
    assert run("report", str(config), str(out / "schedule.csv"), "-o", str(again)).exit_code == 0
    assert Page(again.read_text(encoding="utf-8")).cells == page.cells
