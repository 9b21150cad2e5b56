"""Shared fixtures: throwaway projects built from a dict of files, and the CLI run with literal argv."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

import build

REPO = Path(__file__).resolve().parent.parent

FIXED_TODAY = "2021-06-30"
"""The day every test runs `check` on: no date may lie after today (registry/dates.py), so the suite passes or fails
alike in any year. Set for the whole session, subprocesses included; a test of the real clock removes it."""
os.environ["REGISTRY_TODAY"] = FIXED_TODAY

MINIMAL_SITE = """\
title:
  zh: 测试站点
  en: Test site
organiser:
  zh: 测试主办单位
contact:
  office:
    zh: 测试办公室
as_of: 2020-12-31
include_samples: true
"""


@dataclass
class Run:
    """What one CLI call did."""

    code: int
    out: str
    err: str

    def __str__(self) -> str:  # shown when an assertion fails
        return f"exit {self.code}\n--- stdout ---\n{self.out}\n--- stderr ---\n{self.err}"


def make_project(
    root: Path, files: dict[str, str], *, with_shipped_records: bool = False, site: str | None = MINIMAL_SITE
) -> Path:
    """Create a project at root: the real schemas (and templates), optional shipped records, then `files`."""
    shutil.copytree(REPO / "schemas", root / "schemas")
    if (REPO / "site_templates").is_dir():
        shutil.copytree(REPO / "site_templates", root / "site_templates")
    if with_shipped_records:
        shutil.copytree(REPO / "records", root / "records")
        shutil.copy(REPO / "site.yaml", root / "site.yaml")
    else:
        (root / "records").mkdir()
        if site is not None:
            (root / "site.yaml").write_text(site, encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def build_elsewhere(root: Path, out: Path, hash_seed: str) -> Path:
    """Build root into out in a separate Python process with its own PYTHONHASHSEED and no cache, as a fresh checkout
    would: a set or dict whose order depends on string hashes shows as a difference between two such builds."""
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "REGISTRY_NO_CACHE": "1"}
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--root", str(root), "build", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture
def project(tmp_path):
    """Return a function that builds a throwaway project from a dict of {relative path: text}."""

    def _make(files: dict[str, str] | None = None, **kwargs) -> Path:
        return make_project(tmp_path / "project", files or {}, **kwargs)

    return _make


@pytest.fixture
def shipped(tmp_path) -> Path:
    """A copy of the repository's own records, schemas and settings."""
    return make_project(tmp_path / "shipped", {}, with_shipped_records=True)


@pytest.fixture
def run(capsys):
    """Call build.main with literal argv and return exit code, stdout and stderr."""

    def _run(*argv: str) -> Run:
        try:
            code = build.main(list(argv))
        except SystemExit as exit_:
            code = exit_.code
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return _run


# -- real tools: Chromium (through Playwright), Node, Java ------------------------------------------------
import http.server  # noqa: E402
import threading  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or ""
"""The browser: $CHROMIUM, else `chromium` on PATH (.ci/system-packages looks in the same places)."""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI") == "true"


def install_hint(*packages: str) -> str:
    """How to install Debian packages the tests need (what .ci/system-packages prints when not run as root)."""
    return f"sudo apt-get install -y --no-install-recommends {' '.join(packages)}"


NPM_CI = f"run `npm ci --ignore-scripts` (npm itself: {install_hint('nodejs', 'npm')})"


def cjk_fonts_installed() -> bool:
    """Whether fontconfig knows the Noto CJK fonts (without them Chromium draws Chinese as empty boxes)."""
    try:
        listed = subprocess.run(["fc-list"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "noto sans cjk" in listed.lower()


def require_tool(available: bool, reason: str) -> None:
    """Skip locally when a real tool is missing; under CI=true a missing tool is a failure, never a skip."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright: launch Debian's Chromium (Playwright cannot download its own browser here)."""
    require_tool(
        os.path.exists(CHROMIUM), f"Chromium not found (set CHROMIUM to its path, or {install_hint('chromium')})"
    )
    require_tool(cjk_fonts_installed(), f"no CJK fonts for Chromium ({install_hint('fonts-noto-cjk')})")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The shipped records built once per session into a temporary public/ folder."""
    root = make_project(tmp_path_factory.mktemp("site") / "project", {}, with_shipped_records=True)
    if (REPO / "site_templates").is_dir() and not (root / "site_templates").is_dir():
        shutil.copytree(REPO / "site_templates", root / "site_templates")
    assert build.main(["--root", str(root), "build"]) == 0
    return root / "public"


def serve_folder(folder: Path, prefix: str = ""):
    """Serve a folder on 127.0.0.1; with a prefix (its own name + "/") it is served from its parent, as a sub-path."""
    root = str(folder.parent if prefix else folder)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=root, **kwargs)

        def log_message(self, *args):  # keep test output quiet
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/{prefix}", server


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site served over HTTP on 127.0.0.1 under a sub-path (/public/), as on a city portal."""
    base, server = serve_folder(built_site, prefix=f"{built_site.name}/")
    yield base
    server.shutdown()


CSP_VIOLATION = "Content Security Policy"
"""Chromium's console message for anything a page's Content-Security-Policy blocked (or a policy it could not read)."""


def watch_csp(page) -> list[str]:
    """The Content-Security-Policy violations a page reports on the console from now on (a list that fills)."""
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if CSP_VIOLATION in message.text else None)
    return violations


@pytest.fixture
def page(page):
    """pytest-playwright's page, failing the test when any page it showed reported a Content-Security-Policy
    violation (a blocked script, style, image or form) on the console."""
    violations = watch_csp(page)
    yield page
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)
