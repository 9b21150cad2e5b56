"""The search index's postings kept between builds (registry/outputs/search_cache.py): after an edit that keeps the
docs and their order, only the edited docs' postings are patched, and every file of the index is byte for byte the
one a build without the cache makes. Real records (bench/generate.py), the real checker, files in a real folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from registry.engine.checking import check
from registry.model.public import public_view
from registry.outputs import search, search_cache, search_docs
from registry.pages.catalogue import Catalogue, load_messages

sys.path.insert(0, str(REPO / "bench"))
import generate


def index(root: Path, cache: Path | None) -> search.IndexFiles:
    result = check(root)
    assert result.ok, result.problems[:3]
    messages = load_messages(root / "site_templates" / "messages.yaml")
    cats = {lang: Catalogue(messages, result.schemas, lang) for lang in ("zh", "en")}
    public = public_view(result.registry, bool(result.settings.get("include_samples")))
    return search.build_index(public, cats, cache, "salt")


def differences(patched: search.IndexFiles, whole: search.IndexFiles) -> list[str]:
    """The files (and postings) in which an index made with the cache differs from one made without it."""
    if list(patched) != list(whole):
        return ["the list of files"]
    found = [path for path in whole if patched[path] != whole[path]]
    if dict(patched.postings.lists) != dict(whole.postings.lists) or patched.postings.large != whole.postings.large:
        found.append("postings")
    return found


def number_of(built: search.IndexFiles, record_id: str) -> int:
    return next(n for n, record in enumerate(built.records) if record.id == record_id)


def summary(path: Path, text: str) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["summary"]["zh"] = text
    path.write_text(generate.dump(data), encoding="utf-8")


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "BIG", 20)  # long lists and one-character unions in files of their own
    monkeypatch.setattr(search, "UNIONS", 200)
    monkeypatch.setattr(search, "CHUNK", 7)
    root = generate.generate(tmp_path / "project", 40)
    return root, tmp_path / "cache"


def test_edits_patch_only_the_edited_docs_and_give_the_bytes_of_a_whole_build(project, monkeypatch):
    root, cache = project
    first = index(root, cache)
    assert first.patched is None and (cache / search_cache.STATE).is_file()
    achievements = root / "records/achievements"
    edited = achievements / "bench-ach-000003.yaml"
    original = yaml.safe_load(edited.read_text(encoding="utf-8"))["summary"]["zh"]
    steps = [
        ("a summary edited", lambda: summary(edited, "第1次修改。" + original)),
        # a token repeated so often that its weight does not fit the packed byte, and words no other doc has
        ("a weight over a byte, new words", lambda: summary(edited, "锂电" * 130 + "石墨烯量子点 zyxwvu。")),
        ("those words gone again", lambda: summary(edited, original)),
        ("a name changed", lambda: generate_rename(achievements / "bench-ach-000011.yaml")),
    ]
    walked = []  # the records whose texts are gathered (the real method, noted)
    texts = search_docs.SearchDocs.texts
    monkeypatch.setattr(
        search_docs.SearchDocs, "texts", lambda self, record: walked.append(record.id) or texts(self, record)
    )
    for what, edit in steps:
        edit()
        walked.clear()
        patched = index(root, cache)
        changed = "bench-ach-000011" if what == "a name changed" else "bench-ach-000003"
        assert walked == [changed], what  # the other records are known by their data and the names they show
        whole = index(root, None)
        assert differences(patched, whole) == [], what
        assert patched.patched == [number_of(whole, changed)], what
        if what == "a weight over a byte, new words":
            assert "zyxwvu" in whole.postings.lists and whole.postings.large
        if what == "those words gone again":
            assert "zyxwvu" not in patched.postings.lists and not patched.postings.large


def generate_rename(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name:\n  zh: ", "name:\n  zh: 新型", 1), encoding="utf-8")


def test_an_added_record_or_a_lost_cache_makes_the_index_whole_with_the_same_bytes(project, monkeypatch):
    root, cache = project
    index(root, cache)
    events = root / "records/events"
    (events / "bench-added.yaml").write_text(
        "id: bench-added\ntitle:\n  zh: 新增对接活动\ntype: forum\nstart: 2020-06-01\ndistrict: kaifaqu\n"
        "institutes: [tsinghua]\n",
        encoding="utf-8",
    )
    added = index(root, cache)  # the docs after it are numbered anew: made whole
    assert added.patched is None and differences(added, index(root, None)) == []

    summary(root / "records/achievements/bench-ach-000002.yaml", "改过的简介。")
    for texts in cache.glob("texts-*.bin"):
        texts.unlink()
    lost = index(root, cache)
    assert lost.patched is None and differences(lost, index(root, None)) == []

    institute = root / "records/institutes/tsinghua.yaml"  # named by many docs: each of them patched
    institute.write_text(institute.read_text(encoding="utf-8").replace("zh: 清华大学", "zh: 清华", 1), encoding="utf-8")
    renamed = index(root, cache)
    assert len(renamed.patched) > 5 and differences(renamed, index(root, None)) == []
    monkeypatch.setattr(search, "PATCH_SHARE", 10**6)  # more than this share of the docs changed: made whole
    institute.write_text(institute.read_text(encoding="utf-8").replace("zh: 清华", "zh: 清华大学", 1), encoding="utf-8")
    many = index(root, cache)
    assert many.patched is None and differences(many, index(root, None)) == []
    assert index(root, cache).patched == []  # nothing changed since: nothing patched, nothing tokenised


def test_the_comparison_sees_a_patch_that_keeps_the_old_tokens(project, monkeypatch):
    root, cache = project
    index(root, cache)
    monkeypatch.setattr(search_cache, "doc_tokens", lambda text: [])  # the old text's postings not taken away
    summary(root / "records/achievements/bench-ach-000004.yaml", "全新的简介。")
    assert differences(index(root, cache), index(root, None)) != []
