"""A new user's first steps on a fresh clone: README's quick start pasted verbatim, then the test command run by
someone without root on a machine without Chromium, fonts, Java or Node.

The clone is made with `git clone` (so only what git holds reaches it), plus the working tree's uncommitted changes
and new files, so the test sees what the next commit will hold. Packages come from the package index as configured
on the machine (pip's own settings; nothing is pointed anywhere else). When the tests run as root, the user's steps
run as `nobody`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO
from doc_commands import quick_start

AS_ROOT = os.geteuid() == 0
USER = "nobody"
SYSTEM_COMMANDS = {
    "chromium",
    "chromium-browser",
    "google-chrome",
    "java",
    "node",
    "nodejs",
    "npm",
    "npx",
    "fc-list",
    "rsync",
    "strace",
    "apt-get",
    "apt",
    "sudo",
}
"""What a fresh machine lacks: the system packages' commands, and any way to become root."""


@dataclass
class Clone:
    root: Path
    home: Path
    quick_start: subprocess.CompletedProcess

    def run(self, command: str, env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess:
        """Run a shell command in the clone as the user (not root)."""
        prefix = ["runuser", "-u", USER, "--", "env", f"HOME={env['HOME']}"] if AS_ROOT else []  # runuser resets HOME
        return subprocess.run(
            [*prefix, "bash", "-c", command],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
        )


def user_env(home: Path, path: str | None = None) -> dict[str, str]:
    """The environment a user's shell has: this one's (without CI's own settings), in their home. Not as root, that
    is this user's home, so pip's cache and settings are theirs; as root, `nobody` gets a fresh one."""
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "CHROMIUM", "VIRTUAL_ENV", "PYTHONPATH")}
    env.update(HOME=str(home) if AS_ROOT else os.environ.get("HOME", str(home)), PATH=path or os.environ["PATH"])
    return env


def shown(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\n--- stdout ---\n{result.stdout[-4000:]}\n--- stderr ---\n{result.stderr[-4000:]}"


def git_clone(dest: Path) -> None:
    """`git clone` of this repository, then the working tree's changes to tracked files and its new files."""
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(dest)], check=True, capture_output=True)
    patch = subprocess.run(["git", "-C", str(REPO), "diff", "HEAD", "--binary"], check=True, capture_output=True).stdout
    if patch:
        subprocess.run(["git", "-C", str(dest), "apply", "--binary", "-"], input=patch, check=True, capture_output=True)
    new = (
        subprocess.run(
            ["git", "-C", str(REPO), "ls-files", "-z", "--others", "--exclude-standard"],
            check=True,
            capture_output=True,
        )
        .stdout.decode("utf-8")
        .split("\0")
    )
    for rel in filter(None, new):
        source = REPO / rel
        if source.is_file() and not source.is_symlink():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)


@pytest.fixture(scope="module")
def clone() -> Iterator[Clone]:
    """A fresh clone in which README's quick start has been run, verbatim, by a user without root."""
    base = Path(tempfile.mkdtemp(prefix="fresh-clone-"))
    try:
        root, home = base / "registry", base / "home"
        git_clone(root)
        home.mkdir()
        if AS_ROOT:
            subprocess.run(["chown", "-R", f"{USER}:", str(base)], check=True)
        made = Clone(root, home, subprocess.CompletedProcess([], 0))
        made.quick_start = made.run(quick_start(), user_env(home))
        yield made
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_readme_quick_start_builds_the_site_in_a_fresh_clone(clone):
    assert quick_start().startswith("python3 -m venv .venv")
    assert clone.quick_start.returncode == 0, shown(clone.quick_start)
    index = clone.root / "public" / "index.html"
    assert index.is_file() and "昆山市大院大所合作登记簿" in index.read_text(encoding="utf-8")
    assert "已构建 / built" in clone.quick_start.stdout


def bare_machine_path(tmp: Path) -> str:
    """PATH as on a machine without the system packages: each folder of PATH mirrored without their commands
    (folders the user cannot enter are left out, as their shell would find nothing there)."""
    folders = []
    for index, folder in enumerate(os.environ["PATH"].split(os.pathsep)):
        source = Path(folder)
        if not source.is_dir() or (AS_ROOT and folder.startswith("/root")):
            continue
        mirror = tmp / f"bin{index}"
        mirror.mkdir()
        for entry in source.iterdir():
            if entry.name not in SYSTEM_COMMANDS:
                (mirror / entry.name).symlink_to(entry)
        folders.append(str(mirror))
    return os.pathsep.join(folders)


@pytest.fixture(scope="module")
def bare_path(clone) -> str:
    folder = clone.root.parent / "bare-machine"
    folder.mkdir()
    path = bare_machine_path(folder)
    if AS_ROOT:
        subprocess.run(["chown", "-R", "-h", f"{USER}:", str(folder)], check=True)
    return path


TEST_COMMAND = "bash .ci/run tests/test_browser_smoke.py"
"""README's test command, limited to one browser test (the whole suite inside the suite would take minutes)."""


def test_the_test_command_without_root_names_the_missing_packages_and_skips(clone, bare_path):
    assert "bash .ci/run" in (REPO / "README.md").read_text(encoding="utf-8")
    result = clone.run(TEST_COMMAND, user_env(clone.home, bare_path))
    assert result.returncode == 0, shown(result)
    out = result.stdout + result.stderr
    assert "missing system packages: chromium fonts-noto-cjk openjdk-17-jre-headless nodejs npm rsync strace" in out, (
        out
    )
    assert (
        "sudo apt-get install -y --no-install-recommends chromium fonts-noto-cjk openjdk-17-jre-headless nodejs npm rsync strace"
        in out
    )
    assert "1 skipped" in out
    assert "SKIPPED [1]" in out and "Chromium not found (set CHROMIUM to its path, or sudo apt-get install" in out


def test_under_ci_a_missing_package_fails_instead(clone, bare_path):
    result = clone.run(TEST_COMMAND, {**user_env(clone.home, bare_path), "CI": "true"})
    assert result.returncode == 1, shown(result)
    assert "CI=true but Chromium not found" in result.stdout + result.stderr
