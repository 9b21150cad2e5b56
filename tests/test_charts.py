"""Progress over time: the cumulative series (pure) and how it appears as SVG and as a data table on the built pages."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import html
from test_progress import FILES

from registry.engine.checking import check
from registry.figures.progress import compute_progress
from registry.figures.series import cumulative_series, point_dates, step_months
from registry.model.public import public_view
from registry.pages.charts import LINES, nice_top, scale_for
from registry.pages.display import pace_text

D = dt.date.fromisoformat
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def registry(project):
    result = check(project(FILES))
    assert result.ok, "\n".join(map(str, result.problems))
    return result.registry


def plan_cell(registry, as_of: str, plan_id: str, district: str | None, metric: str):
    (plan,) = [p for p in compute_progress(registry, D(as_of)) if p["id"] == plan_id]
    if district is None:
        return plan, plan["totals"][metric]
    (row,) = [r for r in plan["rows"] if r["district"] == district]
    return plan, row["cells"][metric]


# -- the sample dates -------------------------------------------------------------------------------------
def test_five_year_plans_are_sampled_at_quarter_ends_and_annual_plans_at_month_ends():
    five = point_dates(D("2016-01-01"), D("2020-12-31"), D("2020-12-31"))
    assert len(five) == 20
    assert [d.isoformat() for d in five[:5]] == ["2016-03-31", "2016-06-30", "2016-09-30", "2016-12-31", "2017-03-31"]
    assert five[-1] == D("2020-12-31")
    year = point_dates(D("2016-01-01"), D("2016-12-31"), D("2020-12-31"))
    assert [d.isoformat() for d in year] == [
        "2016-01-31",
        "2016-02-29",
        "2016-03-31",
        "2016-04-30",
        "2016-05-31",
        "2016-06-30",
        "2016-07-31",
        "2016-08-31",
        "2016-09-30",
        "2016-10-31",
        "2016-11-30",
        "2016-12-31",
    ]


def test_an_as_of_date_inside_the_period_is_a_point_of_its_own():
    dates = point_dates(D("2017-01-01"), D("2017-12-31"), D("2017-08-15"))
    assert D("2017-08-15") in dates and len(dates) == 13
    assert point_dates(D("2017-01-01"), D("2017-12-31"), D("2017-08-31")).count(D("2017-08-31")) == 1


@pytest.mark.parametrize(
    ("start", "end", "step"),
    [
        ("2017-01-01", "2017-12-31", 1),
        ("2016-01-01", "2017-12-31", 1),
        ("2016-01-01", "2018-01-31", 3),
        ("2016-01-01", "2020-12-31", 3),
    ],
)
def test_monthly_points_up_to_two_years_quarterly_beyond(start, end, step):
    assert step_months(D(start), D(end)) == step


@pytest.mark.parametrize(
    ("value", "top", "step"),
    [(0, 1, 1), (1, 1, 1), (3, 3, 1), (5, 5, 1), (7, 8, 2), (16, 20, 5), (60, 60, 20), (250, 250, 50), (300, 300, 100)],
)
def test_the_value_axis_ends_on_a_round_number_with_at_most_five_steps(value, top, step):
    assert nice_top(value) == (top, step)
    assert top >= value and top / step <= 5


# -- the series agrees with the progress cells ---------------------------------------------------------
def test_series_points_hand_checked(registry):
    plan, cell = plan_cell(registry, "2020-12-31", "p5", "west", "projects")
    series = cumulative_series(registry, plan, "projects", cell)
    by_date = {p["date"]: p["actual"] for p in series["points"]}
    # p-start 2016-01-01, p-mid 2018-06-01, p-end 2020-12-31 (p-before and p-after fall outside the plan)
    assert by_date["2016-03-31"] == 1
    assert by_date["2018-03-31"] == 1
    assert by_date["2018-06-30"] == 2
    assert by_date["2020-09-30"] == 2
    assert by_date["2020-12-31"] == 3
    assert series["target"] == 4 and series["step_months"] == 3


def test_people_are_summed_not_counted(registry):
    plan, cell = plan_cell(registry, "2020-12-31", "p5", "west", "people")
    by_date = {p["date"]: p["actual"] for p in cumulative_series(registry, plan, "people", cell)["points"]}
    assert by_date["2017-06-30"] == 4  # the team of four
    assert by_date["2018-03-31"] == 5  # and one individual


@pytest.mark.parametrize(
    ("as_of", "district", "metric"),
    [
        ("2020-12-31", "west", "projects"),
        ("2019-08-15", "west", "people"),
        ("2018-02-01", "departments", "carriers"),
        ("2020-12-31", None, "events"),
        ("2017-06-30", "west", "labs"),
    ],
)
def test_every_point_reads_what_compute_progress_says_on_that_date(registry, as_of, district, metric):
    plan, cell = plan_cell(registry, as_of, "p5", district, metric)
    series = cumulative_series(registry, plan, metric, cell)
    for point in series["points"]:
        _, then = plan_cell(registry, point["date"], "p5", district, metric)
        assert point["expected"] == then["expected"], point
        if point["date"] <= as_of:
            assert point["actual"] == then["actual"], point
        else:
            assert point["actual"] is None, point
    last = [p for p in series["points"] if p["actual"] is not None][-1]
    assert last["date"] == min(as_of, plan["end"]) and last["actual"] == cell["actual"]


def test_the_shipped_series_ends_at_each_cells_actual(shipped):
    registry = public_view(check(shipped).registry)
    for plan in compute_progress(registry, D("2018-09-30")):
        for row in plan["rows"]:
            for metric_id, cell in row["cells"].items():
                points = cumulative_series(registry, plan, metric_id, cell)["points"]
                actuals = [p["actual"] for p in points if p["actual"] is not None]
                assert actuals[-1] == cell["actual"]
                assert actuals == sorted(actuals)  # cumulative: never goes down


# -- colours ----------------------------------------------------------------------------------------------
def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_line_colours_contrast_with_white_as_text_does_and_differ_by_more_than_colour():
    for name, style in LINES.items():
        ratio = (1.05) / (_luminance(style["stroke"]) + 0.05)
        assert ratio >= 4.5, f"{name}: {ratio:.2f}"
    assert len({style["dash"] for style in LINES.values()}) == len(LINES)


# -- the built pages --------------------------------------------------------------------------------------
def _chart(doc, chart_id: str):
    (svg,) = doc.xpath(f"//*[local-name()='svg'][@id='{chart_id}']")
    return svg


def _svg_points(svg, name: str) -> list[tuple[float, float]]:
    (line,) = [el for el in svg.iter() if el.get("class") == f"line-{name}"]
    return [tuple(map(float, pair.split(","))) for pair in line.get("points").split()]


def test_district_page_chart_is_an_image_named_by_its_title_with_the_series_drawn_and_tabled(built_site, shipped):
    doc = html.parse(str(built_site / "districts" / "kaifaqu.html")).getroot()
    svg = _chart(doc, "chart-2016-2020-projects")
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert doc.xpath(f"string(//*[@id='{title_id}'])") == "开发区 · 项目合作：累计完成情况"
    assert "目标 60项" in doc.xpath(f"string(//*[@id='{desc_id}'])")

    registry = public_view(check(shipped).registry)
    plan, cell = plan_cell(registry, "2020-12-31", "2016-2020", "kaifaqu", "projects")
    series = cumulative_series(registry, plan, "projects", cell)
    scale = scale_for(series)
    drawn = _svg_points(svg, "actual")
    assert drawn[0] == (scale.x0(), scale.y(0))  # the line starts at 0 on the first day
    assert drawn[1:] == [(scale.x(D(p["date"])), scale.y(p["actual"])) for p in series["points"]]
    assert _svg_points(svg, "target") == [(scale.x0(), scale.y(60)), (scale.x(D("2020-12-31")), scale.y(60))]
    assert _svg_points(svg, "expected")[-1] == (scale.x(D("2020-12-31")), scale.y(60))
    # the direct labels at the lines' ends carry the figures
    labels = [t.text for t in svg.iter(f"{SVG}text", "text") if t.get("font-weight") == "bold"]
    assert sorted(labels) == sorted(["目标 60", "按进度 60", f"实际 {cell['actual']}"])

    figure = svg.getparent()
    rows = [[c.text_content().strip() for c in tr.xpath("th|td")] for tr in figure.xpath(".//table/tbody/tr")]
    assert len(rows) == 20
    assert rows[0][0] == "2016年3月31日" and rows[-1][0] == "2020年12月31日"
    assert [int(r[1]) for r in rows] == [p["actual"] for p in series["points"]]
    assert rows[0][2] == "3"  # 2.99 due: a whole number, rounded up
    assert [r[2] for r in rows] == [pace_text(p["expected"], series["target"]) for p in series["points"]]
    assert {r[3] for r in rows} == {"60"}


def test_progress_page_charts_the_municipal_total_of_every_metric(built_site):
    doc = html.parse(str(built_site / "progress" / "2017.html")).getroot()
    svgs = doc.xpath("//*[local-name()='svg'][@role='img']")
    assert [s.get("id") for s in svgs] == [
        "chart-2017-projects",
        "chart-2017-events",
        "chart-2017-talents",
        "chart-2017-carriers",
    ]
    # an annual plan: one row per month end
    rows = svgs[0].getparent().xpath(".//table/tbody/tr")
    assert len(rows) == 12
    assert rows[-1].xpath("string(td[3])") == "98"
    # the half-year reports of the plan's year are linked below
    links = [(a.get("href"), a.text_content()) for a in doc.xpath("//section[@class='report-links']//a")]
    assert links == [
        ("../reports/2017-h1.html", "2017年上半年（回溯统计）"),
        ("../reports/2017-h2.html", "2017年下半年"),
    ]
