"""Folders of valid and invalid records, each invalid one with the exact output of `build.py check`.

A case is a folder of files laid over a copy of the shipped project: tests/cases/invalid/unquoted-phone/
records/achievements/unquoted-phone.yaml lands at records/achievements/unquoted-phone.yaml. An invalid
case's expected.txt is the exact stdout of `build.py --root <project> check`; the shipped records are
clean, so only the case's own problems appear. A warning case (tests/cases/warning/: a likely duplicate)
passes check (exit 0) and prints exactly its expected.txt too. A few cases are too big or too odd for git (a symlink, a
file over 1 MiB): the functions in GENERATED add them to the project, and their folders hold only
expected.txt.

To rewrite every expected.txt from the current output:  UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/
Then read each changed file: a golden file that records a wrong message is worse than none.
"""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path

import pytest
from conftest import REPO, make_project

from registry import KINDS, folder_of
from registry.problems import Problem
from registry.records.schemas import SchemaSet
from registry.records.yamlload import load

CASES = Path(__file__).parent / "cases"
UPDATE_GOLDEN = os.environ.get("UPDATE_GOLDEN") == "1"
FORMATS = ("text", "json", "github", "markdown")


def _achievement(record_id: str, extra: str = "") -> str:
    return (
        f"id: {record_id}\nname:\n  zh: 测试用高分子涂层技术\ninstitute: tsinghua\nfield: new-materials\n"
        "stage: research\nsummary:\n  zh: 一项用于检查测试的成果简介。\ndistrict: kaifaqu\n"
        f"reported: 2017-03-10\nstatus: tracked\n{extra}"
    )


def _write(root: Path, rel: str, text: str) -> None:
    (root / rel).write_text(text, encoding="utf-8")


def file_over_1mib(root: Path) -> None:
    _write(root, "records/achievements/big-file.yaml", _achievement("big-file", "fit:\n  zh: " + "契" * 400_000 + "\n"))


def two_million_character_value(root: Path) -> None:
    _write(
        root,
        "records/achievements/pasted-twice.yaml",
        _achievement("pasted-twice", "fit:\n  zh: " + "a" * 2_000_000 + "\n"),
    )


def long_values_near_1mib(root: Path) -> None:
    """Long values that do get parsed (the file stays under 1 MiB) and would be echoed if nothing cut them."""
    text = _achievement("long-values").replace("field: new-materials", "field: " + "x" * 300_000)
    text = text.replace("id: long-values", "id: " + "Y" * 300_000)
    text += "k" * 1000 + ": 1\n"  # libyaml's limit for a plain key is 1024 characters
    _write(root, "records/achievements/long-values.yaml", text)


def thousand_unknown_fields(root: Path) -> None:
    extra = "".join(f"unknown_{n:04d}: {n}\n" for n in range(1000))
    _write(root, "records/achievements/thousand-errors.yaml", _achievement("thousand-errors", extra))


def symlinks(root: Path) -> None:
    (root / "records/institutes/qinghua.yaml").symlink_to("tsinghua.yaml")
    (root / "records/people").symlink_to("talents", target_is_directory=True)


def fifo_in_kind_folder(root: Path) -> None:
    os.mkfifo(root / "records/achievements/pipe.yaml")


GENERATED = {
    "fifo-in-kind-folder": fifo_in_kind_folder,
    "file-over-1mib": file_over_1mib,
    "two-million-character-value": two_million_character_value,
    "long-values-near-1mib": long_values_near_1mib,
    "thousand-unknown-fields": thousand_unknown_fields,
    "symlinks": symlinks,
}


def case_folders(kind: str) -> list[Path]:
    return sorted(path for path in (CASES / kind).iterdir() if path.is_dir())


def make_case(folder: Path, root: Path) -> Path:
    """Build the shipped project with the case's files laid over it (bytes as they are: BOMs, GBK…)."""
    files = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != "expected.txt"
    }
    make_project(root, files, with_shipped_records=True)
    if folder.name in GENERATED:
        GENERATED[folder.name](root)
    return root


def private_values(root: Path) -> set[str]:
    """Every value of a private field in the project's records (as parsed and as written), at least 3 characters."""
    schemas = SchemaSet(root / "schemas")
    found = set()
    for kind in KINDS:
        for path in sorted((root / "records" / folder_of(kind)).glob("*.yaml")):
            doc, _problems = load(path, path.name)
            if doc is None or not isinstance(doc.data, dict):
                continue
            for data_path in doc.marks:
                if not data_path or not schemas.is_private(kind, data_path):
                    continue
                value = doc.data
                for part in data_path:
                    value = value[part] if isinstance(value, (dict, list)) else None
                for text in (value, doc.raw.get(data_path)):
                    if isinstance(text, (str, int)) and not isinstance(text, bool) and len(str(text)) >= 3:
                        found.add(str(text))
                        found.add(re.sub(r"\D", "", str(text)) or str(text))
    found.discard("")
    return {text for text in found if len(text) >= 3}


@pytest.mark.parametrize("folder", case_folders("valid"), ids=lambda p: p.name)
def test_valid_case_checks_clean(folder, tmp_path, run):
    root = make_case(folder, tmp_path / "project")

    result = run("--root", str(root), "check")

    assert result.code == 0, result
    *warnings, summary = result.out.splitlines()
    assert summary.startswith("检查通过"), result
    # An English name is optional: a record without one is valid, and check only says the English edition lacks it.
    assert all(re.search(r": 警告 / warning: (name|title): 没有英文名称：", line) for line in warnings), result


@pytest.mark.parametrize("folder", case_folders("invalid"), ids=lambda p: p.name)
def test_invalid_case_prints_exactly_the_expected_problems(folder, tmp_path, run):
    root = make_case(folder, tmp_path / "project")

    result = run("--root", str(root), "check")

    assert result.code == 1, result
    assert result.err == "", result
    expected = folder / "expected.txt"
    if UPDATE_GOLDEN:
        expected.write_text(result.out, encoding="utf-8")
    assert result.out == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("folder", case_folders("warning"), ids=lambda p: p.name)
def test_warning_case_passes_and_prints_exactly_the_expected_warnings(folder, tmp_path, run):
    root = make_case(folder, tmp_path / "project")

    result = run("--root", str(root), "check")

    assert result.code == 0, result
    assert result.err == "", result
    expected = folder / "expected.txt"
    if UPDATE_GOLDEN:
        expected.write_text(result.out, encoding="utf-8")
    assert result.out == expected.read_text(encoding="utf-8")
    assert result.out.splitlines()[-1].startswith("检查通过"), result


@pytest.mark.parametrize(
    "folder", case_folders("invalid") + case_folders("warning"), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_invalid_case_reads_the_same_in_every_format_and_never_shows_a_private_value(folder, tmp_path, run):
    root = make_case(folder, tmp_path / "project")
    secrets = private_values(root)

    outputs = {fmt: run("--root", str(root), "check", "--format", fmt) for fmt in FORMATS}

    for fmt, result in outputs.items():
        assert result.code == (1 if folder.parent.name == "invalid" else 0), result
        for secret in secrets:
            assert secret not in result.out, f"--format {fmt} shows the private value {secret!r}"
        assert len(result.out.encode("utf-8")) < 20_000, f"--format {fmt} prints {len(result.out)} characters"
        assert max(len(line) for line in result.out.splitlines()) < 500, f"--format {fmt} prints a very long line"
    problems = [Problem(**p) for p in json.loads(outputs["json"].out)["problems"]]
    text_lines = outputs["text"].out.splitlines()
    assert [p.text() for p in problems] == text_lines[:-1]
    github = outputs["github"].out.splitlines()
    assert len(github) == len(problems) + 1 and github[-1].startswith("::notice title=")
    assert [line.split(" ", 1)[0] for line in github[:-1]] == [f"::{p.level}" for p in problems]
    rows = [
        line
        for line in outputs["markdown"].out.splitlines()
        if line.startswith("| ") and not line.startswith(("| 文件 / file", "| ---"))
    ]
    assert len(rows) == len(problems)


def _is_code(value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", value) is not None


def test_every_problem_code_is_shown_by_an_invalid_case_or_a_named_test(tmp_path, run):
    """Each check the code can report has a case folder (or, where a folder cannot hold it, a test that names it)."""
    codes = set()
    for path in (REPO / "registry").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node, "func", None) and (getattr(node.func, "attr", None) or getattr(node.func, "id", None))
            if name in ("problem", "_at", "_problem", "Problem"):  # every call that makes a problem names its code
                codes |= {arg.value for arg in node.args if isinstance(arg, ast.Constant) and _is_code(arg.value)}
    codes.discard("records")  # a src_path, not a code
    shown = set()
    for folder in case_folders("invalid") + case_folders("warning"):
        root = make_case(folder, tmp_path / folder.name)
        shown |= {p["code"] for p in json.loads(run("--root", str(root), "check", "--format", "json").out)["problems"]}
    tested_elsewhere = {
        "no-records": "test_check_cli.py::test_a_project_without_records_is_one_problem",
        "no-settings": "test_check_cli.py::test_a_project_without_site_yaml_is_one_problem",
        "no-contact": "test_contacts.py::test_check_warns_of_record_pages_without_any_contact_when_samples_are_off",
    }
    assert codes - shown - set(tested_elsewhere) == set()
