"""The policy's own figures and labels (tests/fixtures/policy-163.yaml, typed in by hand) against the schemas, the
plans, the district records and the rendered pages; and its counting rules, as the registry applies them.

Each comparison returns the mismatches it finds, so the same function is run over the shipped project (no
mismatch) and over a copy with a wrong label or number (the mismatch is named): a wrong figure fails CI.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import lxml.html
import pytest
import yaml
from conftest import REPO, make_project

import build
from registry.engine.checking import check
from registry.figures.figures import compute_figures
from registry.figures.progress import compute_progress, partner_indicator
from registry.figures.reports import plan_halves, retrospective
from registry.model.public import published
from registry.pages.catalogue import Catalogue, load_messages
from registry.pages.plan import SitePlan
from registry.pages.render import Renderer
from registry.pages.urls import route_of
from registry.records.record import Registry
from registry.records.schemas import SchemaSet

POLICY = yaml.safe_load((Path(__file__).parent / "fixtures" / "policy-163.yaml").read_text(encoding="utf-8"))
COLUMNS = ("projects", "events", "talents", "carriers")


def words(element) -> str:
    return " ".join(element.text_content().split())


def page(out: Path, rel: str):
    return lxml.html.fromstring((out / rel).read_bytes())


# -- the comparisons -------------------------------------------------------------------------------------------
def schema_mismatches(schemas: SchemaSet) -> list[str]:
    """Annex 1's labels, options, limits and private cells; the carrier and event types the document names."""
    out = []
    annex1 = POLICY["annex1"]
    for field, label in annex1["labels"].items():
        path = tuple(field.split("."))
        title = (schemas.at("achievement", path) or {}).get("title")
        if title != label:
            out.append(f"achievement.{field}: title {title!r}, Annex 1 says {label!r}")
        if schemas.is_private("achievement", path) != (field in annex1["private"]):
            out.append(f"achievement.{field}: private is {schemas.is_private('achievement', path)}")
    for field, limit in annex1["limits"].items():
        found = (schemas.at("achievement", (field, "zh")) or {}).get("x-max-chars")
        if found != limit:
            out.append(f"achievement.{field}: limit {found}, Annex 1 says {limit}")
    for field in ("field", "stage"):
        node, labels = schemas.at("achievement", (field,)), schemas.labels("achievement", (field,))
        options = [labels[code]["zh"] for code in node["enum"]]
        if options != annex1[field]:
            out.append(f"achievement.{field}: options {options}, Annex 1 lists {annex1[field]}")
    for kind, field, named in (("carrier", "type", POLICY["carrier_types"]), ("event", "type", POLICY["event_types"])):
        labels = {label["zh"] for label in schemas.labels(kind, (field,)).values()}
        out += [f"{kind}.{field}: no {name}" for name in named if name not in labels]
    return out


def plan_mismatches(registry: Registry) -> list[str]:
    """附件2 and 附件3 against the plan records, the rows against the district records."""
    out = []
    five, year = registry.get("plan", "2016-2020"), registry.get("plan", "2017")
    issued = str(POLICY["document"]["issued"])
    for plan, start, end in ((five, "2016-01-01", "2020-12-31"), (year, "2017-01-01", "2017-12-31")):
        if (plan.get("start"), plan.get("end"), plan.get("issued")) != (start, end, issued):
            out.append(f"plan {plan.id}: period {plan.get('start')}–{plan.get('end')}, issued {plan.get('issued')}")

    for plan, annex in ((five, POLICY["annex2"]), (year, POLICY["annex3"])):
        metrics = {m["id"]: m for m in plan.get("metrics")}
        for metric_id, (name, unit) in annex["columns"].items():
            metric = metrics.get(metric_id, {})
            if ((metric.get("name") or {}).get("zh"), (metric.get("unit") or {}).get("zh")) != (name, unit):
                out.append(f"plan {plan.id}: metric {metric_id} is not {name}（{unit}）")
        totals = [plan.get("totals", {}).get(m) for m in COLUMNS]
        if totals != annex["totals"]:
            out.append(f"plan {plan.id}: totals {totals}, the annex says {annex['totals']}")

    rows = {row["district"]: row for row in five.get("targets")}
    for expected in POLICY["annex2"]["rows"]:
        values = rows.get(expected["district"], {}).get("values", {})
        found = [values.get(m) for m in COLUMNS]
        if found != expected["targets"]:
            out.append(f"plan 2016-2020: {expected['name']} targets {found}, Annex 2 says {expected['targets']}")
        if values.get("key-labs") != expected.get("key_labs"):
            out.append(
                f"plan 2016-2020: {expected['name']} key labs {values.get('key-labs')}, Annex 2 says "
                f"{expected.get('key_labs')}"
            )
    departments = POLICY["annex2"]["departments"]["targets"]
    wanted = {
        "events": departments["events"],
        "scientist-teams": departments["scientist_teams"],
        "carriers": departments["carriers"],
    }
    if rows.get("departments", {}).get("values") != wanted:
        out.append(f"plan 2016-2020: departments {rows.get('departments', {}).get('values')}, Annex 2 says {wanted}")
    if five.get("outside_totals") != ["departments"]:
        out.append("plan 2016-2020: the departments' row must stay outside the municipal totals")
    year_rows = {row["district"]: [row["values"].get(m) for m in COLUMNS] for row in year.get("targets")}
    if year_rows != POLICY["annex3"]["rows"]:
        out.append(f"plan 2017: rows {year_rows}, Annex 3 says {POLICY['annex3']['rows']}")

    for expected in [POLICY["annex2"]["departments"], *POLICY["annex2"]["rows"]]:
        out += _district_mismatches(registry, expected)
    return out


def _district_mismatches(registry: Registry, expected: dict) -> list[str]:
    record = registry.get("district", expected["district"])
    if record is None:
        return [f"no district {expected['district']}"]
    out = []
    name = record.get("full_name" if record.get("kind") == "department" else "name", {}).get("zh")
    if (name, record.get("order")) != (expected["name"], expected["order"]):
        out.append(
            f"{record.id}: name {name}, order {record.get('order')}; Annex 2 row {expected['order']} is "
            f"{expected['name']}"
        )
    industries = [text["zh"] for text in record.get("industries", [])]
    if industries != expected["industries"]:
        out.append(f"{record.id}: industries {industries}, Annex 2 says {expected['industries']}")
    ids = [institute for _name, institute in expected["institutes"]]
    if record.get("planned_institutes") != ids:
        out.append(f"{record.id}: planned institutes {record.get('planned_institutes')}, Annex 2 means {ids}")
    for written, institute_id in expected["institutes"]:
        institute = registry.get("institute", institute_id)
        names = [institute.get("name", {}).get("zh"), *institute.get("aliases", [])] if institute else []
        if written not in names:
            out.append(f"{record.id}: Annex 2 writes {written}, which is not a name of {institute_id}")
    if (record.get("planned_open") is True) != expected["open"]:
        out.append(
            f"{record.id}: planned_open {record.get('planned_open')}, but the row "
            + ("ends in 等" if expected["open"] else "has no 等")
        )
    noted = {note["institute"] for note in record.get("planned_notes", [])}
    out += [f"{record.id}: no note on the uncertain {i}" for i in expected.get("uncertain", []) if i not in noted]
    return out


def page_mismatches(out_dir: Path) -> list[str]:
    """The same figures and labels where the public reads them: form, progress tables, district pages."""
    out = []
    annex1 = POLICY["annex1"]
    form = page(out_dir, "achievements/graphene-thermal-film.html")
    shown = [words(th) for th in form.xpath("//table[@class='form-sheet']//th")]
    public_labels = [label for field, label in annex1["labels"].items() if field not in annex1["private"]]
    out += [f"achievement page: no row {label}" for label in public_labels if label not in shown]
    for row, options in ((3, annex1["field"]), (4, annex1["stage"])):
        boxes = [words(li).lstrip("☐☑ ") for li in form.xpath(f"(//ul[@class='checks'])[{row - 2}]/li")]
        if boxes != options:
            out.append(f"achievement page: boxes {boxes}, Annex 1 lists {options}")

    for plan_id, annex in (("2016-2020", POLICY["annex2"]), ("2017", POLICY["annex3"])):
        headers, rows = progress_table(out_dir, plan_id)
        names = {metric: f"{name}（{unit}）" for metric, (name, unit) in annex["columns"].items()}
        columns = [headers.index(names[m]) if names[m] in headers else None for m in COLUMNS]
        if None in columns:
            out.append(f"progress/{plan_id}: headers {headers} lack {list(names.values())}")
            continue
        expected_rows = (
            {r["name"]: r["targets"] for r in annex["rows"]}
            if plan_id == "2016-2020"
            else {_district_name(r): t for r, t in annex["rows"].items()}
        )
        for name, targets in [*expected_rows.items(), ("全市合计", annex["totals"])]:
            found = [rows.get(name, [None] * len(headers))[i] for i in columns]
            if found != targets:
                out.append(f"progress/{plan_id}: {name} shows targets {found}, the annex says {targets}")
    headers, rows = progress_table(out_dir, "2016-2020")
    departments = POLICY["annex2"]["departments"]["targets"]
    found = [rows["市级部门"][headers.index(h)] for h in ("对接活动（次）", "引介科学家团队（个）", "载体建设（个）")]
    if found != [departments["events"], departments["scientist_teams"], departments["carriers"]]:
        out.append(f"progress/2016-2020: the departments show {found}")

    for expected in [POLICY["annex2"]["departments"], *POLICY["annex2"]["rows"]]:
        doc = page(out_dir, f"districts/{expected['district']}.html")
        (listed,) = doc.xpath("//p[@class='planned-list']")
        text = words(listed)
        if text.endswith("等") != expected["open"]:
            out.append(f"districts/{expected['district']}: the list {'lacks' if expected['open'] else 'adds'} 等")
        notes = [n.get("id") for n in doc.xpath("//dl[contains(@class, 'planned-notes')]/div")]
        out += [
            f"districts/{expected['district']}: no note on {i}"
            for i in expected.get("uncertain", [])
            if f"planned-note-{i}" not in notes
        ]
    for name, carrier in POLICY["international"]["platforms"].items():
        level = page(out_dir, f"carriers/{carrier}.html").xpath("string(//div[contains(@class, 'fact-level')]/dd)")
        if level.strip() != "未注明":
            out.append(f"carriers/{carrier} ({name}): level shown as {level.strip()!r}; the document states none")
    return out


def _district_name(district_id: str) -> str:
    return next(r["name"] for r in POLICY["annex2"]["rows"] if r["district"] == district_id)


def progress_table(out_dir: Path, plan_id: str) -> tuple[list[str], dict[str, list[int | None]]]:
    """A plan's progress table: its metric headers, and per row label the target in each column (None: no cell)."""
    table = page(out_dir, f"progress/{plan_id}.html").xpath("//table[contains(@class, 'progress-table')]")[0]
    headers = [words(th).replace(" 其中数", "") for th in table.xpath("./thead/tr/th")[1:]]
    rows = {}
    for tr in table.xpath("./tbody/tr|./tfoot/tr"):
        label = words((tr.xpath("./th/a") or tr.xpath("./th"))[0])
        rows[label] = [int(m[2]) if (m := re.search(r"(\d+) / (\d+)", words(td))) else None for td in tr.xpath("./td")]
    return headers, rows


# -- the shipped project matches the policy --------------------------------------------------------------------
@pytest.fixture(scope="module")
def shipped_check():
    result = check(REPO)
    assert result.ok, [p.text() for p in result.problems]
    return result


def test_schemas_carry_every_annex_1_label_option_and_limit(shipped_check):
    assert schema_mismatches(shipped_check.schemas) == []


def test_plans_and_districts_carry_every_figure_of_annex_2_and_3(shipped_check):
    assert plan_mismatches(shipped_check.registry) == []


def test_the_rendered_pages_show_the_policy_s_labels_and_figures(built_site):
    assert page_mismatches(built_site) == []


# -- a wrong label or figure is caught --------------------------------------------------------------------------
def test_a_wrong_label_or_figure_is_named(tmp_path):
    root = make_project(tmp_path / "wrong", {}, with_shipped_records=True)
    edits = {
        "schemas/achievement.schema.json": (
            '"title": "科技成果与区镇的契合情况说明"',
            '"title": "与区镇的契合情况说明"',
        ),
        "records/plans/2016-2020.yaml": ("      projects: 60\n", "      projects: 61\n"),
        "records/districts/zhouzhuang.yaml": (
            "planned_institutes: [csu, nufe, jiangnan, seu, hust]\n",
            "planned_institutes: [csu, nufe, jiangnan, seu, hust]\nplanned_open: true\n",
        ),
    }
    for rel, (old, new) in edits.items():
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, rel
        path.write_text(text.replace(old, new, 1).replace("  projects: 300\n", "  projects: 301\n"), encoding="utf-8")
    result = check(root)
    assert result.ok, [p.text() for p in result.problems]  # every edit is self-consistent: only the policy knows

    assert schema_mismatches(result.schemas) == [
        "achievement.fit: title '与区镇的契合情况说明', Annex 1 says '科技成果与区镇的契合情况说明'"
    ]
    assert plan_mismatches(result.registry) == [
        "plan 2016-2020: totals [301, 250, 40, 25], the annex says [300, 250, 40, 25]",
        "plan 2016-2020: 开发区 targets [61, 50, 10, 5], Annex 2 says [60, 50, 10, 5]",
        "zhouzhuang: planned_open True, but the row has no 等",
    ]
    assert build.main(["--root", str(root), "build"]) == 0
    assert page_mismatches(root / "public") == [
        "achievement page: no row 科技成果与区镇的契合情况说明",
        "progress/2016-2020: 开发区 shows targets [61, 50, 10, 5], the annex says [60, 50, 10, 5]",
        "progress/2016-2020: 全市合计 shows targets [301, 250, 40, 25], the annex says [300, 250, 40, 25]",
        "districts/zhouzhuang: the list adds 等",
    ]


# -- the counting rules ------------------------------------------------------------------------------------------
def test_the_departments_scientist_team_target_counts_teams_only(tmp_path):
    talent = (
        "id: {id}\nname: {{zh: 测试{id}}}\nform: {form}\npeople: {people}\ninstitute: tsinghua\n"
        "district: departments\ndate: 2018-05-01\n"
    )
    root = make_project(
        tmp_path / "teams",
        {
            "records/talents/test-team.yaml": talent.format(id="test-team", form="team", people=4),
            "records/talents/test-person.yaml": talent.format(id="test-person", form="individual", people=1),
        },
        with_shipped_records=True,
    )
    result = check(root)
    assert result.ok, [p.text() for p in result.problems]
    (plan,) = [p for p in compute_progress(result.registry, dt.date(2020, 12, 31)) if p["id"] == "2016-2020"]
    (departments,) = [row for row in plan["rows"] if row["district"] == "departments"]
    teams = departments["cells"]["scientist-teams"]
    assert teams["target"] == POLICY["annex2"]["departments"]["targets"]["scientist_teams"]
    assert "test-team" in teams["records"] and "test-person" not in teams["records"]
    assert all(result.registry.get("talent", r).get("form") == "team" for r in teams["records"])
    assert "talents" not in departments["cells"]  # the districts' 人才团队 target is not theirs
    assert "scientist-teams" not in plan["totals"]  # outside the municipal totals, like the whole row


def test_annex_3_counts_people_brought_in(shipped_check):
    (plan,) = [p for p in compute_progress(shipped_check.registry, dt.date(2017, 12, 31)) if p["id"] == "2017"]
    (talents,) = [m for m in plan["metrics"] if m["id"] == "talents"]
    assert (talents["measure"], talents["unit"]["zh"]) == ("people", POLICY["annex3"]["columns"]["talents"][1])
    total = plan["totals"]["talents"]
    people = sum(shipped_check.registry.get("talent", r).get("people") for r in total["records"])
    assert total["actual"] == people


def test_five_partners_are_required_and_samples_never_count(shipped_check):
    entries = partner_indicator(shipped_check.registry, dt.date(2020, 12, 31))
    assert {e["required"] for e in entries} == {POLICY["counting"]["partners_required"]}
    for entry in entries:
        real = [p for p in entry["partners"] if not p["sample"]]
        assert entry["count"] == len(real) and entry["samples"] == len(entry["partners"]) - len(real)
        assert entry["met"] == (len(real) >= POLICY["counting"]["partners_required"])
    (kaifaqu,) = [e for e in entries if e["district"] == "kaifaqu"]
    assert (kaifaqu["count"], kaifaqu["samples"], kaifaqu["met"]) == (0, 5, False)  # five partners, all samples


def test_key_laboratories_within_the_carrier_targets_and_the_city_wide_goal(shipped_check):
    plan = shipped_check.registry.get("plan", "2016-2020")
    (labs,) = [m for m in plan.get("metrics") if m["id"] == "key-labs"]
    assert labs["where"] == {"type": ["key-lab"], "level": POLICY["counting"]["key_lab_levels"]}
    assert labs["part_of"] == "carriers"
    (goal,) = plan.get("city_goals")
    assert (goal["metric"], [goal["min"], goal["max"]]) == ("key-labs", POLICY["counting"]["city_key_labs"])


def test_half_years_before_the_document_are_retrospective(shipped_check, built_site):
    registry = shipped_check.registry
    issued = POLICY["document"]["issued"]
    halves = {h.period: h for h in plan_halves(registry, dt.date(2021, 1, 1))}
    counting = POLICY["counting"]
    assert sorted(halves) == sorted(counting["halves_before_issued"] + counting["halves_after_issued"])
    for period in counting["halves_before_issued"]:
        assert retrospective(registry, halves[period].start, halves[period].end) == issued, period
        assert words(page(built_site, f"reports/{period}.html").xpath("//h1")[0]).startswith("大院大所合作情况回溯统计")
    for period in counting["halves_after_issued"]:
        assert retrospective(registry, halves[period].start, halves[period].end) is None, period
        assert words(page(built_site, f"reports/{period}.html").xpath("//h1")[0]).startswith("大院大所合作工作督查报告")


def test_the_character_count_is_labelled_as_the_registry_s_own_rule(shipped, run, built_site):
    record = shipped / "records/achievements/graphene-thermal-film.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_text(
        re.sub(r"(fit:\n  zh: ).*\n", lambda m: m[1] + "契" * 301 + "\n", text, count=1), encoding="utf-8"
    )
    result = run("--root", str(shipped), "check")
    assert result.code == 1
    assert "（限 300 字出自附件1；不计空格和换行是本登记簿的计字办法）" in result.out, result
    dictionary = words(page(built_site, "data/dictionary.html"))
    assert "中文不超过 300 字（限额出自附件1；不计空格和换行是本登记簿的计字办法）" in dictionary


# -- the about page, in Chinese and in English --------------------------------------------------------------------
def render_about(root: Path, lang: str) -> str:
    """The about page as the site renders it, in one language (the English edition renders it the same way)."""
    result = check(root)
    public = published(result)
    as_of = result.settings["as_of"]
    cat = Catalogue(load_messages(root / "site_templates" / "messages.yaml"), result.schemas, lang)
    about = (root / "site_templates" / "content" / f"about.{lang}.md").read_text(encoding="utf-8")
    day = dt.date.fromisoformat(as_of)
    plan = SitePlan(public, compute_figures(public, day), result.settings, cat, about)
    renderer = Renderer(root / "site_templates", {**plan.shared(), "downloads": {}})
    (about_page,) = [p for p in plan.run(("about",)) if route_of(p.out_path)[1] == "about.html"]
    return words(lxml.html.fromstring(renderer.render(about_page)))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_about_page_tells_what_the_policy_sets_up(lang):
    text = render_about(REPO, lang)
    missing = {topic: [w for w in wanted if w not in text] for topic, wanted in POLICY["about"][lang].items()}
    assert {topic: gone for topic, gone in missing.items() if gone} == {}
    if lang == "en":  # an English page, not the Chinese one under another name
        assert "这个网站是什么" not in text


def test_the_about_page_shows_each_district_s_plan_and_the_city_wide_goal(shipped, built_site):
    about = page(built_site, "about.html")
    rows = {
        words(tr.xpath("th")[0]): words(tr.xpath("td")[0])
        for tr in about.xpath("//section[@aria-labelledby='district-plans']//tbody/tr")
    }
    assert list(rows) == [r["name"] for r in POLICY["annex2"]["rows"]]  # every district, in Annex 2's order
    assert set(rows.values()) == {"尚未收录"}
    goal = words(about.xpath("//section[@aria-labelledby='about-goals']//a[contains(@class, 'cell')]")[0])
    low, high = POLICY["counting"]["city_key_labs"]
    assert f"/ {low}–{high}" in goal

    record = shipped / "records/districts/zhangpu.yaml"
    record.write_text(
        record.read_text(encoding="utf-8")
        + (
            "implementation_plan:\n  title: {zh: 张浦镇大院大所合作实施方案}\n  url: https://www.example.cn/plan.html\n"
            "  published: 2017-12-01\n"
        ),
        encoding="utf-8",
    )
    assert build.main(["--root", str(shipped), "build"]) == 0
    district = page(shipped / "public", "districts/zhangpu.html")
    (link,) = district.xpath("//p[@class='implementation-plan']/a")
    assert (link.get("href"), words(link)) == ("https://www.example.cn/plan.html", "张浦镇大院大所合作实施方案")
    about = page(shipped / "public", "about.html")
    assert "张浦镇大院大所合作实施方案（2017年12月1日）" in words(
        about.xpath("//section[@aria-labelledby='district-plans']")[0]
    )
