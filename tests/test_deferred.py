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
    bench_run.edit_achievement(root, 0)
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
