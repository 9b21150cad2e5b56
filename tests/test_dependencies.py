"""Runtime and test dependencies apart: requirements.txt holds what the build needs, pinned with hashes;
requirements-dev.txt what the tests add; the publish workflows install only the first.

Read from the files themselves (the requirements files, the workflows, .ci/run, the build's imports), so a test tool
that creeps into the publish job, an unhashed pin, or a lock out of step with its source fails here.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import REPO

RUNTIME, DEV = "requirements.txt", "requirements-dev.txt"
PUBLISHING = ["pages.yml", "server.yml"]
"""The workflows that publish the site: they install the build's packages and nothing else."""
TEST_TOOLS = {"pytest", "ruff", "playwright", "pytest-playwright", "lxml", "check-jsonschema", "feedparser", "pypdf"}
"""What a publish job must never install (about 200 MB of the test environment was these and what they pull in)."""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    hashes: frozenset[str]


def logical_lines(text: str) -> list[str]:
    """A requirements file's lines with backslash continuations joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", text)
    return [
        line.split(" #", 1)[0].strip()
        for line in joined.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def pins(name: str) -> dict[str, Pin]:
    """`package==version --hash=…` lines of a requirements file, by canonical name; options (-c, -r) left out."""
    found: dict[str, Pin] = {}
    for line in logical_lines((REPO / name).read_text(encoding="utf-8")):
        if line.startswith("-"):
            continue
        words = line.split()
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", words[0])
        assert match, f"{name}: `{words[0]}` is not pinned with == (pin every package)"
        hashes = frozenset(word.removeprefix("--hash=") for word in words[1:] if word.startswith("--hash="))
        found[canonical(match.group(1))] = Pin(canonical(match.group(1)), match.group(2), hashes)
    return found


def pip_installs(command: str) -> list[list[str]]:
    """The requirement files of each `pip install` in a shell text, with --require-hashes noted as a file `!hashes`."""
    installs = []
    for line in logical_lines(command):
        words = shlex.split(line)
        if not words or not words[0].endswith("pip") or words[1:2] != ["install"]:
            continue
        files = [words[i + 1] for i, word in enumerate(words) if word == "-r"]
        installs.append([*files, "!hashes"] if "--require-hashes" in words else files)
    return installs


def workflow_installs(text: str) -> list[list[str]]:
    """What every job of a workflow installs with pip, from its `run:` steps."""
    doc = yaml.safe_load(text)
    return [
        install
        for job in doc["jobs"].values()
        for step in job.get("steps", [])
        for install in pip_installs(step.get("run", ""))
    ]


def closure(files: list[str]) -> set[str]:
    """Every package the named requirements files pin."""
    return {name for file in files if not file.startswith("!") for name in pins(file)}


def publish_findings(text: str) -> list[str]:
    """Findings: each test tool a publishing workflow installs, and each install that is not checked by hashes."""
    findings = []
    for files in workflow_installs(text):
        findings += [
            f"installs {tool} (from {', '.join(f for f in files if not f.startswith('!'))})"
            for tool in sorted(closure(files) & TEST_TOOLS)
        ]
        if "!hashes" not in files:
            findings.append(f"installs {files} without --require-hashes")
    return findings


# -- the files --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [RUNTIME, DEV])
def test_every_package_is_pinned_with_hashes(name):
    pinned = pins(name)
    assert len(pinned) >= 15
    for pin in pinned.values():
        assert pin.hashes, f"{name}: {pin.name} has no --hash (pip install --require-hashes would refuse the file)"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in pin.hashes), pin


@pytest.mark.parametrize(("source", "lock"), [("requirements.in", RUNTIME), ("requirements-dev.in", DEV)])
def test_each_lock_is_in_step_with_its_source(source, lock):
    """Every package the .in file names is in the generated file at the same version (regenerate after an edit)."""
    direct = pins(source)
    locked = pins(lock)
    assert direct
    for name, pin in direct.items():
        assert name in locked, f"{source} names {name}, {lock} does not: run pip-compile (see the top of {source})"
        assert locked[name].version == pin.version, (
            f"{name}: {pin.version} in {source}, {locked[name].version} in {lock}"
        )


def test_the_two_sets_agree_where_they_meet():
    """A package both sets need (jsonschema for the build and check-jsonschema, say) has one version and one set of
    hashes, so installing both files together never asks pip for two versions."""
    runtime, dev = pins(RUNTIME), pins(DEV)
    shared = runtime.keys() & dev.keys()
    assert {"jsonschema", "referencing", "rpds-py"} <= shared
    for name in shared:
        assert runtime[name] == dev[name], name


def test_the_runtime_set_holds_no_test_tool():
    assert not TEST_TOOLS & pins(RUNTIME).keys()
    assert pins(DEV).keys() >= TEST_TOOLS


def third_party_imports(paths: list[Path]) -> set[str]:
    """Top-level modules the code imports that are neither the standard library nor the project's own."""
    names: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {name for name in names if name not in sys.stdlib_module_names and name not in ("registry", "build")}


def test_the_build_imports_only_what_requirements_txt_installs():
    """Every package build.py and registry/ import comes with requirements.txt (the publish job has nothing else)."""
    modules = third_party_imports([REPO / "build.py", *sorted((REPO / "registry").rglob("*.py"))])
    assert {"yaml", "jinja2", "markdown", "jsonschema", "orjson"} <= modules
    providers = importlib.metadata.packages_distributions()
    runtime = pins(RUNTIME)
    for module in sorted(modules):
        dists = {canonical(d) for d in providers.get(module, [])}
        assert dists & runtime.keys(), f"build code imports {module} ({dists or 'not installed'}), not in {RUNTIME}"


def test_a_test_only_import_in_the_build_is_caught(tmp_path):
    """The import check above can fail: a module importing lxml is named."""
    stray = tmp_path / "stray.py"
    stray.write_text("import os\nfrom lxml import html\nfrom . import sibling\n", encoding="utf-8")
    assert third_party_imports([stray]) == {"lxml"}
    assert not {canonical(d) for d in importlib.metadata.packages_distributions()["lxml"]} & pins(RUNTIME).keys()


# -- who installs what ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("workflow", PUBLISHING)
def test_the_publish_job_installs_no_test_tool(workflow):
    text = (REPO / ".github" / "workflows" / workflow).read_text(encoding="utf-8")
    assert workflow_installs(text) == [[RUNTIME, "!hashes"]]
    assert publish_findings(text) == []


def test_the_publish_check_catches_test_tools(tmp_path):
    """The check above can fail: a publish job that installs the test set, or installs without hashes, is named."""
    text = (REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    both = text.replace(
        "--require-hashes -r requirements.txt", "--require-hashes -r requirements.txt -r requirements-dev.txt"
    )
    assert both != text
    assert publish_findings(both) == [
        f"installs {tool} (from requirements.txt, requirements-dev.txt)" for tool in sorted(TEST_TOOLS)
    ]
    unhashed = text.replace("--require-hashes ", "")
    assert publish_findings(unhashed) == ["installs ['requirements.txt'] without --require-hashes"]


def test_the_test_command_and_pull_requests_install_both():
    both = [RUNTIME, DEV, "!hashes"]
    assert pip_installs((REPO / ".ci" / "run").read_text(encoding="utf-8")) == [both]
    text = (REPO / ".github" / "workflows" / "pull-request.yml").read_text(encoding="utf-8")
    assert workflow_installs(text) == [both]
    assert "bash .ci/run" in text


def test_the_quick_start_installs_the_build_set_only():
    """README's quick start builds the site and needs no test tool (pip checks the hashes of a hashed file by itself)."""
    from doc_commands import quick_start

    assert pip_installs(quick_start().replace(" && ", "\n")) == [[RUNTIME]]
