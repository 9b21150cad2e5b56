"""The public site as its visitors use it, in real Chromium at 1280 and 375 px: the 404 page at any depth, numbers,
phones, search and filters, print, freshness and the content security policy."""

from __future__ import annotations

import json
import mimetypes
import re
from collections import Counter
from io import BytesIO
from pathlib import Path

import pytest
from browser_tools import SCREENSHOTS, WCAG_TAGS, axe_violations, pdf_page_count, sample_pages, wait_until
from conftest import MINIMAL_SITE, make_project, watch_csp
from lxml import html as lxml_html
from pypdf import PdfReader
from test_search import run_queries

import build

pytest.importorskip("playwright")

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
BASE_URL = "https://registry.example.gov.cn/dayuan/"


def shot(page, name: str) -> None:
    """Save a full-page screenshot for people to look at (screenshots/ is never committed)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{page.viewport_size['width']}.png"), full_page=True)


def styled(page) -> bool:
    """Whether the site's stylesheet applies: the masthead has the brand colour, not the browser's default."""
    return page.evaluate("getComputedStyle(document.querySelector('.masthead')).backgroundColor") == "rgb(158, 27, 27)"


def serve_as_host(page, public: Path, origin: str) -> None:
    """Answer every request under origin from public/, and a missing file with 404.html, as GitHub Pages does."""

    def answer(route):
        path = route.request.url.removeprefix(origin).split("?")[0].split("#")[0] or "index.html"
        target = public / path
        if target.is_file():
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            route.fulfill(status=200, body=target.read_bytes(), content_type=kind)
        else:
            route.fulfill(status=404, body=(public / "404.html").read_bytes(), content_type="text/html")

    page.route(origin + "**", answer)


@pytest.fixture(scope="module")
def site_with_base_url(tmp_path_factory) -> Path:
    """A small site whose site.yaml sets base_url, built once."""
    root = make_project(tmp_path_factory.mktemp("based") / "project", {}, site=MINIMAL_SITE + f"base_url: {BASE_URL}\n")
    assert build.main(["--root", str(root), "build"]) == 0
    return root / "public"


@WIDTHS
def test_the_404_page_keeps_its_styles_at_a_nested_address_without_base_url(page, built_site, viewport):
    page.set_viewport_size(viewport)
    serve_as_host(page, built_site, "https://pages.example.org/registry/")
    response = page.goto("https://pages.example.org/registry/achievements/no/such-page.html")
    assert response.status == 404
    assert page.title() == "找不到页面 · 昆山市大院大所合作登记簿"
    assert styled(page)
    shot(page, "404-nested")


@WIDTHS
def test_the_404_page_links_absolutely_under_base_url(page, site_with_base_url, viewport):
    page.set_viewport_size(viewport)
    serve_as_host(page, site_with_base_url, BASE_URL)
    page.goto(BASE_URL + "institutes/deep/er/no-such.html")
    assert styled(page)
    assert page.get_attribute(".brand", "href") == BASE_URL + "index.html"
    page.click("main a")
    page.wait_for_load_state()
    assert page.url == BASE_URL + "index.html"
    assert styled(page)


def test_the_404_check_catches_a_relative_stylesheet(page, site_with_base_url):
    # The same page with the link relative again, as before: at a nested address the styles are lost.
    html = (site_with_base_url / "404.html").read_text(encoding="utf-8")
    broken = html.replace(f'href="{BASE_URL}assets/style.css"', 'href="assets/style.css"')
    assert broken != html

    def answer(route):
        if route.request.url.endswith("/deep/assets/style.css"):
            route.fulfill(status=404, body="", content_type="text/plain")
        else:
            route.fulfill(status=404, body=broken, content_type="text/html")

    serve_as_host(page, site_with_base_url, BASE_URL)
    page.route(BASE_URL + "deep/**", answer)  # the route added last answers first
    page.goto(BASE_URL + "deep/page.html")
    assert not styled(page)


@WIDTHS
def test_progress_cells_look_like_links_and_every_figure_is_labelled(page, site_url, viewport):
    page.set_viewport_size(viewport)
    page.goto(site_url + "districts/kaifaqu.html")
    assert page.locator("#progress ~ p.muted, section p.muted").filter(has_text="目标原文：").count() == 1
    assert page.locator("section p.muted").filter(has_text="5（含省级以上重点实验室1个）").inner_text() == (
        "目标原文：5（含省级以上重点实验室1个）"
    )
    key_lab = page.locator(".cell").filter(has_text="省级以上重点实验室").first
    assert key_lab.locator(".cell-part").inner_text() == "载体建设目标中的其中数"
    figure = key_lab.locator(".cell-figure")
    assert "underline" in figure.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert figure.evaluate("e => getComputedStyle(e, '::after').content") == '" →"'
    before = key_lab.evaluate("e => getComputedStyle(e).boxShadow")
    key_lab.hover()
    assert key_lab.evaluate("e => getComputedStyle(e).boxShadow") != before
    shot(page, "district")


SIDEWAYS_JS = """() => {
  const out = [];
  const width = document.documentElement.clientWidth;
  const clipped = el => {  // inside a box that clips or scrolls (reported on its own), or visually hidden
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' || s.clip !== 'auto') return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || el.closest('details:not([open])') || style.clip !== 'auto') continue;
    const what = el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
      out.push(`${what} scrolls ${el.scrollWidth - el.clientWidth}px sideways inside its box`);
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1 && !clipped(el)) out.push(`${what} ends ${Math.round(box.right - width)}px past the screen`);
  }
  return [...new Set(out)];
}"""


def sideways(page) -> list[str]:
    """Every element that scrolls sideways inside its box, or reaches past the right edge of the screen."""
    return page.evaluate(SIDEWAYS_JS)


def test_nothing_scrolls_sideways_at_375px_on_any_page_type_not_even_inside_a_box(page, site_url, built_site):
    page.set_viewport_size(PHONE)
    found = {}
    for path in sample_pages(built_site):
        page.goto(site_url + path)
        if problems := sideways(page):
            found[path] = problems[:5]
    assert found == {}


def test_the_sideways_check_catches_a_box_that_scrolls_inside(page):
    page.set_viewport_size(PHONE)
    page.set_content(
        '<!DOCTYPE html><html><body><div class="table-scroll" style="overflow-x: auto">'
        '<table style="width: 40rem"><tr><td>宽表格</td></tr></table></div></body></html>'
    )
    assert sideways(page) == ["div.table-scroll scrolls 281px sideways inside its box"]


@pytest.mark.parametrize("path", ["progress/2016-2020.html", "reports/2018-h1.html"])
def test_wide_tables_are_cards_on_a_phone_and_still_tables_to_a_screen_reader(page, site_url, path):
    page.set_viewport_size(PHONE)
    page.goto(site_url + path)
    table = page.locator("table.card-table").first
    assert table.evaluate("t => getComputedStyle(t).display") == "block"
    card = table.locator("tbody tr").first
    assert card.evaluate("r => getComputedStyle(r).borderTopStyle") == "solid"
    first_cell = card.locator("td").first
    label = first_cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label.startswith('"') and first_cell.get_attribute("data-label") in label
    # the accessibility tree still has a table with headers and cells
    assert page.get_by_role("table").first.is_visible()
    assert page.get_by_role("rowheader").count() > 5 and page.get_by_role("cell").count() > 20
    assert page.get_by_role("columnheader").count() >= 5
    caption = table.locator("caption")
    assert caption.evaluate("c => c.scrollWidth <= c.clientWidth + 1")
    shot(page, path.replace("/", "-").removesuffix(".html"))


def test_wide_tables_stay_tables_at_1280(page, site_url):
    page.set_viewport_size(DESKTOP)
    page.goto(site_url + "progress/2016-2020.html")
    assert page.locator("table.card-table").evaluate("t => getComputedStyle(t).display") == "table"
    assert page.locator("table.card-table thead").is_visible()
    shot(page, "progress")


@WIDTHS
def test_chart_text_is_at_least_12_css_px(page, site_url, viewport):
    page.set_viewport_size(viewport)
    page.goto(site_url + "districts/kaifaqu.html")
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('.chart-figure svg text')].map(t =>
            parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a)"""
    )
    assert sizes and min(sizes) >= 12


def test_chinese_labels_never_break_inside_a_word(page, site_url):
    page.set_viewport_size(PHONE)
    page.goto(site_url + "data/index.html")
    for selector in ("th", "dt", ".mainnav a"):
        for word_break in page.locator(selector).evaluate_all("els => els.map(e => getComputedStyle(e).wordBreak)"):
            assert word_break == "keep-all", selector


def stored_docs(public: Path) -> dict[str, list]:
    """The search index's text store: url → [url, title, extras, body, date, sample, excerpt text]."""
    docs = {}
    for chunk in sorted((public / "search").glob("d-*.json")):
        for doc in json.loads(chunk.read_text(encoding="utf-8")):
            docs[doc[0]] = doc
    return docs


def results(page) -> list[str]:
    """The result links' site-relative urls, after every page of results is shown."""
    while page.locator("#search-more").is_visible():
        before = page.locator("#search-results li").count()
        page.click("#search-more")
        wait_until(page, f"document.querySelectorAll('#search-results li').length > {before}")
    hrefs = page.locator("#search-results li a.card-title").evaluate_all("as => as.map(a => a.href)")
    return [h.split("/public/", 1)[1] for h in hrefs]


@WIDTHS
def test_typing_without_enter_lists_the_records_that_contain_the_word(page, site_url, built_site, viewport):
    page.set_viewport_size(viewport)
    page.goto(site_url + "search.html")
    page.locator("#search-q").press_sequentially("锂电池", delay=30)
    page.get_by_role("status").filter(has_text="找到").wait_for()
    found = results(page)
    [answer] = run_queries(built_site, [{"q": "锂电池"}])
    assert found == [r["url"] for r in answer["results"]] and found
    assert page.get_by_role("status").get_attribute("aria-live") == "polite"
    assert "?q=%E9%94%82%E7%94%B5%E6%B1%A0" in page.url  # the query is in the address, to share
    docs = stored_docs(built_site)
    for item in page.locator("#search-results li").all():
        url = item.locator("a.card-title").get_attribute("href").split("/public/", 1)[1]
        excerpt = item.locator(".excerpt").inner_text()
        assert not re.search(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+", excerpt), excerpt  # no English sentence
        assert (item.locator(".badge-sample").count() == 1) == (docs[url][5] == 1)
    assert any(docs[u][5] == 1 for u in found)
    shot(page, "search")


def test_filters_alone_browse_exactly_what_a_filter_of_the_json_gives(page, site_url, built_site):
    records = json.loads((built_site / "data" / "achievements.json").read_text(encoding="utf-8"))["records"]
    field, district = Counter((r["field"], r["district"]) for r in records).most_common(1)[0][0]
    page.goto(site_url + f"search.html?field={field}&district={district}")
    page.get_by_role("status").filter(has_text="符合所选条件").wait_for()
    chosen = [r for r in records if r["field"] == field and r["district"] == district]
    assert set(results(page)) == {f"achievements/{r['id']}.html" for r in chosen}
    stage = chosen[0]["stage"]
    page.locator("#search-stage").select_option(stage)
    wait_until(page, f"location.search.includes('stage={stage}')")
    page.get_by_role("status").filter(has_text="符合所选条件").wait_for()
    assert set(results(page)) == {f"achievements/{r['id']}.html" for r in chosen if r["stage"] == stage}


def test_the_home_box_lands_on_the_result_list_and_results_arrive_without_a_layout_shift(page, site_url):
    page.set_viewport_size(PHONE)
    page.goto(site_url + "index.html")
    page.get_by_role("searchbox", name="查找成果、机构和活动").fill("新材料")
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="找到").wait_for()
    assert page.locator("#search-q").input_value() == "新材料"
    page.wait_for_timeout(300)
    shift = page.evaluate(
        """() => new Promise(done => {
            let sum = 0;
            new PerformanceObserver(list => {
                for (const e of list.getEntries()) if (!e.hadRecentInput) sum += e.value;
            }).observe({type: 'layout-shift', buffered: true});
            setTimeout(() => done(sum), 200);  // the buffered entries are delivered before this
        })"""
    )
    assert shift < 0.01


def test_without_javascript_the_search_page_says_so_first_and_offers_facets_and_downloads(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(site_url + "search.html?q=锂电池")
    first = page.locator("main > noscript, main > :not(h1)").first
    assert first.locator("#search-nojs").is_visible()  # the first thing after the heading
    assert page.locator("a[href='achievements/field/new-materials.html']").count() == 1
    assert page.locator("a[href='data/achievements.csv']").count() == 1
    context.close()


def test_a_printed_page_names_the_site_the_organiser_and_the_as_of_date(page, site_url, built_site):
    longest = max(
        (p for p in (built_site / "achievements").glob("*.html") if p.name != "index.html"),
        key=lambda p: len(p.read_text(encoding="utf-8")),
    )
    page.goto(site_url + f"achievements/{longest.name}")
    assert page.locator(".print-head").is_hidden()
    page.emulate_media(media="print")
    assert page.locator(".print-head").inner_text() == (
        "昆山市大院大所合作登记簿 · 主办单位：昆山市大院大所工作领导小组办公室（设在市科技局）"
    )
    assert page.locator(".print-foot").inner_text() == "数据统计截至 2020年12月31日"
    assert pdf_page_count(page) == 1  # still one A4 sheet


def test_a_printed_page_gives_its_address_under_base_url(page, site_with_base_url):
    serve_as_host(page, site_with_base_url, BASE_URL)
    page.goto(BASE_URL + "about.html")
    page.emulate_media(media="print")
    assert page.locator(".print-foot").inner_text().startswith(f"本页网址：{BASE_URL}about.html · 数据统计截至 ")


def test_the_progress_table_prints_on_landscape_a4_without_a_cut_column(page, site_url):
    page.goto(site_url + "progress/2016-2020.html")
    page.emulate_media(media="print")
    pdf = PdfReader(BytesIO(page.pdf(format="A4", prefer_css_page_size=True, print_background=True)))
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in pdf.pages]
    assert any(w > h for w, h in sizes)  # the table's sheets are landscape
    table_pages = [p.extract_text() for p, (w, h) in zip(pdf.pages, sizes, strict=True) if w > h]
    text = "".join(table_pages)
    last_header = page.locator(".progress-table thead th").last.inner_text().split("（")[0]
    assert last_header in text and "全市合计" in text
    # laid out at the landscape sheet's width (277 mm), the table fits it
    page.set_viewport_size({"width": 1047, "height": 740})
    assert page.locator(".progress-table").evaluate("t => t.getBoundingClientRect().right") <= 1047


@WIDTHS
def test_axe_finds_nothing_with_best_practice_rules_on_every_page_type(page, site_url, built_site, viewport):
    page.set_viewport_size(viewport)
    found = {}
    for path in sample_pages(built_site) + ["search.html?q=锂电池"]:
        page.goto(site_url + path)
        if path.startswith("search.html?"):
            page.get_by_role("status").filter(has_text="找到").wait_for()
        if problems := axe_violations(page, [*WCAG_TAGS, "best-practice"]):
            found[path] = problems
        if "/" not in path or path.endswith("index.html"):
            shot(page, "page-" + path.replace("/", "-").split(".html")[0])
    assert found == {}


def test_the_annex_1_table_ties_every_cell_to_its_header(built_site):
    doc = lxml_html.parse(str(built_site / "achievements/lfp-battery-thermal-runaway-warning.html")).getroot()
    (table,) = doc.xpath("//table[contains(@class, 'form-sheet')]")
    ids = set(table.xpath(".//th/@id"))
    cells = table.xpath(".//td")
    assert cells and all(td.get("headers") in ids for td in cells)


def test_the_icons_are_real_images_and_every_page_links_them(built_site):
    assert (built_site / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    touch = (built_site / "apple-touch-icon.png").read_bytes()
    assert touch[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(touch[16:20], "big") == 180
    doc = lxml_html.parse(str(built_site / "achievements/index.html")).getroot()
    assert doc.xpath("//link[@rel='icon']/@href") == ["../favicon.ico", "../assets/favicon.svg"]
    assert doc.xpath("//link[@rel='apple-touch-icon']/@href") == ["../apple-touch-icon.png"]


def test_every_page_carries_a_policy_that_allows_only_the_site_s_own_scripts_and_styles(built_site):
    for path in sample_pages(built_site):
        doc = lxml_html.parse(str(built_site / path)).getroot()
        (policy,) = doc.xpath("//head/meta[@http-equiv='Content-Security-Policy']/@content")
        rules = dict(rule.strip().split(" ", 1) for rule in policy.split(";"))
        assert rules["script-src"] == "'self'" and rules["object-src"] == "'none'", path
        assert rules["base-uri"] == "'self'" and rules["form-action"] == "'self'", path
        assert rules["style-src"].startswith("'self'") and "unsafe" not in policy, path
        # Data blocks (JSON-LD; the staff forms' field data) are not script: a browser never runs them.
        data = "@type='application/ld+json' or @type='application/json'"
        assert not doc.xpath(f"//script[not(@src) and not({data})]"), path
        assert not doc.xpath("//*[@style]"), path


@WIDTHS
def test_no_page_type_reports_a_csp_violation(page, site_url, built_site, viewport):
    # the page fixture (conftest.py) fails the test on any violation reported on the console
    page.set_viewport_size(viewport)
    for path in sample_pages(built_site) + ["search.html?q=锂电池"]:
        page.goto(site_url + path)
    page.get_by_role("status").filter(has_text="找到").wait_for()
    assert styled(page)


def test_the_csp_check_catches_an_inline_script(browser, site_url):
    page = browser.new_page()
    violations = watch_csp(page)
    page.goto(site_url + "about.html")
    assert violations == []
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = '1'; document.body.append(s); }")
    page.wait_for_timeout(300)
    assert violations and "script-src 'self'" in violations[0]
    page.close()
