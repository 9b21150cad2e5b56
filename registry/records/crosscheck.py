"""Checks across records: ids, references, likely duplicates, dates and plan totals."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections import defaultdict

from registry import KINDS
from registry.problems import Problem, listing, shown
from registry.records.dates import date_problems, today
from registry.records.discover import ID_MAX, ID_PATTERN
from registry.records.names import how_alike, lookalike_key
from registry.records.record import Record, Registry, as_date, values_at
from registry.records.schemas import SchemaSet
from registry.records.suggest import Suggester, register_command
from registry.records.validate import normalise
from registry.records.yamlload import field_path

KIND_ZH = {"district": "区镇或部门", "institute": "大院大所", "plan": "目标计划", "achievement": "科技成果",
           "event": "对接活动", "project": "合作项目", "talent": "人才团队", "carrier": "创新载体"}

_DUPLICATE_KEYS = {
    # kind: (name paths, extra fields that must also match for two records to be "the same")
    "district": ((("name", "zh"), ("full_name", "zh")), ()),
    "institute": ((("name", "zh"), ("name", "en"), ("aliases", "*")), ()),
    "plan": ((("name", "zh"),), ()),
    "achievement": ((("name", "zh"),), ("institute",)),
    "event": ((("title", "zh"),), ("start",)),
    "project": ((("name", "zh"),), ("district",)),
    "talent": ((("name", "zh"),), ("institute",)),
    "carrier": ((("name", "zh"),), ()),
}
NAME_PATHS = {kind: name_paths for kind, (name_paths, _extra) in _DUPLICATE_KEYS.items()}
"""The fields of each kind compared for likely duplicates; `check` folds them as it checks each file (cached)."""


def _at(record: Record, path: tuple, code: str, zh: str, en: str, hint_zh: str = "", hint_en: str = "",
        key: bool = False) -> Problem:
    line, column = record.doc.where(path, key=key)
    return Problem(record.src_path, line, column, field_path(path), code, zh, en, hint_zh, hint_en)



def crosscheck(registry: Registry, schemas: SchemaSet, declared: list[Record], day: dt.date | None = None) -> list[Problem]:
    """Run every cross-record check; `declared` holds every record that parsed, in path order; `day` is today."""
    problems: list[Problem] = []
    problems += _check_ids(declared)
    day = day or today()
    suggesters: dict[str, Suggester] = {}
    for kind in KINDS:
        for record in registry.all(kind):
            problems += _check_refs(record, registry, schemas, suggesters)
            problems += _check_dates(record, schemas, day)
            problems += _check_other_fields(record)
    problems += _check_duplicates(registry)
    problems += _check_parents(registry)
    for plan in registry.all("plan"):
        problems += _check_plan(plan, schemas)
    return problems


def _check_ids(declared: list[Record]) -> list[Problem]:
    """The id inside a file must be its file name; since file names are unique, so are ids that match them."""
    problems = []
    by_id = {(record.kind, record.id): record for record in declared}
    for record in declared:
        declared_id = record.get("id")
        well_formed = isinstance(declared_id, str) and ID_PATTERN.match(declared_id) and len(declared_id) <= ID_MAX
        if not well_formed or declared_id == record.id:  # a malformed id is reported by the schema, with the fix
            continue
        other = by_id.get((record.kind, declared_id))
        if other is not None:
            problems.append(_at(record, ("id",), "duplicate-id",
                                f"编号 {declared_id} 与文件名 {record.id}.yaml 不一致，且已被 {other.src_path} 使用",
                                f"the id {declared_id} does not match the file name {record.id}.yaml and is "
                                f"already used by {other.src_path}",
                                f"改为 id: {record.id}", f"write id: {record.id}"))
        else:
            problems.append(_at(record, ("id",), "id-mismatch",
                                f"编号 {declared_id} 与文件名 {record.id}.yaml 不一致",
                                f"the id {declared_id} does not match the file name {record.id}.yaml",
                                f"改为 id: {record.id}，或把文件改名为 {declared_id}.yaml",
                                f"write id: {record.id}, or rename the file {declared_id}.yaml"))
    return problems


def _names(registry: Registry, kind: str) -> dict[str, str]:
    """Normalised names and aliases of a kind's records → record id (for 'did you mean')."""
    names = {}
    for record in registry.all(kind):
        for pattern in _DUPLICATE_KEYS[kind][0]:
            for _path, value in values_at(record.data, pattern):
                if isinstance(value, str) and normalise(value):
                    names.setdefault(normalise(value), record.id)
    return names


def _suggester(registry: Registry, kind: str, made: dict[str, Suggester]) -> Suggester:
    """The suggestions for one kind, made on the first unknown reference to it (registry/suggest.py)."""
    if kind not in made:
        names: dict[str, list[str]] = {}
        for record in registry.all(kind):
            for pattern in _DUPLICATE_KEYS[kind][0]:
                names.setdefault(record.id, []).extend(
                    v for _path, v in values_at(record.data, pattern) if isinstance(v, str))
        made[kind] = Suggester(names)
    return made[kind]


def _unknown_ref_hint(registry: Registry, kind: str, value: str, made: dict[str, Suggester]) -> tuple[str, str]:
    """What to write instead: the id of the record this names, else a close id (if any) and how to register it."""
    by_name = _names(registry, kind).get(normalise(value))
    if by_name:
        return f"这是名称，请写编号 {by_name}", f"that is a name: write the id {by_name}"
    command = register_command(kind, value, lambda record_id: registry.get(kind, record_id) is not None)
    register = (f"确属新的{KIND_ZH[kind]}，先登记：{command}", f"if it is a new {kind}, register it first: {command}")
    close = _suggester(registry, kind, made).near(value)
    if close is None:
        return f"改用已有编号；{register[0]}", f"use an existing id; {register[1]}"
    target = registry.get(kind, close)
    name = target.get(_DUPLICATE_KEYS[kind][0][0][0]) if target else None
    zh_name = name.get("zh") if isinstance(name, dict) else None
    en_name = (name.get("en") or name.get("zh")) if isinstance(name, dict) else None
    return (f"是否应为 {close}" + (f"（{zh_name}）" if zh_name else "") + f"？{register[0]}",
            f"did you mean {close}" + (f" ({en_name})" if en_name else "") + f"? {register[1][0].upper()}{register[1][1:]}")


def _check_refs(record: Record, registry: Registry, schemas: SchemaSet, suggesters: dict[str, Suggester]) -> list[Problem]:
    problems = []
    for pattern, target_kind in schemas.ref_fields(record.kind):
        for path, value in values_at(record.data, pattern):
            if not isinstance(value, str):
                continue
            target = registry.get(target_kind, value)
            kind_zh = KIND_ZH[target_kind]
            if target is None:
                if not value.strip():  # a template's "" left as it was
                    example = next((r.id for r in registry.all(target_kind)), "")
                    problems.append(_at(record, path, "empty-ref", f"还没有填写{kind_zh}的编号", f"the {target_kind} id is empty",
                                        f"填写编号，例如 {example}", f"write its id, e.g. {example}"))
                    continue
                hint = _unknown_ref_hint(registry, target_kind, value, suggesters)
                problems.append(_at(record, path, "unknown-ref", f"找不到编号为 {shown(value)} 的{kind_zh}",
                                    f"no {target_kind} has the id {shown(value)}", *hint))
            elif target.sample and not record.sample and not _in_sample_entry(record, path):
                problems.append(_at(record, path, "ref-to-sample", f"正式记录引用了示例记录 {value}",
                                    f"a real record refers to the sample record {value}",
                                    "示例数据关闭时这个引用会失效：改用正式记录，或把本记录也标为 sample: true",
                                    "it breaks when samples are left out: refer to a real record, or mark this one sample: true"))
            elif target is record and record.kind == "institute":
                problems.append(_at(record, path, "self-ref", "不能引用自己", "a record cannot refer to itself",
                                    "删除这个引用", "delete the reference"))
    return problems


def _in_sample_entry(record: Record, path: tuple) -> bool:
    node = record.data
    for part in path[:-1]:
        node = node[part]
        if isinstance(node, dict) and node.get("sample") is True:
            return True
    return False


def _check_dates(record: Record, schemas: SchemaSet, day: dt.date) -> list[Problem]:
    problems = date_problems(schemas, record.kind, record.doc, day)
    for first, second in (("start", "end"), ("reported", "status_updated")):
        a, b = as_date(record.get(first)), as_date(record.get(second))
        if a and b and b < a:
            problems.append(_at(record, (second,), "date-order", f"{second}（{b}）早于 {first}（{a}）",
                                f"{second} ({b}) is before {first} ({a})", "检查两个日期", "check both dates"))
    return problems


def _check_other_fields(record: Record) -> list[Problem]:
    problems = []
    for base in ("field", "stage", "type", "mode"):
        if f"{base}_other" in record.data and base in record.data and record.get(base) != "other":
            problems.append(_at(record, (f"{base}_other",), "other-unused",
                                f"{base}_other 只在 {base} 为 other 时使用", f"{base}_other is only used when {base} is other",
                                f"把 {base} 改为 other，或删除 {base}_other", f"set {base}: other, or delete {base}_other", key=True))
    partners = record.get("partners") if record.kind == "district" else None
    if isinstance(partners, list):
        seen = {}
        for index, entry in enumerate(partners):
            institute = entry.get("institute") if isinstance(entry, dict) else None
            if isinstance(institute, str) and seen.setdefault(institute, index) != index:
                problems.append(_at(record, ("partners", index, "institute"), "duplicate-partner",
                                    f"长期合作单位 {institute} 重复（第一次在第 {seen[institute] + 1} 项）",
                                    f"the partner {institute} is listed twice (first as item {seen[institute] + 1})",
                                    "删除重复的一项", "delete the repeated entry"))
    return problems


def _check_duplicates(registry: Registry) -> list[Problem]:
    """Warn of names (and short names) that fold to the same text (registry/names.py), on every record involved.

    Each record of a pair is told about the other, so the warning lands on the file a pull request adds as
    well as on the one already there. A warning, not an error: two different things may be named alike.
    """
    problems = []
    for kind, (name_paths, extra) in _DUPLICATE_KEYS.items():
        groups: dict[tuple, list[tuple[Record, tuple, str]]] = defaultdict(list)
        for record in sorted(registry.all(kind), key=lambda r: r.src_path):
            context = tuple(str(record.get(f)) for f in extra)
            own = set()
            folded = record.doc.folded
            for pattern in name_paths:
                for path, value in values_at(record.data, pattern):
                    if not isinstance(value, str):
                        continue
                    fold = folded.get(path)
                    fold = lookalike_key(value) if fold is None else fold  # not folded when the file was checked
                    key = (fold,) + context
                    if fold and key not in own:
                        own.add(key)
                        groups[key].append((record, path, value))
        for entries in groups.values():
            for record, path, value in entries if len(entries) > 1 else ():
                other, _other_path, other_value = next(e for e in entries if e[0] is not record)
                how_zh, how_en = how_alike(value, other_value)
                same = value == other_value
                zh = (f"“{shown(value)}”与 {other.src_path} 的" + (how_zh if same else f"“{shown(other_value)}”{how_zh}")
                      + "，可能是重复记录")
                en = f"“{shown(value)}” {how_en} " + ("" if same else f"“{shown(other_value)}” in ") + f"{other.src_path}: likely a duplicate"
                problems.append(_warning(_at(record, path, "likely-duplicate", zh, en,
                                             "如是同一条请合并，否则把名称写得能区分", "merge them, or make the names distinct")))
    return problems


def _warning(problem: Problem) -> Problem:
    return dataclasses.replace(problem, level="warning")


def _check_parents(registry: Registry) -> list[Problem]:
    problems = []
    for record in registry.all("institute"):
        chain = [record.id]
        parent = record.get("parent")
        while isinstance(parent, str) and (target := registry.get("institute", parent)) is not None:
            if parent in chain:
                if parent == record.id and len(chain) > 1:  # reported on each record of the cycle, once
                    cycle = " → ".join([*chain, parent])
                    problems.append(_at(record, ("parent",), "parent-cycle", f"上级机构形成了循环：{cycle}",
                                        f"the parents form a cycle: {cycle}",
                                        "最上级的机构不写 parent；删除其中一条记录的 parent",
                                        "the top institute has no parent: delete parent in one of these records"))
                break
            chain.append(parent)
            parent = target.get("parent")
    return problems


def _check_plan(plan: Record, schemas: SchemaSet) -> list[Problem]:
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
                problems.append(_at(plan, path + ("id",), "duplicate-metric", f"指标编号 {metric_id} 重复",
                                    f"the metric id {metric_id} is used twice", "每项指标用不同的编号", "give each metric its own id"))
            metric_ids.setdefault(metric_id, index)
        if kind not in KINDS:
            continue
        date_field = metric.get("date_field")
        if isinstance(date_field, str) and (date_field,) not in schemas.date_fields(kind):
            options = ", ".join(p[0] for p in schemas.date_fields(kind) if len(p) == 1)
            problems.append(_at(plan, path + ("date_field",), "bad-date-field", f"{kind} 没有日期字段 {date_field}",
                                f"{kind} has no date field {date_field}", f"可选：{options}", f"choose one of: {options}"))
        district_fields = [p[0] for p, target in schemas.ref_fields(kind) if target == "district" and len(p) == 1]
        for i, owner in enumerate(metric.get("owner_fields") or []):
            if owner not in district_fields:
                problems.append(_at(plan, path + ("owner_fields", i), "bad-owner-field",
                                    f"{kind} 没有指向区镇的字段 {shown(owner)}", f"{kind} has no district field {shown(owner)}",
                                    f"可选：{listing(district_fields)}", f"choose one of: {listing(district_fields)}"))
        where = metric.get("where") if isinstance(metric.get("where"), dict) else {}
        for field, allowed in where.items():
            node = schemas.at(kind, (field,))
            if node is None or "enum" not in node:
                problems.append(_at(plan, path + ("where", field), "bad-filter", f"{kind} 没有可筛选的字段 {shown(field)}",
                                    f"{kind} has no field {shown(field)} to filter on", "用有固定选项的字段，例如 type、level",
                                    "use a field with fixed choices, e.g. type, level", key=True))
                continue
            for i, value in enumerate(allowed if isinstance(allowed, list) else []):
                if value not in node["enum"]:
                    close = difflib.get_close_matches(str(value), node["enum"], n=1, cutoff=0.6)
                    hint = ((f"是否应为 {close[0]}？", f"did you mean {close[0]}?") if close else
                            (f"可选：{listing(node['enum'])}", f"choose one of: {listing(node['enum'])}"))
                    problems.append(_at(plan, path + ("where", field, i), "bad-filter-value",
                                        f"{field} 没有取值 {shown(value)}", f"{field} has no value {shown(value)}", *hint))
        if metric.get("measure") == "people" and schemas.at(kind, ("people",)) is None:
            problems.append(_at(plan, path + ("measure",), "bad-measure", f"{kind} 没有人数字段，不能按人数计",
                                f"{kind} has no people field to add up", "改为 records", "use records"))
    for index, metric in enumerate(metrics):
        part_of = metric.get("part_of") if isinstance(metric, dict) else None
        if isinstance(part_of, str) and (part_of not in metric_ids or part_of == metric.get("id")):
            problems.append(_at(plan, ("metrics", index, "part_of"), "bad-part-of", f"没有指标 {shown(part_of)}",
                                f"there is no metric {shown(part_of)}", "写本计划中另一项指标的编号", "name another metric of this plan"))
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
            problems.append(_at(plan, ("city_goals", index, "metric"), "unknown-metric",
                                f"本计划没有指标 {shown(metric_id)}", f"this plan has no metric {shown(metric_id)}",
                                f"可选：{listing(metric_ids)}", f"choose one of: {listing(metric_ids)}"))
        if isinstance(low, int) and isinstance(high, int) and high < low:
            problems.append(_at(plan, ("city_goals", index, "max"), "goal-range",
                                f"上限 {high} 小于下限 {low}", f"the upper end {high} is below the lower end {low}",
                                "核对原文中的范围，例如 1—2 个写 min: 1、max: 2", "check the range in the source: 1–2 is min: 1, max: 2"))
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
                problems.append(_at(plan, ("targets", index, "district"), "duplicate-target-row",
                                    f"{district} 有两行目标（另一行是第 {seen[district] + 1} 行）",
                                    f"{district} has two target rows", "合并成一行", "merge them into one row"))
            seen.setdefault(district, index)
        values = row.get("values") if isinstance(row.get("values"), dict) else {}
        for metric_id, target in values.items():
            if metric_id not in metric_ids:
                close = difflib.get_close_matches(metric_id, list(metric_ids), n=1, cutoff=0.5)
                problems.append(_at(plan, ("targets", index, "values", metric_id), "unknown-metric",
                                    f"本计划没有指标 {shown(metric_id)}", f"this plan has no metric {shown(metric_id)}",
                                    *((f"是否应为 {close[0]}？", f"did you mean {close[0]}?") if close else
                                      (f"可选：{listing(metric_ids)}", f"choose one of: {listing(metric_ids)}")), key=True))
            elif isinstance(target, int) and not isinstance(target, bool) and district not in outside:
                sums[metric_id] += target
    totals = plan.get("totals") if isinstance(plan.get("totals"), dict) else {}
    for metric_id, total in totals.items():
        if metric_id not in metric_ids:
            problems.append(_at(plan, ("totals", metric_id), "unknown-metric", f"本计划没有指标 {shown(metric_id)}",
                                f"this plan has no metric {shown(metric_id)}", f"可选：{listing(metric_ids)}",
                                f"choose one of: {listing(metric_ids)}", key=True))
        elif isinstance(total, int) and total != sums.get(metric_id, 0):
            problems.append(_at(plan, ("totals", metric_id), "total-mismatch",
                                f"合计 {total} 与各行目标之和 {sums.get(metric_id, 0)} 不一致",
                                f"the total {total} differs from the sum of the rows, {sums.get(metric_id, 0)}",
                                "核对原表中各行数字和合计", "check each row and the total against the source table"))
    return problems
