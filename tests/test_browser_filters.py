"""Combined filters on the directory pages, in real Chromium at 1280 and 375 px (site_templates/assets/filters.js):
facets combine, counts follow the selection, the address keeps the state, "download these" saves exactly the rows
shown as the published CSV has them, and the list sorts by 最后更新."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from browser_tools import WCAG_TAGS, axe_violations, wait_until
from conftest import make_project, serve_folder
from test_browser_public import DESKTOP, PHONE, WIDTHS, shot, sideways
from test_freshness import git

import build

pytest.importorskip("playwright")

FACETS = ("field", "stage", "institute", "district", "status")


def achievements(public: Path) -> list[dict]:
    return json.loads((public / "data" / "achievements.json").read_text(encoding="utf-8"))["records"]


def ready(page) -> None:
    page.locator(".directory.filters-ready").wait_for()


def shown(page) -> set[str]:
    """The ids of the records listed, after every "show more"."""
    while page.locator(".filter-more").is_visible():
        page.click(".filter-more")
    hrefs = page.locator(".results .cards a.card-title").evaluate_all("as => as.map(a => a.href)")
    return {h.rsplit("/", 1)[1].removesuffix(".html") for h in hrefs}


def counts(page, facet: str) -> dict[str, int]:
    """An option's value → the count it shows, for one facet's select ("不限" left out)."""
    out = {}
    for value, text in page.locator(f"#filter-{facet} option").evaluate_all(
        "os => os.map(o => [o.value, o.textContent])"
    ):
        if value:
            out[value] = int(re.search(r"\((\d+)\)$", text).group(1))
    return out


def matching(records: list[dict], state: dict[str, str], but: str | None = None) -> list[dict]:
    return [r for r in records if all(r.get(f) == v for f, v in state.items() if v and f != but)]


def csv_lines(data: bytes) -> list[str]:
    """The raw lines of a published CSV (header first), each checked to be exactly one row."""
    text = data.decode("utf-8").removeprefix("\ufeff")
    lines = text.removesuffix("\r\n").split("\r\n")
    assert [len(list(csv.reader(io.StringIO(line)))) for line in lines] == [1] * len(lines)
    return lines


@WIDTHS
def test_facets_combine_counts_follow_and_the_address_keeps_the_state(page, site_url, built_site, viewport):
    page.set_viewport_size(viewport)
    records = achievements(built_site)
    page.goto(site_url + "achievements/index.html")
    ready(page)
    assert shown(page) == {r["id"] for r in records}
    state: dict[str, str] = {}
    first = records[0]
    for facet in ("field", "stage", "district"):
        page.locator(f"#filter-{facet}").select_option(first[facet])
        state[facet] = first[facet]
        wait_until(page, f"location.search.includes('{facet}={first[facet]}')")
        assert shown(page) == {r["id"] for r in matching(records, state)}
        for name in FACETS:
            expected: dict[str, int] = {}
            for r in matching(records, state, but=name):
                expected[r[name]] = expected.get(r[name], 0) + 1
            assert counts(page, name) == expected, name
    assert page.get_by_role("status").inner_text() == f"符合条件 {len(matching(records, state))} 条"
    chosen = shown(page)
    page.reload()
    ready(page)
    assert shown(page) == chosen
    assert {f: page.locator(f"#filter-{f}").input_value() for f in state} == state
    assert sideways(page) == []
    assert axe_violations(page, [*WCAG_TAGS, "best-practice"]) == []
    shot(page, "filters-combined")


def test_a_single_facet_page_combines_and_can_drop_its_own_facet(page, site_url, built_site):
    records = achievements(built_site)
    first = records[0]
    page.goto(site_url + f"achievements/field/{first['field']}.html?stage={first['stage']}")
    ready(page)
    assert page.locator("#filter-field").input_value() == first["field"]
    state = {"field": first["field"], "stage": first["stage"]}
    assert shown(page) == {r["id"] for r in matching(records, state)}
    page.locator("#filter-field").select_option("")
    wait_until(page, "location.search.includes('field=&') || location.search.endsWith('field=')")
    page.reload()
    ready(page)
    assert page.locator("#filter-field").input_value() == ""
    assert shown(page) == {r["id"] for r in matching(records, {"stage": first["stage"]})}
    page.get_by_role("button", name="清除筛选").click()
    wait_until(page, "location.search === '?field='")
    assert shown(page) == {r["id"] for r in records}
    assert [page.locator(f"#filter-{f}").input_value() for f in FACETS] == [""] * len(FACETS)


@pytest.mark.parametrize("edition", ["", "en/"])
def test_download_these_gives_exactly_the_rows_shown_as_the_published_csv_has_them(page, site_url, built_site, edition):
    records = achievements(built_site)
    page.goto(site_url + f"{edition}achievements/index.html")
    ready(page)
    field = records[0]["field"]
    page.locator("#filter-field").select_option(field)
    ids = shown(page)
    with page.expect_download() as info:
        page.click(".filter-download")
    got = Path(info.value.path()).read_bytes()
    published = (built_site / "data" / ("achievements.en.csv" if edition else "achievements.csv")).read_bytes()
    lines = csv_lines(published)
    keep = [line for line in lines[1:] if next(csv.reader([line]))[0] in ids]
    assert len(keep) == len(ids) == len(matching(records, {"field": field})) > 0
    assert got == ("\ufeff" + "".join(line + "\r\n" for line in [lines[0], *keep])).encode("utf-8")
    assert info.value.suggested_filename == ("achievements-selection." + ("en." if edition else "") + "csv")


def test_the_english_directory_page_filters_in_english(page, site_url, built_site):
    records = achievements(built_site)
    page.set_viewport_size(PHONE)
    page.goto(site_url + "en/achievements/index.html")
    ready(page)
    page.locator("#filter-stage").select_option(records[0]["stage"])
    assert shown(page) == {r["id"] for r in matching(records, {"stage": records[0]["stage"]})}
    assert page.get_by_role("status").inner_text().endswith(" match")
    assert page.locator("label[for=filter-sort]").inner_text() == "Sort by"
    assert sideways(page) == []
    assert axe_violations(page, [*WCAG_TAGS, "best-practice"]) == []
    shot(page, "filters-en")


@pytest.fixture(scope="module")
def site_with_history(tmp_path_factory):
    """The shipped records in git: all committed in 2021, then two records changed later, on different days."""
    root = make_project(tmp_path_factory.mktemp("history") / "project", {}, with_shipped_records=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "records", when="2021-01-05T10:00:00+08:00")
    ids = sorted(p.stem for p in (root / "records/achievements").glob("*.yaml"))
    for when, record_id in (("2022-06-01T10:00:00+08:00", ids[1]), ("2023-02-01T10:00:00+08:00", ids[-1])):
        path = root / "records/achievements" / f"{record_id}.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        git(root, "commit", "-qam", f"edit {record_id}", when=when)
    assert build.main(["--root", str(root), "build"]) == 0
    base, server = serve_folder(root / "public")
    yield base, ids
    server.shutdown()


def test_the_list_sorts_by_last_updated_and_keeps_the_sort_in_the_address(page, site_with_history):
    base, ids = site_with_history
    page.set_viewport_size(DESKTOP)
    page.goto(base + "achievements/index.html")
    ready(page)
    page.locator("#filter-sort").select_option("updated")
    wait_until(page, "location.search.includes('sort=updated')")
    page.reload()
    ready(page)
    cards = page.locator(".results .cards li")
    first = [
        a.rsplit("/", 1)[1].removesuffix(".html")
        for a in cards.locator("a.card-title").evaluate_all("as => as.map(a => a.href)")
    ]
    assert first[:2] == [ids[-1], ids[1]]
    dates = [re.search(r"\d{4}-\d\d-\d\d", t).group(0) for t in cards.locator(".updated").all_inner_texts()]
    assert dates[:3] == ["2023-02-01", "2022-06-01", "2021-01-05"] and dates == sorted(dates, reverse=True)
    shot(page, "filters-sorted")


@pytest.fixture(scope="module")
def chinese_only_site(tmp_path_factory):
    """Generated records (bench/generate.py): most give no English at all, so the English cards show their Chinese."""
    import sys

    from conftest import REPO

    sys.path.insert(0, str(REPO / "bench"))
    import generate

    root = generate.generate(tmp_path_factory.mktemp("chinese-only") / "project", 40)
    district = root / "records/districts/bacheng.yaml"  # its name in Chinese only (English is optional for it)
    text = district.read_text(encoding="utf-8")
    assert "\n  en: Bacheng\n" in text
    district.write_text(text.replace("\n  en: Bacheng\n", "\n", 1), encoding="utf-8")
    assert build.main(["--root", str(root), "build"]) == 0
    base, server = serve_folder(root / "public")
    yield base
    server.shutdown()


CARD_MARKS = """cs => cs.map(c => [
    c.querySelector('a.card-title').getAttribute('href').split('/').pop(),
    [...c.querySelectorAll('[lang]')].map(e => e.getAttribute('lang') + ':' + e.textContent),
    [...c.querySelectorAll('.lang-note')].map(e => e.textContent)])"""


def test_the_script_marks_chinese_on_english_cards_as_the_page_without_it_does(browser, page, chinese_only_site):
    # The list the script makes from index.json keeps the static cards' marks: each Chinese title and fact in
    # <span lang="zh-CN"> (screen readers switch voice) and "(Chinese only)" beside a record that gives no English.
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    static = context.new_page()
    static.goto(chinese_only_site + "en/achievements/index.html")
    without = {row[0]: row[1:] for row in static.locator(".cards li.card").evaluate_all(CARD_MARKS)}
    context.close()
    assert sum(1 for _marks, notes in without.values() if notes == ["(Chinese only)"]) > 10
    assert all(any(m.startswith("zh-CN:") for m in marks) for marks, _notes in without.values())

    page.set_viewport_size(PHONE)
    page.goto(chinese_only_site + "en/achievements/index.html")
    ready(page)
    scripted = {row[0]: row[1:] for row in page.locator(".results .cards li.card").evaluate_all(CARD_MARKS)}
    assert len(scripted) > 10 and scripted.keys() <= without.keys()
    assert {key: without[key] for key in scripted} == scripted
    # The facets' options hold text only: one whose whole text is Chinese carries lang="zh-CN" itself.
    marked = page.locator("#filter-district option[lang]").evaluate_all("os => os.map(o => [o.value, o.lang])")
    assert marked == [["bacheng", "zh-CN"]], marked
    assert axe_violations(page, [*WCAG_TAGS, "best-practice"]) == []
