"""Fiction is never mistaken for fact. The shipped project is built both ways: with its sample records, every page
says so at the top, every figure that counts samples says how much of it they make (from the model, not from the
page), every card, feed entry, calendar event and search result of a sample is marked; with `include_samples: false`
none of it appears."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
import subprocess
import sys
from pathlib import Path

import feedparser
import icalendar
import lxml.html
import pytest
from clerk import copy_project
from conftest import make_project

import build
from registry.engine.checking import check
from registry.figures.progress import compute_progress
from registry.figures.reports import Half, period_report
from registry.model.public import published
from registry.pages.urls import record_url

MARKS = (
    "sample-notice",
    "badge-sample",
    "cell-sample",
    "figure-sample",
    "chart-sample",
    "sample-note",
    "contact-example",
)
"""Every class the site uses to mark fiction."""


def build_shipped(root: Path, out: Path, include_samples: bool) -> Path:
    site = root / "site.yaml"
    site.write_text(
        re.sub(
            r"(?m)^include_samples: \w+",
            f"include_samples: {str(include_samples).lower()}",
            site.read_text(encoding="utf-8"),
        ),
        encoding="utf-8",
    )
    assert build.main(["--root", str(root), "build", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> dict[bool, tuple[Path, Path]]:
    """{include_samples: (project root, output folder)} for the shipped project built both ways."""
    base = tmp_path_factory.mktemp("samples")
    built = {}
    for include in (True, False):
        root = make_project(base / f"project-{include}", {}, with_shipped_records=True)
        built[include] = (root, build_shipped(root, base / f"out-{include}", include))
    return built


@pytest.fixture(scope="module")
def registry(both):
    """The published registry of the build with samples (what its pages show)."""
    return published(check(both[True][0]))


def pages(out: Path) -> list[tuple[str, lxml.html.HtmlElement]]:
    return [(p.relative_to(out).as_posix(), lxml.html.parse(str(p)).getroot()) for p in sorted(out.rglob("*.html"))]


def target(page_path: str, href: str) -> str:
    """A link's site-root path, from the page it is on."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(page_path), href.split("#")[0]))


def test_every_page_says_at_the_top_that_samples_are_shown_and_none_does_without(both):
    with_samples, without = pages(both[True][1]), pages(both[False][1])
    assert len(with_samples) > 300
    for path, page in with_samples:
        notice = page.xpath("//p[contains(@class, 'sample-notice')]")
        assert len(notice) == 1, path
        assert (
            notice[0]
            .text_content()
            .startswith(
                "Demonstration data: This site holds fictional records marked Sample"
                if path.startswith("en/")
                else "演示数据：本站含有标注“示例”的虚构记录"
            )
        ), path
        assert notice[0].getparent().getprevious().tag in ("header", "nav"), f"{path}: the notice is not at the top"
    for path, page in without:
        marked = [c for c in MARKS if page.xpath(f"//*[contains(concat(' ', @class, ' '), ' {c} ')]")]
        assert marked == [], f"{path} marks fiction in a build without samples: {marked}"


def test_every_card_of_a_sample_is_marked_and_no_other(both, registry):
    """Directories, facet pages, related records, drill-downs, the home page: each list entry of a sample record
    carries the badge (removing it from the card macro fails here), and a real record's never does."""
    sample_urls = {
        record_url(kind, r.id): r.sample
        for kind in ("achievement", "event", "project", "talent", "carrier", "institute", "district", "plan")
        for r in registry.all(kind)
    }
    seen = {True: 0, False: 0}
    for path, page in pages(both[True][1]):
        for card in page.xpath("//li[contains(concat(' ', @class, ' '), ' card ')]"):
            (link,) = card.xpath("./a[contains(@class, 'card-title')]")
            url = target(path, link.get("href")).removeprefix("en/")  # the English edition's card: the same record
            badge = card.xpath("./span[contains(@class, 'badge-sample')]")
            assert bool(badge) == sample_urls[url], f"{path}: the card of {url}"
            seen[sample_urls[url]] += 1
    assert seen[True] > 100 and seen[False] > 50


def cell_model(registry, as_of: str) -> dict[str, dict]:
    """Every progress cell of the model by the drill-down page it links to."""
    cells = {}
    for plan in compute_progress(registry, dt.date.fromisoformat(as_of)):
        for row in plan["rows"]:
            for metric, cell in row["cells"].items():
                cells[f"progress/{plan['id']}/{row['district']}/{metric}.html"] = cell
        for metric, cell in plan["totals"].items():
            cells[f"progress/{plan['id']}/totals/{metric}.html"] = cell
        for goal in plan["city_goals"]:
            cells[f"progress/{plan['id']}/city/{goal['metric']}.html"] = goal
    return cells


def test_every_progress_cell_says_how_much_of_it_is_samples(both, registry):
    """On the home page, the progress tables and the district pages; and each drill-down says how many of the
    records it lists are samples, each of them marked."""
    model = cell_model(registry, "2020-12-31")
    checked = 0
    for path, page in pages(both[True][1]):
        for cell in page.xpath("//a[contains(concat(' ', @class, ' '), ' cell ')]"):
            samples = model[target(path, cell.get("href")).removeprefix("en/")]["samples"]
            shown = cell.xpath("./span[contains(@class, 'cell-sample')]")
            english = "1 of them is a sample" if samples == 1 else f"{samples} of them are samples"
            note = english if path.startswith("en/") else f"其中示例 {samples}"
            assert [s.text_content() for s in shown] == ([note] if samples else []), path
            checked += 1
    assert checked > 300
    out = both[True][1]
    for url, cell in model.items():
        page = lxml.html.parse(str(out / url)).getroot()
        badges = page.xpath("//main//li[contains(@class, 'card')]/span[contains(@class, 'badge-sample')]")
        samples = sum(
            registry.get(kind, rid).sample
            for kind in ("project", "event", "talent", "carrier")
            for rid in cell["records"]
            if registry.get(kind, rid) is not None
        )
        assert len(badges) == samples, url
        note = page.xpath("string(//p[contains(@class, 'sample-note')])")
        assert note == (f"其中 {samples} 条是示例（虚构）记录，已标“示例”。" if samples else ""), url


def test_the_home_figures_say_how_many_are_samples(both, registry):
    page = lxml.html.parse(str(both[True][1] / "index.html")).getroot()
    figures = {}
    for link in page.xpath("//ul[@class='figures']/li/a"):
        label = link.xpath("string(span[@class='figure-label'])")
        figures[label] = (
            link.xpath("string(span[@class='figure'])"),
            link.xpath("string(span[@class='figure-sample'])"),
        )
    assert figures["科技成果"] == (
        str(len(registry.all("achievement"))),
        f"其中示例 {sum(r.sample for r in registry.all('achievement'))}",
    )
    assert figures["大院大所"] == (str(len(registry.all("institute"))), "")
    carriers = registry.all("carrier")
    assert 0 < sum(r.sample for r in carriers) < len(carriers)
    assert figures["创新载体"][1] == f"其中示例 {sum(r.sample for r in carriers)}"


def test_reports_and_charts_say_how_much_of_each_figure_is_samples(both, registry):
    out = both[True][1]
    data = period_report(registry, Half(2017, 1).start, Half(2017, 1).end)
    page = lxml.html.parse(str(out / "reports/2017-h1.html")).getroot()
    plan = next(p for p in data["plans"] if p["id"] == "2016-2020")
    (table,) = page.xpath(
        "//table[caption/a[@href='../progress/2016-2020.html']][ancestor::section[@class='report-summary']]"
    )
    totalled = [m for m in plan["metrics"] if m["id"] in plan["totals"]]  # not the departments-only team target
    for row, metric in zip(table.xpath("tbody/tr"), totalled, strict=True):
        cell = plan["totals"][metric["id"]]
        actual, added = row.xpath("td")[1], row.xpath("td")[4]
        assert actual.xpath("string(span)") == (f"其中示例 {cell['samples']}" if cell["samples"] else "")
        assert added.xpath("string(span)") == (f"其中示例 {cell['added_samples']}" if cell["added_samples"] else "")
    assert any(plan["totals"][m["id"]]["samples"] for m in plan["metrics"])
    district = lxml.html.parse(str(out / "districts/kaifaqu.html")).getroot()
    figures = district.xpath("//figure[contains(@class, 'chart-figure')]")
    cells = [
        row["cells"][m["id"]]
        for p in compute_progress(registry, dt.date(2020, 12, 31))
        for row in p["rows"]
        if row["district"] == "kaifaqu"
        for m in p["metrics"]
        if m["id"] in row["cells"]
    ]
    assert len(figures) == len(cells)
    for figure, cell in zip(figures, cells, strict=True):  # a chart per plan and metric, in the model's order
        note = figure.xpath("string(.//span[@class='chart-sample'])")
        assert note.startswith(f"含示例数据：实际数中有 {cell['samples']} ") if cell["samples"] else note == ""
    assert any(cell["samples"] for cell in cells)


def test_the_text_report_marks_samples_too(tmp_path):
    root = copy_project(tmp_path / "project", git=False)
    result = subprocess.run(
        [sys.executable, "build.py", "report", "2017-h1"],
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    assert "（其中示例 " in result.stdout and " 【示例】" in result.stdout
    site = root / "site.yaml"
    site.write_text(
        site.read_text(encoding="utf-8").replace("include_samples: true", "include_samples: false"), encoding="utf-8"
    )
    real = subprocess.run(
        [sys.executable, "build.py", "report", "2017-h1"],
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    assert "示例" not in real.stdout


def test_feed_calendar_and_search_mark_samples(both, registry):
    for include, (_root, out) in both.items():
        feed = feedparser.parse((out / "feed.xml").read_bytes())
        assert feed.entries or not include  # every shipped achievement and event is a sample
        for entry in feed.entries:
            kind, record_id = entry.link.removesuffix(".html").split("/")
            record = registry.get({"achievements": "achievement", "events": "event"}[kind], record_id)
            sample = include and record.sample
            assert entry.title.startswith("【示例】") == sample, entry.title
            assert ("sample" in {tag.term for tag in entry.tags}) == sample
        calendar = icalendar.Calendar.from_ical((out / "events.ics").read_bytes())
        events = calendar.walk("VEVENT")
        assert events or not include
        for event in events:
            sample = include and any(
                r.sample for r in registry.all("event") if str(event["SUMMARY"]).endswith(r.get("title")["zh"])
            )
            assert str(event["SUMMARY"]).startswith("【示例】") == sample
            assert str(event.get("DESCRIPTION", "")).startswith("示例（虚构）活动") == sample
        stored = [
            doc
            for path in sorted((out / "search").glob("d-*.json"))
            for doc in json.loads(path.read_text(encoding="utf-8"))
        ]
        for url, _title, _extras, _shown, _date, sample, _other in stored:
            kind = {
                "achievements": "achievement",
                "events": "event",
                "projects": "project",
                "talents": "talent",
                "carriers": "carrier",
                "institutes": "institute",
                "districts": "district",
            }[url.split("/")[0]]
            assert sample == int(include and registry.get(kind, url.split("/")[1].removesuffix(".html")).sample)
        assert any(doc[5] for doc in stored) == include
