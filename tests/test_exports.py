"""Open data: every download parses, matches the records, keeps private values out, and is byte-identical per build."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import lxml.html
import openpyxl
import pytest
from conftest import build_elsewhere, make_project
from jsonschema import Draft202012Validator

import build
from registry import KINDS, folder_of
from registry.engine.checking import check
from registry.figures.progress import compute_progress
from registry.model.public import private_values, public_view
from registry.outputs.exports import dumps
from registry.outputs.tables import FORMULA_START, columns, csv_bytes

BASE_URL = "https://dyds.example.gov.cn/registry/"


def build_into(root: Path, out: Path) -> Path:
    assert build.main(["--root", str(root), "build", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def shipped_root(tmp_path_factory) -> Path:
    """The shipped records with a published address set in site.yaml (for feeds and the sitemap)."""
    root = make_project(tmp_path_factory.mktemp("exports") / "project", {}, with_shipped_records=True)
    site = root / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + f"base_url: {BASE_URL}\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def out(shipped_root) -> Path:
    return build_into(shipped_root, shipped_root.parent / "out")


@pytest.fixture(scope="module")
def checked(shipped_root):
    result = check(shipped_root)
    assert result.ok
    return result


def record_count(root: Path, kind: str) -> int:
    return len(list((root / "records" / folder_of(kind)).glob("*.yaml")))


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} has no UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_every_json_download_validates_against_the_published_export_schema(out, shipped_root):
    schema = json.loads((out / "data" / "export.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    files = sorted(p for p in (out / "data").glob("*.json") if p.name not in ("export.schema.json", "datapackage.json"))
    assert len(files) == len(KINDS) + 1 + 2  # per kind, the whole registry, two plans' progress
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        errors = [e.message for e in validator.iter_errors(data)]
        assert errors == [], f"{path.name}: {errors[:3]}"
        assert data["version"] == 1
    whole = json.loads((out / "data" / "registry.json").read_text(encoding="utf-8"))
    for kind in KINDS:
        per_kind = json.loads((out / "data" / f"{folder_of(kind)}.json").read_text(encoding="utf-8"))
        assert per_kind["count"] == len(per_kind["records"]) == record_count(shipped_root, kind)
        assert whole["records"][kind] == per_kind["records"]
        assert [r["id"] for r in per_kind["records"]] == sorted(r["id"] for r in per_kind["records"])


def test_the_export_schema_refuses_a_private_field(out):
    schema = json.loads((out / "data" / "export.schema.json").read_text(encoding="utf-8"))
    data = json.loads((out / "data" / "achievements.json").read_text(encoding="utf-8"))
    data["records"][0]["contact_phone"] = "0512-5000 0005"
    assert not Draft202012Validator(schema).is_valid(data)


def test_json_keys_are_sorted_and_the_shape_is_stable(out):
    text = (out / "data" / "institutes.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert list(data) == ["as_of", "count", "kind", "records", "version"]
    assert text == json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
    assert "沈自所" in text  # real characters, not \\u escapes


@pytest.mark.parametrize(
    "value",
    [
        {"b": [], "a": {}, "z": {"y": [1, 2.5, -0.0, 0.1, 87.5, 123456789.125, 1e16, True, None]}, "中": "沈自所"},
        {"text": 'tab\tnew\nline\x00\x1f\x7f \u2028\u2029 "q" \\ / \U0001f600 \ufeff', "n": 2**63 - 1, "m": -(2**63)},
        {"big": 2**70, "x": 1.5},  # beyond 64 bits: written by the standard library, in the same format
        [],
        {},
        "x",
        0,
    ],
)
def test_json_bytes_are_the_standard_librarys_with_an_indent_of_two(value):
    assert dumps(value) == (json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def test_json_spells_a_tiny_float_without_a_zero_in_its_exponent():
    assert dumps([1e-7]) == b"[\n  1e-7\n]\n" and json.loads(dumps([1e-7])) == [1e-7]  # the standard library: 1e-07


@pytest.mark.parametrize("suffix, lang", [(".csv", "zh"), (".en.csv", "en")])
def test_csv_per_kind_has_a_bom_the_schema_headers_and_one_row_per_record(out, shipped_root, checked, suffix, lang):
    for kind in KINDS:
        rows = read_csv(out / "data" / f"{folder_of(kind)}{suffix}")
        expected = [getattr(c, lang) for c in columns(checked.schemas, kind)]
        assert rows[0] == expected
        assert len(rows) - 1 == record_count(shipped_root, kind)
        assert all(len(row) == len(expected) for row in rows)
    header = read_csv(out / "data" / f"achievements{suffix}")[0]
    assert ("科技成果名称" if lang == "zh" else "Name of the achievement") in header
    assert not any("联系电话" in h or "Contact phone" in h or "填报人" in h or "Reporter" in h for h in header)


def test_csv_cells_are_the_records_values_with_labels_and_names(out):
    rows = read_csv(out / "data" / "achievements.csv")
    table = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    graphene = next(r for r in table if r["编号"] == "graphene-thermal-film")
    assert graphene["科技成果名称"].startswith("高导热石墨烯")
    assert graphene["科技成果所属领域"] == "新材料"
    assert graphene["填报时间"] and graphene["大院大所名称（编号）"]
    en_rows = read_csv(out / "data" / "achievements.en.csv")
    en = next(dict(zip(en_rows[0], r, strict=True)) for r in en_rows[1:] if r[0] == "graphene-thermal-film")
    assert en["Field of application"] == "New materials"


def test_csv_cells_that_look_like_formulas_are_neutralised(project, tmp_path):
    institute = """\
        id: x-uni
        name: {zh: "=HYPERLINK(\\"http://evil\\",\\"点我\\")", en: "+SUM(1,2)"}
        aliases: ["@cmd", "-2+3", "普通"]
        type: university
        country: CN
        """
    root = project({"records/institutes/x-uni.yaml": institute})
    out = build_into(root, tmp_path / "out")
    rows = read_csv(out / "data" / "institutes.csv")
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["名称"] == '\'=HYPERLINK("http://evil","点我")'
    assert row["名称（英文）"] == "'+SUM(1,2)"
    assert row["简称"] == "'@cmd、-2+3、普通"
    # A record cannot start a text with a tab or CR (check refuses it), but the writer neutralises them all the same.
    assert list(csv.reader(io.StringIO(csv_bytes(["h"], [["\tTab"], ["\rCR"]]).decode("utf-8-sig"), newline=""))) == [
        ["h"],
        ["'\tTab"],
        ["'\rCR"],
    ]
    # JSON and XLSX keep the text exactly: XLSX writes it as a string cell, never as a formula.
    book = openpyxl.load_workbook(out / "data" / "registry.xlsx")
    cell = book["大院大所"]["B2"]
    assert cell.value == '=HYPERLINK("http://evil","点我")' and cell.data_type == "s"


def test_xlsx_has_a_sheet_per_kind_with_every_record(out, shipped_root, checked):
    book = openpyxl.load_workbook(out / "data" / "registry.xlsx", read_only=True)
    names = ["区镇", "大院大所", "目标计划", "科技成果", "对接活动", "合作项目", "人才团队", "创新载体"]
    assert book.sheetnames == names
    for kind, name in zip(KINDS, names, strict=True):
        rows = list(book[name].iter_rows(values_only=True))
        assert list(rows[0]) == [c.zh for c in columns(checked.schemas, kind)]
        assert len(rows) - 1 == record_count(shipped_root, kind)


def test_every_sheet_holds_the_rows_of_the_chinese_csv(out):
    # One pass makes both: a cell the CSV neutralised (a leading = + - @) is plain text in the workbook.
    book = openpyxl.load_workbook(out / "data" / "registry.xlsx", read_only=True)
    for kind, sheet in zip(KINDS, book.worksheets, strict=True):
        rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        expected = read_csv(out / "data" / f"{folder_of(kind)}.csv")
        assert [[("'" + v if v.startswith(FORMULA_START) else v) for v in row] for row in rows] == expected, kind


def test_the_workbook_carries_no_clock_time(out):
    with zipfile.ZipFile(out / "data" / "registry.xlsx") as archive:
        # XlsxWriter dates every part the same day of 1980 (31 January when it zips from temporary files).
        dates = {info.date_time for info in archive.infolist()}
        assert len(dates) == 1 and dates.pop()[0] == 1980
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert "2020-12-31T00:00:00Z" in core  # the as-of date, not the time of the build


def test_every_export_feed_and_index_is_byte_identical_across_builds(shipped_root, tmp_path):
    # Built in two separate processes with different string hashes: an export written in set order shows here.
    out, again = (
        build_elsewhere(shipped_root, tmp_path / "first", "1"),
        build_elsewhere(shipped_root, tmp_path / "again", "2"),
    )
    for sub in ("data", "search"):
        first = {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / sub).rglob("*") if p.is_file()}
        second = {p.relative_to(again).as_posix(): p.read_bytes() for p in (again / sub).rglob("*") if p.is_file()}
        assert first.keys() == second.keys()
        assert [k for k in first if first[k] != second[k]] == []
    for name in ("feed.xml", "events.ics", "sitemap.xml", "robots.txt"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_no_private_value_in_any_download_feed_or_index(out, checked):
    secrets = [v for v in private_values(checked.registry) if len(v) >= 2]
    assert secrets, "the shipped records hold private values to look for"
    texts = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.suffix != ".html"):
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path, read_only=True)
            texts[path.name] = "\n".join(
                str(v) for s in book for row in s.iter_rows(values_only=True) for v in row if v
            )
        else:
            texts[path.relative_to(out).as_posix()] = path.read_bytes().decode("utf-8", errors="replace")
    assert any(name.startswith("search/") for name in texts) and "registry.xlsx" in texts
    leaks = [(name, secret) for name, text in texts.items() for secret in secrets if secret in text]
    assert leaks == []


def test_progress_per_plan_matches_the_computed_progress(out, checked):
    data = json.loads((out / "data" / "progress-2016-2020.json").read_text(encoding="utf-8"))
    plan = next(
        p for p in compute_progress(public_view(checked.registry), dt.date(2020, 12, 31)) if p["id"] == "2016-2020"
    )
    for row in plan["rows"]:
        for metric, cell in row["cells"].items():
            exported = next(r for r in data["rows"] if (r["district"], r["metric"]) == (row["district"], metric))
            assert (
                exported["target"],
                exported["actual"],
                exported["samples"],
                exported["percent"],
                exported["status"],
            ) == (cell["target"], cell["actual"], cell["samples"], cell["percent"], cell["status"])
    totals = {r["metric"]: r["target"] for r in data["rows"] if r["district"] == "total"}
    assert [totals[m] for m in ("projects", "events", "talents", "carriers")] == [300, 250, 40, 25]
    rows = read_csv(out / "data" / "progress-2016-2020.csv")
    assert rows[0] == [
        "区镇编号",
        "区镇",
        "指标编号",
        "指标",
        "目标",
        "实际完成",
        "其中示例",
        "完成率（%）",
        "按进度应完成",
        "状态代码",
        "状态",
    ]
    assert len(rows) - 1 == len(data["rows"])
    en = read_csv(out / "data" / "progress-2016-2020.en.csv")
    assert en[0][:7] == ["District id", "District", "Metric id", "Metric", "Target", "Actual", "Of which samples"]
    kaifaqu = [r for r in rows[1:] if r[0] == "kaifaqu"]
    assert kaifaqu and all(r[9] in ("achieved", "on-track", "behind", "not-started") for r in kaifaqu)
    assert any(int(r[6]) > 0 for r in kaifaqu), "the shipped sample projects count toward kaifaqu"


def test_data_dictionary_lists_every_public_field_and_no_private_one(out, checked):
    page = lxml.html.fromstring((out / "data" / "dictionary.html").read_bytes())
    for kind in KINDS:
        section = page.get_element_by_id(f"kind-{kind}").getparent()
        names = {" ".join(th.text_content().split()) for th in section.xpath(".//tbody/tr/th")}
        for name in checked.schemas.properties(kind):
            private = checked.schemas.is_private(kind, (name,))
            assert (name in names) != private, f"{kind}.{name}"
    text = page.text_content()
    assert "中文不超过 500 字" in text and "小批量生产阶段" in text and "contact_phone" not in text


def test_directory_record_and_data_pages_link_to_the_downloads(out):
    def links(rel: str) -> set[str]:
        return set(lxml.html.fromstring((out / rel).read_bytes()).xpath("//a/@href"))

    assert "../data/achievements.json" in links("achievements/index.html")
    assert "../../data/achievements.csv" in links("achievements/field/new-materials.html")
    assert {"../data/institutes.csv", "../data/registry.xlsx"} <= links("institutes/cas-sia.html")
    assert "../data/achievements.en.csv" in links("achievements/graphene-thermal-film.html")
    data_links = links("data/index.html")
    for target in (
        "registry.json",
        "registry.xlsx",
        "export.schema.json",
        "datapackage.json",
        "dictionary.html",
        "progress-2017.csv",
        "../feed.xml",
        "../events.ics",
        "../sitemap.xml",
    ):
        assert target in data_links
        assert (out / "data" / target).resolve().exists()


def test_csv_and_xlsx_cells_hold_markdown_as_plain_text_and_the_json_keeps_the_source(out):
    rows = read_csv(out / "data" / "achievements.csv")
    table = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    battery = table["lfp-battery-thermal-runaway-warning"]["科技成果及研发团队简介"]
    assert "锂电池安全问题" in battery and "*" not in battery
    bearings = table["precision-ceramic-bearing-balls"]["科技成果及研发团队简介"]
    assert "新材料部件" in bearings and "**" not in bearings
    records = json.loads((out / "data" / "achievements.json").read_text(encoding="utf-8"))["records"]
    source = next(r for r in records if r["id"] == "lfp-battery-thermal-runaway-warning")["summary"]["zh"]
    assert "**锂电池**" in source  # the JSON download is the record as written
    book = openpyxl.load_workbook(out / "data" / "registry.xlsx", read_only=True)
    cells = [str(v) for row in book["科技成果"].iter_rows(values_only=True) for v in row if v]
    assert battery in cells and not any("**" in cell for cell in cells)


def test_markdown_becomes_readable_text_with_link_targets_in_brackets(project, tmp_path):
    summary = (
        "**主要特点**：*耐高温*、`SiC`。详见[技术报告](https://example.org/report.pdf)，或写信 <office@example.org>。\\n\\n"
        "- 寿命长\\n- 成本低\\n\\n1. 试制\\n2. 量产\\n\\n"
        "| 指标 | 数值 |\\n| --- | --- |\\n| 导热 | 1500 |\\n\\n"
        "See the [report](https://example.org/en) <b>now</b>."
    )
    institute = f"""\
        id: x-uni
        name: {{zh: 某大学, en: Some University}}
        type: university
        country: CN
        summary: {{zh: "{summary}", en: "A **bold** [link](https://example.org/a) and _more_."}}
        """
    out = build_into(project({"records/institutes/x-uni.yaml": institute}), tmp_path / "out")
    zh_rows, en_rows = read_csv(out / "data" / "institutes.csv"), read_csv(out / "data" / "institutes.en.csv")
    zh = dict(zip(zh_rows[0], zh_rows[1], strict=True))
    assert zh["简介"] == (
        "主要特点：耐高温、SiC。详见技术报告（https://example.org/report.pdf），或写信 office@example.org。\n"
        "• 寿命长\n• 成本低\n1. 试制\n2. 量产\n指标 | 数值\n导热 | 1500\n"
        "See the report（https://example.org/en） now."
    )
    assert zh["简介（英文）"] == "A bold link (https://example.org/a) and more."
    en = dict(zip(en_rows[0], en_rows[1], strict=True))
    assert en["Profile"] == zh["简介（英文）"] and en["Profile (Chinese)"] == zh["简介"]
    data = json.loads((out / "data" / "institutes.json").read_text(encoding="utf-8"))["records"][0]
    assert data["summary"]["en"] == "A **bold** [link](https://example.org/a) and _more_."
    # The data dictionary says which form each download holds.
    page = lxml.html.fromstring((out / "data" / "dictionary.html").read_bytes())
    row = page.xpath("//section[h2[@id='kind-institute']]//tr[th/code='summary']")[0]
    assert "JSON 中为 Markdown 原文，CSV 和 Excel 中为纯文本" in row.text_content()


LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


def test_the_licence_is_linked_from_every_footer_and_stated_in_registry_json_and_the_workbook(out):
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 400
    for path in pages:
        links = lxml.html.fromstring(path.read_bytes()).xpath("//footer//a[@rel='license']")
        english = path.relative_to(out).parts[0] == "en"
        name = "Creative Commons Attribution 4.0 (CC BY 4.0)" if english else "知识共享 署名 4.0（CC BY 4.0）"
        assert [(a.get("href"), a.text_content()) for a in links] == [(LICENCE_URL, name)], path
    data_page = lxml.html.fromstring((out / "data" / "index.html").read_bytes())
    assert data_page.xpath("//main//a[@rel='license']/@href") == [LICENCE_URL]
    whole = json.loads((out / "data" / "registry.json").read_text(encoding="utf-8"))
    assert whole["licence"] == {
        "id": "CC-BY-4.0",
        "name": {"zh": "知识共享 署名 4.0（CC BY 4.0）", "en": "Creative Commons Attribution 4.0 (CC BY 4.0)"},
        "url": LICENCE_URL,
    }
    book = openpyxl.load_workbook(out / "data" / "registry.xlsx")
    assert LICENCE_URL in book.properties.description and "CC BY 4.0" in book.properties.description
    assert book.properties.creator == "昆山市大院大所工作领导小组办公室（设在市科技局）"
    custom = {prop.name: prop.value for prop in book.custom_doc_props.props}
    assert custom["licence-url"] == LICENCE_URL and custom["licence-id"] == "CC-BY-4.0"


def test_without_a_licence_in_site_yaml_none_is_claimed(project, tmp_path):
    out = build_into(project(), tmp_path / "out")  # the minimal site.yaml sets no licence
    assert lxml.html.fromstring((out / "index.html").read_bytes()).xpath("//a[@rel='license']") == []
    assert "licence" not in json.loads((out / "data" / "registry.json").read_text(encoding="utf-8"))
    assert openpyxl.load_workbook(out / "data" / "registry.xlsx").custom_doc_props.props == []
