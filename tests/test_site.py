"""The public site: every page type, progress tables and drill-downs, privacy, safety of failed builds, determinism."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from pathlib import Path

import jinja2
import lxml.html
import pytest
import yaml
from conftest import build_elsewhere

from registry.engine.checking import check
from registry.engine.output import Output, safe_join
from registry.errors import BuildError
from registry.figures.figures import compute_figures
from registry.figures.progress import compute_progress
from registry.model.public import public_view, published
from registry.pages.catalogue import Catalogue, load_messages
from registry.pages.plan import SitePlan


def html(path: Path):
    return lxml.html.fromstring(path.read_bytes())


def text_of(element) -> str:
    return " ".join(element.text_content().split())


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def shipped_build(tmp_path_factory):
    """The shipped project built once into <tmp>/out with `build --out`."""
    from conftest import make_project

    import build

    root = make_project(tmp_path_factory.mktemp("site") / "project", {}, with_shipped_records=True)
    out = root.parent / "out"
    assert build.main(["--root", str(root), "build", "--out", str(out)]) == 0
    return root, out


def test_every_page_type_is_built(shipped_build):
    _root, out = shipped_build
    for rel in [
        "index.html",
        "404.html",
        "about.html",
        "assets/style.css",
        "institutes/index.html",
        "institutes/tsinghua.html",
        "institutes/type/university.html",
        "institutes/country/CN.html",
        "institutes/district/kaifaqu.html",
        "achievements/index.html",
        "achievements/graphene-thermal-film.html",
        "achievements/field/new-materials.html",
        "achievements/stage/research.html",
        "achievements/institute/buct.html",
        "achievements/district/qiandeng.html",
        "achievements/status/tracked.html",
        "events/index.html",
        "events/year/2017.html",
        "events/2017-kaifaqu-ic-roadshow.html",
        "projects/index.html",
        "talents/index.html",
        "carriers/index.html",
        "carriers/kunshan-itri.html",
        "districts/index.html",
        "districts/kaifaqu.html",
        "districts/departments.html",
        "progress/index.html",
        "progress/2016-2020.html",
        "progress/2017.html",
        "progress/2016-2020/kaifaqu/projects.html",
        "progress/2016-2020/totals/events.html",
    ]:
        assert (out / rel).is_file(), rel
    for page in out.rglob("*.html"):
        doc = html(page)
        assert doc.findtext(".//title").strip(), page
        assert doc.find(".//h1") is not None, page


def test_every_link_is_relative(shipped_build):
    _root, out = shipped_build
    for page in out.rglob("*.html"):
        for _element, attribute, link, _pos in html(page).iterlinks():
            assert not link.startswith("/"), f"{page}: {attribute}={link}"


def _table(out: Path, plan: str):
    """The progress table of a plan as {row label: [cell texts]} plus the metric headers."""
    doc = html(out / f"progress/{plan}.html")
    table = doc.find(".//table")
    headers = [text_of(th) for th in table.findall("./thead/tr/th")][1:]
    rows = {}
    for tr in table.findall("./tbody/tr") + table.findall("./tfoot/tr"):
        label = text_of(tr.find("./th/a") if tr.find("./th/a") is not None else tr.find("./th"))
        rows[label] = [
            re.search(r"(\d+) / (\d+)", text_of(td)).groups() if "/" in text_of(td) else None
            for td in tr.findall("./td")
        ]
    return headers, rows


def _independent_count(
    root: Path,
    folder: str,
    date_field: str,
    start: str,
    end: str,
    owners: set[str],
    people: bool = False,
    owner_fields=("district",),
) -> int:
    """Count records straight from the YAML files, without the registry, to check the site's figures."""
    total = 0
    for path in (root / "records" / folder).glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        date = str(data.get(date_field, ""))
        if not date or not start <= date <= end:
            continue
        for field in owner_fields:
            if data.get(field) in owners:
                total += data.get("people", 1) if people else 1
    return total


def test_progress_tables_show_declared_totals_and_counted_actuals(shipped_build):
    root, out = shipped_build
    in_totals = {p.stem for p in (root / "records/districts").glob("*.yaml") if p.stem != "departments"}

    headers, rows = _table(out, "2016-2020")
    assert headers == [
        "项目合作（项）",
        "对接活动（次）",
        "人才团队（个）",
        "引介科学家团队（个）",
        "载体建设（个）",
        "省级以上重点实验室（个） 其中数",
    ]
    totals = rows["全市合计"]
    assert [int(target) for _actual, target in totals[:3]] + [int(totals[4][1])] == [300, 250, 40, 25]
    assert totals[3] is None  # the departments' scientist teams are outside the municipal totals: no 0 / 0 there
    window = ("2016-01-01", "2020-12-31")
    assert int(totals[0][0]) == _independent_count(root, "projects", "signed", *window, in_totals)
    assert int(totals[1][0]) == _independent_count(root, "events", "start", *window, in_totals)
    assert int(totals[2][0]) == _independent_count(root, "talents", "date", *window, in_totals)
    assert int(totals[4][0]) == _independent_count(
        root, "carriers", "established", *window, in_totals, owner_fields=("district", "coordinated_by")
    )
    assert [t for _a, t in rows["开发区"][:3]] + [rows["开发区"][4][1]] == ["60", "50", "10", "5"]
    assert rows["开发区"][3] is None
    assert rows["开发区"][5][1] == "1" and rows["高新区"][5][1] == "1"  # provincial key-lab sub-targets
    departments = rows["市级部门"]
    assert [cell and cell[1] for cell in departments] == [None, "10", None, "20", "5", None]
    teams = sum(
        1
        for path in (root / "records/talents").glob("*.yaml")
        if (data := yaml.safe_load(path.read_text(encoding="utf-8")))["district"] == "departments"
        and data["form"] == "team"
        and window[0] <= str(data["date"]) <= window[1]
    )
    assert int(departments[3][0]) == teams

    headers, rows = _table(out, "2017")
    assert [int(target) for _actual, target in rows["全市合计"]] == [98, 79, 16, 13]
    window = ("2017-01-01", "2017-12-31")
    assert int(rows["全市合计"][2][0]) == _independent_count(root, "talents", "date", *window, in_totals, people=True)
    assert "市级部门" not in rows


def test_every_progress_number_drills_down_to_exactly_the_counted_records(shipped_build):
    root, out = shipped_build
    result = check(root)
    registry = public_view(result.registry)
    for plan in compute_progress(registry, dt.date(2020, 12, 31)):
        doc = html(out / f"progress/{plan['id']}.html")
        links = doc.xpath("//table//a[contains(@class, 'cell')]")
        expected_links = sum(len(r["cells"]) for r in plan["rows"]) + len(plan["totals"])
        assert len(links) == expected_links
        for row in plan["rows"] + [{"district": "totals", "cells": plan["totals"]}]:
            for metric_id, cell in row["cells"].items():
                target = out / "progress" / plan["id"] / row["district"] / f"{metric_id}.html"
                assert doc.xpath(f"//a[@href='{plan['id']}/{row['district']}/{metric_id}.html']"), target
                listed = sorted(
                    Path(a.get("href")).stem for a in html(target).xpath("//ul[@class='cards']//a[@class='card-title']")
                )
                assert listed == cell["records"], target


def test_no_private_value_reaches_any_public_file(shipped_build):
    root, out = shipped_build
    secrets = set()
    for path in (root / "records/achievements").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        secrets.add(str(data["contact_phone"]))
        secrets.update(str(v) for v in data.get("reporter", {}).values())
    assert secrets
    digits = {re.sub(r"\D", "", s) for s in secrets if sum(c.isdigit() for c in s) >= 7}
    for path in out.rglob("*"):
        if path.is_file():
            content = path.read_bytes().decode("utf-8", errors="replace")
            squeezed = re.sub(r"[\s\-()]", "", content)
            for secret in secrets:
                assert secret not in content, f"{secret} in {path}"
            for number in digits:
                assert number not in squeezed, f"{number} in {path}"


def test_a_phone_typed_into_a_public_summary_stops_the_build(project, run):
    root = project({}, with_shipped_records=True)
    record = root / "records/achievements/graphene-thermal-film.yaml"
    data = yaml.safe_load(record.read_text(encoding="utf-8"))
    phone = data["contact_phone"]
    assert run("--root", str(root), "build").code == 0
    before = snapshot(root / "public")
    text = record.read_text(encoding="utf-8").replace("summary:\n  zh: ", f"summary:\n  zh: 联系电话 {phone}。", 1)
    record.write_text(text, encoding="utf-8")
    result = run("--root", str(root), "build")
    assert result.code == 1, result
    assert "records/achievements/graphene-thermal-film.yaml: contact_phone" in result.err
    assert phone not in result.err + result.out
    assert snapshot(root / "public") == before
    assert not list(root.glob(".public.*")), "the staging folder is cleaned up"


def test_a_build_with_check_problems_leaves_public_byte_for_byte_unchanged(project, run):
    root = project({}, with_shipped_records=True)
    assert run("--root", str(root), "build").code == 0
    before = snapshot(root / "public")
    (root / "records/institutes/tsinghua.yaml").write_text("id: tsinghua\nname: 清华\n", encoding="utf-8")
    result = run("--root", str(root), "build")
    assert result.code == 1
    assert "records/institutes/tsinghua.yaml:2:7: name:" in result.out
    assert "nothing built" in result.err
    assert snapshot(root / "public") == before


def test_two_builds_are_byte_identical(project, tmp_path):
    # Two separate processes with different string hashes: anything written in set or dict-of-hash order differs.
    root = project({}, with_shipped_records=True)
    first, second = build_elsewhere(root, tmp_path / "a", "1"), build_elsewhere(root, tmp_path / "b", "2")
    assert snapshot(first) == snapshot(second)


def test_the_parallel_build_writes_the_same_bytes_as_one_process(project, run, tmp_path, monkeypatch):
    root = project({}, with_shipped_records=True)  # 138 records: the build forks its workers
    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    assert run("--root", str(root), "build", "--out", str(tmp_path / "forked")).code == 0
    # A process running a second thread never forks (registry.engine.tasks.forkable): everything happens in one process.
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert run("--root", str(root), "build", "--out", str(tmp_path / "single")).code == 0
    finally:
        stop.set()
        thread.join()
    assert snapshot(tmp_path / "forked") == snapshot(tmp_path / "single")


def test_an_error_in_a_forked_worker_stops_the_build_and_leaves_public_unchanged(project, run):
    root = project({}, with_shipped_records=True)  # large enough to fork
    assert run("--root", str(root), "build").code == 0
    before = snapshot(root / "public")
    record = root / "site_templates/record.html"  # talents, projects, carriers…: rendered by the workers
    record.write_text(
        record.read_text(encoding="utf-8").replace("{{ kind_label }}", "{{ kind_lable }}"), encoding="utf-8"
    )
    with pytest.raises(jinja2.exceptions.UndefinedError, match="kind_lable"):
        run("--root", str(root), "build")
    assert snapshot(root / "public") == before
    assert [p.name for p in root.iterdir() if p.name.startswith(".public")] == []  # no staging folder left behind


def test_a_large_project_is_checked_in_a_separate_process_with_the_same_result(project, run, tmp_path, monkeypatch):
    import registry.engine.build
    import registry.engine.fork

    root = project({}, with_shipped_records=True)
    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    assert run("--root", str(root), "build", "--out", str(tmp_path / "here")).code == 0
    monkeypatch.setattr(registry.engine.build, "LARGE", 1)  # every project is "large": check runs in a forked process
    monkeypatch.setattr(registry.engine.fork, "may_fork", lambda: True)  # even if an earlier test left a thread running
    monkeypatch.setattr(registry.engine.build, "HAND_BACK", 7)  # the public records come back in many parts
    elsewhere = []
    original = registry.engine.build._published_elsewhere
    monkeypatch.setattr(registry.engine.build, "_published_elsewhere", lambda *a: elsewhere.append(a) or original(*a))
    assert run("--root", str(root), "build", "--out", str(tmp_path / "elsewhere")).code == 0
    assert snapshot(tmp_path / "here") == snapshot(tmp_path / "elsewhere") and len(elsewhere) == 1
    broken = root / "records/institutes/tsinghua.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("name:\n", "nmae:\n", 1), encoding="utf-8")
    result = run("--root", str(root), "build", "--out", str(tmp_path / "elsewhere"))
    assert result.code == 1
    assert "records/institutes/tsinghua.yaml:" in result.out and "nothing built" in result.err
    assert snapshot(tmp_path / "here") == snapshot(tmp_path / "elsewhere")


def test_jobs_caps_the_processes_and_changes_no_byte(project, run, tmp_path, monkeypatch):
    root = project({}, with_shipped_records=True)
    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    assert run("--root", str(root), "build", "--out", str(tmp_path / "all")).code == 0
    assert run("--root", str(root), "build", "--jobs", "1", "--out", str(tmp_path / "one")).code == 0
    assert snapshot(tmp_path / "all") == snapshot(tmp_path / "one")
    result = run("--root", str(root), "build", "--jobs", "0")
    assert result.code == 2 and "--jobs 0: 至少为 1 / must be 1 or more" in result.err


def test_when_the_private_values_change_the_files_linked_from_the_last_build_are_scanned_again(project, run):
    root = project({}, with_shipped_records=True)
    settings = root / "site.yaml"  # the office's phone, shown in every page's footer
    settings.write_text(
        settings.read_text(encoding="utf-8").replace('phone: "0512-0000 1000"', 'phone: "0512-6000 0001"', 1),
        encoding="utf-8",
    )
    assert '"0512-6000 0001"' in settings.read_text(encoding="utf-8")
    assert run("--root", str(root), "build").code == 0
    before = snapshot(root / "public")
    # Only a private field changes: no page changes, every page is linked from the last build, and every one now
    # holds a private value.
    record = root / "records/achievements/graphene-thermal-film.yaml"
    record.write_text(
        record.read_text(encoding="utf-8").replace('phone: "0512-5000 0101"', 'phone: "0512-6000 0001"'),
        encoding="utf-8",
    )
    result = run("--root", str(root), "build")
    assert result.code == 1 and "a private value appears in the public output" in result.err, result
    assert "public/about.html: records/achievements/graphene-thermal-film.yaml: reporter.phone" in result.err
    assert snapshot(root / "public") == before


def test_the_page_plan_in_tasks_is_the_whole_plan_once(shipped):
    result = check(shipped)
    public = published(result)
    cat = Catalogue(load_messages(shipped / "site_templates" / "messages.yaml"), result.schemas, "zh")
    plan = SitePlan(public, compute_figures(public, dt.date(2020, 12, 31)), result.settings, cat)
    tasks = plan.tasks()
    paths = [page.out_path for task in tasks for page in plan.run(task)]
    assert len(paths) == len(set(paths))
    assert {
        "index.html",
        "404.html",
        "about.html",
        "achievements/index.html",
        "progress/2016-2020.html",
        "achievements/field/new-materials.html",
        "search.html",
    } <= set(paths)
    assert len([p for p in paths if p.startswith("achievements/") and p.count("/") == 1]) >= len(
        public.all("achievement")
    )
    assert [page.out_path for page in plan.plan()] == paths


def test_the_writer_refuses_two_files_at_one_path_and_paths_outside_the_output(tmp_path):
    staging = Output(tmp_path / "public")
    staging.write("a/b.html", b"one")
    with pytest.raises(BuildError, match=re.escape("two pages at one path: a/b.html")):
        staging.claim("a/b.html")
    for bad in ("../x.html", "/etc/passwd", "a/../../x.html", "a\\b.html"):
        with pytest.raises(BuildError, match="outside the output folder"):
            safe_join(staging.dir, bad)
    staging.discard()
    assert not staging.dir.exists()


HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>[c](javascript:alert(3))<a href=javascript:alert(4) onclick=x()>y</a><iframe src=https://e.example></iframe><style>*{}</style>"
HOSTILE_NAMES = (
    "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "<a href=javascript:alert(4) onclick=x()>y</a>",
    "<iframe src=https://e.example></iframe><style>*{}</style>",
)
"""The same attacks in pieces of at most 60 characters, the limit of a name or title."""


def test_hostile_text_in_every_free_text_field_comes_out_inert(project, run):
    hostile = HOSTILE.replace('"', "'")
    names = [name.replace('"', "'") for name in HOSTILE_NAMES]
    achievement = f"""\
        id: hostile
        name: {{zh: "{names[0]}"}}
        institute: tsinghua
        department: {{zh: "{hostile}"}}
        lead: {{name: {{zh: "{names[1]}"}}, title: {{zh: "{hostile}"}}}}
        field: other
        field_other: {{zh: "{hostile}"}}
        stage: other
        stage_other: {{zh: "{hostile}"}}
        summary: {{zh: "{hostile}"}}
        fit: {{zh: "{hostile}"}}
        promotion: {{zh: "{hostile}"}}
        district: kaifaqu
        reported: 2017-03-01
        status: tracked
        sample: true
        """
    event = f"""\
        id: hostile-event
        title: {{zh: "{names[2]}"}}
        type: other
        type_other: {{zh: "{hostile}"}}
        start: 2017-03-01
        district: kaifaqu
        institutes: [tsinghua]
        achievements: [hostile]
        venue: {{zh: "{hostile}"}}
        summary: {{zh: "{hostile}"}}
        sample: true
        """
    root = project(
        {"records/achievements/hostile.yaml": achievement, "records/events/hostile-event.yaml": event},
        with_shipped_records=True,
    )
    result = run("--root", str(root), "build")
    assert result.code == 0, result
    for rel in [
        "achievements/hostile.html",
        "events/hostile-event.html",
        "index.html",
        "achievements/index.html",
        "institutes/tsinghua.html",
    ]:
        doc = html(root / "public" / rel)
        # Only the site's own scripts, each from assets/ (the directory filters); nothing the records brought.
        own = "@src and contains(@src, 'assets/')"
        assert not doc.xpath(f"//script[not({own})] | //iframe | //style | //img"), rel
        assert not [a for a in doc.xpath("//*[@*]") for name in a.attrib if name.startswith("on")], rel
        assert not [href for href in doc.xpath("//@href") if href.strip().lower().startswith("javascript:")], rel
    page = html(root / "public/achievements/hostile.html")
    assert "<script>alert(1)</script>" in text_of(page.find(".//h1")), "plain-text fields show the text, escaped"


def test_sample_records_carry_a_badge_and_can_be_left_out(project, run):
    root = project({}, with_shipped_records=True)
    assert run("--root", str(root), "build").code == 0
    page = html(root / "public/achievements/graphene-thermal-film.html")
    assert text_of(page.find(".//h1/span[@class='badge badge-sample']")) == "示例"
    site = (root / "site.yaml").read_text(encoding="utf-8").replace("include_samples: true", "include_samples: false")
    (root / "site.yaml").write_text(site, encoding="utf-8")
    assert run("--root", str(root), "build").code == 0
    assert not (root / "public/achievements/graphene-thermal-film.html").exists()
    assert (root / "public/carriers/kunshan-itri.html").exists()
    kaifaqu = html(root / "public/districts/kaifaqu.html")
    assert not kaifaqu.xpath("//ul[@class='partners']/li"), "sample partner entries are left out too"
    # (the English edition's about page and dictionary quote the word 示例 itself, marked as Chinese: not a badge)
    assert not [
        p
        for p in (root / "public").rglob("*.html")
        if "示例</span>" in p.read_text(encoding="utf-8").replace('<span lang="zh-CN">示例</span>', "")
        or re.search(r'class="[^"]*badge-sample', p.read_text(encoding="utf-8"))  # (404.html inlines the CSS)
    ]


def test_as_of_comes_from_the_option_then_the_settings(project, run):
    root = project({}, with_shipped_records=True)
    assert run("--root", str(root), "build", "--as-of", "2017-06-30").code == 0
    page = html(root / "public/progress/2016-2020.html")
    assert "计划期已过 29.9%" in text_of(page)
    assert "数据统计截至 2017年6月30日" in text_of(html(root / "public/index.html"))
    assert run("--root", str(root), "build", "--as-of", "2017-02-30").code == 2


def test_large_directories_are_paginated(project, run):
    files = {
        f"records/institutes/inst-{n:03d}.yaml": f"""\
        id: inst-{n:03d}
        name: {{zh: 测试研究所{n:03d}, en: Test Institute {n:03d}}}
        type: research-institute
        country: CN
        sample: true
        """
        for n in range(120)
    }
    root = project(files, with_shipped_records=True)
    assert run("--root", str(root), "build").code == 0
    first = html(root / "public/institutes/index.html")
    assert len(first.xpath("//ul[@class='cards']/li")) == 50
    # 38 shipped + 120 new institutes: pages of 50, 50, 50 and 8
    assert [a.get("href") for a in first.xpath("//nav[@class='pagination']//a")] == [
        "index-p2.html",
        "index-p3.html",
        "index-p4.html",
        "index-p2.html",
    ]
    last = html(root / "public/institutes/index-p4.html")
    assert len(last.xpath("//ul[@class='cards']/li")) == 158 - 150
    assert [a.get("rel") for a in last.xpath("//nav[@class='pagination']/a")] == ["prev"]
    facet = html(root / "public/institutes/type/research-institute-p2.html")
    assert facet.xpath("//nav[@class='pagination']//span[@aria-current='page']")[0].text == "2"


def test_achievement_page_follows_the_annex_1_form_without_the_researchers_phone(shipped_build):
    _root, out = shipped_build
    page = html(out / "achievements/graphene-thermal-film.html")
    rows = [text_of(th) for th in page.xpath("//table[@class='form-sheet']//th")]
    assert rows[:4] == ["科技成果名称", "大院大所名称", "成果所在院、系、实验室", "科技成果研发负责人"]
    assert "联系电话" not in rows
    assert (
        text_of(page.xpath("//section[@class='contact']/p[@class='contact-intro']")[0])
        == "了解或洽谈此成果，请联系填报区镇：千灯科技部门"
    )
    ticked = [text_of(s) for s in page.xpath("//ul[@class='checks']//strong")]
    assert ticked == ["☑ 新材料", "☑ 小批量生产阶段"]


def test_district_page_shows_partners_check_and_its_progress(shipped_build):
    _root, out = shipped_build
    page = html(out / "districts/kaifaqu.html")
    # its five partners are all samples: they are listed (marked 示例) but never meet the policy's rule
    assert text_of(page.xpath("//p[contains(@class, 'indicator')]")[0]) == (
        "! 已明确 0 家长期合作单位，政策要求 5 家以上，还差 5 家。另有 5 家示例（虚构）单位未计入：示例不能满足政策要求。"
    )
    assert len(page.xpath("//ul[@class='partners']/li[span[@class='badge badge-sample']]")) == 5
    plans = [text_of(h) for h in page.xpath("//section[@aria-labelledby='progress']/h3")]
    assert plans == ["“十三五”期间目标任务", "2017年主要任务指标"]
    zhoushi = html(out / "districts/zhoushi.html")
    assert "还差 5 家。另有 1 家示例" in text_of(zhoushi.xpath("//p[contains(@class, 'indicator')]")[0])
    rows = {
        text_of(tr.xpath("th")[0]): [text_of(td) for td in tr.xpath("td")]
        for tr in html(out / "progress/index.html").xpath("//section[@aria-labelledby='partners']//tbody/tr")
    }
    assert rows["开发区"] == ["0 / 5另有 5 家示例未计入", "! 未达到"]
    assert rows["周市"] == ["0 / 5另有 1 家示例未计入", "! 未达到"]


def test_a_facet_with_many_values_shows_the_top_30_and_links_to_all_of_them(project, run):
    files = {}
    for n in range(35):
        files[f"records/institutes/lab-{n:02d}.yaml"] = f"""\
            id: lab-{n:02d}
            name: {{zh: 测试实验室{n:02d}, en: Test Lab {n:02d}}}
            type: research-institute
            country: CN
            sample: true
            """
        files[f"records/achievements/result-{n:02d}.yaml"] = f"""\
            id: result-{n:02d}
            name: {{zh: 测试成果{n:02d}}}
            institute: lab-{n:02d}
            field: electronics
            stage: research
            summary: {{zh: 测试用的成果简介。}}
            district: kaifaqu
            reported: 2018-01-{n % 28 + 1:02d}
            status: tracked
            sample: true
            """
    root = project(files, with_shipped_records=True)
    assert run("--root", str(root), "build").code == 0
    directory = html(root / "public/achievements/index.html")
    institute_facet = directory.xpath("//section[@class='facet'][h2='大院大所名称']")[0]
    shown = institute_facet.xpath(".//li/a/@href")
    assert len(shown) == 30
    more = institute_facet.xpath(".//p[@class='facet-more']/a")[0]
    all_values = len(list((root / "public/achievements/institute").glob("*.html"))) - 1
    assert (more.get("href"), text_of(more)) == ("institute/index.html", f"查看全部 {all_values} 项")
    listed = html(root / "public/achievements/institute/index.html").xpath(
        "//ul[contains(@class, 'facet-all')]/li/a/@href"
    )
    assert len(listed) == all_values > 30
    hidden = sorted(set(listed) - {href.removeprefix("institute/") for href in shown})
    assert hidden and all((root / "public/achievements/institute" / href).is_file() for href in hidden)


def test_pagination_bars_show_a_window_not_every_page():
    from registry.pages.paging import page_window

    assert page_window(1, 4) == [1, 2, 3, 4]
    assert page_window(1, 10) == [1, 2, 3, 0, 10]  # 0 is a gap (…)
    assert page_window(4, 10) == [1, 2, 3, 4, 5, 6, 0, 10]  # a one-page gap shows the page itself
    assert page_window(1000, 2000) == [1, 0, 998, 999, 1000, 1001, 1002, 0, 2000]
    assert max(len(page_window(n, 2000)) for n in range(1, 2001)) == 9
