"""Chinese government site conventions from site.yaml: the meta tags site inspections read, the 网站地图 page, and
the footer's filing items shown only when set; a description of its own on every page."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, make_project
from lxml import html

import build

FILINGS = """\
base_url: https://kjj.ks.gov.cn/dayuan/
site_code: "3205830001"
icp: 苏ICP备12345678号-1
police_filing: 苏公网安备 32058302001234号
undertaker:
  zh: 昆山市科技信息中心
"""


def meta(doc) -> dict[str, str]:
    return {m.get("name"): m.get("content") for m in doc.xpath("//head/meta[@name]")}


def parse(public: Path, path: str):
    return html.parse(str(public / path)).getroot()


@pytest.fixture(scope="module")
def filed_site(tmp_path_factory) -> Path:
    """The shipped records with every filing setting, built once."""
    root = make_project(tmp_path_factory.mktemp("filed") / "project", {}, with_shipped_records=True)
    (root / "site.yaml").write_text((REPO / "site.yaml").read_text(encoding="utf-8") + FILINGS, encoding="utf-8")
    assert build.main(["--root", str(root), "build"]) == 0
    return root / "public"


def test_a_record_page_carries_the_article_tags(built_site):
    doc = parse(built_site, "achievements/lfp-battery-thermal-runaway-warning.html")
    tags = meta(doc)
    assert tags["SiteName"] == "昆山市大院大所合作登记簿"
    assert tags["ColumnName"] == "科技成果" and tags["ColumnType"] == "详情"
    assert tags["ArticleTitle"] == doc.xpath("string(//h1)").replace("示例", "").strip()
    assert tags["ContentSource"] == "昆山市大院大所工作领导小组办公室（设在市科技局）"
    assert tags["description"].startswith("磷酸铁锂电池热失控早期预警模块（科技成果；")
    assert "**" not in tags["description"] and len(tags["description"]) <= 150
    assert "SiteDomain" not in tags and "SiteIDCode" not in tags  # not set in site.yaml: not made up
    assert "PubDate" not in tags  # no git history in the test's copy: no date is invented


def test_every_page_has_a_description_of_its_own(built_site):
    descriptions = {}
    for page in sorted(built_site.rglob("*.html")):
        tags = meta(html.parse(str(page)).getroot())
        assert tags.get("description") and tags["description"] != "昆山市大院大所合作登记簿", page
        descriptions.setdefault(tags["description"], []).append(page.relative_to(built_site).as_posix())
    records = [d for d, pages in descriptions.items() if any(p.startswith("achievements/") for p in pages)]
    assert all(len(descriptions[d]) == 1 for d in records if "（科技成果；" in d)


@pytest.mark.parametrize(
    ("path", "column", "kind"),
    [
        ("index.html", "首页", "首页"),
        ("achievements/index.html", "科技成果", "列表"),
        ("progress/2016-2020.html", "目标进度", "统计"),
        ("reports/index.html", "督查报告", "报告"),
        ("data/index.html", "数据下载", "开放数据"),
        ("sitemap.html", "网站地图", "网站地图"),
    ],
)
def test_each_page_type_names_its_column(built_site, path, column, kind):
    tags = meta(parse(built_site, path))
    assert (tags["ColumnName"], tags["ColumnType"]) == (column, kind)


def test_with_filings_set_the_tags_and_footer_carry_them(filed_site):
    doc = parse(filed_site, "about.html")
    tags = meta(doc)
    assert tags["SiteDomain"] == "kjj.ks.gov.cn" and tags["SiteIDCode"] == "3205830001"
    footer = doc.xpath("//footer")[0]
    text = footer.text_content()
    assert "承办单位：昆山市科技信息中心" in text and "网站标识码：3205830001" in text
    assert footer.xpath("string(.//a[@href='https://beian.miit.gov.cn/'])") == "苏ICP备12345678号-1"
    (police,) = footer.xpath(".//a[contains(@href, 'beian.gov.cn')]")
    assert police.text == "苏公网安备 32058302001234号" and police.get("href").endswith("recordcode=32058302001234")
    assert "公安机关备案号：" in text and "ICP备案号：" in text


def test_without_filings_the_footer_shows_none_of_them(built_site):
    text = parse(built_site, "about.html").xpath("string(//footer)")
    for label in ("承办单位", "网站标识码", "ICP备案号", "公安机关备案号"):
        assert label not in text


def test_the_site_map_lists_every_section_and_is_linked_from_every_footer(built_site):
    doc = parse(built_site, "sitemap.html")
    links = set(doc.xpath("//main//a/@href"))
    nav = parse(built_site, "index.html").xpath("//nav[@class='mainnav']//a/@href")
    assert nav and set(nav) <= links
    assert {"progress/2016-2020.html", "data/dictionary.html", "search.html"} <= links
    assert "achievements/field/new-materials.html" in links
    assert parse(built_site, "achievements/index.html").xpath("//footer//a[.='网站地图']/@href") == ["../sitemap.html"]
