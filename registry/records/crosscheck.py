"""Checks across records: ids, references, dates, parents; likely duplicates (duplicates.py) and plans (plans.py)."""

from __future__ import annotations

import datetime as dt

from registry import KINDS
from registry.problems import Problem, shown
from registry.records.dates import date_problems, today
from registry.records.discover import ID_MAX, ID_PATTERN
from registry.records.duplicates import NAME_PATHS, duplicates
from registry.records.names import normalise
from registry.records.plans import plan_problems
from registry.records.record import Record, Registry, as_date, problem_at, values_at
from registry.records.schemas import SchemaSet
from registry.records.suggest import Suggester, register_command

KIND_ZH = {
    "district": "区镇或部门",
    "institute": "大院大所",
    "plan": "目标计划",
    "achievement": "科技成果",
    "event": "对接活动",
    "project": "合作项目",
    "talent": "人才团队",
    "carrier": "创新载体",
}


def crosscheck(
    registry: Registry, schemas: SchemaSet, declared: list[Record], day: dt.date | None = None
) -> list[Problem]:
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
    problems += duplicates(registry)
    problems += _check_parents(registry)
    for plan in registry.all("plan"):
        problems += plan_problems(plan, schemas)
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
            problems.append(
                problem_at(
                    record,
                    ("id",),
                    "duplicate-id",
                    f"编号 {declared_id} 与文件名 {record.id}.yaml 不一致，且已被 {other.src_path} 使用",
                    f"the id {declared_id} does not match the file name {record.id}.yaml and is "
                    f"already used by {other.src_path}",
                    f"改为 id: {record.id}",
                    f"write id: {record.id}",
                )
            )
        else:
            problems.append(
                problem_at(
                    record,
                    ("id",),
                    "id-mismatch",
                    f"编号 {declared_id} 与文件名 {record.id}.yaml 不一致",
                    f"the id {declared_id} does not match the file name {record.id}.yaml",
                    f"改为 id: {record.id}，或把文件改名为 {declared_id}.yaml",
                    f"write id: {record.id}, or rename the file {declared_id}.yaml",
                )
            )
    return problems


def _names(registry: Registry, kind: str) -> dict[str, str]:
    """Normalised names and aliases of a kind's records → record id (for 'did you mean')."""
    names = {}
    for record in registry.all(kind):
        for pattern in NAME_PATHS[kind]:
            for _path, value in values_at(record.data, pattern):
                if isinstance(value, str) and normalise(value):
                    names.setdefault(normalise(value), record.id)
    return names


def _suggester(registry: Registry, kind: str, made: dict[str, Suggester]) -> Suggester:
    """The suggestions for one kind, made on the first unknown reference to it (registry/suggest.py)."""
    if kind not in made:
        names: dict[str, list[str]] = {}
        for record in registry.all(kind):
            for pattern in NAME_PATHS[kind]:
                names.setdefault(record.id, []).extend(
                    v for _path, v in values_at(record.data, pattern) if isinstance(v, str)
                )
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
    name = target.get(NAME_PATHS[kind][0][0]) if target else None
    zh_name = name.get("zh") if isinstance(name, dict) else None
    en_name = (name.get("en") or name.get("zh")) if isinstance(name, dict) else None
    return (
        f"是否应为 {close}" + (f"（{zh_name}）" if zh_name else "") + f"？{register[0]}",
        f"did you mean {close}" + (f" ({en_name})" if en_name else "") + f"? {register[1][0].upper()}{register[1][1:]}",
    )


def _check_refs(
    record: Record, registry: Registry, schemas: SchemaSet, suggesters: dict[str, Suggester]
) -> list[Problem]:
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
                    problems.append(
                        problem_at(
                            record,
                            path,
                            "empty-ref",
                            f"还没有填写{kind_zh}的编号",
                            f"the {target_kind} id is empty",
                            f"填写编号，例如 {example}",
                            f"write its id, e.g. {example}",
                        )
                    )
                    continue
                hint = _unknown_ref_hint(registry, target_kind, value, suggesters)
                problems.append(
                    problem_at(
                        record,
                        path,
                        "unknown-ref",
                        f"找不到编号为 {shown(value)} 的{kind_zh}",
                        f"no {target_kind} has the id {shown(value)}",
                        *hint,
                    )
                )
            elif target.sample and not record.sample and not _in_sample_entry(record, path):
                problems.append(
                    problem_at(
                        record,
                        path,
                        "ref-to-sample",
                        f"正式记录引用了示例记录 {value}",
                        f"a real record refers to the sample record {value}",
                        "示例数据关闭时这个引用会失效：改用正式记录，或把本记录也标为 sample: true",
                        "it breaks when samples are left out: refer to a real record, or mark this one sample: true",
                    )
                )
            elif target is record and record.kind == "institute":
                problems.append(
                    problem_at(
                        record,
                        path,
                        "self-ref",
                        "不能引用自己",
                        "a record cannot refer to itself",
                        "删除这个引用",
                        "delete the reference",
                    )
                )
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
            problems.append(
                problem_at(
                    record,
                    (second,),
                    "date-order",
                    f"{second}（{b}）早于 {first}（{a}）",
                    f"{second} ({b}) is before {first} ({a})",
                    "检查两个日期",
                    "check both dates",
                )
            )
    return problems


def _check_other_fields(record: Record) -> list[Problem]:
    problems = []
    for base in ("field", "stage", "type", "mode"):
        if f"{base}_other" in record.data and base in record.data and record.get(base) != "other":
            problems.append(
                problem_at(
                    record,
                    (f"{base}_other",),
                    "other-unused",
                    f"{base}_other 只在 {base} 为 other 时使用",
                    f"{base}_other is only used when {base} is other",
                    f"把 {base} 改为 other，或删除 {base}_other",
                    f"set {base}: other, or delete {base}_other",
                    key=True,
                )
            )
    partners = record.get("partners") if record.kind == "district" else None
    if isinstance(partners, list):
        seen = {}
        for index, entry in enumerate(partners):
            institute = entry.get("institute") if isinstance(entry, dict) else None
            if isinstance(institute, str) and seen.setdefault(institute, index) != index:
                problems.append(
                    problem_at(
                        record,
                        ("partners", index, "institute"),
                        "duplicate-partner",
                        f"长期合作单位 {institute} 重复（第一次在第 {seen[institute] + 1} 项）",
                        f"the partner {institute} is listed twice (first as item {seen[institute] + 1})",
                        "删除重复的一项",
                        "delete the repeated entry",
                    )
                )
    return problems


def _check_parents(registry: Registry) -> list[Problem]:
    problems = []
    for record in registry.all("institute"):
        chain = [record.id]
        parent = record.get("parent")
        while isinstance(parent, str) and (target := registry.get("institute", parent)) is not None:
            if parent in chain:
                if parent == record.id and len(chain) > 1:  # reported on each record of the cycle, once
                    cycle = " → ".join([*chain, parent])
                    problems.append(
                        problem_at(
                            record,
                            ("parent",),
                            "parent-cycle",
                            f"上级机构形成了循环：{cycle}",
                            f"the parents form a cycle: {cycle}",
                            "最上级的机构不写 parent；删除其中一条记录的 parent",
                            "the top institute has no parent: delete parent in one of these records",
                        )
                    )
                break
            chain.append(parent)
            parent = target.get("parent")
    return problems
