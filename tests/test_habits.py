"""The habits CI keeps (pull-request.yml runs the same three): ruff's lint rules, ruff's formatting, and no code
without callers (vulture, configured in pyproject.toml). Each is shown failing on a file made to break it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

BIN = Path(sys.executable).parent
TOOLS = {
    "ruff check": [str(BIN / "ruff"), "check", "--no-cache", "."],
    "ruff format": [str(BIN / "ruff"), "format", "--check", "--no-cache", "."],
    "vulture": [str(BIN / "vulture")],
}


def run(tool: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(TOOLS[tool], cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=300)


@pytest.mark.parametrize("tool", TOOLS)
def test_the_code_base_passes(tool):
    result = run(tool, REPO)
    assert result.returncode == 0, result.stdout + result.stderr


BROKEN = {
    "ruff check": "import os\n",  # an unused import
    "ruff format": "x = {  'a':1 }\n",  # not as ruff format writes it
    "vulture": '"""A module."""\n\n\ndef never_called() -> int:\n    return 1\n',
}


@pytest.mark.parametrize("tool", TOOLS)
def test_each_tool_fails_on_what_it_is_for(tool, tmp_path):
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    for folder in ("registry", "tests", "bench"):  # the paths pyproject.toml gives vulture
        (tmp_path / folder).mkdir()
    (tmp_path / "build.py").write_text('"""The command line."""\n', encoding="utf-8")
    (tmp_path / "registry" / "broken.py").write_text(BROKEN[tool], encoding="utf-8")
    result = run(tool, tmp_path)
    assert result.returncode != 0 and "broken.py" in result.stdout + result.stderr, result.stdout + result.stderr
