"""Singular and plural in English: every count message of the catalogue gives both forms, pages and the command
line use the one the count takes (1 project, 2 projects; 1 of them is a sample, 2 of them are samples)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from registry.errors import SchemaError
from registry.pages.catalogue import Catalogue, load_messages, plural_problems
from registry.plural import count_en, plural_form

REPO = Path(__file__).resolve().parent.parent

WRONG = re.compile(
    r"(?<![\d.,])1 (?:of them are|(?:records|samples|partners|people|items|characters|years|things|values)\b)"
    r"|(?<![\d.,])(?:0|[2-9]|\d{2,}) (?:of them is|person\b|record (?:matches|fits)|sample (?:\(fictional\) )?partner\b)"
)
"""English that does not agree with its count."""


def english_text(path: Path) -> str:
    return " ".join(lxml_html.parse(str(path)).getroot().text_content().split())


def test_the_shipped_catalogue_gives_every_count_both_forms():
    messages = load_messages(REPO / "site_templates" / "messages.yaml")
    assert plural_problems(messages) == []
    counted = [key for key, m in messages.items() if isinstance(m["en"], dict)]
    assert len(counted) > 20 and "sample.of" in counted and "unit.people" in counted


def test_a_count_message_without_its_singular_stops_the_build(tmp_path):
    path = tmp_path / "messages.yaml"
    path.write_text(
        'page.count: {zh: "共 {n} 条", en: "{n} records"}\n'
        'sample.of: {zh: "其中示例 {n}", en: {other: "{n} of them are samples"}}\n'
        'page.nth: {zh: {other: "第 {number} 页"}, en: "page {number}"}\n',
        encoding="utf-8",
    )
    with pytest.raises(SchemaError) as caught:
        load_messages(path)
    assert str(caught.value) == (
        f"{path}: page.count: en counts {{n}} but has no singular: write en: {{one: …, other: …}}; "
        "sample.of: en gives exactly one: and other:; page.nth: zh is one text (Chinese has no plural forms)"
    )


@pytest.mark.parametrize(
    ("key", "values", "one", "two"),
    [
        ("sample.of", {}, "1 of them is a sample", "2 of them are samples"),
        ("unit.people", {}, " (1 person)", " (2 people)"),
        ("filter.shown", {}, "1 record matches", "2 records match"),
        ("search.count", {"q": "graphene"}, "1 record matches “graphene”.", "2 records match “graphene”."),
        (
            "dict.years_ahead",
            {},
            "At most 1 year after the day of the check",
            "At most 2 years after the day of the check",
        ),
        ("partners.samples_short", {}, "1 sample not counted", "2 samples not counted"),
    ],
)
def test_the_catalogue_takes_the_form_the_count_takes_in_english_and_one_form_in_chinese(key, values, one, two):
    messages = load_messages(REPO / "site_templates" / "messages.yaml")
    en, zh = Catalogue(messages, None, "en"), Catalogue(messages, None, "zh")
    assert (en.t(key, n=1, **values), en.t(key, n=2, **values)) == (one, two)
    assert en.t(key, n="1", **values) == one and en.t(key, n="1,000", **values).startswith(two.replace("2", "1,000", 1))
    assert zh.t(key, n=1, **values) == messages[key]["zh"].format(n=1, **values)
    # A script fills in n itself: it gets both forms and chooses as t() does (filters.js counted, forms.js say).
    assert en.script_texts(key.rsplit(".", 1)[0] + ".", [key.rsplit(".", 1)[1]]) == {
        key.rsplit(".", 1)[1]: messages[key]["en"]["other"],
        key.rsplit(".", 1)[1] + ".one": messages[key]["en"]["one"],
    }


def test_english_pages_agree_with_their_counts(built_site):
    texts = {path: english_text(path) for path in (built_site / "en").rglob("*.html")}
    wrong = {str(p.relative_to(built_site)): WRONG.findall(t)[:3] for p, t in texts.items() if WRONG.search(t)}
    assert wrong == {}
    everything = " ".join(texts.values())
    # The shipped records have both cases of each: the check above is not vacuous.
    for phrase in ("1 of them is a sample", "2 of them are samples", "(1 person)", "(3 people)"):
        assert phrase in everything, phrase
    assert re.search(r"(?<![\d.,])1 of them is a sample \(fictional\) record, marked Sample\.", everything)
    assert re.search(r"(?<![\d.,])[2-9] of them are sample \(fictional\) records, marked Sample\.", everything)
    assert "long-term partner:" in everything or "long-term partners:" in everything


def test_the_command_line_counts_in_english_too(project, run):
    institute = "id: {id}\nname: {{zh: 测试研究所{id}, en: Test institute {id}}}\ntype: university\ncountry: CN\n"
    one = project({"records/institutes/one.yaml": institute.format(id="one")})
    result = run("--root", str(one), "check")
    assert result.out.splitlines()[-1] == "检查通过：1 条记录，没有问题 / check passed: 1 record, no problems", result
    (one / "records/institutes/two.yaml").write_text(institute.format(id="two"), encoding="utf-8")
    result = run("--root", str(one), "check")
    assert result.out.splitlines()[-1] == "检查通过：2 条记录，没有问题 / check passed: 2 records, no problems", result
    assert [count_en(n, "problem") for n in (0, 1, 2)] == ["0 problems", "1 problem", "2 problems"]
    assert [plural_form(n) for n in (1, "1", 1.5, "1,000", 0)] == ["one", "one", "other", "other", "other"]


def test_the_directory_script_says_1_record_matches_and_2_records_match(page, site_url, built_site):
    records = json.loads((built_site / "data/achievements.json").read_text(encoding="utf-8"))["records"]
    combos: dict[str, int] = {}  # a query string → how many records it selects
    for record in records:
        for query in (f"district={record['district']}", f"district={record['district']}&field={record['field']}"):
            combos[query] = combos.get(query, 0) + 1
    one = next(query for query, n in sorted(combos.items()) if n == 1)
    many, n = next((query, n) for query, n in sorted(combos.items()) if n >= 2)
    for query, expected in ((one, "1 record matches"), (many, f"{n} records match")):
        page.goto(site_url + f"en/achievements/index.html?{query}")
        page.locator(".directory.filters-ready").wait_for()
        assert page.get_by_role("status").inner_text() == expected


def test_the_search_page_says_1_record_matches_and_n_records_match(page, site_url, built_site):
    records = json.loads((built_site / "data/achievements.json").read_text(encoding="utf-8"))["records"]
    seen = set()
    for query in ["技术"] + [r["summary"]["zh"][:10] for r in records]:
        if seen == {True, False}:
            break
        page.goto(site_url + f"en/search.html?q={query}")
        status = page.get_by_role("status")
        status.filter(has_text=re.compile(r"^(At least )?\d+ records? (match|matches) ")).wait_for()
        text = status.inner_text()
        n = int(re.search(r"\d+", text).group())
        assert text.startswith(f"{n} record matches" if n == 1 else f"{n} records match") or text.startswith(
            f"At least {n} record matches" if n == 1 else f"At least {n} records match"
        ), text
        seen.add(n == 1)
    assert seen == {True, False}  # both forms were shown
