"""`new KIND ID`: write a commented template record, generated from the kind's schema."""

from __future__ import annotations

import json
from pathlib import Path

from registry import KINDS, folder_of
from registry.errors import UsageError
from registry.records.discover import ID_MAX, ID_PATTERN
from registry.records.schemas import SchemaSet

_REF_EXAMPLES = {"institute": "tsinghua", "district": "kaifaqu", "achievement": "graphene-film"}

STARTERS = "record-templates"
"""The folder of blank records staff copy in GitHub's web editor: record-templates/<kind>.yaml, each `template(kind)`."""
STARTER_KINDS = ("achievement", "event", "project", "talent", "carrier", "institute")


def _line(value: str, comment: str) -> str:
    """Join a placeholder and the field's comment into one comment: the field first, then how to fill it in."""
    value, _, how = value.partition("  # ")
    return f"{value}  # {comment}" + (f"；{how}" if how else "")


def _comment(node: dict, required: bool) -> str:
    parts = [node.get("title", ""), node.get("x-title-en", "")]
    text = " / ".join(p for p in parts if p)
    text += "（必填 / required）" if required else "（选填 / optional）"
    if node.get("x-private"):
        text += " 【私密：不公开 / PRIVATE: never published】"
    labels = node.get("x-labels")
    if labels:
        text += " 可选 / one of: " + ", ".join(f"{code}={label['zh']}" for code, label in labels.items())
    if node.get("x-max-chars"):
        text += (
            f" 附件1限 {node['x-max-chars']} 字，本登记簿计字时不计空格和换行 / Annex 1 allows {node['x-max-chars']}"
            " characters; this registry does not count spaces and line breaks"
        )
    return text


def _placeholder(
    schemas: SchemaSet, kind: str, path: tuple, node: dict, indent: str, record_id: str | None
) -> list[str]:
    """Lines for one field's value, starting on the key's line (returned first element is the inline part)."""
    if path == ("id",):
        return [f" {record_id}" if record_id else ' ""  # 与文件名相同（不含 .yaml）/ the file name without .yaml']
    if node.get("x-ref"):
        example = _REF_EXAMPLES.get(node["x-ref"], "")
        return [f' ""  # 填编号，例如 / an id, e.g. {example}']
    if "enum" in node:
        return [' ""']  # no default: a template left unfilled must not pass check
    if node.get("type") == "object" and "properties" in node:
        lines = [""]
        props = schemas.properties(kind, path)
        required = node.get("required", [])
        for name, sub in props.items():
            if name not in required and name != "en":
                continue
            value = _placeholder(schemas, kind, path + (name,), sub, indent + "  ", record_id)
            optional = "" if name in required else "# "  # an optional `en:` left empty would fail check
            lines.append(f"{indent}  {optional}{name}:{_line(value[0], _comment(sub, name in required))}")
            lines.extend(value[1:])
        return lines
    if node.get("type") == "array":
        return [" []"]
    if node.get("x-date"):
        return [' ""  # 写作 YYYY-MM-DD，例如 / e.g. 2017-09-08']
    if node.get("type") in ("integer", "number"):
        return [f" {node.get('minimum', 0)}"]
    if node.get("type") == "boolean":
        return [" false"]
    if "pattern" in node and "0-9+" in node["pattern"]:
        return [' "0512-00000000"']
    return [' ""']


def template(schemas: SchemaSet, kind: str, record_id: str | None) -> str:
    """Return the YAML template of a new record: required fields first, then optional ones commented out.
    Without an id, the template staff copy (record-templates/): the id is left for them to write."""
    schema = schemas.schema(kind)
    required = schema.get("required", [])
    props = schemas.properties(kind)
    lines = [
        f"# {schema.get('title')} / {schema.get('x-title-en')}：{record_id}"
        if record_id
        else f"# {schema.get('title')} / {schema.get('x-title-en')}：新记录模板 / template for a new record",
        "# 填写后运行 python build.py check 检查 / fill it in, then run: python build.py check",
        "",
    ]
    if not record_id:
        lines[2:2] = [
            f"# 复制到 records/{folder_of(kind)}/编号.yaml，逐项填写；这是正式记录，不要加 sample: true",
            f"# copy it to records/{folder_of(kind)}/<id>.yaml and fill it in: a real record, never sample: true",
        ]
    order = [n for n in required if n in props] + [n for n in props if n not in required and n != "sample"]
    for index, name in enumerate(order):
        node = props[name]
        is_required = name in required
        if index == len(required):
            lines += ["", "# —— 选填字段：删除行首的 # 即可启用 / optional fields: remove the leading # to use ——"]
        value = _placeholder(schemas, kind, (name,), node, "", record_id)
        block = [f"{name}:{_line(value[0], _comment(node, is_required))}", *value[1:]]
        lines += block if is_required else ["# " + line for line in block]
    return "\n".join(lines) + "\n"


def new_record(root: Path, schemas: SchemaSet, kind: str, record_id: str) -> Path:
    """Write records/<kinds>/<id>.yaml from the template; refuse a bad kind, a bad id or an existing file."""
    if kind not in KINDS:
        plural = {folder_of(k): k for k in KINDS}
        hint = f"（是否应为 {plural[kind]}？/ did you mean {plural[kind]}?）" if kind in plural else ""
        raise UsageError(f"未知类别 {kind}{hint} / unknown kind {kind}; kinds: {', '.join(KINDS)}")
    if not ID_PATTERN.match(record_id) or len(record_id) > ID_MAX:
        raise UsageError(
            f"编号 {json.dumps(record_id, ensure_ascii=False)} 格式不对 / malformed id — "
            f"只用小写英文字母、数字和连字符，最多 {ID_MAX} 个字符 / lower-case letters, digits and hyphens"
        )
    path = root / "records" / folder_of(kind) / f"{record_id}.yaml"
    if path.exists():
        raise UsageError(f"{path.relative_to(root)} 已存在，不会覆盖 / already exists, not overwritten")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as out:
        out.write(template(schemas, kind, record_id))
    return path
