"""A build with nothing changed is decided from the inputs' fingerprints before any record is loaded
(registry/engine/unchanged.py): every kind of change still rebuilds, a touch does not, and the output stays the
bytes of a clean build."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from registry.engine import cache

sys.path.insert(0, str(REPO / "bench"))
import generate


def tree(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}


def same_as_clean(root: Path, out: Path, clean: Path, run, monkeypatch) -> None:
    with monkeypatch.context() as m:
        m.setenv("REGISTRY_NO_CACHE", "1")
        assert run("--root", str(root), "build", "--out", str(clean)).code == 0
    built, fresh = tree(out), tree(clean)
    assert built.keys() == fresh.keys()
    assert [k for k in built if not filecmp.cmp(built[k], fresh[k], shallow=False)] == []
    shutil.rmtree(clean)


@pytest.fixture
def built(tmp_path, run):
    """A generated project, built once; a function that builds it again and says whether it did any work."""
    root = generate.generate(tmp_path / "project", 30)

    def build(*options: str, code: int = 0) -> bool:
        result = run("--root", str(root), "build", "--timings", *options)
        assert result.code == code, result
        if code == 0:
            assert "已构建 / built" in result.out and "个文件 / files" in result.out
        return code != 0 or "timing load" in result.err  # a build that did work loaded the records

    assert build()
    return root, build


def _later(path: Path) -> None:
    """Give a file a new mtime and ctime, its bytes untouched."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def _retext(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_nothing_changed_does_no_work_and_a_touch_is_not_a_change(built, run, monkeypatch, tmp_path):
    root, build = built
    out = root / "public"
    folder, page = out.stat().st_ino, (out / "index.html").stat()
    assert not build()
    assert (out.stat().st_ino, (out / "index.html").stat()) == (folder, page)  # not swapped, not written

    record = root / "records/achievements/bench-ach-000003.yaml"
    for path in (record, root / "site_templates/base.html", root / "schemas/achievement.schema.json"):
        _later(path)
    assert not build()  # new stats, the same bytes: hashed, found the same
    assert not build()
    same_as_clean(root, out, tmp_path / "clean", run, monkeypatch)

    # The same size and mtime, other bytes (as a tool that keeps mtimes would leave it): the ctime tells.
    stat = record.stat()
    data = record.read_bytes()
    record.write_bytes(data.replace("。".encode(), "，".encode(), 1))
    os.utime(record, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert record.stat().st_size == stat.st_size and record.read_bytes() != data
    assert build()
    assert not build()


EDITS = [
    (
        "edit a record",
        lambda r: _retext(
            r / "records/achievements/bench-ach-000007.yaml",
            "zh: ",
            "zh: 改",
        ),
    ),
    (
        "add a record",
        lambda r: (r / "records/events/bench-added.yaml").write_text(
            "id: bench-added\ntitle:\n  zh: 新增活动\ntype: forum\nstart: 2020-06-01\ndistrict: kaifaqu\n"
            "institutes: [tsinghua]\n",
            encoding="utf-8",
        ),
    ),
    ("remove a record", lambda r: (r / "records/projects/bench-project-00002.yaml").unlink()),
    ("change a template", lambda r: _retext(r / "site_templates/base.html", "</body>", "<!-- 改 --></body>")),
    ("change a schema", lambda r: _retext(r / "schemas/achievement.schema.json", '"title": "', '"title": "改')),
    ("change site.yaml", lambda r: _retext(r / "site.yaml", "zh: ", "zh: 改")),
]


@pytest.mark.parametrize("what", [what for what, _edit in EDITS])
def test_every_change_of_an_input_rebuilds_to_the_bytes_of_a_clean_build(what, built, run, monkeypatch, tmp_path):
    root, build = built
    dict(EDITS)[what](root)
    assert build(), what
    assert not build(), what  # and that build kept its stamp
    same_as_clean(root, root / "public", tmp_path / "clean", run, monkeypatch)


def test_an_option_the_day_the_code_and_the_output_itself_count(built, monkeypatch, tmp_path):
    root, build = built
    assert build("--as-of", "2020-06-30")
    assert not build("--as-of", "2020-06-30")
    assert build()
    assert not build("--jobs", "1")  # the number of processes does not change a byte (tests/test_bench.py)

    out = root / "public"
    page = out / "achievements/bench-ach-000001.html"
    original = page.read_bytes()
    page.write_bytes(original + b"\n")
    assert build()
    assert page.read_bytes() == original
    page.unlink()
    assert build()
    assert page.read_bytes() == original

    # The day check runs: a date that was fine stops being fine when REGISTRY_TODAY goes back before it.
    _retext(root / "records/achievements/bench-ach-000001.yaml", "reported: '", "reported: '2021-06-15' #")
    monkeypatch.setenv("REGISTRY_TODAY", "2021-06-30")
    assert build()
    monkeypatch.setenv("REGISTRY_TODAY", "2021-06-01")
    assert build(code=1)  # checked again, not taken from the stamp: the date is now after today

    # The code: a module of the package changed is a change (the package copied, so the repository is untouched).
    monkeypatch.setenv("REGISTRY_TODAY", "2021-06-30")
    assert build()
    package = tmp_path / "package" / "registry"
    shutil.copytree(cache.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE", package)
    assert not build()  # every module's stat is new, its bytes are the same
    with (package / "pages/home.py").open("a", encoding="utf-8") as f:
        f.write("\n# changed\n")
    assert build()
    assert not build()


def test_a_new_address_or_a_new_commit_is_a_change(built, run, monkeypatch, tmp_path):
    """The published address and the history of records/ (the calendar's change times) are inputs too: a commit
    that changes no file still changes events.ics, so it rebuilds."""
    root, build = built
    assert not build()
    assert build("--base-url", "https://dyds.example.gov.cn/")
    assert not build("--base-url", "https://dyds.example.gov.cn/")
    assert build()  # and back: the address is gone from every link
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2021-03-01T10:00:00+08:00")
    subprocess.run([*git, "commit", "-qm", "records"], check=True)
    assert build()  # history appeared: DTSTAMP and SEQUENCE now come from it
    assert not build()
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "again"], check=True)
    assert build()
    assert not build()
    same_as_clean(root, root / "public", tmp_path / "clean", run, monkeypatch)
