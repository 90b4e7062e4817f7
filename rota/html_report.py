"""report.html: the week at a glance for a manager, in one self-contained file.

No network and no script: the time-zone switch is radio buttons and CSS. Every name is
escaped. Heatmaps per tier and view, the gaps, each engineer's shifts in their own local
time and a load table, with print CSS.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import replace
from datetime import timedelta
from html import escape
from typing import TYPE_CHECKING

from rota import __version__
from rota.assignment import Assignment, hours_text
from rota.check import CheckResult, Segment
from rota.loads import engineer_loads
from rota.metrics import daytime_share
from rota.problem import Team
from rota.report import GAP_COLUMNS, daytime_text, gap_row, violation_row
from rota.timeline import Span, from_minute, iso_local, iso_utc, local_date, localize, zone

if TYPE_CHECKING:
    from rota.explain import Explanation

CSS = """
body{font:13px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{margin:0 0 .2em}h2{margin:1.4em 0 .4em}h3{margin:1em 0 .3em}
.status{display:inline-block;padding:.1em .6em;border-radius:3px;color:#fff;font-weight:bold}
.status.covered{background:#2e7d32}.status.gaps{background:#c62828}
.warning{color:#b71c1c;font-weight:bold;border:2px solid #c62828;padding:.4em .6em}
table{border-collapse:collapse;margin:.3em 0}
th,td{border:1px solid #ccc;padding:2px 5px;text-align:left;vertical-align:top}
.grid td,.grid th{text-align:center;padding:1px 2px;min-width:2.6em;font-size:11px}
.grid th.day{text-align:left;white-space:nowrap}
td.ok{background:#c8e6c9}td.more{background:#81c784}td.none{background:#f3f3f3;color:#999}
td.gap{background:#e53935;color:#fff;font-weight:bold}td.out,td.skip{background:#fff;color:#ccc}
td small{display:block;font-weight:normal}
tr.gap td{background:#ffebee}tbody.engineer th{background:#eee}
.num{text-align:right}.bar{display:inline-block;width:5em;height:.7em;background:#eee}
.bar span{display:block;height:100%;background:#1976d2}
input.view{position:absolute;opacity:0}
nav label{display:inline-block;margin:0 .3em .3em 0;padding:.2em .6em;border:1px solid #999;
  border-radius:3px;cursor:pointer}
section.view{display:none}
.legend span{display:inline-block;padding:0 .5em;margin-right:.3em}
@media print{
  @page{size:A4 landscape;margin:10mm}
  body{margin:0;font-size:10px}
  nav,input.view{display:none}
  td,th,.status,.bar span{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  tr,.grid{break-inside:avoid}
  h2{break-after:avoid}
}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _attrs(**values: object) -> str:
    return "".join(f' {k.replace("_", "-")}="{_e(v)}"' for k, v in values.items())


def _cell_figures(segments: list[Segment], starts: list[int], lo: int, hi: int
                  ) -> tuple[int, int, int] | None:
    """(most required, fewest assigned, person-minutes short) in [lo, hi), or None when that
    lies outside the horizon. `segments` cover the horizon; `starts` are theirs."""
    first = max(0, bisect.bisect_right(starts, lo) - 1)
    inside = []
    for seg in segments[first:]:
        if seg.start >= hi:
            break
        if seg.end > lo:
            inside.append((seg, min(hi, seg.end) - max(lo, seg.start)))
    if not inside:
        return None
    return (max(s.required for s, _ in inside), min(s.assigned for s, _ in inside),
            sum(s.missing * m for s, m in inside))


def views(team: Team) -> list[tuple[str, str]]:
    """(label, time zone): UTC, the horizon's zone, then each engineer's, with their sites."""
    sites: dict[str, list[str]] = {"UTC": [], team.horizon.timezone: []}
    for eng in team.engineers:
        named = sites.setdefault(eng.timezone, [])
        if eng.site and eng.site not in named:
            named.append(eng.site)
    return [(f"{tz} ({', '.join(names)})" if names else tz, tz) for tz, names in sites.items()]


def heatmap(verdict: CheckResult, tier: str, tz: str) -> str:
    """Local days × local clock hours in `tz`: assigned / required in each hour."""
    span, segments = verdict.span, verdict.segments[tier]
    starts = [s.start for s in segments]
    first, last = local_date(span.start, tz), local_date(span.end - 1, tz)
    head = "".join(f"<th>{h:02d}</th>" for h in range(24))
    rows = [f'<table class="grid"{_attrs(data_tier=tier, data_tz=tz)}>'
            f'<tr><th class="day">{_e(tz)}</th>{head}</tr>\n']
    day = first
    while day <= last:
        bounds = [localize(day, h * 60, tz, is_end=False) for h in range(25)]
        cells = [_cell(segments, starts, lo, hi) for lo, hi in zip(bounds, bounds[1:])]
        rows.append(f'<tr><th class="day">{day:%a %Y-%m-%d}</th>{"".join(cells)}</tr>\n')
        day += timedelta(days=1)
    return "".join(rows) + "</table>\n"


def _cell(segments: list[Segment], starts: list[int], lo: int, hi: int) -> str:
    if lo >= hi:
        return '<td class="skip" title="this local hour does not exist (clocks go forward)">' \
               '–</td>'
    figures = _cell_figures(segments, starts, lo, hi)
    if figures is None:
        return '<td class="out"></td>'
    required, assigned, short = figures
    kind = ("gap" if short else "none" if required == assigned == 0
            else "more" if assigned > required else "ok")
    title = f"{iso_utc(lo)} .. {iso_utc(hi)}: {assigned} on duty, {required} required" + (
        f", {short} person-minutes short" if short else "")
    extra = f"<small>{short} min</small>" if short else ""
    attrs = _attrs(data_start=iso_utc(lo), data_end=iso_utc(hi), data_required=required,
                   data_assigned=assigned, data_short=short, title=title)
    return f'<td class="{kind}"{attrs}>{assigned}/{required}{extra}</td>'


def _table(table_id: str, header: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}' \
           f"</tbody></table>"


def _row(values: list[object], cls: str = "") -> str:
    return f'<tr{_attrs(**{"class": cls}) if cls else ""}>' \
           + "".join(f"<td>{_e(v)}</td>" for v in values) + "</tr>\n"


def gaps_section(verdict: CheckResult, explained: Explanation | None = None) -> str:
    if not verdict.gaps:
        return "\n<h2>Gaps</h2><p>None: every minute is covered.</p>"
    why = explained.notes() if explained else {}
    rows = [_row([*gap_row(g).values(), *(why.get(g, ("", "")) if why else ())], "gap")
            for g in verdict.gaps]
    return "\n<h2>Gaps</h2>" + _table("gaps", [*GAP_COLUMNS, *(("cause", "fix") if why else ())],
                                       rows)


def violations_section(verdict: CheckResult) -> str:
    if not verdict.violations:
        return ""
    rows = [_row(list(violation_row(v).values())) for v in verdict.violations]
    return "\n<h2>Rules broken</h2>" + _table(
        "violations", ["rule", "engineer", "start_utc", "end_utc", "message"], rows)


def _local(minute: int, tz: str, with_day: bool) -> str:
    moment = from_minute(minute).astimezone(zone(tz))
    return moment.strftime("%a %Y-%m-%d %H:%M" if with_day else "%H:%M")


def shifts_section(team: Team, assignments: list[Assignment]) -> str:
    """Each engineer's shifts, in their own local time."""
    mine: dict[str, list[Assignment]] = defaultdict(list)
    for a in sorted(assignments, key=lambda a: (a.start, a.end, a.tier)):
        mine[a.engineer].append(a)
    header = ["engineer", "starts (local)", "ends (local)", "tier", "shift", "hours", "UTC"]
    bodies = []
    for eng in team.engineers:
        tz = eng.timezone
        rows = [f'<tr class="shift"{_attrs(data_start_local=iso_local(a.start, tz))}>'
                f"<td>{_e(eng.name)}</td><td>{_e(_local(a.start, tz, True))}</td>"
                f"<td>{_e(_local(a.end, tz, local_date(a.end, tz) != local_date(a.start, tz)))}"
                f"</td><td>{_e(a.tier)}</td><td>{_e(a.shift)}</td>"
                f'<td class="num">{hours_text(a.minutes)}</td>'
                f"<td>{iso_utc(a.start)} .. {iso_utc(a.end)}</td></tr>\n" for a in mine[eng.name]]
        site = f", {eng.site}" if eng.site else ""
        bodies.append(f'<tbody class="engineer"><tr><th colspan="7">{_e(eng.name)} '
                      f"({_e(tz)}{_e(site)}): {len(rows)} shift(s)</th></tr>\n{''.join(rows)}"
                      "</tbody>")
    head = "".join(f"<th>{h}</th>" for h in header)
    return (f'\n<h2>Shifts in each engineer\'s local time</h2><table id="shifts">'
            f"<thead><tr>{head}</tr></thead>{''.join(bodies)}</table>")


def loads_section(team: Team, assignments: list[Assignment], span: Span) -> str:
    """Hours, shifts, weekend and holiday hours per engineer, each against its limit."""
    blocks = len(span.block_starts)
    rows = []
    for eng, load in zip(team.engineers, engineer_loads(team, assignments, span)):
        rules = eng.rules
        mine = [a for a in assignments if a.engineer == eng.name]
        weekend_days = len({d for d in (local_date(a.start, eng.timezone) for a in mine)
                            if d.weekday() in eng.weekend})
        shifts_cap = ("no limit" if rules.max_shifts_per_week is None
                      else rules.max_shifts_per_week * blocks)
        weekend_cap = ("no limit" if rules.max_weekend_days is None
                       else f"{rules.max_weekend_days * blocks} days")
        holiday_cap = "allowed" if rules.work_on_holidays else "not allowed"
        pct = round(load["load"] * 100)
        cells = [_e(eng.name), _e(eng.site or ""), _e(eng.timezone),
                 f'{load["hours"]:g} / {round(load["capacity_hours"], 1):g} '
                 f'<span class="bar"><span style="width:{min(pct, 100)}%"></span></span> '
                 f"{pct}%",
                 f'{load["shifts"]} / {shifts_cap}',
                 f'{load["weekend_hours"]:g} h, {weekend_days} days / {weekend_cap}',
                 f'{load["holiday_hours"]:g} h / {holiday_cap}']
        rows.append(f'<tr{_attrs(data_engineer=eng.name)}>'
                    + "".join(f"<td>{c}</td>" for c in cells) + "</tr>\n")
    header = ["engineer", "site", "time zone", "hours / capacity", "shifts / limit",
              "weekend / limit", "holiday / rule"]
    return "\n<h2>Load per engineer</h2>" + _table("loads", header, rows)


def render(team: Team, verdict: CheckResult, assignments: list[Assignment],
           schedule: str = "", warning: str | None = None,
           explained: Explanation | None = None) -> str:
    """The whole report.html for `assignments` judged by `verdict` (rota.check.check);
    `warning` (gaps not proven necessary, say) is shown in red under the title."""
    span = verdict.span
    known = [replace(a, engineer=eng.name) for a in assignments
             if (eng := team.engineer(a.engineer)) and a.start < span.end and a.end > span.start]
    covered = not verdict.gaps
    short = ", ".join(f"{_e(t)} {m}" for t, m in verdict.uncovered.items())
    daytime = _e(daytime_text(daytime_share(team, span, verdict.segments, known)))
    view_list = views(team)
    radios = "".join(f'<input type="radio" class="view" name="view" id="v{i}"'
                     f'{" checked" if i == 0 else ""}>' for i in range(len(view_list)))
    labels = "".join(f'<label for="v{i}">{_e(label)}</label>'
                     for i, (label, _) in enumerate(view_list))
    show = ",".join(f"#v{i}:checked~main #view-{i}" for i in range(len(view_list)))
    mark = ",".join(f"#v{i}:checked~nav label[for=v{i}]" for i in range(len(view_list)))
    sections = []
    for i, (label, tz) in enumerate(view_list):
        grids = "".join(f"<h3>{_e(tier)}</h3>{heatmap(verdict, tier, tz)}"
                        for tier in verdict.segments)
        sections.append(f'<section class="view" id="view-{i}"{_attrs(data_tz=tz)}>'
                        f"<h2>Coverage, {_e(label)} time</h2>\n{grids}</section>\n")
    legend = ('<p class="legend">each hour: fewest on duty / most required. '
              '<span style="background:#c8e6c9">covered</span>'
              '<span style="background:#81c784">more than required</span>'
              '<span style="background:#e53935;color:#fff">short: person-minutes missing</span>'
              '<span style="background:#f3f3f3">nothing required</span></p>')
    source = f" · schedule {_e(schedule)}" if schedule else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>Rota: {_e(team.name)}</title>"
        f"<style>{CSS}{show}{{display:block}}{mark}{{background:#1976d2;color:#fff}}</style>"
        "</head>\n<body>\n"
        f"<header><h1>Rota: {_e(team.name)}</h1><p>"
        f'<span class="status {"covered" if covered else "gaps"}">'
        f'{"covered" if covered else "gaps"}</span> '
        f"horizon {iso_utc(span.start)} .. {iso_utc(span.end)} ({team.horizon.days} days, "
        f"{_e(team.horizon.timezone)}) · person-minutes short: {short} · "
        f"{len(verdict.violations)} rule(s) broken{source}</p>"
        f"<p>daytime share (required person-minutes staffed by people outside their local "
        f"night; 100 % is follow-the-sun): {daytime}</p>"
        + (f'<p class="warning">{_e(warning)}</p>' if warning else "")
        + "</header>"
        f"\n{radios}\n<nav>View in: {labels}</nav>\n<main>{legend}{''.join(sections)}</main>"
        f"{gaps_section(verdict, explained)}"
        f"{explained.single_points_html() if explained else ''}{violations_section(verdict)}"
        f"{shifts_section(team, known)}{loads_section(team, known, span)}"
        f"\n<footer><p>rota {__version__}</p></footer></body></html>\n")
