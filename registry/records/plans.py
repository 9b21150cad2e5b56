"""Plan records checked as a whole: metrics that count a kind by a date field, targets per district that name known
metrics, declared totals that equal the sum of the rows, city-wide goals of known metrics."""

from __future__ import annotations

import difflib
from collections import defaultdict

from registry import KINDS
from registry.problems import Problem, listing, shown
from registry.records.record import Record, problem_at
from registry.records.schemas import SchemaSet


def plan_problems(plan: Record, schemas: SchemaSet) -> list[Problem]:
    problems = []
    metrics = plan.get("metrics") if isinstance(plan.get("metrics"), list) else []
    metric_ids: dict[str, int] = {}
    for index, metric in enumerate(metrics):
        if not isinstance(metric, dict):
            continue
        path = ("metrics", index)
        metric_id, kind = metric.get("id"), metric.get("kind")
        if isinstance(metric_id, str):
            if metric_id in metric_ids:
                problems.append(
                    problem_at(
                        plan,
                        path + ("id",),
                        "duplicate-metric",
                        f"指标编号 {metric_id} 重复",
                        f"the metric id {metric_id} is used twice",
                        "每项指标用不同的编号",
                        "give each metric its own id",
                    )
                )
            metric_ids.setdefault(metric_id, index)
        if kind not in KINDS:
            continue
        date_field = metric.get("date_field")
        if isinstance(date_field, str) and (date_field,) not in schemas.date_fields(kind):
            options = ", ".join(p[0] for p in schemas.date_fields(kind) if len(p) == 1)
            problems.append(
                problem_at(
                    plan,
                    path + ("date_field",),
                    "bad-date-field",
                    f"{kind} 没有日期字段 {date_field}",
                    f"{kind} has no date field {date_field}",
                    f"可选：{options}",
                    f"choose one of: {options}",
                )
            )
        district_fields = [p[0] for p, target in schemas.ref_fields(kind) if target == "district" and len(p) == 1]
        for i, owner in enumerate(metric.get("owner_fields") or []):
            if owner not in district_fields:
                problems.append(
                    problem_at(
                        plan,
                        path + ("owner_fields", i),
                        "bad-owner-field",
                        f"{kind} 没有指向区镇的字段 {shown(owner)}",
                        f"{kind} has no district field {shown(owner)}",
                        f"可选：{listing(district_fields)}",
                        f"choose one of: {listing(district_fields)}",
                    )
                )
        where = metric.get("where") if isinstance(metric.get("where"), dict) else {}
        for field, allowed in where.items():
            node = schemas.at(kind, (field,))
            if node is None or "enum" not in node:
                problems.append(
                    problem_at(
                        plan,
                        path + ("where", field),
                        "bad-filter",
                        f"{kind} 没有可筛选的字段 {shown(field)}",
                        f"{kind} has no field {shown(field)} to filter on",
                        "用有固定选项的字段，例如 type、level",
                        "use a field with fixed choices, e.g. type, level",
                        key=True,
                    )
                )
                continue
            for i, value in enumerate(allowed if isinstance(allowed, list) else []):
                if value not in node["enum"]:
                    close = difflib.get_close_matches(str(value), node["enum"], n=1, cutoff=0.6)
                    hint = (
                        (f"是否应为 {close[0]}？", f"did you mean {close[0]}?")
                        if close
                        else (f"可选：{listing(node['enum'])}", f"choose one of: {listing(node['enum'])}")
                    )
                    problems.append(
                        problem_at(
                            plan,
                            path + ("where", field, i),
                            "bad-filter-value",
                            f"{field} 没有取值 {shown(value)}",
                            f"{field} has no value {shown(value)}",
                            *hint,
                        )
                    )
        if metric.get("measure") == "people" and schemas.at(kind, ("people",)) is None:
            problems.append(
                problem_at(
                    plan,
                    path + ("measure",),
                    "bad-measure",
                    f"{kind} 没有人数字段，不能按人数计",
                    f"{kind} has no people field to add up",
                    "改为 records",
                    "use records",
                )
            )
    for index, metric in enumerate(metrics):
        part_of = metric.get("part_of") if isinstance(metric, dict) else None
        if isinstance(part_of, str) and (part_of not in metric_ids or part_of == metric.get("id")):
            problems.append(
                problem_at(
                    plan,
                    ("metrics", index, "part_of"),
                    "bad-part-of",
                    f"没有指标 {shown(part_of)}",
                    f"there is no metric {shown(part_of)}",
                    "写本计划中另一项指标的编号",
                    "name another metric of this plan",
                )
            )
    problems += _check_targets(plan, metric_ids)
    problems += _check_city_goals(plan, metric_ids)
    return problems


def _check_city_goals(plan: Record, metric_ids: dict[str, int]) -> list[Problem]:
    """A city-wide goal names a metric of the plan, and its upper end is not below its lower end."""
    problems = []
    goals = plan.get("city_goals") if isinstance(plan.get("city_goals"), list) else []
    for index, goal in enumerate(goals):
        if not isinstance(goal, dict):
            continue
        metric_id, low, high = goal.get("metric"), goal.get("min"), goal.get("max")
        if isinstance(metric_id, str) and metric_id not in metric_ids:
            problems.append(
                problem_at(
                    plan,
                    ("city_goals", index, "metric"),
                    "unknown-metric",
                    f"本计划没有指标 {shown(metric_id)}",
                    f"this plan has no metric {shown(metric_id)}",
                    f"可选：{listing(metric_ids)}",
                    f"choose one of: {listing(metric_ids)}",
                )
            )
        if isinstance(low, int) and isinstance(high, int) and high < low:
            problems.append(
                problem_at(
                    plan,
                    ("city_goals", index, "max"),
                    "goal-range",
                    f"上限 {high} 小于下限 {low}",
                    f"the upper end {high} is below the lower end {low}",
                    "核对原文中的范围，例如 1—2 个写 min: 1、max: 2",
                    "check the range in the source: 1–2 is min: 1, max: 2",
                )
            )
    return problems


def _check_targets(plan: Record, metric_ids: dict[str, int]) -> list[Problem]:
    problems = []
    rows = plan.get("targets") if isinstance(plan.get("targets"), list) else []
    outside = set(plan.get("outside_totals") or []) if isinstance(plan.get("outside_totals"), list) else set()
    sums: dict[str, int] = defaultdict(int)
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        district = row.get("district")
        if isinstance(district, str):
            if district in seen:
                problems.append(
                    problem_at(
                        plan,
                        ("targets", index, "district"),
                        "duplicate-target-row",
                        f"{district} 有两行目标（另一行是第 {seen[district] + 1} 行）",
                        f"{district} has two target rows",
                        "合并成一行",
                        "merge them into one row",
                    )
                )
            seen.setdefault(district, index)
        values = row.get("values") if isinstance(row.get("values"), dict) else {}
        for metric_id, target in values.items():
            if metric_id not in metric_ids:
                close = difflib.get_close_matches(metric_id, list(metric_ids), n=1, cutoff=0.5)
                problems.append(
                    problem_at(
                        plan,
                        ("targets", index, "values", metric_id),
                        "unknown-metric",
                        f"本计划没有指标 {shown(metric_id)}",
                        f"this plan has no metric {shown(metric_id)}",
                        *(
                            (f"是否应为 {close[0]}？", f"did you mean {close[0]}?")
                            if close
                            else (f"可选：{listing(metric_ids)}", f"choose one of: {listing(metric_ids)}")
                        ),
                        key=True,
                    )
                )
            elif isinstance(target, int) and not isinstance(target, bool) and district not in outside:
                sums[metric_id] += target
    totals = plan.get("totals") if isinstance(plan.get("totals"), dict) else {}
    for metric_id, total in totals.items():
        if metric_id not in metric_ids:
            problems.append(
                problem_at(
                    plan,
                    ("totals", metric_id),
                    "unknown-metric",
                    f"本计划没有指标 {shown(metric_id)}",
                    f"this plan has no metric {shown(metric_id)}",
                    f"可选：{listing(metric_ids)}",
                    f"choose one of: {listing(metric_ids)}",
                    key=True,
                )
            )
        elif isinstance(total, int) and total != sums.get(metric_id, 0):
            problems.append(
                problem_at(
                    plan,
                    ("totals", metric_id),
                    "total-mismatch",
                    f"合计 {total} 与各行目标之和 {sums.get(metric_id, 0)} 不一致",
                    f"the total {total} differs from the sum of the rows, {sums.get(metric_id, 0)}",
                    "核对原表中各行数字和合计",
                    "check each row and the total against the source table",
                )
            )
    return problems
