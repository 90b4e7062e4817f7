"""examples/ci/ and .pre-commit-hooks.yaml: the `rota check` command lines they contain,
run as they stand (bash, the venv's `rota` on PATH) on a good schedule and on one with a
gap, as GitHub Actions and pre-commit would run them; and the workflow's `rota diff` of
the base branch's schedule against the pull request's, in a git clone."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / "examples" / "ci" / "rota-check.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
CONSUMER = ROOT / "examples" / "ci" / "pre-commit-config.yaml"
BIN = Path(sys.executable).parent  # the venv's bin, which holds the `rota` script

TEAM = """\
version: 1
team: CI test
horizon: {start: 2026-03-02, days: 1}
flexible: {}
engineers:
  - {name: Ann Lee, tiers: [tier2]}
  - {name: Bob Ng, tiers: [tier2]}
coverage:
  - {tier: tier2, min: 1}
"""
HEADER = "engineer,tier,start_utc,end_utc\n"
SCHEDULES = {  # name: (CSV, exit code of `rota check`)
    "good": (HEADER + "Ann Lee,tier2,2026-03-02T00:00Z,2026-03-02T12:00Z\n"
                      "Bob Ng,tier2,2026-03-02T12:00Z,2026-03-03T00:00Z\n", 0),
    "gap": (HEADER + "Ann Lee,tier2,2026-03-02T00:00Z,2026-03-02T12:00Z\n"
                     "Bob Ng,tier2,2026-03-02T13:00Z,2026-03-03T00:00Z\n", 1),
    "malformed": (HEADER + "Ann Lee,tier2,2026-03-02T12:00Z,2026-03-02T00:00Z\n", 2),
}
ROTA_CHECK = re.compile(r"rota check [^|&;\n]*[^|&;\n ]")


def bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """As GitHub Actions runs a `run:` step: bash --noprofile --norc -eo pipefail."""
    full = {**os.environ, **env, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                          cwd=cwd, env=full, capture_output=True, text=True, timeout=120)


def rota_repo(tmp_path: Path, team: str, schedule: str, which: str) -> Path:
    """A repository holding the team file and one of SCHEDULES at the given paths."""
    for path, text in ((team, TEAM), (schedule, SCHEDULES[which][0])):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    return tmp_path


def test_rota_is_on_the_path_the_tests_use():
    assert (BIN / "rota").is_file()


# ----- the GitHub Actions workflow --------------------------------------------------------

WF = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
STEPS = WF["jobs"]["check"]["steps"]


def step(name: str) -> str:
    return next(s["run"] for s in STEPS if s.get("name") == name)


def test_workflow_runs_on_pull_requests_that_touch_the_rota():
    on = WF.get("on", WF.get(True))  # YAML 1.1 reads a bare `on` as true
    assert on["pull_request"]["paths"] == [WF["env"]["ROTA_TEAM"], WF["env"]["ROTA_SCHEDULE"]]
    assert WF["permissions"]["pull-requests"] == "write"
    lines = [line for s in STEPS for line in ROTA_CHECK.findall(s.get("run", ""))]
    assert lines == [
        'rota check "$ROTA_TEAM" "$ROTA_SCHEDULE" --format markdown -o rota-check.md',
        'rota check "$ROTA_TEAM" "$ROTA_SCHEDULE" --format github',
    ]
    assert "rota-comment.md" in step("Post it as a comment")


@pytest.mark.parametrize("which", list(SCHEDULES))
def test_workflow_command_lines(tmp_path, which):
    env = {k: str(v) for k, v in WF["env"].items()}
    repo = rota_repo(tmp_path / "repo", env["ROTA_TEAM"], env["ROTA_SCHEDULE"], which)
    expected = SCHEDULES[which][1]
    for script in (step("Write the verdict for the pull request"), step("Check the rota")):
        for line in ROTA_CHECK.findall(script):
            assert bash(line, repo, env).returncode == expected, line

    summary = tmp_path / "summary.md"
    env["GITHUB_STEP_SUMMARY"] = str(summary)
    verdict = bash(step("Write the verdict for the pull request"), repo, env)
    gate = bash(step("Check the rota"), repo, env)
    assert gate.returncode == expected, gate.stderr
    if which == "malformed":
        assert verdict.returncode != 0  # a broken file fails every step
        assert gate.stdout == "" and gate.stderr.startswith("error: rota/schedule.csv:2:")
        return
    assert verdict.returncode == 0, verdict.stderr  # the verdict is written, not a failure
    comment = (repo / "rota-check.md").read_text(encoding="utf-8")
    assert summary.read_text(encoding="utf-8") == comment  # one markdown, two places
    if which == "good":
        assert comment.startswith("## ✅ rota check: pass")
        assert gate.stdout.startswith("::notice")
    else:
        assert comment.startswith("## ❌ rota check: fail")
        assert "| tier2 | 2026-03-02T12:00:00Z | 2026-03-02T13:00:00Z | 1 | 0 | 60 |" in comment
        assert gate.stdout.startswith(
            "::error file=rota/schedule.csv,title=rota%3A tier2 gap::tier2 short 1 of 1 from "
            "2026-03-02T12:00:00Z to 2026-03-02T13:00:00Z (60 min)")


GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})


def pull_request(tmp_path: Path, env: dict[str, str], base: str | None, which: str) -> Path:
    """A clone whose origin's `main` holds the `base` schedule (or none), with the pull
    request's schedule `which` in its working tree."""
    origin = tmp_path / "origin"
    (origin / env["ROTA_TEAM"]).parent.mkdir(parents=True)
    (origin / env["ROTA_TEAM"]).write_text(TEAM, encoding="utf-8")
    if base:
        (origin / env["ROTA_SCHEDULE"]).write_text(SCHEDULES[base][0], encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main", str(origin))
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "base")
    git(tmp_path, "clone", "-q", str(origin), "repo")
    repo = tmp_path / "repo"
    (repo / env["ROTA_SCHEDULE"]).write_text(SCHEDULES[which][0], encoding="utf-8")
    return repo


ANN = "| Ann Lee | added | tier2 | 2026-03-02T00:00:00Z | 2026-03-02T12:00:00Z | 12 |"
BOB = "| Bob Ng | {} | tier2 | 2026-03-02T{}:00:00Z | 2026-03-03T00:00:00Z | {} |"


@pytest.mark.parametrize("base, which, table", [
    ("good", "gap", [BOB.format("removed", 12, 12), BOB.format("added", 13, 11)]),
    ("good", "good", []),
    (None, "good", [ANN, BOB.format("added", 12, 12)]),  # a new schedule: all added
])
def test_workflow_posts_the_diff_next_to_the_check(tmp_path, base, which, table):
    env = {**{k: str(v) for k, v in WF["env"].items()}, "BASE_REF": "main",
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    repo = pull_request(tmp_path, env, base, which)
    assert bash(step("Write the verdict for the pull request"), repo, env).returncode == 0
    done = bash(step("Write what the pull request changes in the rota"), repo, env)
    assert done.returncode == 0, done.stderr
    gate = bash(step("Check the rota"), repo, env)
    assert gate.returncode == SCHEDULES[which][1]
    assert bash(step("Add the changes to the job summary"), repo, env).returncode == 0

    check_md = (repo / "rota-check.md").read_text(encoding="utf-8")
    diff_md = (repo / "rota-diff.md").read_text(encoding="utf-8")
    comment = (repo / "rota-comment.md").read_text(encoding="utf-8")
    assert comment == check_md + "\n" + diff_md
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == comment  # the same twice
    if table:
        assert diff_md.startswith("## rota diff: ")
        assert diff_md.splitlines()[6:] == table
    else:
        assert diff_md == ("## rota diff: no changes\n\n`rota-base.csv` → `rota/schedule.csv`: "
                           "the same 2 assignments.\n")


def test_workflow_diff_step_fails_on_a_malformed_schedule(tmp_path):
    env = {**{k: str(v) for k, v in WF["env"].items()}, "BASE_REF": "main"}
    repo = pull_request(tmp_path, env, "good", "malformed")
    done = bash(step("Write what the pull request changes in the rota"), repo, env)
    assert done.returncode != 0  # exit 2 is not the "differ" of exit 1: the step fails
    assert not (repo / "rota-comment.md").exists()
    assert done.stderr.splitlines()[-1].startswith("error: rota/schedule.csv:2: row 1: ")


# ----- pre-commit -------------------------------------------------------------------------

HOOK = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
CONFIG = yaml.safe_load(CONSUMER.read_text(encoding="utf-8"))


def test_pre_commit_hook_is_declared_for_the_rota_files():
    assert [h["id"] for h in HOOK] == ["rota-check"]
    hook = HOOK[0]
    assert (hook["entry"], hook["language"], hook["pass_filenames"]) == (
        "rota check", "python", False)
    matches = re.compile(hook["files"]).search  # pre-commit uses re.search
    for path in ("team.yaml", "rota/team.yaml", "ops/team-emea.yml", "schedule.csv",
                 "rota/schedule-2026-03.csv"):
        assert matches(path), path
    for path in ("README.md", "steam.yaml", "rota/team.yaml.bak", "schedule.csv/notes.txt"):
        assert not matches(path), path
    assert CONFIG["repos"][0]["hooks"][0]["id"] == "rota-check"


@pytest.mark.parametrize("which", list(SCHEDULES))
@pytest.mark.parametrize("source", ["hook defaults", "example config"])
def test_pre_commit_command_line(tmp_path, which, source):
    hook = HOOK[0]
    args = hook["args"] if source == "hook defaults" else CONFIG["repos"][0]["hooks"][0]["args"]
    repo = rota_repo(tmp_path, args[0], args[1], which)
    command = " ".join([hook["entry"], *args])  # pass_filenames: false adds nothing
    done = bash(command, repo, {})
    assert done.returncode == SCHEDULES[which][1], done.stderr
    if which == "gap":
        assert done.stdout.splitlines()[:2] == [
            "FAIL: 1 gap(s), 0 rule(s) broken",
            "gap tier2: 2026-03-02T12:00:00Z .. 2026-03-02T13:00:00Z  short 1 of 1 for 60 min"]
