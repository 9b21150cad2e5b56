"""Layout in real Chromium: phones (375 px), printing on A4, keyboard-only use, and screenshots for people to look at."""

from __future__ import annotations

import json

import pytest
from browser_tools import SCREENSHOTS, horizontal_overflow, keyboard_focus_problems, pdf_page_count, sample_pages

import build

pytest.importorskip("playwright")

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def test_no_page_scrolls_sideways_on_a_375px_phone(page, site_url, built_site):
    page.set_viewport_size(PHONE)
    found = {}
    for path in sample_pages(built_site):
        page.goto(site_url + path)
        overflow = horizontal_overflow(page)
        if overflow > 0:
            found[path] = f"{overflow}px wider than the screen"
    assert found == {}


def test_the_sideways_check_catches_a_wide_element(page):
    page.set_viewport_size(PHONE)
    page.set_content(
        '<!DOCTYPE html><html><body><table style="width: 40rem"><tr><td>宽表格</td></tr></table></body></html>'
    )
    assert horizontal_overflow(page) > 200


def test_a_shipped_achievement_prints_on_one_a4_page(page, site_url, built_site):
    # The longest shipped achievement page is the one most likely to spill onto a second sheet.
    longest = max(
        (built_site / "achievements").glob("*.html"),
        key=lambda p: len(p.read_text(encoding="utf-8")) if p.name != "index.html" else 0,
    )
    page.goto(site_url + f"achievements/{longest.name}")
    assert pdf_page_count(page) == 1


def test_an_achievement_at_every_annex_1_limit_prints_on_one_a4_page(page, project, tmp_path):
    summary = "本成果" + "研" * 150 + "。\n\n" + "团队" * 100 + "。\n\n" + "专利" * 72 + "。"  # 500 characters
    fit = "区镇" * 75 + "。\n\n" + "契合" * 74 + "。"  # 300
    promotion = "推介" * 50 + "。\n\n" + "路演" * 49 + "。"  # 200
    root = project(
        {
            "records/achievements/worst-case.yaml": f"""\
        id: worst-case
        name:
          zh: {"超长名称的科技成果" * 5}
        institute: tsinghua
        department:
          zh: {"某某学院某某系某某重点实验室" * 2}
        lead:
          name:
            zh: 欧阳某某
          title:
            zh: 教授、博士生导师、首席科学家
        field: other
        field_other:
          zh: 海洋工程与深远海装备、智能网联汽车
        stage: other
        stage_other:
          zh: 中试放大阶段，已建成示范线并完成第三方检测
        summary:
          zh: {json.dumps(summary, ensure_ascii=False)}
        fit:
          zh: {json.dumps(fit, ensure_ascii=False)}
        promotion:
          zh: {json.dumps(promotion, ensure_ascii=False)}
        district: kaifaqu
        reported: 2019-06-30
        status: negotiating
        status_updated: 2020-06-30
        sample: true
        """
        },
        with_shipped_records=True,
    )
    out = tmp_path / "out"
    assert build.main(["--root", str(root), "check"]) == 0
    assert build.main(["--root", str(root), "build", "--out", str(out)]) == 0
    page.goto((out / "achievements" / "worst-case.html").as_uri())
    assert len(page.locator(".form-sheet").inner_text()) > 1000
    assert page.locator(".notice").is_visible(), "the sample notice takes room too"
    assert pdf_page_count(page) == 1


def test_the_print_check_catches_a_page_that_needs_two_sheets(page):
    page.set_content(
        '<!DOCTYPE html><html><body><h1>两页</h1><div style="height: 320mm">很长的内容</div></body></html>'
    )
    assert pdf_page_count(page) == 2


@pytest.mark.parametrize("path", ["index.html", "achievements/index.html", "progress/2016-2020.html", "search.html"])
def test_keyboard_only_every_control_is_reached_with_a_visible_focus(page, site_url, built_site, path):
    if not (built_site / path).is_file():
        pytest.skip(f"{path} is not built yet")
    page.goto(site_url + path)
    if page.locator(".directory[data-list]").count():  # the filters replace the facet links once they are ready
        page.locator(".directory.filters-ready").wait_for()
    assert keyboard_focus_problems(page) == []


def test_an_achievement_page_is_usable_by_keyboard(page, site_url, built_site):
    first = sorted(p.name for p in (built_site / "achievements").glob("*.html") if p.name != "index.html")[0]
    page.goto(site_url + f"achievements/{first}")
    assert keyboard_focus_problems(page) == []


def test_the_focus_check_catches_a_removed_outline_and_an_unreachable_control(page):
    page.set_content("""<!DOCTYPE html><html><head><style>
      a:focus-visible { outline: 3px solid orange; } #bad:focus, #bad:focus-visible { outline: none; }
    </style></head><body>
      <a href="#one">看得见焦点</a> <a id="bad" href="#two">看不见焦点</a>
      <a href="#three" style="position: fixed" onfocus="this.blur()">焦点被移走</a>
    </body></html>""")
    problems = keyboard_focus_problems(page)
    assert problems == [
        'not reachable with Tab: <a href="#three" style="position: fixed" onfocus="this.blur()">焦点被移走</a>',
        'no visible focus indicator: <a id="bad" href="#two">看不见焦点</a>',
    ]


SHOTS = {
    "home": "index.html",
    "achievements": "achievements/index.html",
    "district": "districts/kaifaqu.html",
    "progress": "progress/2016-2020.html",
    "drilldown": "progress/2016-2020/kaifaqu/events.html",
    "about": "about.html",
}


def test_screenshots_of_the_main_pages_at_desktop_and_phone_width(page, site_url, built_site):
    achievement = sorted(p.name for p in (built_site / "achievements").glob("*.html") if p.name != "index.html")[0]
    institute = sorted(p.name for p in (built_site / "institutes").glob("*.html") if p.name != "index.html")[0]
    shots = {**SHOTS, "achievement": f"achievements/{achievement}", "institute": f"institutes/{institute}"}
    if (built_site / "search.html").is_file():
        shots["search"] = "search.html"
    SCREENSHOTS.mkdir(exist_ok=True)
    written = []
    for width, viewport in (("1280", DESKTOP), ("375", PHONE)):
        page.set_viewport_size(viewport)
        for name, path in shots.items():
            page.goto(site_url + path)
            target = SCREENSHOTS / f"{name}-{width}.png"
            page.screenshot(path=str(target), full_page=True)
            written.append(target)
    for target in written:
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
