"""The shipped plans add up: each declared total is the sum of its district rows (昆政办发〔2017〕163号 附件2, 附件3)."""

from __future__ import annotations

import pytest
from conftest import REPO

from registry.records.yamlload import load

METRICS = ("projects", "events", "talents", "carriers")


@pytest.mark.parametrize(
    ("plan_id", "expected"),
    [("2016-2020", (300, 250, 40, 25)), ("2017", (98, 79, 16, 13))],
)
def test_district_rows_add_up_to_the_policy_totals(plan_id, expected):
    path = REPO / "records/plans" / f"{plan_id}.yaml"
    doc, problems = load(path, f"records/plans/{plan_id}.yaml")
    assert problems == []
    plan = doc.data
    outside = set(plan.get("outside_totals", []))

    sums = {
        metric: sum(row["values"].get(metric, 0) for row in plan["targets"] if row["district"] not in outside)
        for metric in METRICS
    }

    assert tuple(sums[m] for m in METRICS) == expected
    assert tuple(plan["totals"][m] for m in METRICS) == expected


def test_the_departments_row_of_annex_2_is_kept_out_of_the_municipal_totals():
    doc, _ = load(REPO / "records/plans/2016-2020.yaml", "records/plans/2016-2020.yaml")
    departments = next(row for row in doc.data["targets"] if row["district"] == "departments")

    assert doc.data["outside_totals"] == ["departments"]
    assert departments["values"] == {"events": 10, "scientist-teams": 20, "carriers": 5}  # 引介科学家团队: teams only
