"""Progress against plan targets, and the ≥ 5 partners check, on small hand-made records and on the shipped ones."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from registry.engine.checking import check
from registry.figures.progress import compute_progress, partner_indicator
from registry.model.public import public_view

D = dt.date.fromisoformat

# A five-year plan with a departments' row outside the totals, a two-owner carrier metric and a
# filtered sub-target; a one-year plan in a leap year (no declared totals); a later plan (sorting).
PLAN_5 = """\
id: p5
name:
  zh: 五年计划
  en: Five-year plan
source:
  zh: 测试附件2
start: 2016-01-01
end: 2020-12-31
metrics:
  - id: projects
    name: {zh: 项目合作}
    unit: {zh: 项}
    kind: project
    measure: records
    date_field: signed
  - id: events
    name: {zh: 对接活动}
    unit: {zh: 次}
    kind: event
    measure: records
    date_field: start
  - id: people
    name: {zh: 引进人才}
    unit: {zh: 人}
    kind: talent
    measure: people
    date_field: date
  - id: carriers
    name: {zh: 载体建设}
    unit: {zh: 个}
    kind: carrier
    measure: records
    date_field: established
    owner_fields: [district, coordinated_by]
  - id: labs
    name: {zh: 省级以上重点实验室}
    unit: {zh: 个}
    kind: carrier
    measure: records
    date_field: established
    where:
      type: [key-lab]
      level: [national, provincial]
    part_of: carriers
targets:
  - district: departments
    values: {events: 2, carriers: 1}
    note: {zh: 部门行}
  - district: east
    values: {projects: 2, events: 0, people: 3, carriers: 1}
  - district: west
    values: {projects: 4, events: 3, people: 5, carriers: 3, labs: 1}
totals: {projects: 6, events: 3, people: 8, carriers: 4}
outside_totals: [departments]
"""

PLAN_2016 = """\
id: y2016
name: {zh: 2016年计划}
source: {zh: 测试}
start: 2016-01-01
end: 2016-12-31
metrics:
  - id: projects
    name: {zh: 项目合作}
    unit: {zh: 项}
    kind: project
    measure: records
    date_field: signed
targets:
  - district: west
    values: {projects: 2}
totals: {}
"""

PLAN_2017 = """\
id: a2017
name: {zh: 2017年计划}
source: {zh: 测试}
start: 2017-01-01
end: 2017-12-31
metrics:
  - id: projects
    name: {zh: 项目合作}
    unit: {zh: 项}
    kind: project
    measure: records
    date_field: signed
targets:
  - district: west
    values: {projects: 1}
totals: {projects: 1}
"""


def district(id_, zh, kind, order, partners=()):
    text = f"id: {id_}\nname: {{zh: {zh}}}\nkind: {kind}\norder: {order}\nindustries:\n  - zh: 产业{zh}\n"
    if partners:
        text += "partners:\n" + "".join(
            f"  - {{institute: {inst}, since: {since}{', sample: true' if sample else ''}}}\n"
            for inst, since, sample in partners
        )
    return text


def institute(id_):
    return f"id: {id_}\nname: {{zh: 研究院{id_}, en: Institute {id_}}}\ntype: university\ncountry: CN\n"


def project(id_, district_, signed):
    return (
        f"id: {id_}\nname: {{zh: 项目{id_}}}\ndistrict: {district_}\nenterprise: {{zh: 企业}}\n"
        f"institutes: [inst-a]\nmode: contract-rd\nsigned: {signed}\n"
    )


def event(id_, district_, start):
    return f"id: {id_}\ntitle: {{zh: 活动{id_}}}\ntype: forum\nstart: {start}\ndistrict: {district_}\ninstitutes: [inst-a]\n"


def talent(id_, district_, people, date):
    form = "individual" if people == 1 else "team"
    return (
        f"id: {id_}\nname: {{zh: 人才{id_}}}\nform: {form}\npeople: {people}\ninstitute: inst-a\n"
        f"district: {district_}\ndate: {date}\n"
    )


def carrier(id_, type_, level, established=None, **owners):
    text = f"id: {id_}\nname: {{zh: 载体{id_}}}\ntype: {type_}\nlevel: {level}\ninstitutes: [inst-a]\n"
    text += "".join(f"{field}: {value}\n" for field, value in owners.items())
    return text + (f"established: {established}\n" if established else "")


FILES = {
    "records/plans/p5.yaml": PLAN_5,
    "records/plans/y2016.yaml": PLAN_2016,
    "records/plans/a2017.yaml": PLAN_2017,
    "records/districts/departments.yaml": district("departments", "市级部门", "department", 1),
    "records/districts/west.yaml": district(
        "west",
        "西区",
        "district",
        2,
        [
            ("i1", 2016, False),
            ("i2", 2016, False),
            ("i3", 2017, False),
            ("i4", 2018, False),
            ("i5", 2019, True),
            ("i6", 2021, False),
        ],
    ),
    "records/districts/east.yaml": district("east", "东区", "district", 3),
    "records/districts/north.yaml": district("north", "北区", "district", 4, [("i2", 2016, False)]),
    **{f"records/institutes/{i}.yaml": institute(i) for i in ("inst-a", "i1", "i2", "i3", "i4", "i5", "i6")},
    # date window of the five-year plan: 2016-01-01 .. 2020-12-31
    "records/projects/p-before.yaml": project("p-before", "west", "2015-12-31"),
    "records/projects/p-start.yaml": project("p-start", "west", "2016-01-01"),
    "records/projects/p-mid.yaml": project("p-mid", "west", "2018-06-01"),
    "records/projects/p-end.yaml": project("p-end", "west", "2020-12-31"),
    "records/projects/p-after.yaml": project("p-after", "west", "2021-01-01"),
    "records/projects/p-north.yaml": project("p-north", "north", "2017-01-01"),  # no target row: counts nowhere
    "records/events/e-dep1.yaml": event("e-dep1", "departments", "2016-03-01"),
    "records/events/e-dep2.yaml": event("e-dep2", "departments", "2016-04-01"),
    "records/events/e-dep3.yaml": event("e-dep3", "departments", "2017-04-01"),
    "records/events/e-w1.yaml": event("e-w1", "west", "2016-05-01"),
    "records/events/e-w2.yaml": event("e-w2", "west", "2019-05-01"),
    "records/talents/t-team.yaml": talent("t-team", "west", 4, "2017-05-01"),
    "records/talents/t-one.yaml": talent("t-one", "west", 1, "2018-01-01"),
    "records/talents/t-east.yaml": talent("t-east", "east", 2, "2019-01-01"),
    "records/carriers/c-coord.yaml": carrier(
        "c-coord", "incubator", "none", "2017-03-01", district="east", coordinated_by="departments"
    ),
    "records/carriers/c-self.yaml": carrier(
        "c-self", "incubator", "none", "2017-03-02", district="west", coordinated_by="west"
    ),
    "records/carriers/c-lab-prov.yaml": carrier("c-lab-prov", "key-lab", "provincial", "2017-06-01", district="west"),
    "records/carriers/c-lab-city.yaml": carrier("c-lab-city", "key-lab", "suzhou", "2018-06-01", district="west"),
    "records/carriers/c-undated.yaml": carrier("c-undated", "key-lab", "national", district="west"),
}


@pytest.fixture
def registry(project):
    result = check(project(FILES))
    assert result.ok, "\n".join(map(str, result.problems))
    return result.registry


def plan_at(registry, as_of, plan_id="p5"):
    (plan,) = [p for p in compute_progress(registry, D(as_of)) if p["id"] == plan_id]
    return plan


def cell(plan, district_id, metric_id):
    (row,) = [r for r in plan["rows"] if r["district"] == district_id]
    return row["cells"][metric_id]


def test_shape_and_order(registry):
    result = compute_progress(registry, D("2018-06-01"))
    assert json.loads(json.dumps(result)) == result  # plain data only
    assert result == compute_progress(registry, D("2018-06-01"))
    assert [p["id"] for p in result] == ["p5", "y2016", "a2017"]  # by start, then id
    plan = result[0]
    assert set(plan) == {
        "id",
        "name",
        "source",
        "start",
        "end",
        "as_of",
        "started",
        "closed",
        "final",
        "elapsed",
        "metrics",
        "rows",
        "totals",
        "city_goals",
    }
    assert plan["city_goals"] == []
    assert (plan["name"], plan["source"]) == ({"zh": "五年计划", "en": "Five-year plan"}, {"zh": "测试附件2"})
    assert (plan["start"], plan["end"], plan["as_of"]) == ("2016-01-01", "2020-12-31", "2018-06-01")
    rule = {"owner_fields": ["district"], "where": {}, "note": None}
    assert plan["metrics"] == [
        {
            "id": "projects",
            "name": {"zh": "项目合作"},
            "unit": {"zh": "项"},
            "kind": "project",
            "measure": "records",
            "part_of": None,
            "date_field": "signed",
            **rule,
        },
        {
            "id": "events",
            "name": {"zh": "对接活动"},
            "unit": {"zh": "次"},
            "kind": "event",
            "measure": "records",
            "part_of": None,
            "date_field": "start",
            **rule,
        },
        {
            "id": "people",
            "name": {"zh": "引进人才"},
            "unit": {"zh": "人"},
            "kind": "talent",
            "measure": "people",
            "part_of": None,
            "date_field": "date",
            **rule,
        },
        {
            "id": "carriers",
            "name": {"zh": "载体建设"},
            "unit": {"zh": "个"},
            "kind": "carrier",
            "measure": "records",
            "part_of": None,
            "date_field": "established",
            "owner_fields": ["district", "coordinated_by"],
            "where": {},
            "note": None,
        },
        {
            "id": "labs",
            "name": {"zh": "省级以上重点实验室"},
            "unit": {"zh": "个"},
            "kind": "carrier",
            "measure": "records",
            "part_of": "carriers",
            "date_field": "established",
            "owner_fields": ["district"],
            "where": {"type": ["key-lab"], "level": ["national", "provincial"]},
            "note": None,
        },
    ]
    # rows by the district's order (departments 1, west 2, east 3), not by id or by the plan's order
    assert [(r["district"], r["name"], r["kind"], r["outside_totals"], r["note"]) for r in plan["rows"]] == [
        ("departments", {"zh": "市级部门"}, "department", True, {"zh": "部门行"}),
        ("west", {"zh": "西区"}, "district", False, None),
        ("east", {"zh": "东区"}, "district", False, None),
    ]
    # a cell only where the row has a target
    assert [sorted(r["cells"]) for r in plan["rows"]] == [
        ["carriers", "events"],
        ["carriers", "events", "labs", "people", "projects"],
        ["carriers", "events", "people", "projects"],
    ]
    assert sorted(plan["totals"]) == ["carriers", "events", "labs", "people", "projects"]
    assert cell(plan, "west", "projects") == {
        "target": 4,
        "actual": 2,
        "percent": 50,
        "expected": 1.93,
        "status": "on-track",
        "records": ["p-mid", "p-start"],
        "samples": 0,
    }


@pytest.mark.parametrize(
    ("as_of", "records"),
    [
        ("2015-12-31", []),
        ("2016-01-01", ["p-start"]),
        ("2018-05-31", ["p-start"]),
        ("2018-06-01", ["p-mid", "p-start"]),
        ("2020-12-30", ["p-mid", "p-start"]),
        ("2020-12-31", ["p-end", "p-mid", "p-start"]),
        ("2030-01-01", ["p-end", "p-mid", "p-start"]),  # the day after the end never counts
    ],
)
def test_date_window(registry, as_of, records):
    plan = plan_at(registry, as_of)
    assert cell(plan, "west", "projects")["records"] == records
    assert cell(plan, "west", "projects")["actual"] == len(records)
    assert plan_at(registry, as_of, "y2016")["rows"][0]["cells"]["projects"]["records"] == (
        ["p-start"] if as_of >= "2016-01-01" else []
    )


def test_record_owned_by_no_target_row_counts_nowhere(registry):
    plan = plan_at(registry, "2020-12-31")
    assert "p-north" not in plan["totals"]["projects"]["records"]
    assert plan["totals"]["projects"]["records"] == ["p-end", "p-mid", "p-start"]


def test_two_owners_and_undated(registry):
    plan = plan_at(registry, "2020-12-31")
    assert cell(plan, "east", "carriers")["records"] == ["c-coord"]
    assert cell(plan, "departments", "carriers")["records"] == ["c-coord"]
    # district and coordinated_by naming the same row count once; an undated carrier counts nowhere
    assert cell(plan, "west", "carriers")["records"] == ["c-lab-city", "c-lab-prov", "c-self"]
    assert cell(plan, "west", "carriers")["actual"] == 3
    # the departments' row is outside the totals, so c-coord is in them once, through east
    assert plan["totals"]["carriers"]["records"] == ["c-coord", "c-lab-city", "c-lab-prov", "c-self"]
    assert plan["totals"]["carriers"]["actual"] == 4


def test_where_filter_and_part_of(registry):
    plan = plan_at(registry, "2020-12-31")
    # a Suzhou-level key lab and an incubator are carriers but not provincial key labs
    assert cell(plan, "west", "labs") == {
        "target": 1,
        "actual": 1,
        "percent": 100,
        "expected": 1.0,
        "status": "achieved",
        "records": ["c-lab-prov"],
        "samples": 0,
    }
    assert "labs" not in plan["rows"][2]["cells"]  # east has no sub-target
    assert plan["totals"]["labs"]["records"] == ["c-lab-prov"]


def test_people_measure(registry):
    plan = plan_at(registry, "2020-12-31")
    assert cell(plan, "west", "people") == {
        "target": 5,
        "actual": 5,
        "percent": 100,
        "expected": 5.0,
        "status": "achieved",
        "records": ["t-one", "t-team"],
        "samples": 0,
    }
    assert cell(plan, "east", "people")["actual"] == 2
    assert plan["totals"]["people"] == {
        "target": 8,
        "actual": 7,
        "percent": 87,
        "expected": 8.0,
        "status": "behind",
        "declared": True,
        "records": ["t-east", "t-one", "t-team"],
        "samples": 0,
    }


def test_outside_totals_excluded(registry):
    plan = plan_at(registry, "2020-12-31")
    assert cell(plan, "departments", "events")["records"] == ["e-dep1", "e-dep2", "e-dep3"]
    assert plan["totals"]["events"] == {
        "target": 3,
        "actual": 2,
        "percent": 66,
        "expected": 3.0,
        "status": "behind",
        "declared": True,
        "records": ["e-w1", "e-w2"],
        "samples": 0,
    }


def test_samples_counted_say_how_much_of_each_figure_they_make(project):
    """A cell says how much of its actual sample records make (records, or people): the totals add them up."""
    files = dict(FILES)
    files["records/projects/p-mid.yaml"] += "sample: true\n"
    files["records/talents/t-team.yaml"] += "sample: true\n"
    result = check(project(files))
    assert result.ok, "\n".join(map(str, result.problems))
    plan = plan_at(result.registry, "2020-12-31")
    assert (cell(plan, "west", "projects")["actual"], cell(plan, "west", "projects")["samples"]) == (3, 1)
    assert (cell(plan, "west", "people")["actual"], cell(plan, "west", "people")["samples"]) == (5, 4)
    assert cell(plan, "east", "people")["samples"] == 0
    assert (plan["totals"]["people"]["actual"], plan["totals"]["people"]["samples"]) == (7, 4)
    assert (
        plan_at(public_view(result.registry, include_samples=False), "2020-12-31")["totals"]["people"]["samples"] == 0
    )


def test_declared_and_computed_totals(registry):
    totals = plan_at(registry, "2020-12-31")["totals"]
    assert {m: (t["target"], t["declared"]) for m, t in totals.items()} == {
        "projects": (6, True),
        "events": (3, True),
        "people": (8, True),
        "carriers": (4, True),
        "labs": (1, False),
    }
    assert plan_at(registry, "2020-12-31", "y2016")["totals"]["projects"]["target"] == 2
    assert plan_at(registry, "2020-12-31", "y2016")["totals"]["projects"]["declared"] is False


def test_statuses(registry):
    before = plan_at(registry, "2015-12-31")
    assert (before["started"], before["closed"], before["final"], before["elapsed"]) == (False, False, False, 0.0)
    statuses = {c["status"] for row in before["rows"] for c in row["cells"].values()}
    assert statuses | {t["status"] for t in before["totals"].values()} == {"not-started"}
    assert cell(before, "departments", "events")["expected"] == 0.0

    # 2018-06-01: day 883 of 1827
    open_ = plan_at(registry, "2018-06-01")
    assert (open_["started"], open_["closed"], open_["final"]) == (True, False, False)
    assert cell(open_, "departments", "events")["status"] == "achieved"  # 3 of 2
    assert cell(open_, "west", "projects")["status"] == "on-track"  # 2 >= 4 × 883/1827 = 1.93
    assert cell(open_, "east", "projects")["status"] == "behind"  # 0 < 2 × 883/1827 = 0.97
    assert cell(open_, "east", "projects")["expected"] == 0.97

    closed = plan_at(registry, "2020-12-31")
    assert (closed["started"], closed["closed"], closed["final"], closed["elapsed"]) == (True, True, True, 1.0)
    assert cell(closed, "west", "projects")["status"] == "behind"  # 3 of 4, for good
    assert cell(closed, "west", "people")["status"] == "achieved"
    statuses = {c["status"] for row in closed["rows"] for c in row["cells"].values()}
    assert statuses | {t["status"] for t in closed["totals"].values()} == {"achieved", "behind"}


def test_percent_floor_and_target_zero(registry):
    plan = plan_at(registry, "2020-12-31")
    assert cell(plan, "west", "events")["percent"] == 66  # 2 of 3: floored, not rounded to 67
    assert cell(plan, "west", "projects")["percent"] == 75
    assert cell(plan, "departments", "events")["percent"] == 150
    zero = cell(plan, "east", "events")
    assert (zero["target"], zero["actual"], zero["percent"], zero["expected"], zero["status"]) == (
        0,
        0,
        None,
        0.0,
        "achieved",
    )
    assert cell(plan_at(registry, "2015-06-01"), "east", "events")["status"] == "not-started"


@pytest.mark.parametrize(
    ("plan_id", "as_of", "elapsed"),
    [
        ("p5", "2015-12-31", 0.0),
        ("p5", "2016-01-01", 0.0005),  # 1 / 1827 (2016 and 2020 are leap years)
        ("p5", "2016-02-29", 0.0328),  # 60 / 1827
        ("p5", "2016-12-31", 0.2003),  # 366 / 1827
        ("p5", "2020-12-30", 0.9995),  # 1826 / 1827
        ("p5", "2020-12-31", 1.0),
        ("p5", "2024-02-29", 1.0),
        ("y2016", "2016-02-28", 0.1612),  # 59 / 366
        ("y2016", "2016-02-29", 0.1639),  # 60 / 366
        ("y2016", "2016-03-01", 0.1667),  # 61 / 366
        ("y2016", "2016-07-01", 0.5),  # 183 / 366
        ("y2016", "2016-12-30", 0.9973),  # 365 / 366
        ("y2016", "2016-12-31", 1.0),
    ],
)
def test_elapsed(registry, plan_id, as_of, elapsed):
    assert plan_at(registry, as_of, plan_id)["elapsed"] == elapsed


@pytest.mark.parametrize(
    ("as_of", "expected", "status"),
    [
        ("2016-06-30", 0.99, "on-track"),  # 2 × 182/366 = 0.9945…
        ("2016-07-01", 1.0, "on-track"),  # exactly half way: 1 is on track, not behind
        ("2016-07-02", 1.01, "behind"),
    ],
)
def test_expected_at_the_boundary(registry, as_of, expected, status):
    projects = plan_at(registry, as_of, "y2016")["rows"][0]["cells"]["projects"]
    assert (projects["actual"], projects["expected"], projects["status"]) == (1, expected, status)


@pytest.mark.parametrize(
    ("as_of", "listed", "count", "samples", "met"),
    [
        ("2015-12-31", 0, 0, 0, False),
        ("2018-12-31", 4, 4, 0, False),
        ("2019-01-01", 5, 4, 1, False),  # the fifth partner (i5, 2019) is a sample: it never meets the rule
        ("2021-06-30", 6, 5, 1, True),
    ],
)
def test_partner_indicator(registry, as_of, listed, count, samples, met):
    result = partner_indicator(registry, D(as_of))
    assert json.loads(json.dumps(result)) == result
    assert [r["district"] for r in result] == ["west", "east", "north"]  # by order; no departments' row
    west = result[0]
    assert (west["name"], west["count"], west["samples"], west["required"], west["met"]) == (
        {"zh": "西区"},
        count,
        samples,
        5,
        met,
    )
    assert len(west["partners"]) == listed
    assert result[1] == {
        "district": "east",
        "name": {"zh": "东区"},
        "partners": [],
        "count": 0,
        "samples": 0,
        "required": 5,
        "met": False,
    }


def test_a_sample_district_s_partners_never_count(project):
    root = project(
        {
            **FILES,
            "records/districts/north.yaml": FILES["records/districts/north.yaml"] + "sample: true\n",
            "records/projects/p-north.yaml": FILES["records/projects/p-north.yaml"] + "sample: true\n",
        }
    )
    result = check(root)
    assert result.ok, [p.text() for p in result.problems]
    north = partner_indicator(result.registry, D("2021-06-30"))[2]
    assert (north["district"], north["count"], north["samples"], north["met"]) == ("north", 0, 1, False)
    assert north["partners"] == [{"institute": "i2", "since": 2016, "sample": True}]


def test_partner_entries(registry):
    west = partner_indicator(registry, D("2019-12-31"))[0]
    assert west["partners"] == [
        {"institute": "i1", "since": 2016, "sample": False},
        {"institute": "i2", "since": 2016, "sample": False},
        {"institute": "i3", "since": 2017, "sample": False},
        {"institute": "i4", "since": 2018, "sample": False},
        {"institute": "i5", "since": 2019, "sample": True},
    ]


def test_shipped_records(shipped, run):
    assert (outcome := run("--root", str(shipped), "check")).code == 0, outcome
    result = check(shipped)
    assert result.ok
    for as_of in ("2017-12-31", "2020-12-31"):
        plans = {p["id"]: p for p in compute_progress(result.registry, D(as_of))}
        assert list(plans) == ["2016-2020", "2017"]
        targets = {pid: {m: t["target"] for m, t in p["totals"].items()} for pid, p in plans.items()}
        assert targets == {
            "2016-2020": {"projects": 300, "events": 250, "talents": 40, "carriers": 25, "key-labs": 2},
            "2017": {"projects": 98, "events": 79, "talents": 16, "carriers": 13},
        }
        assert not plans["2016-2020"]["totals"]["key-labs"]["declared"]
        (departments,) = [r for r in plans["2016-2020"]["rows"] if r["district"] == "departments"]
        assert departments["outside_totals"] and departments["kind"] == "department"
        assert plans["2016-2020"]["rows"][0] is departments  # order 1
        for plan in plans.values():
            inside = [r for r in plan["rows"] if not r["outside_totals"]]
            for metric_id, total in plan["totals"].items():
                cells = [r["cells"][metric_id] for r in inside if metric_id in r["cells"]]
                assert total["actual"] == sum(c["actual"] for c in cells)
                assert total["records"] == sorted({i for c in cells for i in c["records"]})
                assert sum(c["target"] for c in cells) == total["target"]


def test_a_city_wide_goal_counts_every_record_of_its_metric_whatever_district_owns_it(project):
    goal = "city_goals:\n  - {metric: labs, min: 1, max: 2, note: {zh: 全市 1—2 个}}\n"
    files = {
        **FILES,
        "records/plans/p5.yaml": PLAN_5 + goal,
        # a provincial key lab in a district without a target row, and one that names no district
        "records/carriers/c-lab-north.yaml": carrier(
            "c-lab-north", "key-lab", "national", "2019-03-01", district="north"
        ),
        "records/carriers/c-lab-nowhere.yaml": carrier("c-lab-nowhere", "key-lab", "provincial", "2020-03-01"),
    }
    result = check(project(files))
    assert result.ok, [p.text() for p in result.problems]
    plan = plan_at(result.registry, "2019-12-31")
    (city,) = plan["city_goals"]
    assert city == {
        "metric": "labs",
        "min": 1,
        "max": 2,
        "note": {"zh": "全市 1—2 个"},
        "target": 1,
        "actual": 2,
        "percent": 200,
        "expected": 0.8,
        "status": "achieved",
        "records": ["c-lab-north", "c-lab-prov"],
        "samples": 0,
    }
    assert plan["totals"]["labs"]["records"] == ["c-lab-prov"]  # the rows' sum knows only the districts with a target
    assert plan_at(result.registry, "2020-12-31")["city_goals"][0]["records"] == [
        "c-lab-north",
        "c-lab-nowhere",
        "c-lab-prov",
    ]
    assert plan_at(result.registry, "2017-01-31")["city_goals"][0]["status"] == "behind"
