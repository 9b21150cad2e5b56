"""The staff forms' fields and rules, read from the schemas at build time: nothing about a field is written by hand.

`fields` gives the widgets a form page shows (labels, help, options, limits, required marks, privacy) in the page's
language; `rules` gives what the browser checks beyond JSON Schema — the project's own keywords (x-max-chars,
x-ref, x-private, x-markdown, date bounds) by path, and each object's keys in schema order for the YAML it writes.
A schema change changes both with no edit here.
"""

from __future__ import annotations

from typing import Any

from registry.pages.catalogue import Catalogue, mark_runs
from registry.records.schemas import SchemaSet

FORM_KINDS = ("achievement", "event", "project", "talent", "carrier", "institute")
"""Kinds staff add through a form, in the order the forms index lists them (districts and plans are the office's)."""

NOT_ON_FORMS = frozenset({"sample"})
"""Fields a form never offers: a form makes real records (sample data is written by hand, on purpose)."""


def bilingual(text: str, lang: str) -> str:
    """The Chinese or English half of a schema description written `中文 / English`."""
    zh, sep, en = text.partition(" / ")
    return (en if sep and lang == "en" else zh).strip()


def widget(schemas: SchemaSet, kind: str, path: tuple, node: dict) -> str:
    """Which control a field gets: text/prose (a {zh, en} pair), enum, ref, refs, enums, lines, texts, date,
    integer, number, boolean, group (an object of fields), or string."""
    if "zh" in node.get("properties", {}):
        return "prose" if node.get("x-markdown") else "text"
    if node.get("x-ref"):
        return "ref"
    if node.get("x-date"):
        return "date"
    if "enum" in node:
        return "enum"
    if node.get("type") == "array":
        items = schemas.at(kind, path + ("*",)) or {}
        inner = widget(schemas, kind, path + ("*",), items)
        return {"ref": "refs", "enum": "enums", "text": "texts"}.get(inner, "lines")
    if node.get("type") == "object":
        return "group"
    return node.get("type") if node.get("type") in ("integer", "number", "boolean") else "string"


def _conditions(schema: dict) -> dict[str, tuple[str, Any]]:
    """Fields required only when another field has a value (allOf if/then): field → (other field, value)."""
    out = {}
    for rule in schema.get("allOf", []):
        when = rule.get("if", {}).get("properties", {})
        for other, sub in when.items():
            for name in rule.get("then", {}).get("required", []):
                out[name] = (other, sub.get("const"))
    return out


class FormFields:
    """The fields of one kind's form in one language."""

    def __init__(self, schemas: SchemaSet, cat: Catalogue, options: dict[str, list[dict[str, Any]]]):
        self.schemas, self.cat, self.options = schemas, cat, options

    def fields(self, kind: str) -> list[dict[str, Any]]:
        """Every field of a kind's form, in schema order, each a finished widget description."""
        schema = self.schemas.schema(kind)
        conditions = _conditions(schema)
        required = set(schema.get("required", []))
        fields = [
            self.field(kind, (name,), node, name in required, conditions.get(name))
            for name, node in self.schemas.properties(kind).items()
            if name not in NOT_ON_FORMS
        ]
        by_path = {f["path"]: f for f in fields}
        for f in fields:  # a field's "other" box is shown only while the field says other (forms.js others)
            base = f["path"].removesuffix("_other")
            if f["widget"] == "text" and conditions.get(f["path"]) == (base, "other") and base in by_path:
                f.update(other_of=by_path[base]["id"], other_value="other")
                by_path[base]["controls"] = f["id"]
        return fields

    def field(
        self, kind: str, path: tuple, node: dict, required: bool, condition: tuple[str, Any] | None = None
    ) -> dict[str, Any]:
        lang, schemas = self.cat.lang, self.schemas
        node = schemas.at(kind, path) or node
        kind_of = widget(schemas, kind, path, node)
        title_zh, title_en = schemas.title(kind, path)
        help_text = bilingual(node.get("description", ""), lang)
        out: dict[str, Any] = {
            "path": ".".join(path),
            "id": "f-" + "-".join(path).replace("_", "-"),
            "widget": kind_of,
            "label": (title_en or title_zh) if lang == "en" else title_zh,
            # On an English page a Chinese example in the help (e.g. a short name) is marked for screen readers.
            "help": mark_runs(help_text) if lang == "en" else help_text,
            "required": required,
            "required_when": self._required_when(kind, condition) if condition else "",
            "private": schemas.is_private(kind, path),
            "options": [],
            "children": [],
            "max_chars": None,
            "max_length": node.get("maxLength"),
            "ref": None,
            "min": node.get("x-earliest", node.get("minimum")),
            "multiline": False,
            "other_of": "",
            "other_value": "",
            "controls": "",
        }
        field_id = out["id"]
        help_id = f"{field_id}-help" if out["help"] or out["required_when"] or out["private"] else ""
        out.update(
            help_id=help_id,
            error_id=f"{field_id}-error",
            filter_id=f"{field_id}-filter",
            describedby=" ".join(filter(None, (help_id, f"{field_id}-error"))),
        )
        if kind_of in ("text", "prose"):
            zh, en = schemas.at(kind, path + ("zh",)) or {}, schemas.at(kind, path + ("en",)) or {}
            inner_required = set(node.get("required", []))
            out["children"] = [
                self._language(path, "zh", zh, required and "zh" in inner_required, kind_of, out["help_id"]),
                self._language(path, "en", en, required and "en" in inner_required, kind_of, out["help_id"]),
            ]
        elif kind_of in ("enum", "enums"):
            labels_path = path if kind_of == "enum" else path + ("*",)
            codes = (schemas.at(kind, labels_path) or {}).get("enum", [])
            out["options"] = [{"value": code, "text": self.cat.label(kind, labels_path, code)} for code in codes]
        elif kind_of in ("ref", "refs"):
            target = node.get("x-ref") or (schemas.at(kind, path + ("*",)) or {}).get("x-ref")
            out["ref"] = target
            out["options"] = self.options.get(target, [])
        elif kind_of == "group":
            inner_required = set(node.get("required", []))
            out["children"] = [
                self.field(kind, path + (name,), sub, name in inner_required)
                for name, sub in schemas.properties(kind, path).items()
            ]
        return out

    def _language(
        self, path: tuple, lang_code: str, node: dict, required: bool, kind_of: str, help_id: str
    ) -> dict[str, Any]:
        """One language of a {zh, en} text: its input, label and limits."""
        title_zh, title_en = node.get("title", lang_code), node.get("x-title-en", lang_code)
        field_id = "f-" + "-".join((*path, lang_code)).replace("_", "-")
        counted = bool(node.get("x-max-chars") or node.get("maxLength"))
        return {
            "path": ".".join((*path, lang_code)),
            "id": field_id,
            "count_id": f"{field_id}-count" if counted else "",
            "error_id": f"{field_id}-error",
            "describedby": " ".join(
                filter(None, (help_id, f"{field_id}-count" if counted else "", f"{field_id}-error"))
            ),
            "label": title_en if self.cat.lang == "en" else title_zh,
            "lang": "zh-CN" if lang_code == "zh" else "en",
            "required": required,
            "max_chars": node.get("x-max-chars"),
            "max_length": node.get("maxLength"),
            "multiline": kind_of == "prose",
        }

    def _required_when(self, kind: str, condition: tuple[str, Any]) -> str:
        other, value = condition
        label = self.cat.label(kind, other, value) if value is not None else ""
        title_zh, title_en = self.schemas.title(kind, (other,))
        return self.cat.t("form.required_when", field=title_en if self.cat.lang == "en" else title_zh, value=label)


def rules(schemas: SchemaSet, kind: str) -> dict[str, Any]:
    """What the browser checks beyond JSON Schema and how it writes YAML, for one kind (language-free):

    fields: path pattern (list items as '*') → the project's keywords there: max_chars, ref (a kind), private,
    markdown (tab and newline allowed), date (earliest, years_ahead), a top-level field's enum, and the field's
    titles for messages;
    order: object path pattern ('' for the record) → its keys in schema order.
    """
    fields: dict[str, dict[str, Any]] = {}
    order: dict[str, list[str]] = {"": list(schemas.properties(kind))}
    for path, node in schemas.walk(kind):
        key = ".".join(path)
        parent = schemas.at(kind, path[:-1]) or {} if len(path) > 1 else schemas.schema(kind)
        entry: dict[str, Any] = {"title": list(schemas.title(kind, path))}
        if node.get("x-max-chars"):
            entry["max_chars"] = node["x-max-chars"]
        if node.get("x-ref"):
            entry["ref"] = node["x-ref"]
        if "enum" in node and len(path) == 1:
            entry["enum"] = node["enum"]  # what a plan's metric may filter on (record-check.js planProblems)
        if schemas.is_private(kind, path):
            entry["private"] = True
        if parent.get("x-markdown"):
            entry["markdown"] = True
        if node.get("x-date"):
            entry["date"] = {"earliest": node.get("x-earliest"), "years_ahead": node.get("x-latest-years-ahead")}
        if node.get("x-earliest") and not node.get("x-date"):
            entry["year"] = {"earliest": node["x-earliest"], "years_ahead": node.get("x-latest-years-ahead")}
        fields[key] = entry
        if node.get("properties"):
            order[key] = list(schemas.properties(kind, path))
    return {"fields": fields, "order": order, "required": schemas.schema(kind).get("required", [])}
