"""A visitor's walk through the built site in real headless Chromium, served on 127.0.0.1 under /public/."""

from __future__ import annotations

import datetime as dt
import posixpath
from urllib.parse import urlsplit

import pytest

from registry.engine.checking import check
from registry.figures.progress import compute_progress
from registry.model.public import public_view

pytest.importorskip("playwright")


def counted_records(built_site) -> list[dict]:
    """Every progress cell of every district row, from the same records the site was built from (the model's answer)."""
    result = check(built_site.parent)
    public = public_view(result.registry, bool(result.settings.get("include_samples")))
    cells = []
    for plan in compute_progress(public, dt.date.fromisoformat(result.settings["as_of"])):
        metrics = {m["id"]: m for m in plan["metrics"]}
        for row in plan["rows"]:
            if row["kind"] != "district":
                continue
            district = public.get("district", row["district"])
            has_achievements = any(a.get("district") == district.id for a in public.all("achievement"))
            for metric_id, cell in row["cells"].items():
                cells.append(
                    {
                        "plan": plan["id"],
                        "plan_name": plan["name"]["zh"],
                        "district": district.id,
                        "district_name": district.get("name")["zh"],
                        "metric": metrics[metric_id],
                        "records": cell["records"],
                        "has_achievements": has_achievements,
                    }
                )
    return cells


def site_path(page_url: str, site_url: str) -> str:
    """The site-relative path of a page the browser is on."""
    return urlsplit(page_url).path.removeprefix(urlsplit(site_url).path)


def record_ids(page, site_url: str) -> list[tuple[str, str]]:
    """(folder, id) of every record card listed in the page's main content, in order."""
    out = []
    for link in page.locator("main .card-title").all():
        path = site_path(link.evaluate("a => a.href"), site_url)
        out.append((posixpath.dirname(path), posixpath.basename(path).removesuffix(".html")))
    return out


def test_home_district_progress_drilldown_achievement_institute(page, site_url, built_site):
    # The busiest district row that also has achievements, so the drill-down lists several records.
    cell = max((c for c in counted_records(built_site) if c["has_achievements"]), key=lambda c: len(c["records"]))
    assert len(cell["records"]) >= 2, "the shipped records should give a drill-down with several records"

    page.goto(site_url + "index.html")
    page.get_by_role("navigation", name="栏目").get_by_role("link", name="区镇").click()
    assert site_path(page.url, site_url) == "districts/index.html"
    page.locator("main .card-title", has_text=cell["district_name"]).first.click()
    assert site_path(page.url, site_url) == f"districts/{cell['district']}.html"
    assert page.get_by_role("heading", level=1).inner_text().strip().startswith(cell["district_name"])
    district_page = page.url

    # Its progress: the plan's table, then the number in this district's row and the metric's column.
    page.locator("#progress ~ h3 a", has_text=cell["plan_name"]).click()
    assert site_path(page.url, site_url) == f"progress/{cell['plan']}.html"
    row = page.locator("table.progress-table tbody tr").filter(
        has=page.get_by_role("rowheader", name=cell["district_name"], exact=True)
    )
    row.locator(f"a.cell[href$='/{cell['metric']['id']}.html']").click()
    assert site_path(page.url, site_url) == f"progress/{cell['plan']}/{cell['district']}/{cell['metric']['id']}.html"

    # The drill-down lists exactly the records the number counts, no more and no fewer.
    folder = cell["metric"]["kind"] + "s"
    listed = record_ids(page, site_url)
    assert sorted(listed) == sorted((folder, rid) for rid in cell["records"])
    assert len(listed) == len(set(listed))
    assert page.locator(".cells.single .cell-figure").inner_text().startswith(f"{len(cell['records'])} / ")

    # Back on the district page: one of its achievements, then the institute that offers it.
    page.goto(district_page)
    section = page.locator("section").filter(has=page.get_by_role("heading", name="科技成果", level=2))
    achievement = section.locator(".card-title").first
    title = achievement.inner_text()
    achievement.click()
    assert site_path(page.url, site_url).startswith("achievements/")
    assert page.get_by_role("heading", level=1).inner_text().startswith(title)
    institute_link = page.locator("table.form-sheet tr", has=page.locator("th", has_text="大院大所")).locator("a").first
    institute_name = institute_link.inner_text()
    institute_link.click()
    assert site_path(page.url, site_url).startswith("institutes/")
    assert page.get_by_role("heading", level=1).inner_text().startswith(institute_name)
    assert title in page.locator("main .card-title").all_inner_texts(), "the institute lists the achievement back"


def test_facet_page_lists_only_matching_records_and_links_back(browser, site_url):
    # The static facet pages, as a visitor without JavaScript (or a search engine) walks them; with JavaScript the
    # sidebar combines facets instead (test_browser_filters.py).
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "achievements/index.html")
    total = len(record_ids(page, site_url))
    facets = page.get_by_role("complementary")
    facet = facets.locator(".facet").filter(has=page.get_by_role("heading", name="所属领域")).locator("li").first
    label, count = facet.locator("a").inner_text(), int(facet.locator(".count").inner_text())
    facet.locator("a").click()
    assert site_path(page.url, site_url).startswith("achievements/field/")
    assert page.get_by_role("heading", level=1).inner_text()
    cards = record_ids(page, site_url)
    assert 0 < len(cards) == count < total
    assert {folder for folder, _ in cards} == {"achievements"}
    # A listed achievement really has that field: its Annex 1 form shows the box ticked.
    page.locator("main .card-title").first.click()
    ticked = [text.removeprefix("☑").strip() for text in page.locator("table.form-sheet strong").all_inner_texts()]
    assert label in ticked
    page.go_back()
    page.get_by_role("link", name="清除筛选").click()
    assert site_path(page.url, site_url) == "achievements/index.html"
    context.close()


def test_search_box_finds_a_record(page, site_url, built_site):
    if not (built_site / "search.html").is_file():
        pytest.skip("search.html is not built yet (issue 4: open data, feeds and Chinese full-text search)")
    page.goto(site_url + "index.html")
    box = page.get_by_role("search").get_by_role("searchbox")
    box.fill("锂电池")
    box.press("Enter")
    assert site_path(page.url, site_url).startswith("search.html")
    results = page.locator("main a[href*='.html']").filter(has_text="锂电池")
    results.first.wait_for(timeout=10_000)
    assert results.count() >= 1
