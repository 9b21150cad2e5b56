"""The data dictionary: every public field of every kind, read from the schemas, as finished display values: titles,
labels and descriptions in the page's language first, each title and label in the other language beside it (the
Chinese ones are the Chinese CSV's headers and values)."""

from __future__ import annotations

from typing import Any

from registry import KINDS
from registry.pages.catalogue import Catalogue
from registry.records.schemas import SchemaSet


def field_type(schemas: SchemaSet, kind: str, path: tuple, node: dict) -> str:
    """The message key of a field's type (text, markdown, date, enum, reference, list of …)."""
    if "zh" in node.get("properties", {}):
        return "markdown" if node.get("x-markdown") else "text"
    if node.get("x-ref"):
        return "ref"
    if node.get("x-date"):
        return "date"
    if "enum" in node:
        return "enum"
    if node.get("format") == "uri":
        return "url"
    if node.get("type") == "array":
        items = schemas.at(kind, path + ("*",)) or {}
        return "list_" + field_type(schemas, kind, path + ("*",), items)
    return {"object": "group", "integer": "integer", "number": "number", "boolean": "boolean"}.get(
        node.get("type"), "string"
    )


def limits(schemas: SchemaSet, kind: str, path: tuple, node: dict, cat: Catalogue) -> list[str]:
    """The limits a field's value must keep, in words."""
    out = []
    zh = schemas.at(kind, path + ("zh",)) if "zh" in node.get("properties", {}) else None
    if zh and zh.get("x-max-chars"):
        out.append(cat.t("dict.max_chars", n=zh["x-max-chars"]))
    elif zh and zh.get("maxLength"):
        en = schemas.at(kind, path + ("en",)) or {}
        out.append(cat.t("dict.text_lengths", zh=zh["maxLength"], en=en.get("maxLength", "—")))
    if node.get("x-max-chars"):
        out.append(cat.t("dict.max_chars", n=node["x-max-chars"]))
    bounded = "x-earliest" in node  # a date or year field: its bounds in words, not the schema's four digits
    for key in ("maxLength", "minimum", "maximum", "minItems"):
        if key in node and not node.get("x-date") and not (bounded and key in ("minimum", "maximum")):
            value = {"number" if key in ("minimum", "maximum") else "n": node[key]}  # a bound; a length is a count
            out.append(cat.t(f"dict.{key}", **value))
    if bounded:
        earliest = node["x-earliest"] if node.get("x-date") else node["x-earliest"][:4]
        out.append(cat.t("dict.earliest", day=earliest))
    if node.get("x-latest-years-ahead") == 0:
        out.append(cat.t("dict.not_after_today"))
    elif node.get("x-latest-years-ahead"):
        out.append(cat.t("dict.years_ahead", n=node["x-latest-years-ahead"]))
    if node.get("uniqueItems"):
        out.append(cat.t("dict.unique"))
    if "pattern" in node and not node.get("x-date") and node.get("format") != "uri":
        out.append(cat.t("dict.pattern", pattern=node["pattern"]))
    return out


def dictionary(schemas: SchemaSet, cat: Catalogue) -> list[dict[str, Any]]:
    """One section per kind: its title, description and a row per public field (nested fields as a.b, lists as a[].b)."""
    sections = []
    for kind in KINDS:
        top = schemas.schema(kind)
        rows = []
        for path, node in schemas.walk(kind):
            if node is None or path[-1] == "*" or schemas.is_private(kind, path):
                continue
            parent = schemas.at(kind, path[:-1]) if len(path) > 1 else top
            if parent is not None and "zh" in parent.get("properties", {}) and path[-1] in ("zh", "en"):
                continue  # the zh/en halves of a text field are described by the field itself
            kind_key = field_type(schemas, kind, path, node)
            target = node.get("x-ref") or (schemas.at(kind, path + ("*",)) or {}).get("x-ref")
            labels = schemas.labels(kind, path)
            rows.append(
                {
                    "name": ".".join(p if p != "*" else "[]" for p in path).replace(".[]", "[]"),
                    **_both(cat, "title", node.get("title", ""), node.get("x-title-en", "")),
                    "type": cat.t(f"dict.type.{kind_key}") + (cat.paren(cat.t(f"kind_one.{target}")) if target else ""),
                    "required": path[-1] in ((parent or {}).get("required") or []),
                    "allowed": [
                        {
                            "code": code,
                            **_both(
                                cat, "text", labels.get(code, {}).get("zh", ""), labels.get(code, {}).get("en", "")
                            ),
                        }
                        for code in node.get("enum", [])
                    ],
                    "limits": limits(schemas, kind, path, node, cat),
                    "description": _description(cat, node.get("description", "")),
                }
            )
        sections.append(
            {
                "kind": kind,
                **_both(cat, "title", top.get("title", kind), top.get("x-title-en", kind)),
                "description": _description(cat, top.get("description", "")),
                "rows": rows,
            }
        )
    return sections


def _both(cat: Catalogue, name: str, zh: str, en: str) -> dict[str, str]:
    """A title or label in the page's language (`name`) and in the other one (`name`_other, `name`_lang: its lang)."""
    if cat.lang == "zh":
        return {name: zh, f"{name}_other": en, f"{name}_lang": "en"}
    return {name: en or zh, f"{name}_other": zh if en else "", f"{name}_lang": "zh-CN"}


def _description(cat: Catalogue, text: str) -> str:
    """A schema's description, "中文 / English": the Chinese page shows both, as staff read them in the schemas;
    another language shows its own half."""
    if cat.lang == "zh":
        return text
    return cat.as_written(text.partition(" / ")[2] or text)
