"""Four users' first steps, walked in real headless Chromium at desktop (1280 px) and phone (375 px) width, each
checked against the model (what the records say), not against the page itself. Screenshots of each journey's last
page go to screenshots/journey-*.png."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest
from browser_tools import SCREENSHOTS, horizontal_overflow
from clerk import ACHIEVEMENT, copy_project, fill_in
from conftest import serve_folder
from test_browser_walk import record_ids, site_path
from test_record_templates import guide_step

from registry.engine.checking import check
from registry.figures.progress import compute_progress
from registry.model.public import published
from registry.pages.contact import tel_href
from registry.records.contacts import contact_source

pytest.importorskip("playwright")

WIDTHS = {"1280": {"width": 1280, "height": 800}, "375": {"width": 375, "height": 812}}


@pytest.fixture(params=list(WIDTHS))
def width(request, page) -> str:
    page.set_viewport_size(WIDTHS[request.param])
    return request.param


def shoot(page, name: str, width: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"journey-{name}-{width}.png"), full_page=True)


def fits(page) -> None:
    assert horizontal_overflow(page) == 0, f"{page.url} scrolls sideways"


@pytest.fixture(scope="module")
def model(built_site):
    result = check(built_site.parent)
    return result, published(result)


def test_a_newcomer_opens_the_home_page(page, site_url, model, width):
    """The first thing read says the data is a demonstration; every headline figure says how much is invented."""
    _result, public = model
    page.goto(site_url + "index.html")
    fits(page)
    notice = page.get_by_role("note")
    assert notice.is_visible() and notice.inner_text().startswith("演示数据")
    heading = page.get_by_role("heading", level=1)
    assert notice.bounding_box()["y"] < heading.bounding_box()["y"], "the notice stands above the page's own content"
    achievements = page.locator(".figures a", has_text="科技成果")
    samples = sum(r.sample for r in public.all("achievement"))
    assert achievements.locator(".figure").inner_text() == str(len(public.all("achievement")))
    assert achievements.locator(".figure-sample").inner_text() == f"其中示例 {samples}"
    first_cell = page.locator(".cells .cell").first
    first_cell.scroll_into_view_if_needed()
    assert first_cell.locator(".cell-sample").is_visible()
    shoot(page, "newcomer", width)


def test_an_enterprise_finds_a_battery_technology_and_how_to_reach_its_district(page, site_url, model, width):
    result, public = model
    page.goto(site_url + "index.html")
    box = page.get_by_role("search").get_by_role("searchbox")
    if not box.is_visible():
        pytest.fail("the search box is not reachable at this width")
    box.fill("锂电池")
    box.press("Enter")
    assert site_path(page.url, site_url).startswith("search.html")
    results = page.locator("#search-results li")
    results.first.wait_for(timeout=15_000)
    fits(page)
    hit = results.filter(has=page.locator("a[href*='/achievements/']")).first
    link = hit.locator("a.card-title")
    record_id = link.get_attribute("href").rsplit("/", 1)[1].removesuffix(".html")
    record = public.get("achievement", record_id)
    assert "锂电" in link.inner_text()
    assert hit.locator(".badge-sample").count() == int(record.sample), "a sample is marked in the results"
    link.click()
    assert site_path(page.url, site_url) == f"achievements/{record_id}.html"
    fits(page)

    _where, office = contact_source(record, public, result.settings, with_examples=True)
    contact = page.locator("section.contact")
    phone = contact.locator("a[href^='tel:']")
    email = contact.locator("a[href^='mailto:']")
    phone.scroll_into_view_if_needed()
    assert phone.is_visible() and email.is_visible()
    assert phone.inner_text() == office["phone"] and phone.get_attribute("href") == tel_href(office["phone"])
    assert email.inner_text() == office["email"]
    if office.get("example"):
        assert contact.locator(".contact-example").is_visible(), "an invented number is never shown as real"
    shoot(page, "enterprise", width)


def test_a_district_official_follows_a_progress_cell_to_the_records_it_counts(page, site_url, model, width):
    _result, public = model
    as_of = dt.date.fromisoformat(model[0].settings["as_of"])
    plan = next(p for p in compute_progress(public, as_of) if p["id"] == "2016-2020")
    row = next(r for r in plan["rows"] if r["district"] == "kaifaqu")
    cell = row["cells"]["projects"]
    assert cell["samples"] > 0 and cell["records"]

    page.goto(site_url + "index.html")
    nav = page.get_by_role("navigation", name="栏目")
    nav.get_by_role("link", name="区镇").click()
    page.locator("main .card-title", has_text="开发区").first.click()
    assert site_path(page.url, site_url) == "districts/kaifaqu.html"
    fits(page)
    link = page.locator("a.cell[href$='progress/2016-2020/kaifaqu/projects.html']")
    link.scroll_into_view_if_needed()
    assert link.locator(".cell-figure").inner_text() == f"{cell['actual']} / {cell['target']}"
    assert link.locator(".cell-sample").inner_text() == f"其中示例 {cell['samples']}"
    link.click()
    assert site_path(page.url, site_url) == "progress/2016-2020/kaifaqu/projects.html"
    fits(page)
    listed = record_ids(page, site_url)
    assert sorted(listed) == sorted(("projects", rid) for rid in cell["records"])
    for card in page.locator("main li.card").all():
        record_id = card.locator("a.card-title").get_attribute("href").rsplit("/", 1)[1].removesuffix(".html")
        assert card.locator(".badge-sample").is_visible() == public.get("project", record_id).sample
    note = page.locator(".sample-note")
    assert (
        note.inner_text()
        == f"其中 {sum(public.get('project', r).sample for r in cell['records'])} 条是示例（虚构）记录，已标“示例”。"
    )
    shoot(page, "official", width)


@pytest.fixture(scope="module")
def clerk_site(tmp_path_factory):
    """A clerk's clone: the template CONTRIBUTING.md names copied and filled in, `check` and the build run as typed."""
    root = copy_project(tmp_path_factory.mktemp("clerk") / "project", git=False)
    source = re.findall(r"`([\w./-]+\.yaml)`", guide_step())[0]
    target = root / "records/achievements" / f"{ACHIEVEMENT['id']}.yaml"
    target.write_text(fill_in((root / source).read_text(encoding="utf-8"), ACHIEVEMENT), encoding="utf-8")
    for command in (["check"], []):
        done = subprocess.run(
            [sys.executable, "build.py", *command],
            cwd=root,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    base, server = serve_folder(root / "public", prefix="public/")
    yield base
    server.shutdown()


def test_a_clerk_sees_the_new_record_published_as_fact(page, clerk_site, width):
    page.goto(clerk_site + "achievements/index.html")
    fits(page)
    card = page.locator("main li.card").filter(has=page.locator(f"a[href$='{ACHIEVEMENT['id']}.html']"))
    assert card.count() == 1
    assert card.locator(".badge-sample").count() == 0
    assert page.locator("main li.card .badge-sample").count() > 0, "the shipped samples around it are still marked"
    card.locator("a.card-title").click()
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text().strip() == ACHIEVEMENT["name.zh"]
    assert heading.locator(".badge-sample").count() == 0
    assert page.locator("article > .notice").count() == 0, "no “this is a sample record” notice"
    contact = page.locator("section.contact a[href^='tel:']")
    contact.scroll_into_view_if_needed()
    assert contact.is_visible()
    fits(page)
    shoot(page, "clerk", width)
