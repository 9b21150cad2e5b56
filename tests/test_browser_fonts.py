"""The font follows the language in real Chromium: curly quotes on an English page are Latin ones, not the CJK
font's full-width forms; Chinese inside an English page keeps the CJK font."""

from __future__ import annotations

import pytest
from browser_tools import SCREENSHOTS
from conftest import cjk_fonts_installed, require_tool

pytest.importorskip("playwright")

PAGE = "districts/bacheng.html"  # its Annex 2 note: The Annex 2 list ends in “and others”: …

WIDTHS = """() => {
  const quote = "\u201c";
  const element = [...document.querySelectorAll("main p")].find((p) =>
    [...p.childNodes].some((n) => n.nodeType === 3 && n.data.includes(quote)));
  const node = [...element.childNodes].find((n) => n.nodeType === 3 && n.data.includes(quote));
  const width = (at) => {
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + 1);
    return range.getBoundingClientRect().width;
  };
  const style = getComputedStyle(element);
  return {text: node.data, quote: width(node.data.indexOf(quote)), letter: node.data.search(/[a-z]/) < 0 ? null : width(node.data.search(/[a-z]/)),
          em: parseFloat(style.fontSize), family: style.fontFamily};
}"""
"""The rendered width of the first curly quote in the page's main text, of a Latin letter beside it, and the font."""


def widths(page, url: str) -> dict:
    page.goto(url)
    return page.evaluate(WIDTHS)


def test_a_curly_quote_on_an_english_page_is_as_narrow_as_a_latin_letter(page, site_url):
    require_tool(cjk_fonts_installed(), "CJK fonts (the full-width quotes come from them)")
    english = widths(page, site_url + "en/" + PAGE)
    assert "“and others”" in english["text"], english
    assert english["quote"] <= english["letter"] * 1.2, english
    assert english["quote"] < 0.6 * english["em"], english
    assert english["family"].startswith('-apple-system, BlinkMacSystemFont, "Segoe UI"'), english
    # The Chinese page keeps the CJK font first: there the same mark is full-width, as Chinese typesetting wants it.
    chinese = widths(page, site_url + PAGE)
    assert "“等”" in chinese["text"], chinese
    assert chinese["quote"] > 0.8 * chinese["em"], chinese


def test_chinese_on_an_english_page_keeps_the_cjk_font(page, site_url):
    page.goto(site_url + "en/about.html")  # names the policy document 昆政办发〔2017〕163号 in Chinese
    families = page.evaluate(
        """() => [...document.querySelectorAll('body [lang="zh-CN"]')].map((e) => getComputedStyle(e).fontFamily)"""
    )
    assert families, "the page shows some Chinese marked lang=zh-CN"
    assert {family.split(",")[2].strip() for family in families} == {'"PingFang SC"'}
    assert page.evaluate("() => getComputedStyle(document.body).fontFamily").split(",")[2].strip() == '"Segoe UI"'


def test_screenshots_of_english_quotes_at_desktop_and_phone_width(page, site_url):
    SCREENSHOTS.mkdir(exist_ok=True)
    for width, height in ((1280, 900), (375, 812)):
        page.set_viewport_size({"width": width, "height": height})
        for prefix in ("en/", ""):
            page.goto(site_url + prefix + PAGE)
            target = SCREENSHOTS / f"quotes-{prefix.strip('/') or 'zh'}-{width}.png"
            page.locator("text=Annex 2" if prefix else "text=附件2").first.screenshot(path=str(target))
            assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        page.goto(site_url + "en/about.html")  # English with Chinese in it, the whole page
        page.screenshot(path=str(SCREENSHOTS / f"about-en-{width}.png"), full_page=True)
