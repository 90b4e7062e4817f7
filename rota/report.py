"""Rendering: CSV, JSON, markdown and terminal text. Pure functions returning strings."""

from __future__ import annotations

import html
import json
import re
from typing import TYPE_CHECKING, Any

from rota import capacity
from rota.assignment import hours_text
from rota.check import RULES, CheckResult, HourRow, Segment, Violation
from rota.loads import engineer_loads
from rota.schedule import csv_text
from rota.timeline import from_minute, iso_utc

if TYPE_CHECKING:  # the planner loads the solver; check and validate must not
    from rota.explain import Explanation
    from rota.solve.planner import Plan
    from rota.solve.search import PlanResult

GAP_COLUMNS = ("tier", "start_utc", "end_utc", "required", "assigned", "missing", "minutes")
COVERAGE_COLUMNS = ("hour_utc", "tier", "required", "min_assigned", "covered")


def gap_row(gap: Segment) -> dict[str, Any]:
    return {"tier": gap.tier, "start_utc": iso_utc(gap.start), "end_utc": iso_utc(gap.end),
            "required": gap.required, "assigned": gap.assigned, "missing": gap.missing,
            "minutes": gap.minutes}


def gaps_csv(verdict: CheckResult) -> str:
    return csv_text(GAP_COLUMNS, [list(gap_row(g).values()) for g in verdict.gaps])


def coverage_csv(verdict: CheckResult) -> str:
    return csv_text(COVERAGE_COLUMNS, [[iso_utc(h), t, r, a, str(c).lower()]
                                   for h, t, r, a, c in verdict.hours()])


def unproven_gap_warning(p: Plan) -> str | None:
    """The loud line for gaps the solver did not prove necessary, or None."""
    total = sum(p.verdict.uncovered.values())
    stage = p.result.coverage_stage
    if not total or stage.status == "OPTIMAL":
        return None
    bound = max(0, stage.bound)
    limit = p.team.solver.time_limit_seconds if p.time_limit is None else p.time_limit
    return (f"NOT PROVEN: {total} person-minutes short, but only {bound} are proven necessary "
            f"(the search stopped by {stage.stopped_by or 'its limit'}); this rota may be "
            f"coverable: rerun with --time-limit {max(2 * round(limit), 60)}, or see "
            f"`rota validate` for the gaps no plan can fill")


def summary_json(p: Plan) -> str:
    res, verdict = p.result, p.verdict
    first = res.coverage_stage
    warning = unproven_gap_warning(p)
    data = {
        "team": p.team.name,
        "status": "covered" if p.covered else "gaps",
        "gaps_proven_necessary": not warning,
        "interrupted": res.interrupted,
        "horizon": {"start_utc": iso_utc(p.span.start), "end_utc": iso_utc(p.span.end),
                    "days": p.team.horizon.days, "timezone": p.team.horizon.timezone},
        "solver": {
            # OPTIMAL only when every stage is proven; objective and bound are coverage's.
            "status": search_status(res), "coverage_status": first.status,
            "objective": first.objective, "bound": first.bound,
            "seconds": round(res.build_seconds + res.solve_seconds, 3),
            "build_seconds": res.build_seconds, "solve_seconds": res.solve_seconds,
            "candidates": res.candidates, "variables": res.variables,
            "constraints": res.constraints,
            "time_limit_seconds": (p.team.solver.time_limit_seconds if p.time_limit is None
                                   else p.time_limit),
            "reproducible": res.reproducible_mode,
            "rerun_may_differ": not res.reproducible,
            "workers": res.workers,
            "proven_stages": [s.name for s in res.stages if s.proven],
            "stages": [s.__dict__ for s in res.stages],
        },
        "gap_minutes": verdict.uncovered,
        "daytime_share": p.daytime_share,
        "gaps": len(verdict.gaps),
        "violations": len(verdict.violations),
        "assignments": len(res.assignments),
        "engineers": [{k: (round(v, 2) if isinstance(v, float) else v) for k, v in row.items()}
                      for row in engineer_loads(p.team, res.assignments, p.span)],
    }
    if warning:
        data["warning"] = warning
    return json.dumps(data, indent=2) + "\n"


# ----- text ------------------------------------------------------------------------------

def week_grid(hours: list[HourRow], tier: str) -> str:
    """UTC days × hours: the fewest on duty in each hour; `!` marks an hour that is short.
    `hours` is `CheckResult.hours()` or `Capacity.hours()`."""
    cells: dict[tuple[str, int], str] = {}
    days: list[str] = []
    for hour, t, required, assigned, covered in hours:
        if t != tier:
            continue
        moment = from_minute(hour)
        day = moment.strftime("%a %m-%d")
        if day not in days:
            days.append(day)
        mark = "·" if required == 0 and assigned == 0 else str(min(assigned, 9))
        cells[(day, moment.hour)] = f"{mark:>2}{' ' if covered else '!'}"
    lines = [f"{tier} (UTC)  " + "".join(f"{h:>2} " for h in range(24))]
    for day in days:
        lines.append(f"{day:<12}" + "".join(cells.get((day, h), "   ") for h in range(24)))
    return "\n".join(lines)


def gap_lines(verdict: CheckResult) -> list[str]:
    return [f"{g.tier}: {iso_utc(g.start)} .. {iso_utc(g.end)}  short {g.missing} of "
            f"{g.required} for {g.minutes} min" for g in verdict.gaps]


def violation_line(v: Violation) -> str:
    return f"{v.rule}: {v.engineer}: {v.message}"


def daytime_text(shares: dict[str, float | None]) -> str:
    """`tier2 100 %, tier1 87 %`: the daytime share per tier with demand."""
    return ", ".join(f"{tier} {share:.0%}" for tier, share in shares.items()
                     if share is not None) or "no demand"


def plan_text(p: Plan) -> str:
    verdict, res = p.verdict, p.result
    stage = res.coverage_stage
    total = sum(verdict.uncovered.values())
    proven = "proven minimal" if stage.status == "OPTIMAL" else "NOT proven necessary"
    head = (f"{p.team.name}: {iso_utc(p.span.start)} .. {iso_utc(p.span.end)}, "
            f"{len(res.assignments)} assignments, "
            + ("every minute covered" if p.covered else f"{total} person-minutes short "
                                                       f"({proven})"))
    parts = [head, ""]
    warning = unproven_gap_warning(p)
    if warning:
        parts += [f"!!! {warning}", ""]
    if res.interrupted:
        parts += ["!!! interrupted: this is the best schedule found before the stop", ""]
    hours = verdict.hours()
    for tier in verdict.segments:
        parts += [week_grid(hours, tier), ""]
    parts.append("digits: fewest on duty in the UTC hour; ! short of the requirement; "
                 "· nothing required")
    if verdict.gaps:
        parts += ["", f"Gaps ({len(verdict.gaps)}):", *("  " + g for g in gap_lines(verdict))]
    if verdict.violations:
        parts += ["", "Rules broken:", *("  " + violation_line(v) for v in verdict.violations)]
    parts += ["", f"daytime share (required person-minutes staffed outside the local night): "
                  f"{daytime_text(p.daytime_share)}"]
    parts += ["", "Hours per engineer:"]
    for row in engineer_loads(p.team, res.assignments, p.span):
        parts.append(f"  {row['name']:<24} {hours_text(round(row['hours'] * 60)):>6} h "
                     f"{row['shifts']:>3} shifts  {row['load']:>5.0%} of capacity")
    parts += ["", search_head(p), *("  " + line for line in stage_lines(res))]
    return "\n".join(parts) + "\n"


def search_status(res: PlanResult) -> str:
    """OPTIMAL only when every stage is proven; else FEASIBLE (or coverage's own status
    when coverage found nothing)."""
    first = res.coverage_stage.status
    if first not in ("OPTIMAL", "FEASIBLE"):
        return first
    return "OPTIMAL" if res.proven else "FEASIBLE"


def search_head(p: Plan) -> str:
    """One line: how long the search ran, in which mode, and whether a rerun may differ."""
    res = p.result
    limit = p.team.solver.time_limit_seconds if p.time_limit is None else p.time_limit
    seconds = res.build_seconds + res.solve_seconds
    proven = sum(s.proven for s in res.stages)
    mode = ("reproducible: bounded by work done" if res.reproducible_mode else
            "uses the time limit")
    ending = ("every stage proven optimal" if res.proven else
              f"{proven} of {len(res.stages)} stages proven optimal")
    again = ("the same file, seed and workers give the same rota" if res.reproducible else
             "a rerun may differ (--reproducible gives the same rota every time)"
             if not res.reproducible_mode else "cut short by the clock, so a rerun may differ")
    return (f"search: {seconds:.1f}s of {limit:g}s ({mode}), {res.workers} workers, "
            f"{res.candidates} candidates; {ending}; {again}")


def stage_lines(res: PlanResult) -> list[str]:
    """Per stage: its value, and proven, or its bound and how far above it, and what
    stopped it."""
    width = max(len(s.name) for s in res.stages)
    digits = max(len(str(s.objective)) for s in res.stages)
    out = []
    for s in res.stages:
        value = "" if s.objective < 0 else str(s.objective)
        head = f"{s.name:<{width}}  {value:>{digits}}  "
        if s.status == "NOT_RUN":
            why = {"budget": "no budget left", "clock": "no time left",
                   "interrupt": "interrupted"}.get(s.stopped_by or "", "left out")
            out.append(f"{head}not searched ({why})")
        elif s.proven:
            out.append(f"{head}proven optimal")
        else:
            bound = "no bound" if s.bound < 0 else f"bound {s.bound}" + (
                f", {(s.objective - s.bound) / s.objective:.0%} above" if s.objective else "")
            out.append(f"{head}{bound}; stopped by the {s.stopped_by}")
    return out


def report_md(p: Plan, explained: Explanation | None = None) -> str:
    verdict, res = p.verdict, p.result
    lines = [f"# Rota: {_md(p.team.name)}", "",
             f"- Horizon: {iso_utc(p.span.start)} .. {iso_utc(p.span.end)} "
             f"({p.team.horizon.days} days, {p.team.horizon.timezone})",
             f"- Status: **{'covered' if p.covered else 'gaps'}**; uncovered person-minutes: "
             + ", ".join(f"{t} {m}" for t, m in verdict.uncovered.items()),
             f"- {_md(search_head(p)[0].upper() + search_head(p)[1:])}",
             f"- Daytime share (required person-minutes staffed by people outside their local "
             f"night; 100 % is follow-the-sun): {daytime_text(p.daytime_share)}", ""]
    warning = unproven_gap_warning(p)
    if warning:
        lines += [f"> **{warning}**", ""]
    hours = verdict.hours()
    for tier in verdict.segments:
        lines += [f"## Week grid: {_md(tier)}", "", "```", week_grid(hours, tier), "```", ""]
    lines += ["## Gaps", ""]
    if verdict.gaps:
        why = explained.notes() if explained else {}
        lines += ["| tier | start (UTC) | end (UTC) | required | assigned | minutes |"
                  + (" cause | fix |" if why else ""),
                  "|---|---|---|---|---|---|" + ("---|---|" if why else "")]
        lines += [f"| {_md(g.tier)} | {iso_utc(g.start)} | {iso_utc(g.end)} | {g.required} | "
                  f"{g.assigned} | {g.minutes} |"
                  + ("".join(f" {_md(text)} |" for text in why.get(g, ("", ""))) if why else "")
                  for g in verdict.gaps]
    else:
        lines.append("None: every minute is covered.")
    if explained:
        lines += ["", *explained.single_points_md()]
    lines += ["", "## Load per engineer", "",
              "| engineer | site | time zone | hours | shifts | weekend h | holiday h | load |",
              "|---|---|---|---|---|---|---|---|"]
    for row in engineer_loads(p.team, res.assignments, p.span):
        lines.append(f"| {_md(row['name'])} | {_md(row['site'] or '')} | {row['timezone']} | "
                     f"{row['hours']:g} | {row['shifts']} | {row['weekend_hours']:g} | "
                     f"{row['holiday_hours']:g} | {row['load']:.0%} |")
    lines += ["", "## Search", "", "| stage | value | bound | ended by |", "|---|---|---|---|"]
    for s in res.stages:
        bound = "" if s.bound < 0 else str(s.bound)
        ended = "proof" if s.proven else (s.stopped_by or "") + (
            " (not searched)" if s.status == "NOT_RUN" else "")
        value = "" if s.objective < 0 else str(s.objective)
        lines.append(f"| {s.name} | {value} | {bound} | {ended} |")
    return "\n".join(lines) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~])")


def _md(text: str) -> str:
    """Text that markdown (and the HTML GitHub allows in it) shows as written, on one line."""
    one_line = " ".join(text.splitlines())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def _code(text: str) -> str:
    """A markdown code span holding `text` as written (no markup inside one)."""
    one_line = " ".join(text.splitlines())
    fence = "`" * (max((len(run) for run in re.findall("`+", one_line)), default=0) + 1)
    pad = " " if one_line.startswith("`") or one_line.endswith("`") else ""
    return f"{fence}{pad}{one_line}{pad}{fence}"


# ----- check output ----------------------------------------------------------------------

def violation_row(v: Violation) -> dict[str, Any]:
    return {"rule": v.rule, "engineer": v.engineer, "start_utc": iso_utc(v.start),
            "end_utc": iso_utc(v.end), "message": v.message}


def check_json(verdict: CheckResult) -> str:
    data = {"status": "pass" if verdict.passed else "fail",
            "gaps": [gap_row(g) for g in verdict.gaps],
            "violations": [violation_row(v) for v in verdict.violations]}
    return json.dumps(data, indent=2) + "\n"


def check_text(verdict: CheckResult) -> str:
    if verdict.passed:
        return "PASS: every minute covered, no rule broken\n"
    lines = [f"FAIL: {len(verdict.gaps)} gap(s), {len(verdict.violations)} rule(s) broken"]
    lines += [f"gap {line}" for line in gap_lines(verdict)]
    lines += [f"rule {violation_line(v)}" for v in verdict.violations]
    return "\n".join(lines) + "\n"



def check_markdown(verdict: CheckResult, schedule: str = "schedule") -> str:
    """A pull-request comment or CI job summary."""
    icon = "✅" if verdict.passed else "❌"
    total = sum(verdict.uncovered.values())
    lines = [f"## {icon} rota check: {'pass' if verdict.passed else 'fail'}", "",
             f"{_code(schedule)}: {len(verdict.gaps)} gap(s), {total} uncovered "
             f"person-minutes, {len(verdict.violations)} rule(s) broken.", ""]
    if verdict.gaps:
        lines += ["### Gaps", "", "| tier | start (UTC) | end (UTC) | required | assigned | "
                  "minutes |", "|---|---|---|---|---|---|"]
        lines += [f"| {_md(g.tier)} | {iso_utc(g.start)} | {iso_utc(g.end)} | {g.required} | "
                  f"{g.assigned} | {g.minutes} |" for g in verdict.gaps]
        lines.append("")
    if verdict.violations:
        lines += ["### Rules broken", "", "| rule | engineer | start (UTC) | end (UTC) | what |",
                  "|---|---|---|---|---|"]
        lines += [f"| {v.rule} | {_md(v.engineer)} | {iso_utc(v.start)} | {iso_utc(v.end)} | "
                  f"{_md(v.message)} |" for v in verdict.violations]
        lines.append("")
    return "\n".join(lines)


def _annotation(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def check_github(verdict: CheckResult, schedule: str = "schedule.csv") -> str:
    """GitHub Actions `::error` workflow commands, one per gap and per broken rule."""
    where = f"file={_annotation(schedule, prop=True)}"
    lines = []
    for g in verdict.gaps:
        title = _annotation(f"rota: {g.tier} gap", prop=True)
        lines.append(f"::error {where},title={title}::" + _annotation(
            f"{g.tier} short {g.missing} of {g.required} from {iso_utc(g.start)} to "
            f"{iso_utc(g.end)} ({g.minutes} min)"))
    for v in verdict.violations:
        line = f",line={v.row}" if v.row else ""
        title = _annotation(f"rota: {v.rule}", prop=True)
        lines.append(f"::error {where}{line},title={title}::"
                     + _annotation(f"{v.engineer}: {v.message}"))
    if verdict.passed:
        lines.append("::notice title=rota check::every minute covered, no rule broken")
    return "\n".join(lines) + "\n"


def check_junit(verdict: CheckResult, schedule: str = "schedule.csv") -> str:
    """JUnit XML: one test case per tier (coverage) and one per rule."""
    from xml.etree import ElementTree as ET

    suite = ET.Element("testsuite", name="rota check", tests="0", failures="0")
    cases = []
    for tier in verdict.segments:
        gaps = [g for g in verdict.gaps if g.tier == tier]
        cases.append((f"coverage {tier}", "coverage", [
            f"{iso_utc(g.start)}..{iso_utc(g.end)} short {g.missing} of {g.required} "
            f"({g.minutes} min)" for g in gaps]))
    for rule in RULES:
        broken = [v for v in verdict.violations if v.rule == rule]
        cases.append((f"rule {rule}", "rules", [
            f"{v.engineer} {iso_utc(v.start)}..{iso_utc(v.end)}: {v.message}" for v in broken]))
    for name, group, failures in cases:
        case = ET.SubElement(suite, "testcase", name=name, classname=f"rota.{group}")
        if failures:
            failure = ET.SubElement(case, "failure", message=f"{len(failures)} found: "
                                    + failures[0], type=group)
            failure.text = "\n".join(failures)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for *_, f in cases if f)))
    suite.set("file", schedule)
    ET.indent(suite)
    xml = _XML_INVALID.sub(lambda m: f"\\x{ord(m[0]):02x}", ET.tostring(suite, "unicode"))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml + "\n"


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


CHECK_FORMATS = {"text": lambda v, s: check_text(v), "json": lambda v, s: check_json(v),
                 "junit": check_junit, "github": check_github, "markdown": check_markdown}


# ----- validate -------------------------------------------------------------------------

def _names(who: tuple[str, ...], most: int = 6) -> str:
    more = f" and {len(who) - most} more" if len(who) > most else ""
    return ", ".join(who[:most]) + more


def reason_text(gap: capacity.StructuralGap) -> str:
    """The reason of a structural gap, for a person."""
    if gap.reason == capacity.NOBODY:
        if not gap.who:
            return f"nobody holding {gap.tier} is available then"
        return f"nobody else holding {gap.tier} is available then (only {_names(gap.who)})"
    if gap.reason == capacity.TIME_OFF:
        return f"on holiday or unavailable: {_names(gap.who)}"
    return f"no shift fits the free time of {_names(gap.who)}"


def capacity_text(cap: capacity.Capacity, hours: bool = False) -> str:
    """`validate`'s overview: per tier the demand and each structural gap with its reason;
    with `hours`, a UTC week grid of the most who could be on duty in each hour."""
    team, span = cap.team, cap.span
    lines = [f"{team.source}: valid",
             f"team: {team.name}; {len(team.engineers)} engineers; horizon "
             f"{iso_utc(span.start)} .. {iso_utc(span.end)} ({team.horizon.days} days)"]
    for tier, segments in cap.segments.items():
        demand = sum(s.required * s.minutes for s in segments)
        short = [g for g in cap.gaps if g.tier == tier]
        missing = sum((g.required - g.possible) * g.minutes for g in short)
        lines.append(f"{tier}: {hours_text(demand)} person-hours required; "
                     + (f"{len(short)} structural gap(s), {missing} person-minutes short:"
                        if short else "no structural gap"))
        for g in short:
            lines.append(f"  {iso_utc(g.start)} .. {iso_utc(g.end)}  at most {g.possible} of "
                         f"{g.required} could be on duty ({g.minutes} min): {reason_text(g)}")
    if hours:
        rows = cap.hours()
        for tier in cap.segments:
            lines += ["", week_grid(rows, tier)]
        lines += ["", "digits: the most who could be on duty in the UTC hour's tightest minute "
                      "(9 = 9 or more); ! fewer than required; · nothing required"]
    return "\n".join(lines) + "\n"
