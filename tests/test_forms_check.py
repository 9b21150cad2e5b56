"""The forms' validator (site_templates/assets/record-check.js, in real Chromium) and `check` agree on every golden case.

A case's verdict in `check` is its folder (tests/test_cases.py asserts it): valid and warning cases pass, invalid
ones fail. In the browser each file the case lays over the shipped project goes through RecordCheck.checkFile as a
person would submit it (its path and bytes; a symlink as the file it points to), with the records the project then
holds as the world references resolve in and the rules the build computes from the schemas. The verdict is the same
when every file of a valid case passes and some file of an invalid case fails.
"""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest
from browser_tools import wait_until
from conftest import FIXED_TODAY, REPO
from test_cases import case_folders, make_case

from registry import KINDS, folder_of
from registry.pages.form_fields import rules
from registry.records.schemas import SchemaSet
from registry.records.yamlload import load

pytest.importorskip("playwright")

CASES = case_folders("valid") + case_folders("warning") + case_folders("invalid")


def submitted_files(root: Path, folder: Path) -> list[tuple[str, bytes | None]]:
    """The files a case changed, as (project path, bytes): None for what is no regular file (a FIFO)."""
    laid = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != "expected.txt"}
    shipped = {p.relative_to(REPO).as_posix() for p in (REPO / "records").rglob("*") if p.is_file()} | {"site.yaml"}
    found = set(laid)
    for path in root.joinpath("records").rglob("*"):
        rel = path.relative_to(root).as_posix()
        if rel not in shipped and not path.is_dir():
            found.add(rel)
    out = []
    for rel in sorted(found):
        path = root / rel
        mode = os.stat(path).st_mode if path.exists() else 0
        out.append((rel, path.read_bytes() if stat.S_ISREG(mode) else None))
    return out


def world_of(root: Path) -> dict[str, dict[str, dict]]:
    """Every record id of the project by kind, with its sample flag and parent (what the form is handed, unfiltered)."""
    world: dict[str, dict[str, dict]] = {kind: {} for kind in KINDS}
    for kind in KINDS:
        for path in sorted((root / "records" / folder_of(kind)).glob("*.yaml")):
            if not path.is_file():
                continue
            doc, _problems = load(path, path.name)
            data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
            world[kind][path.stem] = {
                "sample": data.get("sample") is True,
                "name": path.stem,
                "parent": data.get("parent"),
            }
    return world


@pytest.fixture(scope="module")
def checker(browser, built_site):
    """A form page opened from the file system, with the rules of every kind handed to its validator."""
    page = browser.new_page()
    page.goto((built_site / "forms" / "achievements.html").as_uri())
    wait_until(page, "typeof RecordCheck !== 'undefined'")
    schemas = SchemaSet(REPO / "schemas")
    page.evaluate(
        "ctx => { window.goldenContext = ctx; }",
        {
            "schemas": schemas.files,
            "rules": {kind: rules(schemas, kind) for kind in (*KINDS, "site")},
            "today": FIXED_TODAY,
            "kinds": list(KINDS),
        },
    )
    yield page
    page.close()


VERDICT_JS = """([files, world]) => {
  const ctx = Object.assign({}, window.goldenContext, {world: world, taken: null});
  const out = {};
  for (const [path, b64] of files) {
    const bytes = b64 === null ? null : Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    out[path] = bytes === null ? [{code: 'not-a-regular-file'}] : RecordCheck.checkFile(ctx, path, bytes);
  }
  return out;
}"""


@pytest.mark.parametrize("folder", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_browser_validator_gives_checks_verdict(folder, tmp_path, checker):
    root = make_case(folder, tmp_path / "project")
    files = submitted_files(root, folder)
    assert files, "a case changes at least one file"
    encoded = [(rel, base64.b64encode(data).decode() if data is not None else None) for rel, data in files]

    found = checker.evaluate(VERDICT_JS, [encoded, world_of(root)])

    problems = {path: [p["code"] for p in found[path]] for path in found if found[path]}
    if folder.parent.name == "invalid":
        assert problems, f"check refuses {folder.name}; the browser found nothing in {[f for f, _ in files]}"
        if folder.name.startswith("plan-"):  # a plan's own rules: the same fields as check names
            expected = (folder / "expected.txt").read_text(encoding="utf-8").splitlines()[:-1]
            named = {line.split(": ", 2)[1] for line in expected}
            assert {shown_path(p["path"]) for path in found for p in found[path]} >= named
    else:
        assert problems == {}, json.dumps(problems, ensure_ascii=False)


def shown_path(path: list) -> str:
    """A problem's path as check prints it: metrics[0].measure."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
