"""`check --format github` warns once when the Actions event says the repository is public and private fields are
filled in (README → Publishing: the records repository must be private while they are used)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import make_project

import build

WARNING = (
    "::warning file=records/achievements/antibody-high-throughput-screening.yaml,line=16,col=16,"
    "title=contact_phone::contact_phone: 本仓库是公开仓库，而记录填写了私密字段（这是第一处）：任何人都能在仓库及其历史中读到 / "
    "this repository is public, yet records fill in private fields (this is the first)"
)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("visibility") / "project", {}, with_shipped_records=True)


def check_github(root: Path, monkeypatch, capsys, repository: dict | None) -> tuple[int, list[str]]:
    """`build.py check --format github` as a workflow runs it, with the event payload GitHub writes (or none)."""
    if repository is None:
        monkeypatch.delenv("GITHUB_EVENT_PATH", raising=False)
    else:
        event = root.parent / "event.json"
        event.write_text(json.dumps({"action": "opened", "repository": repository}), encoding="utf-8")
        monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    code = build.main(["--root", str(root), "check", "--format", "github"])
    return code, capsys.readouterr().out.splitlines()


def warnings(lines: list[str]) -> list[str]:
    return [line for line in lines if "公开仓库" in line]


@pytest.mark.parametrize(
    "repository", [{"visibility": "public", "private": False}, {"private": False}], ids=["visibility", "private"]
)
def test_a_public_repository_with_private_fields_filled_is_warned_once(shipped, monkeypatch, capsys, repository):
    code, lines = check_github(shipped, monkeypatch, capsys, {"full_name": "bureau/registry", **repository})
    assert code == 0  # a warning: the check still passes
    found = warnings(lines)
    assert len(found) == 1, lines
    assert found[0].startswith(WARNING)
    assert "make the repository private" in found[0]
    assert "5000 0005" not in "\n".join(lines)  # names the field, never its value


@pytest.mark.parametrize(
    "repository",
    [{"visibility": "private", "private": True}, {"visibility": "internal", "private": True}, {}, None],
    ids=["private", "internal", "unknown", "not-in-actions"],
)
def test_no_warning_where_the_repository_is_private_or_unknown(shipped, monkeypatch, capsys, repository):
    code, lines = check_github(shipped, monkeypatch, capsys, repository)
    assert code == 0 and warnings(lines) == []


def test_no_warning_without_private_values(tmp_path, monkeypatch, capsys):
    root = make_project(tmp_path / "project", {})
    code, lines = check_github(root, monkeypatch, capsys, {"visibility": "public"})
    assert code == 0 and warnings(lines) == []


def test_other_formats_do_not_read_the_event(shipped, monkeypatch, capsys):
    event = shipped.parent / "event.json"
    event.write_text(json.dumps({"repository": {"visibility": "public"}}), encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    assert build.main(["--root", str(shipped), "check"]) == 0
    assert "公开仓库" not in capsys.readouterr().out
