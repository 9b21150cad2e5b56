"""A rebuild after one edit makes the contexts of only the list pages that show the edited record
(registry/pages/deferred.py): the others are keyed by what they list and linked from the last build.

Counted in one process (the build's own list-page maker, wrapped to note what it makes), on a generated project.
"""

from __future__ import annotations

import filecmp

from test_bench import bench_run, generate, tree

from registry.engine.build import build_site
from registry.pages import paging


def test_an_edit_makes_only_the_list_pages_that_show_the_record(tmp_path, monkeypatch):
    root = generate.generate(tmp_path / "project", 300)
    made: list[str] = []
    make = paging._list_page

    def noted(site, url, *args):
        made.append(site.cat.lang + ":" + url)
        return make(site, url, *args)

    monkeypatch.setattr(paging, "_list_page", noted)
    out = root / "public"
    build_site(root, out, jobs=1)
    every = set(made)
    assert len(every) == len(made) > 100  # the clean build made every list page, each once

    edited = sorted((root / "records/achievements").glob("bench-ach-*.yaml"))[0]
    record_id = edited.stem
    made.clear()
    bench_run.edit_achievement(root, 0)  # its summary: no card shows it (registry/pages/cards.py card_fields)
    build_site(root, out, jobs=1)
    assert made == []

    edited.write_text(edited.read_text(encoding="utf-8").replace("name:\n  zh: ", "name:\n  zh: 新", 1), "utf-8")
    build_site(root, out, jobs=1)
    # The record is on its directory's page and on one page of each of its five facets, in each edition.
    assert 2 <= len(made) <= 2 * 6, made
    assert {m.split(":")[0] for m in made} == {"zh", "en"}
    for name in made:
        lang, url = name.split(":")
        page = out / ("en/" if lang == "en" else "") / url
        assert f"{record_id}.html" in page.read_text(encoding="utf-8"), name
    assert len(every) > 10 * len(made)

    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    build_site(root, tmp_path / "clean", jobs=1)
    incremental, clean = tree(out), tree(tmp_path / "clean")
    assert incremental.keys() == clean.keys()
    assert [k for k in incremental if not filecmp.cmp(incremental[k], clean[k], shallow=False)] == []


def test_a_summary_edit_plans_no_page_that_does_not_show_the_record(tmp_path, monkeypatch):
    # The reports, home, forms, about and data pages read a few fields of every record (registry/model/fields.py):
    # a summary edit must not plan them again in either edition; an edit of a field they show must (and the output
    # equals a clean build: tests/test_bench.py runs both kinds of edit).
    from registry.pages import plan

    root = generate.generate(tmp_path / "project", 120)
    planned: list[tuple] = []
    run = plan.SitePlan.run

    def noted(self, task):
        planned.append((self.site.cat.lang, *task))
        return run(self, task)

    monkeypatch.setattr(plan.SitePlan, "run", noted)
    out = root / "public"
    build_site(root, out, jobs=1)
    whole = {"home", "reports", "forms", "about", "data", "progress"}
    assert {task[1] for task in planned} >= whole

    planned.clear()
    bench_run.edit_achievement(root, 0)
    build_site(root, out, jobs=1)
    # Nor the directories, their index.json, or the institute's and district's pages, which show it as a card
    # (registry/pages/cards.py card_fields): only the bucket of record pages holding its own page, in each edition.
    assert {task[0] for task in planned} == {"zh", "en"}
    assert {task[1:3] for task in planned} == {("records", "achievement")}, planned
    assert len(planned) == 2

    planned.clear()
    edited = sorted((root / "records/achievements").glob("bench-ach-*.yaml"))[0]
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("name:\n  zh: ", "name:\n  zh: 新名", 1), encoding="utf-8")
    build_site(root, out, jobs=1)
    # the name shows on the forms (a project's achievement picker) and, when the record is in a report, there
    assert {("zh", "forms"), ("en", "forms")} <= {task[:2] for task in planned}


def test_a_record_read_by_fields_refuses_any_other_field():
    # What makes a fields dependency sound: a page cannot read what its task does not depend on.
    import pytest

    from registry.model.fields import FieldNotRead, with_fields
    from registry.records.document import Document
    from registry.records.record import Record

    whole = Record(
        "achievement", "a1", Document("records/achievements/a1.yaml", {"name": {"zh": "甲"}, "summary": "x"})
    )
    (brief,) = with_fields([whole], ("name", "sample", "reported"))
    assert (brief.id, brief.get("name"), brief.sample, brief.get("reported")) == ("a1", {"zh": "甲"}, False, None)
    with pytest.raises(FieldNotRead, match="summary"):
        brief.get("summary")
    with pytest.raises(FieldNotRead):
        brief.data["summary"]
    with pytest.raises(FieldNotRead):
        list(brief.data.items())  # going over every field would miss those not read
    with pytest.raises(FieldNotRead):
        "summary" in brief.data  # noqa: B015 — the test is that asking raises
