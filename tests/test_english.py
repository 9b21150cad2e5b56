"""The English edition under en/: every Chinese page has its English twin, the switch and hreflang link the two, an
English page carries no Chinese interface string (a record's own Chinese is marked lang="zh-CN"), and it shows the
same figures as the Chinese page."""

from __future__ import annotations

import pickle
import posixpath
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from registry.pages.catalogue import load_messages

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
EN = "en/"


def parse(path: Path):
    return lxml_html.parse(str(path)).getroot()


def text_of(element) -> str:
    return " ".join(element.text_content().split())


def manifest_paths(root: Path) -> set[str]:
    """Every file the last build wrote, from its manifest in .cache/ (what the engine itself keeps)."""
    (found,) = (root / ".cache").glob("output-*.pickle")
    return set(pickle.loads(found.read_bytes())["files"])


def routes(paths: set[str]) -> tuple[set[str], set[str]]:
    """The Chinese and the English pages, each as routes (the English without its en/ folder)."""
    pages = {p for p in paths if p.endswith(".html")}
    english = {p.removeprefix(EN) for p in pages if p.startswith(EN)}
    return {p for p in pages if not p.startswith(EN)}, english


def resolve(page: str, href: str) -> str:
    """A relative link on a page as a site-root path."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href.partition("#")[0]))


def unmarked_chinese(doc) -> list[str]:
    """Text (and attributes people read) holding Chinese outside any element marked lang="zh…" (<title> excepted)."""
    found = []

    def chinese_lang(element) -> bool:
        while element is not None:
            if element.get("lang"):
                return element.get("lang").startswith("zh")
            element = element.getparent()
        return False

    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        # <title> takes text only: a record's Chinese name there cannot be marked (the page's <h1> marks it).
        # <title>: see above; <script> (data a script reads) and <style> (the 404 page's inlined CSS) are not read.
        shown = element.tag not in ("title", "script", "style")
        if element.text and CJK.search(element.text) and not chinese_lang(element) and shown:
            found.append(element.text.strip())
        parent = element.getparent()
        if element.tail and CJK.search(element.tail) and parent is not None and not chinese_lang(parent):
            found.append(element.tail.strip())
        for name in ("title", "alt", "placeholder", "aria-label", "content"):
            value = element.get(name)
            if value and CJK.search(value) and not chinese_lang(element):
                found.append(f"@{name}={value}")
    return found


@pytest.fixture(scope="module")
def pages(built_site) -> tuple[set[str], set[str]]:
    return routes(manifest_paths(built_site.parent))


def test_every_chinese_page_has_its_english_twin_and_back(pages):
    chinese, english = pages
    assert len(chinese) > 400
    assert chinese - english == set()
    assert english - chinese == set()


def test_the_route_comparison_sees_a_missing_twin():
    chinese, english = routes({"index.html", "achievements/x.html", "en/index.html", "data/achievements.csv"})
    assert chinese - english == {"achievements/x.html"}


def test_every_page_switches_to_its_twin_and_names_both_in_its_head(built_site, pages):
    chinese, _ = pages
    for route in sorted(chinese):
        for path, twin, lang, other in ((route, EN + route, "zh-CN", "en"), (EN + route, route, "en", "zh-CN")):
            doc = parse(built_site / path)
            assert doc.get("lang") == lang, path
            switch = doc.find_class("lang-switch")
            assert [(a.get("hreflang"), resolve(path, a.get("href"))) for a in switch] == [(other, twin)], path
            alternates = {
                link.get("hreflang"): resolve(path, link.get("href"))
                for link in doc.iterfind(".//head/link[@rel='alternate'][@hreflang]")
            }
            assert alternates == {"zh-CN": route, "en": EN + route, "x-default": route}, path


def test_the_switch_keeps_the_record_the_facet_and_the_page_number(built_site):
    for route in ("achievements/graphene-thermal-film.html", "achievements/field/new-materials.html"):
        doc = parse(built_site / EN / route)
        (switch,) = doc.find_class("lang-switch")
        assert resolve(EN + route, switch.get("href")) == route


def test_no_english_page_shows_unmarked_chinese(built_site, pages):
    _, english = pages
    found = {}
    for route in sorted(english):
        chinese = unmarked_chinese(parse(built_site / EN / route))
        if chinese:
            found[route] = chinese[:3]
    assert found == {}


def test_the_english_catalogue_holds_no_chinese(built_site):
    # Interface strings never come marked lang="zh-CN" (only a record's text does), so with this and the test above
    # no Chinese interface string can stand on an English page.
    messages = load_messages(built_site.parent / "site_templates" / "messages.yaml")
    english = {key: m["en"].values() if isinstance(m["en"], dict) else [m["en"]] for key, m in messages.items()}
    assert {key: forms for key, forms in english.items() if any(CJK.search(form) for form in forms)} == {}


def test_the_check_sees_unmarked_chinese():
    doc = lxml_html.fromstring(
        '<html lang="en"><body><p>Name: <span lang="zh-CN">清华大学</span></p><p title="示例">Status: 已转化</p></body></html>'
    )
    assert unmarked_chinese(doc) == ["Status: 已转化", "@title=示例"]


def test_a_record_without_english_shows_its_chinese_marked_and_says_so_and_page_2_has_its_twin(project, run):
    many = {
        f"records/institutes/inst-{n:03d}.yaml": f"id: inst-{n:03d}\nname: {{zh: 测试研究所{n:03d}, en: Test {n:03d}}}\n"
        "type: university\ncountry: CN\n"
        for n in range(15)
    }
    root = project(
        {
            **many,
            "records/projects/only-zh.yaml": """\
                id: only-zh
                name:
                  zh: 只有中文的合作项目
                district: kaifaqu
                enterprise:
                  zh: 昆山测试科技有限公司
                institutes: [tsinghua]
                mode: joint-development
                signed: 2018-11-22
                value: 12.5
                summary:
                  zh: 这是一段只有中文的简介。
                """,
        },
        with_shipped_records=True,
    )
    result = run("--root", str(root), "check")
    assert result.code == 0, result
    assert result.out.splitlines()[0] == (
        "records/projects/only-zh.yaml:3:3: 警告 / warning: name: 没有英文名称：英文版（en/）将显示中文名称 / no English "
        "name: the English edition (en/) shows the Chinese one — 在 name 的 zh 下面加一行 en: 写上英文名称 / add a line "
        "en: with the English name under name's zh"
    ), result
    assert "inst-000" not in result.out
    assert run("--root", str(root), "build").code == 0
    doc = parse(root / "public/en/projects/only-zh.html")
    h1 = doc.find(".//main//h1")
    assert [(s.get("lang"), s.text) for s in h1.iter("span") if s.get("lang")] == [("zh-CN", "只有中文的合作项目")]
    assert "(Chinese only)" in text_of(h1)
    assert unmarked_chinese(doc) == []
    assert "CNY 125,000" in text_of(doc)
    card = next(li for li in parse(root / "public/en/projects/index.html").iter("li") if "只有中文" in text_of(li))
    assert "(Chinese only)" in text_of(card)
    other = parse(root / "public/en/institutes/tsinghua.html").find(".//main//h1")
    assert text_of(other).startswith("Tsinghua University")
    assert "(Chinese only)" not in text_of(other)
    assert "仅有中文" not in text_of(parse(root / "public/projects/only-zh.html"))
    assert "12.5 万元" in text_of(parse(root / "public/projects/only-zh.html"))
    second = "en/institutes/index-p2.html"
    (switch,) = parse(root / "public" / second).find_class("lang-switch")
    assert resolve(second, switch.get("href")) == "institutes/index-p2.html"


def _progress(doc) -> list[list[str]]:
    """The figures of a progress table, row by row: every number in every cell."""
    table = doc.find(".//main//table")
    return [[re.findall(r"\d+", text_of(td)) for td in tr.iterfind("td")] for tr in table.iter("tr")]


def test_the_english_progress_tables_show_the_chinese_numbers(built_site):
    plans = sorted(p.name for p in (built_site / "progress").glob("*.html") if p.name != "index.html")
    assert plans
    for name in plans:
        zh = _progress(parse(built_site / "progress" / name))
        en = _progress(parse(built_site / EN / "progress" / name))
        assert en == zh, name
        assert any(cells for cells in zh)


def test_dates_numbers_and_money_per_language(built_site):
    zh = text_of(parse(built_site / "achievements/graphene-thermal-film.html"))
    en = text_of(parse(built_site / EN / "achievements/graphene-thermal-film.html"))
    assert "2017年3月10日" in zh
    assert "10 March 2017" in en
    project = next(p for p in sorted((built_site / "projects").glob("*.html")) if "万元" in text_of(parse(p)))
    zh_value = re.search(r"([\d,.]+) 万元", text_of(parse(project))).group(1)
    en_text = text_of(parse(built_site / EN / "projects" / project.name))
    assert f"CNY {float(zh_value.replace(',', '')) * 10_000:,.0f}" in en_text
    assert "10,000 yuan" not in en_text.split("CNY")[0][-40:]


def test_the_annex_1_form_reads_in_english(built_site):
    # The form's headings in its order, each a translation of the Chinese cell (tests/fixtures/policy-163.yaml).
    zh = parse(built_site / "achievements/graphene-thermal-film.html")
    en = parse(built_site / EN / "achievements/graphene-thermal-film.html")
    headings = [text_of(th) for th in en.iterfind(".//main//table//th")]
    assert headings[:12] == [
        "Name of the technology achievement",
        "Name of the university or research institute",
        "School, department or laboratory where the achievement was made",
        "Head of research and development of the achievement",
        "Post and professional title",
        "Field of the technology achievement",
        "Stage of the technology achievement",
        "Summary of the achievement and its research team",
        "How the achievement fits the district",
        "Plan for promoting the achievement in the district",
        "District filling in the form",
        "Date filled in",
    ]
    assert [text_of(th) for th in zh.iterfind(".//main//table//th")][:2] == ["科技成果名称", "大院大所名称"]
    assert text_of(en.find(".//main//caption")).startswith("Information form for technology achievements")
