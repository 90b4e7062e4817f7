"""The command line: parse, call the library, print, choose the exit code."""

from __future__ import annotations

import math
import os
import sys
import time
import traceback
from typing import TYPE_CHECKING

import click

from rota import __version__
from rota.errors import InputError
from rota.limits import MAX_CANDIDATES, MAX_COUNT, MAX_SECONDS, MAX_WORKERS

if TYPE_CHECKING:
    from rota.assignment import Assignment
    from rota.explain import Explanation
    from rota.history import HistorySplit
    from rota.problem import Team
    from rota.solve.planner import Plan

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


class _Seconds(click.FloatRange):
    """Seconds: finite, above 0, at most a week (a float range lets nan through)."""

    name = "seconds"

    def __init__(self) -> None:
        super().__init__(min=0, max=MAX_SECONDS, min_open=True)

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        got = super().convert(value, param, ctx)
        if not math.isfinite(got):
            self.fail(f"{value!r} is not a finite number of seconds.", param, ctx)
        return got


class _RulesHelp(click.Command):
    """A command whose help ends with the rules it judges, from the registry."""

    def format_epilog(self, ctx, formatter):  # type: ignore[no-untyped-def]
        from rota.rules import help_rows

        with formatter.section("Rules (keys: what `check` reports)"):
            formatter.write_dl(help_rows())
        super().format_epilog(ctx, formatter)


class _Rota(click.Group):
    """The command group: an error that escapes a command is an internal error, exit 3."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # Ctrl-C outside a solve: not "gaps found" (exit 1)
            click.echo("interrupted", err=True)
            sys.exit(130)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort,
                SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - the one place a bug is turned into exit 3
            if ctx.params.get("debug"):
                traceback.print_exc()
            text = " ".join(f"{type(exc).__name__}: {exc}".split())
            click.echo(f"internal error: {text}", err=True)
            sys.exit(EXIT_INTERNAL)


def _fail_input(exc: InputError) -> None:
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    sys.exit(EXIT_BAD_INPUT)


def _load_pair(config: str, schedule: str, tier: str | None = None
               ) -> tuple[Team, list[Assignment]]:
    """The team and the schedule's assignments (CSV, xlsx or an iCalendar feed), or exit 2
    with one line per problem."""
    from rota.config import load_team
    from rota.schedule import read_schedule

    try:
        team = load_team(config)
        return team, read_schedule(schedule, team, tier)
    except InputError as exc:
        _fail_input(exc)


def _history(team: Team, extra: tuple[str, ...]) -> HistorySplit:
    """The team's history and `--history` files, loaded and seen from its horizon; unknown
    engineers' rows are warned about; a bad file is exit 2."""
    from rota.history import load_history, split_history

    try:
        rows = load_history(team, extra, warn=lambda line: click.echo(line, err=True))
    except InputError as exc:
        _fail_input(exc)
    return split_history(team, rows)


_HISTORY_HELP = ("A schedule published before (.csv or .xlsx), added to the team file's "
                 "history.schedules; repeatable.")
_TIER_HELP = "For an .ics feed: the tier its events staff (default: the one tier with demand)."


def _planning_options(what: str):  # type: ignore[no-untyped-def]
    """The options `plan` and `replan` share."""
    options = [
        click.option("-o", "--output", "out_dir", default="rota-out", show_default=True,
                     type=click.Path(file_okay=False), help="Directory to write the plan into."),
        click.option("--time-limit", type=_Seconds(),
                     help=f"Wall-clock seconds for the whole {what} (default: "
                          "solver.time_limit_seconds, 60)."),
        click.option("--workers", type=click.IntRange(0, MAX_WORKERS),
                     help="Solver threads; 0 = all cores."),
        click.option("--seed", type=click.IntRange(0, MAX_COUNT), help="Solver random seed."),
        click.option("--reproducible/--no-reproducible", default=None,
                     help="Bound the search by work done, not seconds: the same file, seed "
                          "and workers give the same schedule.csv, and the plan may end "
                          "early (default: solver.reproducible, false: the search uses the "
                          "time limit)."),
        click.option("--quiet", is_flag=True, help="Print nothing but errors."),
        click.option("--progress/--no-progress", default=None,
                     help="Show the solver's progress on stderr (default: on in a terminal)."),
        click.option("--history", "history_files", multiple=True, metavar="FILE",
                     type=click.Path(dir_okay=False), help=_HISTORY_HELP),
    ]

    def apply(command):  # type: ignore[no-untyped-def]
        for option in reversed(options):
            command = option(command)
        return command

    return apply


def _write_or_fail(path: str, text: str | bytes) -> None:
    """Write `path` atomically, or exit 2 saying why not."""
    from rota.output import write_atomic

    try:
        write_atomic(path, text)
    except OSError as exc:
        click.echo(f"error: {path}: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


@click.group(cls=_Rota, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rota")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error (exit 3).")
def cli(debug: bool) -> None:
    """Plan and check follow-the-sun on-call rotas.

    Example: rota plan examples/follow-the-sun.yaml -o rota-out
    """


@cli.command()
@click.argument("config", type=click.Path(dir_okay=False))
@_planning_options("plan")
def plan(config: str, out_dir: str, time_limit: float | None, workers: int | None,
         seed: int | None, reproducible: bool | None, quiet: bool, progress: bool | None,
         history_files: tuple[str, ...]) -> None:
    """Plan the rota in CONFIG and write schedule.csv, gaps.csv, coverage.csv,
    summary.json, report.md and report.html into the output directory.

    Exit 0 if every minute is covered, 1 if gaps remain, 2 on bad input; Ctrl-C or
    SIGTERM stops the search, writes the best schedule so far and exits 130 or 143.

    Example: rota plan team.yaml -o out --time-limit 30
    """
    from rota.solve.planner import plan as make_plan

    team = _team(config)
    history = _history(team, history_files)
    control, reporter, restore = _solving(quiet, progress)
    try:
        result = make_plan(team, time_limit=time_limit, workers=workers, seed=seed,
                           reproducible=reproducible, control=control, history=history,
                           log=reporter.line if reporter else None,
                           progress=reporter.update if reporter else None)
    finally:
        restore()
    _finish(result, out_dir, quiet, control, summary=_history_summary(team, history))


def _history_summary(team: Team, history: HistorySplit) -> dict[str, object] | None:
    """summary.json's `history` block: what the plan kept and looked back on."""
    from rota.problem import DEFAULT_FAIRNESS_WEEKS

    if not (history.facts or history.past):
        return None
    weeks = team.history.fairness_weeks if team.history else DEFAULT_FAIRNESS_WEEKS
    return {"history": {"facts": len(history.facts),
                        "rules_lookback_rows": len(history.for_rules),
                        "fairness_rows": len(history.for_fairness), "fairness_weeks": weeks}}


def _team(config: str) -> Team:
    from rota.config import load_team

    try:
        return load_team(config, max_candidates=MAX_CANDIDATES)
    except InputError as exc:
        _fail_input(exc)


def _solving(quiet: bool, progress: bool | None):  # type: ignore[no-untyped-def]
    """The search control with Ctrl-C/SIGTERM handlers (and how to remove them), and the
    progress printer if progress is shown."""
    from rota.solve.control import SearchControl

    show = (not quiet and sys.stderr.isatty()) if progress is None else progress
    reporter = _ProgressPrinter(sys.stderr.isatty()) if show else None
    control = SearchControl()
    return control, reporter, control.install_signal_handlers()


def _finish(result, out_dir: str, quiet: bool, control, extra: dict[str, str] | None = None,
            summary: dict[str, object] | None = None, text: str = "") -> None:  # type: ignore[no-untyped-def]
    """Write plan's files (and `extra` ones, and `summary`'s keys in summary.json) whole or
    not at all, print the summary (and `text`), and exit as plan does."""
    from rota import report

    files = _write_plan_files(out_dir, result, extra=extra, summary=summary)
    if not quiet:
        click.echo(report.plan_text(result), nl=False)
        click.echo(text, nl=False)
        click.echo(f"wrote {', '.join(files)} to {out_dir}/")
    if control.interrupted:
        sys.exit(control.exit_code)
    sys.exit(EXIT_OK if result.covered else EXIT_FINDINGS)


def _write_plan_files(out_dir: str, result: Plan, explained: Explanation | None = None,
                      extra: dict[str, str] | None = None,
                      summary: dict[str, object] | None = None) -> dict[str, str]:
    """Write plan's files (and `extra` ones, and `summary`'s keys in summary.json) into
    `out_dir`, whole or not at all (exit 2 if they cannot be); with `explained`, report.md
    and report.html give each gap's cause and fix."""
    import json

    from rota import html_report, report
    from rota.output import write_all
    from rota.schedule import schedule_csv

    team = result.team
    summary_text = report.summary_json(result)
    if summary:
        summary_text = json.dumps({**json.loads(summary_text), **summary}, indent=2) + "\n"
    files = {
        "schedule.csv": schedule_csv(team, result.result.assignments),
        "gaps.csv": report.gaps_csv(result.verdict),
        "coverage.csv": report.coverage_csv(result.verdict),
        "summary.json": summary_text,
        "report.md": report.report_md(result, explained),
        "report.html": html_report.render(team, result.verdict, result.result.assignments,
                                          warning=report.unproven_gap_warning(result),
                                          explained=explained),
        **(extra or {}),
    }
    try:
        write_all(out_dir, files)
    except OSError as exc:
        click.echo(f"error: {exc.filename or out_dir}: cannot write: {exc.strerror or exc}; "
                   f"no file in {out_dir} was changed", err=True)
        sys.exit(EXIT_BAD_INPUT)
    return files


@cli.command()
@click.argument("config", type=click.Path(dir_okay=False))
@click.option("--published", required=True, type=click.Path(dir_okay=False),
              help="The published rota (.csv, .xlsx or .ics) to change as little as possible.")
@click.option("--from", "since", default="now", show_default=True, metavar="INSTANT",
              help="Keep what starts before this ISO 8601 instant with an offset (or now).")
@_planning_options("replan")
@click.option("--tier", help=_TIER_HELP)
def replan(config: str, published: str, since: str, out_dir: str, time_limit: float | None,
           workers: int | None, seed: int | None, reproducible: bool | None, quiet: bool,
           progress: bool | None,
           history_files: tuple[str, ...], tier: str | None) -> None:
    """Plan CONFIG (the team as it is now) again, keeping the PUBLISHED rota before --from
    and changing as little of it as possible after: uncovered minutes first, then the
    fewest changes (removed + added), then plan's objective. Writes plan's files and
    changes.csv, and prints per affected engineer what moved.

    Exit 0 if every minute is covered, 1 if gaps remain, 2 on bad input; Ctrl-C or
    SIGTERM as for plan.

    Example: rota replan team.yaml --published rota-out/schedule.csv --from 2026-03-04T00:00Z
    """
    from rota.history import load_history
    from rota.replan import changes_csv, changes_lines, parse_from, published_problems
    from rota.replan import replan as make_replan
    from rota.schedule import read_schedule
    from rota.timeline import Span

    team = _team(config)
    try:
        rows = read_schedule(published, team, tier)
        problems = published_problems(team, rows, published)
        if problems:
            raise InputError(problems)
        start = parse_from(since, Span.of(team.horizon))
        history = load_history(team, history_files, warn=lambda line: click.echo(line, err=True))
    except InputError as exc:
        _fail_input(exc)
    control, reporter, restore = _solving(quiet, progress)
    try:
        done = make_replan(team, rows, start, history, time_limit=time_limit, workers=workers,
                           seed=seed, reproducible=reproducible, control=control,
                           log=reporter.line if reporter else None,
                           progress=reporter.update if reporter else None)
    finally:
        restore()
    _finish(done.plan, out_dir, quiet, control, {"changes.csv": changes_csv(team, done.changes)},
            {"changes": done.summary()}, "\n" + changes_lines(team, done.changes) + "\n")


@cli.command(cls=_RulesHelp)
@click.argument("config", type=click.Path(dir_okay=False))
@click.argument("schedule", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", default="text",
              type=click.Choice(["text", "json", "junit", "github", "markdown"]),
              show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the report to FILE instead of standard output.")
@click.option("--tier", help=_TIER_HELP)
@click.option("--history", "history_files", multiple=True, metavar="FILE",
              type=click.Path(dir_okay=False), help=_HISTORY_HELP)
def check(config: str, schedule: str, fmt: str, output: str | None, tier: str | None,
          history_files: tuple[str, ...]) -> None:
    """Check SCHEDULE against CONFIG: every coverage gap and every broken rule. SCHEDULE is
    a CSV (engineer,tier,start_utc,end_utc), an .xlsx (its Schedule sheet) or an .ics
    calendar feed such as a paging platform publishes. Never runs the solver. With
    --format github, a markdown summary is also appended to $GITHUB_STEP_SUMMARY when set.

    Exit 0 if all is well, 1 if gaps or broken rules are found, 2 on bad input.

    Example: rota check team.yaml rota-out/schedule.csv --format json
    """
    from rota import report
    from rota.check import check as referee
    from rota.notices import schedule_warnings

    team, assignments = _load_pair(config, schedule, tier)
    verdict = referee(team, assignments, history=_history(team, history_files).judged)
    for warning in schedule_warnings(team, assignments, verdict, schedule):
        click.echo(warning, err=True)
    text = report.CHECK_FORMATS[fmt](verdict, schedule)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary_file:
        try:
            with open(summary_file, "a", encoding="utf-8") as handle:
                handle.write(report.check_markdown(verdict, schedule))
        except OSError as exc:
            click.echo(f"error: GITHUB_STEP_SUMMARY={summary_file}: cannot append: "
                       f"{exc.strerror or exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
    if output:
        _write_or_fail(output, text)
    else:
        click.echo(text, nl=False)
    sys.exit(EXIT_OK if verdict.passed else EXIT_FINDINGS)


@cli.command("report")
@click.argument("config", type=click.Path(dir_okay=False))
@click.argument("schedule", type=click.Path(dir_okay=False))
@click.option("-o", "--output", default="report.html", show_default=True,
              type=click.Path(dir_okay=False), help="The HTML file to write.")
@click.option("--tier", help=_TIER_HELP)
def report_html(config: str, schedule: str, output: str, tier: str | None) -> None:
    """Write a self-contained HTML report of SCHEDULE (CSV, .xlsx or .ics, as for check)
    against CONFIG: coverage heatmaps in UTC or any site's time, the gaps, each engineer's
    shifts in local time and their load. Never runs the solver.

    Exit 0 if all is well, 1 if the report shows gaps or broken rules, 2 on bad input.

    Example: rota report team.yaml rota-out/schedule.csv -o report.html
    """
    from rota.check import check as referee
    from rota.html_report import render

    team, assignments = _load_pair(config, schedule, tier)
    verdict = referee(team, assignments)
    _write_or_fail(output, render(team, verdict, assignments, schedule))
    click.echo(f"wrote {output}: {len(verdict.gaps)} gap(s), {len(verdict.violations)} "
               f"rule(s) broken")
    sys.exit(EXIT_OK if verdict.passed else EXIT_FINDINGS)


@cli.command()
@click.argument("config", type=click.Path(dir_okay=False))
@click.argument("schedule", type=click.Path(dir_okay=False))
@click.option("--to", "kind", required=True, type=click.Choice(["ics", "xlsx"]),
              help="ics: a calendar per engineer and team.ics; xlsx: one workbook.")
@click.option("-o", "--output", required=True, type=click.Path(),
              help="ics: the directory to write into; xlsx: the workbook file.")
@click.option("--previous", type=click.Path(dir_okay=False),
              help="ics: the schedule published before; its removed assignments are written "
                   "as cancelled events.")
@click.option("--tier", help=_TIER_HELP)
def export(config: str, schedule: str, kind: str, output: str, previous: str | None,
           tier: str | None) -> None:
    """Publish SCHEDULE: calendars (DIR/<engineer id>.ics and DIR/team.ics) for the engineers'
    calendar apps, or a workbook (sheets Schedule, Grid <tier>, Engineers, Gaps).

    Exit 0 when written, 2 on bad input.

    Example: rota export team.yaml rota-out/schedule.csv --to ics -o calendars
    """
    from rota.output import write_all
    from rota.schedule import read_schedule

    team, assignments = _load_pair(config, schedule, tier)
    try:
        if kind == "ics":
            from rota.ical import export_ics

            old = read_schedule(previous, team, tier) if previous else []
            files = export_ics(team, assignments, old, source=schedule)
        else:
            from rota.check import check as referee
            from rota.xlsx import workbook

            _write_or_fail(output, workbook(team, assignments, referee(team, assignments)))
            click.echo(f"wrote {output}")
            sys.exit(EXIT_OK)
    except InputError as exc:
        _fail_input(exc)
    try:
        write_all(output, files)
    except OSError as exc:
        click.echo(f"error: {output}: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(f"wrote {len(files)} file(s) to {output}/")
    sys.exit(EXIT_OK)


@cli.command()
@click.argument("config", type=click.Path(dir_okay=False))
@click.argument("schedules", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--by", default="week", show_default=True, type=click.Choice(["week", "month"]),
              help="One row per engineer and ISO week, or per calendar month.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="hours.csv or hours.xlsx (default: CSV on standard output).")
@click.option("--tier", help=_TIER_HELP)
def hours(config: str, schedules: tuple[str, ...], by: str, output: str | None,
          tier: str | None) -> None:
    """Total on-call hours per engineer and week or month, split into weekday, weekend,
    public-holiday and night hours, over one or more schedules (a row repeated in several
    files counts once).

    Exit 0 when written, 2 on bad input.

    Example: rota hours team.yaml w10.csv w11.csv --by month -o hours.xlsx
    """
    from rota.hours import by_engineer, hours_table, render
    from rota.schedule import read_schedule

    team, rows = _load_pair(config, schedules[0], tier)
    try:
        by_engineer(team, rows, schedules[0])  # an unknown engineer, named with its file
        for other in schedules[1:]:
            more = read_schedule(other, team, tier)
            by_engineer(team, more, other)
            rows += more
    except InputError as exc:
        _fail_input(exc)
    mine = by_engineer(team, rows)
    table = hours_table(team, mine, by)
    if output:
        _write_or_fail(output, render(table, xlsx=output.lower().endswith(".xlsx")))
    else:
        click.echo(render(table), nl=False)
    sys.exit(EXIT_OK)


@cli.command()
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", default="text", type=click.Choice(["text", "json", "markdown"]),
              show_default=True, help="Output format; markdown suits a pull-request comment.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the diff to FILE instead of standard output.")
def diff(old: str, new: str, fmt: str, output: str | None) -> None:
    """Show what changed from schedule OLD to schedule NEW (each a .csv or .xlsx): per
    engineer, the assignments removed and added, rows matched on engineer, tier,
    start_utc and end_utc (a moved shift is one of each). Times are UTC.

    Exit 0 if the schedules are the same, 1 if they differ, 2 on bad input.

    Example: rota diff published.csv rota-out/schedule.csv --format markdown
    """
    from rota.diff import DIFF_FORMATS, diff_files

    try:
        changes = diff_files(old, new)
    except InputError as exc:
        _fail_input(exc)
    text = DIFF_FORMATS[fmt](changes, old, new)
    if output:
        _write_or_fail(output, text)
    else:
        click.echo(text, nl=False)
    sys.exit(EXIT_OK if changes.same else EXIT_FINDINGS)


@cli.command()
@click.argument("config", type=click.Path(dir_okay=False))
@click.option("--hours", is_flag=True,
              help="Also print, per tier, a UTC week grid of the most who could be on duty.")
@click.option("--strict", is_flag=True, help="Exit 1 when there are structural gaps.")
def validate(config: str, hours: bool, strict: bool) -> None:
    """Check CONFIG (and the history files it names) and print a capacity overview: per
    tier, the intervals in which fewer engineers could be on duty than required
    (structural gaps), each with its reason, before solving.

    Exit 0 if the file is valid (with --strict: and has no structural gap), 1 with
    --strict if it has structural gaps, 2 if it is invalid.

    Example: rota validate team.yaml --hours --strict
    """
    from rota.capacity import capacity
    from rota.config import load_team
    from rota.report import capacity_text

    try:
        team = load_team(config, max_candidates=MAX_CANDIDATES)
    except InputError as exc:
        _fail_input(exc)
    _history(team, ())
    cap = capacity(team)
    click.echo(capacity_text(cap, hours=hours), nl=False)
    sys.exit(EXIT_FINDINGS if strict and cap.gaps else EXIT_OK)


@cli.command()
@click.option("--engineers", required=True, type=click.IntRange(1, 10_000),
              help="Head-count; at least 20 (three regions of 6-7 people), at most 10,000.")
@click.option("--weeks", required=True, type=click.IntRange(1, 52),
              help="Horizon in weeks from Monday 2027-03-01 (1-52).")
@click.option("--seed", required=True, type=click.IntRange(0, MAX_COUNT),
              help="Random seed: the same arguments always give the same file.")
@click.option("--understaffed", is_flag=True,
              help="Leave apac without weekend staff, so some hours cannot be covered.")
@click.option("--load", type=float, default=None,
              help="A tight team: required person-hours / capacity close to L (0 < L < 1); "
                   "at least 10 engineers.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the team to FILE instead of standard output.")
def generate(engineers: int, weeks: int, seed: int, understaffed: bool, load: float | None,
             output: str | None) -> None:
    """Write a realistic follow-the-sun team file (SPEC format): sites in APAC, EMEA and
    the Americas (+05:30, +05:45, Australia), holidays, leave, tier 1 and tier 2, fixed
    UTC hand-offs and flexible shifts. Full coverage is possible by construction unless
    --understaffed. At least 20 engineers are needed (10 with --load, which scales demand
    and weekly hours so that required person-hours / capacity is close to L and says the
    load it reached in the file's header).

    Exit 0 on success, 2 on bad usage.

    Example: rota generate --engineers 200 --weeks 4 --seed 1 -o team.yaml
    """
    from rota.generate import generate_team
    from rota.output import write_atomic

    try:
        text = generate_team(engineers, weeks, seed, understaffed=understaffed, load=load)
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if output:
        try:
            write_atomic(output, text)
        except OSError as exc:
            click.echo(f"error: {output}: cannot write: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
    else:
        click.echo(text, nl=False)
    sys.exit(EXIT_OK)


# ----- why, and what if (SPEC §11) ---------------------------------------------------------

def _load_planned(config: str) -> Team:
    from rota.config import load_team

    try:
        return load_team(config, max_candidates=MAX_CANDIDATES)
    except InputError as exc:
        _fail_input(exc)


def _print_json(data: object) -> None:
    import json

    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _stderr_log(verbose: bool):  # type: ignore[no-untyped-def]
    return (lambda line: click.echo(line, err=True)) if verbose else None


def _solver_options(command):  # type: ignore[no-untyped-def]
    """--workers, --seed and --jobs: the commands whose searches are independent plans."""
    command = click.option("--seed", type=click.IntRange(0, MAX_COUNT),
                           help="Solver random seed.")(command)
    command = click.option("--jobs", type=click.IntRange(1, MAX_WORKERS),
                           help="Independent searches at once, each in a process of its own "
                                "(default: the machine's cores); the answers do not depend "
                                "on it.")(command)
    return click.option("--workers", type=click.IntRange(0, MAX_WORKERS),
                        help="Solver threads of each independent search (default 1); 0 = "
                             "all cores.")(command)


_VERBOSE_HELP = "Print each plan and re-plan on stderr as it ends."


@cli.command()
@click.argument("config", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", default="text", type=click.Choice(["text", "json"]),
              show_default=True, help="Output format.")
@click.option("--time-limit", type=_Seconds(),
              help="Wall-clock seconds for the plan (default: solver.time_limit_seconds).")
@click.option("--verify-time-limit", type=_Seconds(),
              help="Seconds for each re-plan that verifies a fix (default: the plan's, at "
                   "most 30).")
@click.option("--total", type=_Seconds(),
              help="Start no verifying re-plan that would end after this many seconds "
                   "(default: 10 x the time limit).")
@click.option("--reproducible/--no-reproducible", default=None,
              help="Plan reproducibly, as `plan --reproducible` (default: "
                   "solver.reproducible).")
@_solver_options
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False),
              help="Also write the plan's files into DIR, with each gap's cause and fix in "
                   "report.md and report.html.")
@click.option("--verbose", is_flag=True, help=_VERBOSE_HELP)
def explain(config: str, fmt: str, time_limit: float | None, verify_time_limit: float | None,
            total: float | None, reproducible: bool | None, workers: int | None,
            jobs: int | None, seed: int | None, out_dir: str | None, verbose: bool) -> None:
    """Plan CONFIG, then explain each gap: its structural cause (as validate reports it), or
    the engineers who could otherwise cover it with the rule instance that stops each; and
    the smallest fix found (one rule relaxed for one engineer, or one more engineer free in
    the gap's UTC window), with the person-minutes it closes, verified by re-planning.

    Exit 0 if every minute is covered, 1 if gaps remain, 2 on bad input.

    Example: rota explain examples/understaffed.yaml --format json
    """
    from rota.explain import explain as run
    from rota.explain import explain_json, explain_text
    from rota.jobs import default_jobs

    team = _load_planned(config)
    ex = run(team, time_limit=time_limit, verify_time_limit=verify_time_limit,
             total_seconds=total, workers=workers, seed=seed, reproducible=reproducible,
             jobs=jobs or default_jobs(), log=_stderr_log(verbose))
    if out_dir:
        _write_plan_files(out_dir, ex.plan, explained=ex)
    if fmt == "json":
        _print_json(explain_json(ex))
    else:
        click.echo(explain_text(ex), nl=False)
    sys.exit(EXIT_FINDINGS if ex.gaps else EXIT_OK)


@cli.command("what-if")
@click.argument("config", type=click.Path(dir_okay=False))
@click.option("--without", multiple=True, metavar="NAME",
              help="An engineer away for the whole horizon (name or id); repeatable.")
@click.option("--add", multiple=True, metavar="FILE", type=click.Path(dir_okay=False),
              help="A YAML file with an `engineers:` list, as in a team file (they may name "
                   "its sites); repeatable.")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="A rule for the whole team (max_hours_per_week=40), or for one engineer "
                   "(\"Ann Lee.min_rest_hours=10\"); repeatable.")
@click.option("--unavailable", multiple=True, metavar="NAME=DATE[..DATE]",
              help="Time off for one engineer, as in `unavailable` (local dates or a local "
                   "time range); repeatable.")
@click.option("--format", "fmt", default="text", type=click.Choice(["text", "json"]),
              show_default=True, help="Output format.")
@click.option("--time-limit", type=_Seconds(),
              help="Wall-clock seconds for each plan (default: solver.time_limit_seconds).")
@_solver_options
@click.option("--verbose", is_flag=True, help=_VERBOSE_HELP)
def what_if(config: str, without: tuple[str, ...], add: tuple[str, ...],
            settings: tuple[str, ...], unavailable: tuple[str, ...], fmt: str,
            time_limit: float | None, workers: int | None, jobs: int | None, seed: int | None,
            verbose: bool) -> None:
    """Plan CONFIG as it is and with each change, each flag on its own (and, with several,
    all together), and print them side by side: uncovered person-minutes, largest load,
    hand-offs, night minutes and daytime share per tier.

    Exit 0 when planned, 2 on bad input (an unknown name, rule or value, a bad date).

    Example: rota what-if team.yaml --without "Ann Lee" --set max_hours_per_week=40
    """
    from rota.jobs import default_jobs
    from rota.whatif import parse_changes, what_if_json, what_if_text
    from rota.whatif import what_if as run

    team = _load_planned(config)
    try:
        changes = parse_changes(team, config, without, add, settings, unavailable)
    except InputError as exc:
        _fail_input(exc)
    outcomes = run(team, changes, time_limit=time_limit, workers=workers, seed=seed,
                   jobs=jobs or default_jobs(), log=_stderr_log(verbose))
    if fmt == "json":
        _print_json(what_if_json(team, outcomes))
    else:
        click.echo(what_if_text(team, outcomes), nl=False)
    sys.exit(EXIT_OK)


@cli.command()
@click.argument("config", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", default="text", type=click.Choice(["text", "json"]),
              show_default=True, help="Output format.")
@click.option("--time-limit", type=_Seconds(),
              help="Wall-clock seconds for the team's plan, and for each re-plan unless "
                   "--replan-time-limit (default: solver.time_limit_seconds).")
@click.option("--replan-time-limit", type=_Seconds(),
              help="Seconds for each re-plan without one engineer (default: a third of "
                   "the time limit).")
@click.option("--total", type=_Seconds(),
              help="Start no search or re-plan that would end after this many seconds; "
                   "the rest keep their bounds (default: 10 x the time limit). The searches "
                   "before the re-plans get 0.5 deterministic seconds per second of it.")
@_solver_options
@click.option("--verbose", is_flag=True, help=_VERBOSE_HELP)
def resilience(config: str, fmt: str, time_limit: float | None,
               replan_time_limit: float | None, total: float | None, workers: int | None,
               jobs: int | None, seed: int | None, verbose: bool) -> None:
    """For each engineer of CONFIG, the person-minutes left uncovered if they are away for
    the whole horizon (proven where time allows: the output says which are not), and the
    single points of failure: intervals that only one engineer can cover.

    Exit 0 if no single absence opens a gap, 1 if one does, 2 on bad input.

    Example: rota resilience team.yaml --replan-time-limit 20 --format json
    """
    from rota.jobs import default_jobs
    from rota.resilience import resilience as run
    from rota.resilience import resilience_json, resilience_text

    team = _load_planned(config)
    r = run(team, time_limit=time_limit, replan_time_limit=replan_time_limit,
            total_seconds=total, workers=workers, seed=seed, jobs=jobs or default_jobs(),
            log=_stderr_log(verbose))
    if fmt == "json":
        _print_json(resilience_json(r))
    else:
        click.echo(resilience_text(r), nl=False)
    sys.exit(EXIT_FINDINGS if r.fragile else EXIT_OK)


class _ProgressPrinter:
    """Solver progress on stderr: a line per stage; in a terminal, a live status line."""

    def __init__(self, live: bool):
        self.live = live
        self.started = time.perf_counter()

    def _stamp(self, text: str) -> str:
        return f"[{time.perf_counter() - self.started:6.1f}s] {text}"

    def line(self, text: str) -> None:
        click.echo(("\r\033[K" if self.live else "") + self._stamp(text), err=True)

    def update(self, text: str) -> None:
        if self.live:
            click.echo("\r\033[K" + self._stamp(text), err=True, nl=False)
        else:
            click.echo(self._stamp(text), err=True)


def main() -> None:
    cli(prog_name="rota")


if __name__ == "__main__":
    main()
