"""The command line: parse, call the library, print, choose the exit code."""

from __future__ import annotations

import os
import sys

import click

from rota import __version__
from rota.errors import InputError

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


def _fail_input(exc: InputError) -> None:
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    sys.exit(EXIT_BAD_INPUT)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rota")
def cli() -> None:
    """Plan and check follow-the-sun on-call rotas.

    Example: rota plan examples/follow-the-sun.yaml -o rota-out
    """


@cli.command()
@click.argument("config", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out_dir", default="rota-out", show_default=True,
              type=click.Path(file_okay=False), help="Directory to write the plan into.")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True),
              help="Seconds for the solver in all (default: solver.time_limit_seconds).")
@click.option("--workers", type=click.IntRange(min=0), help="Solver threads; 0 = all cores.")
@click.option("--seed", type=click.IntRange(min=0), help="Solver random seed.")
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
def plan(config: str, out_dir: str, time_limit: float | None, workers: int | None,
         seed: int | None, quiet: bool) -> None:
    """Plan the rota in CONFIG and write schedule.csv, gaps.csv, coverage.csv,
    summary.json and report.md into the output directory.

    Exit 0 if every minute is covered, 1 if gaps remain, 2 on bad input.

    Example: rota plan team.yaml -o out --time-limit 30
    """
    from rota import report
    from rota.config import load_team
    from rota.output import write_all
    from rota.planner import plan as make_plan
    from rota.schedule import schedule_csv

    try:
        team = load_team(config)
    except InputError as exc:
        _fail_input(exc)
    result = make_plan(team, time_limit=time_limit, workers=workers, seed=seed)
    files = {
        "schedule.csv": schedule_csv(team, result.result.assignments),
        "gaps.csv": report.gaps_csv(result.verdict),
        "coverage.csv": report.coverage_csv(result.verdict),
        "summary.json": report.summary_json(result),
        "report.md": report.report_md(result),
    }
    try:
        write_all(out_dir, files)
    except OSError as exc:
        click.echo(f"error: {out_dir}: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if not quiet:
        click.echo(report.plan_text(result), nl=False)
        click.echo(f"wrote {', '.join(files)} to {out_dir}/")
    sys.exit(EXIT_OK if result.covered else EXIT_FINDINGS)


@cli.command()
@click.argument("config", type=click.Path(dir_okay=False))
@click.argument("schedule", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", default="text",
              type=click.Choice(["text", "json", "junit", "github", "markdown"]),
              show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the report to FILE instead of standard output.")
def check(config: str, schedule: str, fmt: str, output: str | None) -> None:
    """Check SCHEDULE (CSV: engineer,tier,start_utc,end_utc) against CONFIG: every coverage
    gap and every broken rule. Never runs the solver. With --format github, a markdown
    summary is also appended to $GITHUB_STEP_SUMMARY when that is set.

    Exit 0 if all is well, 1 if gaps or broken rules are found, 2 on bad input.

    Example: rota check team.yaml rota-out/schedule.csv --format json
    """
    from rota import report
    from rota.check import check as referee
    from rota.config import load_team
    from rota.output import write_atomic
    from rota.schedule import read_schedule

    try:
        team = load_team(config)
        assignments = read_schedule(schedule)
    except InputError as exc:
        _fail_input(exc)
    verdict = referee(team, assignments)
    text = report.CHECK_FORMATS[fmt](verdict, schedule)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary_file:
        with open(summary_file, "a", encoding="utf-8") as handle:
            handle.write(report.check_markdown(verdict, schedule))
    if output:
        try:
            write_atomic(output, text)
        except OSError as exc:
            click.echo(f"error: {output}: cannot write: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
    else:
        click.echo(text, nl=False)
    sys.exit(EXIT_OK if verdict.passed else EXIT_FINDINGS)


@cli.command()
@click.argument("config", type=click.Path(dir_okay=False))
def validate(config: str) -> None:
    """Check CONFIG and print a capacity overview: per tier, the intervals in which
    fewer engineers could be on duty than required (structural gaps), before solving.

    Exit 0 if the file is valid, 2 if not.

    Example: rota validate team.yaml
    """
    from rota.capacity import capacity_text
    from rota.config import load_team

    try:
        team = load_team(config)
    except InputError as exc:
        _fail_input(exc)
    click.echo(capacity_text(team), nl=False)
    sys.exit(EXIT_OK)


def main() -> None:
    cli(prog_name="rota")


if __name__ == "__main__":
    main()
