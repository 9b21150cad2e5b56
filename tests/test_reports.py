"""Supervision reports: half years from the plans, what each half added, data quality, the pages, the CLI and print."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from lxml import html
from test_progress import FILES, event, project

from registry.engine.checking import check
from registry.figures.reports import ADDED_KINDS, Half, period_report, plan_halves, plan_years, retrospective
from registry.model.public import public_view
from registry.pages.display import pace_text

D = dt.date.fromisoformat
REPO = Path(__file__).resolve().parent.parent


def registry_of(project_factory, files):
    result = check(project_factory(files))
    assert result.ok, "\n".join(map(str, result.problems))
    return result.registry


def achievement(id_, district_, reported, status_updated=None, **extra):
    text = (
        f"id: {id_}\nname: {{zh: 成果{id_}}}\ninstitute: inst-a\nfield: new-materials\nstage: research\n"
        f"summary: {{zh: 简介}}\ndistrict: {district_}\nreported: {reported}\nstatus: tracked\n"
    )
    text += f"status_updated: {status_updated}\n" if status_updated else ""
    return text + "".join(f"{key}: {value}\n" for key, value in extra.items())


def rows_of(table) -> list[list[str]]:
    return [[" ".join(c.text_content().split()) for c in tr.xpath("th|td")] for tr in table.xpath("./tbody/tr")]


# -- half years come from the plans -----------------------------------------------------------------------
def test_halves_span_the_plan_periods_and_stop_at_the_as_of_date(project):
    registry = registry_of(project, FILES)  # plans: 2016–2020, 2016, 2017
    halves = plan_halves(registry, D("2017-08-15"))
    assert [h.period for h in halves] == ["2016-h1", "2016-h2", "2017-h1"]  # 2017-h2 has not ended
    assert [h.period for h in plan_halves(registry, D("2017-12-31"))][-1] == "2017-h2"
    assert len(plan_halves(registry, D("2030-01-01"))) == 10
    assert plan_years(registry, D("2017-12-30")) == [2016]


def test_a_new_plan_file_brings_its_half_years(project):
    later = (
        FILES["records/plans/a2017.yaml"]
        .replace("id: a2017", "id: a2021")
        .replace("2017年计划", "下一计划")
        .replace("start: 2017-01-01", "start: 2021-01-01")
        .replace("end: 2017-12-31", "end: 2022-06-30")
    )
    registry = registry_of(project, {**FILES, "records/plans/a2021.yaml": later})
    assert [h.period for h in plan_halves(registry, D("2030-01-01"))][-3:] == ["2021-h1", "2021-h2", "2022-h1"]


def test_period_names_parse_strictly():
    assert Half.parse("2017-h1") == Half(2017, 1) and Half.parse("2017-H2") == Half(2017, 2)
    assert [Half.parse(text) for text in ("2017-h3", "2017h1", "17-h1", "2017-h1x", "")] == [None] * 5
    assert (Half(2016, 2).start, Half(2016, 2).end) == (D("2016-07-01"), D("2016-12-31"))


# -- what a half added --------------------------------------------------------------------------------------
BOUNDARY = {
    **FILES,
    "records/projects/p-h1-last.yaml": project("p-h1-last", "east", "2017-06-30"),
    "records/projects/p-h2-first.yaml": project("p-h2-first", "east", "2017-07-01"),
    "records/events/e-h1-first.yaml": event("e-h1-first", "east", "2017-01-01"),
    "records/achievements/a-h2.yaml": achievement("a-h2", "east", "2017-12-31"),
}


def added_in(report: dict, district_id: str) -> dict[str, list[str]]:
    (entry,) = [d for d in report["districts"] if d["district"] == district_id]
    return entry["added"]


def test_a_record_dated_in_a_half_is_added_in_that_half_and_no_other(project):
    registry = registry_of(project, BOUNDARY)
    halves = plan_halves(registry, D("2020-12-31"))
    reports = {h: period_report(registry, h.start, h.end) for h in halves}
    expected_half = {
        ("project", "p-h1-last"): "2017-h1",
        ("project", "p-h2-first"): "2017-h2",
        ("event", "e-h1-first"): "2017-h1",
        ("achievement", "a-h2"): "2017-h2",
        ("project", "p-start"): "2016-h1",
        ("project", "p-end"): "2020-h2",
        ("talent", "t-team"): "2017-h1",
        ("carrier", "c-lab-prov"): "2017-h1",
    }
    for (kind, record_id), period in expected_half.items():
        found = [
            h.period
            for h, report in reports.items()
            for entry in report["districts"]
            if record_id in entry["added"][kind]
        ]
        assert set(found) == {period}, (record_id, found)
    # outside every plan: in no half at all
    assert not any(
        "p-before" in e["added"]["project"] or "p-after" in e["added"]["project"]
        for r in reports.values()
        for e in r["districts"]
    )


def test_a_carrier_is_added_for_every_owner_and_counts_toward_each(project):
    registry = registry_of(project, FILES)
    report = period_report(registry, D("2017-01-01"), D("2017-06-30"))
    assert added_in(report, "departments")["carrier"] == ["c-coord"]
    assert added_in(report, "east")["carrier"] == ["c-coord"]
    assert added_in(report, "west")["carrier"] == ["c-self", "c-lab-prov"]  # by date


def test_cells_carry_what_was_added_in_the_period_and_behind_districts_come_first(project):
    registry = registry_of(project, FILES)
    report = period_report(registry, D("2018-01-01"), D("2018-06-30"))
    (five,) = [p for p in report["plans"] if p["id"] == "p5"]
    assert [p["id"] for p in report["plans"]] == ["p5"]  # the 2016 and 2017 plans do not overlap 2018
    (west,) = [r for r in five["rows"] if r["district"] == "west"]
    assert (west["cells"]["projects"]["actual"], west["cells"]["projects"]["added"]) == (2, 1)  # p-mid
    assert (west["cells"]["people"]["actual"], west["cells"]["people"]["added"]) == (5, 1)  # t-one
    assert five["totals"]["projects"]["added"] == 1
    order = [(d["district"], d["behind"]) for d in report["districts"]]
    behind = [d for d, b in order if b]
    assert order[: len(behind)] == [(d, True) for d in behind] and behind
    assert [d for d, b in order if not b] == [d for d in ("departments", "west", "east", "north") if d not in behind]


def test_data_quality_missing_fields_undated_records_and_stale_achievements(project):
    files = {
        **FILES,
        # reported 2016-06-30, never updated: at 2017-06-30 exactly a year, not over it; a day later it is
        "records/achievements/a-old.yaml": achievement(
            "a-old",
            "west",
            "2016-06-30",
            department="{zh: 化学系}",
            lead="{name: {zh: 张三}}",
            fit="{zh: 契合}",
            promotion="{zh: 推介}",
        ),
        "records/achievements/a-kept.yaml": achievement(
            "a-kept",
            "west",
            "2015-01-01",
            "2017-01-15",
            department="{zh: 系}",
            lead="{name: {zh: 李四}}",
            fit="{zh: 契合}",
            promotion="{zh: 推介}",
        ),
    }
    registry = registry_of(project, files)

    def quality(first, last):
        (west,) = [d for d in period_report(registry, D(first), D(last))["districts"] if d["district"] == "west"]
        return west["quality"]

    h1 = quality("2017-01-01", "2017-06-30")
    assert h1["stale"] == []
    assert h1["undated"] == [{"kind": "carrier", "id": "c-undated"}]  # in every report until it is dated
    assert {(m["kind"], m["id"]): m["fields"] for m in h1["missing"]} == {
        ("carrier", "c-self"): ["enterprise"],
        ("carrier", "c-lab-prov"): ["enterprise"],
        ("talent", "t-team"): ["enterprise", "role"],
    }
    later = quality("2017-07-01", "2017-07-01")
    assert later["stale"] == [{"id": "a-old", "updated": "2016-06-30"}]
    assert quality("2018-01-01", "2018-01-16")["stale"] == [
        {"id": "a-old", "updated": "2016-06-30"},
        {"id": "a-kept", "updated": "2017-01-15"},
    ]
    assert quality("2014-01-01", "2014-12-31")["stale"] == []  # nothing reported yet


# -- the built pages, shipped records --------------------------------------------------------------------
def _count_yaml(kind_folder: str, district_id: str, date_field: str, first: str, last: str, field: str = "district"):
    """An independent count straight from the YAML files, to check the page against."""
    count = 0
    for path in sorted((REPO / "records" / kind_folder).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        owners = data.get(field)
        owners = owners if isinstance(owners, list) else [owners]
        when = str(data.get(date_field, ""))
        if district_id in owners and first <= when <= last:
            count += 1
    return count


def test_half_year_report_numbers_for_the_shipped_records(built_site):
    doc = html.parse(str(built_site / "reports" / "2017-h1.html")).getroot()
    # the half ended before the policy of 8 September 2017 set up the supervision: retrospective statistics
    assert doc.xpath("string(//h1)") == "大院大所合作情况回溯统计（2017年上半年）"
    assert doc.xpath("string(//p[contains(@class, 'retro-note')])").startswith(
        "这一期间在目标印发（2017年9月8日）之前已经结束，当时还没有半年督查制度。"
    )
    meta = {
        dt_.text_content(): dd.text_content()
        for dt_, dd in zip(
            doc.xpath("//dl[@class='report-meta']//dt"), doc.xpath("//dl[@class='report-meta']//dd"), strict=True
        )
    }
    assert meta["统计截至"] == "2017年6月30日" and meta["统计期间"] == "2017年1月1日–2017年6月30日"

    (section,) = doc.xpath("//section[@id='d-kaifaqu']")
    tables = section.xpath(".//table")
    assert [t.xpath("string(caption/a)") for t in tables] == ["“十三五”期间目标任务", "2017年主要任务指标"]
    assert [th.text_content() for th in tables[0].xpath("thead//th")] == [
        "指标",
        "目标",
        "期末完成",
        "完成率",
        "按进度应完成",
        "本期新增",
        "状态",
    ]
    # every shipped project, event and talent is a sample: each figure says so beside it
    assert rows_of(tables[0]) == [
        ["项目合作（项）", "60", "2 其中示例 2", "3%", "18", "1 其中示例 1", "! 进度落后"],
        ["对接活动（次）", "50", "2 其中示例 2", "4%", "15", "1 其中示例 1", "! 进度落后"],
        ["人才团队（个）", "10", "1 其中示例 1", "10%", "3", "0", "! 进度落后"],
        ["载体建设（个）", "5", "0", "0%", "1.5", "0", "! 进度落后"],
        ["省级以上重点实验室（个） 其中数", "1", "0", "0%", "0.3", "0", "! 进度落后"],
    ]
    assert rows_of(tables[1])[0] == [
        "校企合作项目数（项）",
        "20",
        "1 其中示例 1",
        "5%",
        "10",
        "1 其中示例 1",
        "! 进度落后",
    ]
    # the same figures counted independently from the YAML files
    assert rows_of(tables[0])[0][2].split()[0] == str(
        _count_yaml("projects", "kaifaqu", "signed", "2016-01-01", "2017-06-30")
    )
    assert rows_of(tables[0])[0][5].split()[0] == str(
        _count_yaml("projects", "kaifaqu", "signed", "2017-01-01", "2017-06-30")
    )
    assert rows_of(tables[0])[1][2].split()[0] == str(
        _count_yaml("events", "kaifaqu", "start", "2016-01-01", "2017-06-30")
    )

    added = {
        h4.text_content(): [(a.get("href"), a.text_content()) for a in h4.getnext().xpath(".//a")]
        for h4 in section.xpath(".//h4")
    }
    assert added == {
        "合作项目（1）": [("../projects/display-driver-joint-lab.html", "新型显示驱动技术联合实验室")],
        "对接活动（1）": [("../events/2017-kaifaqu-ic-roadshow.html", "开发区集成电路项目路演")],
        "科技成果（1）": [("../achievements/low-power-iot-rf-frontend.html", "低功耗物联网芯片射频前端设计技术")],
    }
    assert section.xpath("string(.//p[contains(@class, 'indicator')])").strip() == (
        "! 已明确 0 家长期合作单位，政策要求 5 家以上，还差 5 家。另有 3 家示例（虚构）单位未计入：示例不能满足政策要求。"
    )

    (summary,) = doc.xpath("//section[@class='report-summary']")
    assert rows_of(summary.xpath(".//table")[0])[0] == [
        "项目合作（项）",
        "300",
        "7 其中示例 7",
        "2%",
        "90",
        "4 其中示例 4",
        "! 进度落后",
    ]


def test_every_dated_record_is_listed_in_exactly_the_half_that_contains_its_date(built_site, shipped):
    registry = public_view(check(shipped).registry)
    listed: dict[str, list[str]] = {}
    for page in sorted((built_site / "reports").glob("20*-h*.html")):
        doc = html.parse(str(page)).getroot()
        for a in doc.xpath("//ul[@class='added']//a"):
            listed.setdefault(a.get("href").removeprefix("../"), []).append(page.stem)
    date_fields = {
        "project": "signed",
        "event": "start",
        "talent": "date",
        "carrier": "established",
        "achievement": "reported",
    }
    folders = {
        "project": "projects",
        "event": "events",
        "talent": "talents",
        "carrier": "carriers",
        "achievement": "achievements",
    }
    checked = 0
    for kind in ADDED_KINDS:
        for record in registry.all(kind):
            date = record.get(date_fields[kind])
            owners = {record.get("district"), record.get("coordinated_by")} - {None}
            url = f"{folders[kind]}/{record.id}.html"
            if not date or not owners or not "2016-01-01" <= date <= "2020-12-31":
                assert url not in listed
                continue
            half = f"{date[:4]}-h{1 if date[5:7] <= '06' else 2}"
            assert set(listed[url]) == {half}, url
            assert len(listed[url]) == len(owners)  # once per owning district, in that half only
            checked += 1
    assert checked >= 60


def test_reports_index_and_district_cards(built_site):
    doc = html.parse(str(built_site / "reports" / "index.html")).getroot()
    halves = [a.get("href") for a in doc.xpath("//a") if re.fullmatch(r"20\d\d-h[12]\.html", a.get("href") or "")]
    assert halves == [f"{y}-h{h}.html" for y in range(2016, 2021) for h in (1, 2)]
    nav = [a.text_content() for a in doc.xpath("//nav[contains(@class, 'mainnav')]//a[@aria-current]")]
    assert nav == ["督查报告"]

    district_page = html.parse(str(built_site / "districts" / "kaifaqu.html")).getroot()
    cards = [(a.get("href"), a.text_content()) for a in district_page.xpath("//section[@class='report-links']//a")]
    assert cards == [(f"../reports/districts/kaifaqu-{y}.html", f"{y}年度报告卡") for y in range(2016, 2021)]

    card = html.parse(str(built_site / "reports" / "districts" / "kaifaqu-2017.html")).getroot()
    assert card.xpath("string(//h1)") == "开发区2017年度大院大所合作报告卡"
    tables = card.xpath("//table")
    assert rows_of(tables[1])[0] == [
        "校企合作项目数（项）",
        "20",
        "1 其中示例 1",
        "5%",
        "20",
        "1 其中示例 1",
        "! 未完成",
    ]
    added = {r[0]: r[1:] for r in rows_of(tables[-1])}
    assert added["合作项目"] == ["1 其中示例 1", "0", "1 其中示例 1"]
    assert added["科技成果"] == ["1 其中示例 1", "0", "1 其中示例 1"]


def test_halves_before_the_targets_were_issued_are_retrospective_statistics_not_supervision(built_site):
    index = html.parse(str(built_site / "reports" / "index.html")).getroot()
    links = {
        a.get("href"): a.text_content()
        for a in index.xpath("//main//ul[@class='inline-links']/li/a")
        if "districts/" not in a.get("href")
    }
    assert links["2016-h1.html"] == "2016年上半年（回溯统计）"
    assert links["2017-h1.html"] == "2017年上半年（回溯统计）"
    assert links["2017-h2.html"] == "2017年下半年"  # the policy was issued on 8 September 2017, inside this half
    assert links["2020-h2.html"] == "2020年下半年"
    later = html.parse(str(built_site / "reports" / "2017-h2.html")).getroot()
    assert later.xpath("string(//h1)") == "大院大所合作工作督查报告（2017年下半年）"
    assert not later.xpath("//p[contains(@class, 'retro-note')]")
    card = html.parse(str(built_site / "reports" / "districts" / "kaifaqu-2016.html")).getroot()
    assert card.xpath("string(//h1)") == "开发区2016年度大院大所合作报告卡（回溯统计）"
    assert card.xpath("//p[contains(@class, 'retro-note')]")
    card = html.parse(str(built_site / "reports" / "districts" / "kaifaqu-2017.html")).getroot()
    assert card.xpath("string(//h1)") == "开发区2017年度大院大所合作报告卡"
    assert [
        " ".join(th.text_content().split()) for th in card.xpath("//caption[@id='added-caption']/../thead//th")
    ] == ["类别", "2017年上半年（回溯统计）", "2017年下半年", "全年"]


def test_a_period_is_retrospective_only_if_every_plan_running_in_it_was_issued_after_it(project):
    issued = {
        path: text.replace("\nend: ", "\nissued: 2017-09-08\nend: ")
        for path, text in FILES.items()
        if path.startswith("records/plans/")
    }
    registry = registry_of(project, {**FILES, **issued})
    assert retrospective(registry, D("2016-01-01"), D("2016-06-30")) == D("2017-09-08")
    assert retrospective(registry, D("2017-01-01"), D("2017-06-30")) == D("2017-09-08")
    assert retrospective(registry, D("2017-07-01"), D("2017-12-31")) is None  # issued inside the half
    assert period_report(registry, D("2016-07-01"), D("2016-12-31"))["retrospective"] == "2017-09-08"
    assert period_report(registry, D("2018-01-01"), D("2018-06-30"))["retrospective"] is None


def test_a_plan_that_does_not_say_when_it_was_issued_claims_nothing(project):
    registry = registry_of(project, FILES)  # the test plans have no `issued`
    assert retrospective(registry, D("2016-01-01"), D("2016-06-30")) is None


def test_only_halves_ended_by_the_as_of_date_are_built(shipped, run):
    result = run("--root", str(shipped), "build", "--as-of", "2017-08-15")
    assert result.code == 0, result
    built = sorted(p.name for p in (shipped / "public" / "reports").glob("*.html"))
    assert built == ["2016-h1.html", "2016-h2.html", "2017-h1.html", "index.html"]
    assert sorted(p.name for p in (shipped / "public" / "reports" / "districts").glob("kaifaqu-*.html")) == [
        "kaifaqu-2016.html"
    ]


# -- build.py report --------------------------------------------------------------------------------------
def test_report_command_prints_the_page_figures_as_markdown(shipped, run, built_site):
    result = run("--root", str(shipped), "report", "2017-h1", "--format", "markdown")
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[0] == "# 昆山市大院大所合作登记簿 · 大院大所合作情况回溯统计（2017年上半年）"
    assert lines[5].startswith("这一期间在目标印发（2017年9月8日）之前已经结束")
    md_rows = [
        [c.strip() for c in line.strip("|").split("|")]
        for line in lines
        if line.startswith("| ") and not line.startswith(("| 指标", "| ---"))
    ]
    doc = html.parse(str(built_site / "reports" / "2017-h1.html")).getroot()
    page_rows = [
        [re.sub(r"^(\d+) (其中示例 \d+)$", r"\1（\2）", re.sub(r"^[!✓→–] ", "", c)) for c in row]
        for t in doc.xpath("//table")
        for row in rows_of(t)
    ]
    assert md_rows == page_rows  # every table of the page, in order, with the same figures
    headings = [line[3:] for line in lines if line.startswith("## ")]
    page_h2 = [" ".join(h.text_content().split()) for h in doc.xpath("//h2")]
    assert headings[0] == page_h2[0] == "全市概况"
    assert [h.replace("（进度落后）", "") for h in headings[1:]] == [h.replace(" 进度落后", "") for h in page_h2[1:]]
    assert "- 2017年2月28日 新型显示驱动技术联合实验室 【示例】" in lines


def test_report_command_in_english_prints_the_english_page_figures(shipped, run, built_site):
    result = run("--root", str(shipped), "report", "2017-h1", "--format", "markdown", "--lang", "en")
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[0] == (
        "# Kunshan Registry of Cooperation with Universities and Research Institutes · Retrospective statistics on "
        "cooperation with universities and research institutes, first half of 2017"
    )
    assert lines[2] == "Period: 1 January 2017–30 June 2017  "
    assert not re.search(r"[\u4e00-\u9fff（），：、【】]", result.out)  # the shipped records all give English
    md_rows = [
        [c.strip() for c in line.strip("|").split("|")]
        for line in lines
        if line.startswith("| ") and not line.startswith(("| Metric", "| ---"))
    ]
    doc = html.parse(str(built_site / "en" / "reports" / "2017-h1.html")).getroot()
    page_rows = [
        [
            re.sub(r"^(\d+) (\d+ of them (?:is a sample|are samples))$", r"\1 (\2)", re.sub(r"^[!✓→–] ", "", c))
            for c in row
        ]
        for t in doc.xpath("//table")
        for row in rows_of(t)
    ]
    assert md_rows == page_rows
    assert "- 28 February 2017 Joint laboratory for new display driver technology [Sample]" in lines
    assert run("--root", str(shipped), "report", "2017-h1", "--lang", "fr").code == 2


def test_report_command_text_and_usage_errors(shipped, run):
    text = run("--root", str(shipped), "report", "2017-h1")
    assert text.code == 0, text
    assert "【2017年上半年新增】" in text.out and "| " not in text.out
    bad = run("--root", str(shipped), "report", "2017-h3")
    assert bad.code == 2
    assert "report 2017-h3: 没有这一半年的报告 / no report for this half year" in bad.err
    assert "2016-h1, 2016-h2, 2017-h1" in bad.err
    early = run("--root", str(shipped), "report", "2017-h2", "--as-of", "2017-08-15")
    assert early.code == 2 and early.err.rstrip().endswith("2016-h1, 2016-h2, 2017-h1")
    assert run("--root", str(shipped), "report", "2017-h1", "--as-of", "2017-13-01").code == 2


# -- print: a real Chromium print-to-PDF ------------------------------------------------------------------
def _pdf_pages(page, url: str) -> list[str]:
    from io import BytesIO

    from pypdf import PdfReader

    page.goto(url)
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    # Chromium's CJK fonts map some characters to Kangxi radicals (⼭ for 山); NFKC folds them back
    return [unicodedata.normalize("NFKC", p.extract_text() or "") for p in PdfReader(BytesIO(pdf)).pages]


def _same_text(pdf_text: str, text: str) -> bool:
    """Equal, except that a CJK radical-supplement character (⻔ for 门, which NFKC leaves alone) matches anything."""
    return len(pdf_text) == len(text) and all(
        a == b or 0x2E80 <= ord(a) <= 0x2EFF for a, b in zip(pdf_text, text, strict=True)
    )


def test_half_year_report_prints_a_page_per_district(page, site_url, built_site):
    pytest.importorskip("pypdf")
    pages = _pdf_pages(page, site_url + "reports/2017-h1.html")
    doc = html.parse(str(built_site / "reports" / "2017-h1.html")).getroot()
    names = [
        " ".join(h.text_content().split()).replace(" 进度落后", "")
        for h in doc.xpath("//section[contains(@class, 'report-district')]/h2")
    ]
    assert len(names) == 12
    assert pages[0].startswith("演示数据"), "a printed report from a site with samples says so at its top"
    assert "大院大所合作情况回溯统计(2017年上半年)" in pages[0].splitlines()[:5]
    # each district starts a page of its own, headed by its name, in the page's order
    heads = [text.splitlines()[0].split(" ")[0] for text in pages]
    starts = [i for i, head in enumerate(heads) if any(_same_text(head, name) for name in names)]
    assert len(starts) == len(names)
    assert all(_same_text(heads[i], name) for i, name in zip(starts, names, strict=True))
    assert starts[0] >= 1  # the overview comes first
    per_district = [b - a for a, b in zip(starts, [*starts[1:], len(pages)], strict=True)]
    assert per_district == [1] * 12  # the shipped records fit one A4 page per district


def test_district_report_card_prints_on_one_page(page, site_url):
    pytest.importorskip("pypdf")
    pages = _pdf_pages(page, site_url + "reports/districts/gaoxinqu-2017.html")
    assert len(pages) == 1
    assert "高新区2017年度大院大所合作报告卡" in pages[0]


@pytest.mark.parametrize(
    ("expected", "target", "shown"),
    [
        (17.96, 60, "18"),
        (120.03, 300, "121"),
        (120.0, 300, "120"),
        (0.8, 1, "0.8"),
        (0.81, 1, "0.9"),
        (1.5, 5, "1.5"),
        (4.0, 5, "4"),
        (1234.5, 3000, "1,235"),
        (0.0, 10, "0"),
    ],
)
def test_what_is_due_is_shown_as_people_say_it_and_never_below_the_exact_figure(expected, target, shown):
    assert pace_text(expected, target) == shown
    # a whole count reaches the exact figure exactly when it reaches the one shown: status and figure agree
    assert all((n >= expected) == (n >= float(shown.replace(",", ""))) for n in range(0, 3001))


def test_every_due_figure_on_the_report_pages_is_whole_or_has_one_decimal_under_a_small_target(built_site):
    seen = 0
    for path in sorted((built_site / "reports").glob("20*.html")):
        doc = html.parse(str(path)).getroot()
        for row in doc.xpath("//table[contains(@class, 'report-table')]/tbody/tr"):
            cells = [c.text_content().strip() for c in row.xpath("td")]
            target, due = int(cells[0].replace(",", "")), cells[3]
            assert re.fullmatch(r"[\d,]+" if target >= 10 else r"\d+(\.\d)?", due), (path.name, cells)
            seen += 1
    assert seen > 100
