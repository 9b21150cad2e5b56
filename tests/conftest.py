"""Shared fixtures: throwaway projects built from a dict of files, and the CLI run with literal argv."""

from __future__ import annotations

import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

import build

REPO = Path(__file__).resolve().parent.parent

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


def make_project(root: Path, files: dict[str, str], *, with_shipped_records: bool = False, site: str | None = MINIMAL_SITE) -> Path:
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
