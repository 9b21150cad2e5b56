"""Schema validation of one document: every jsonschema error turned into a problem that says how to fix it."""

from __future__ import annotations

import difflib

from jsonschema import ValidationError

from registry.problems import Problem, listing, shown
from registry.records.document import Document, field_path
from registry.records.schemas import SchemaSet, reader_length
from registry.records.text import faults
from registry.records.value_messages import ValueMessages

_PRIORITY = {"type": 0, "enum": 1, "const": 1, "format": 2, "pattern": 3, "maxLength": 4, "minimum": 5}


class _Translator(ValueMessages):
    """Turns the schema errors of one document into problems."""

    def __init__(self, schemas: SchemaSet, kind: str, doc: Document):
        self.schemas, self.kind, self.doc = schemas, kind, doc

    def problem(self, path, code, zh, en, hint_zh="", hint_en="", key=False) -> Problem:
        line, column = self.doc.where(path, key=key)
        return Problem(self.doc.src_path, line, column, field_path(path), code, zh, en, hint_zh, hint_en)

    def value(self, path, value) -> str:
        """A value as a Chinese message may show it: a private field's value is never echoed."""
        if self.schemas.is_private(self.kind, tuple(path)):
            return "（私密字段，不显示取值）"
        return f"`{shown(value)}`"

    def value_en(self, path, value) -> str:
        """A value as an English message may show it: a private field's value is never echoed."""
        if self.schemas.is_private(self.kind, tuple(path)):
            return "(private field: value not shown)"
        return f"`{shown(value)}`"

    def translate(self, error: ValidationError) -> list[Problem]:
        path = tuple(error.absolute_path)
        method = getattr(self, "on_" + error.validator.replace("-", "_"), None)
        if method is None:
            return [
                self.problem(
                    path,
                    "schema-" + error.validator,
                    "取值不符合要求",
                    f"invalid value: {error.message[:120]}",
                    *self.describe(path),
                )
            ]
        return method(error, path)

    def condition(self, error: ValidationError) -> tuple[str, str] | None:
        """Return (field, value) of the `if` whose `then` raised an error, e.g. ('form', 'individual')."""
        schema_path = list(error.schema_path)
        if "then" not in schema_path:
            return None
        node = self.schemas.schema(self.kind)
        for part in schema_path[: schema_path.index("then")]:
            node = node[part]
        for name, sub in node.get("if", {}).get("properties", {}).items():
            if "const" in sub:
                return name, str(sub["const"])
        return None

    def describe(self, path) -> tuple[str, str]:
        node = self.schemas.at(self.kind, path) or {}
        zh, _, en = node.get("description", "").partition(" / ")
        return zh, en

    def on_required(self, error, path):
        problems = []
        present = error.instance if isinstance(error.instance, dict) else {}
        allowed = self.schemas.properties(self.kind, path)
        unknown = [key for key in present if key not in allowed]
        condition = self.condition(error)
        for name in error.validator_value:
            if name in present:
                continue
            title_zh, title_en = self.schemas.title(self.kind, path + (name,))
            where, because_zh, because_en = path + (name,), "", ""
            hint_zh, hint_en = f"在这一层添加 `{name}:`", f"add `{name}:` at this level"
            if condition and condition[0] in present:
                where = path + (condition[0],)
                because_zh = f"（因为 {condition[0]} 是 {condition[1]}）"
                because_en = f" (because {condition[0]} is {condition[1]})"
                hint_zh = f"添加 `{name}:` 说明具体内容，或把 {condition[0]} 改为其他编码"
                hint_en = f"add `{name}:` to say what it is, or choose another {condition[0]}"
            if difflib.get_close_matches(name, unknown, n=1, cutoff=0.6):
                continue  # a misspelt field: reported once, as an unknown field with "did you mean"
            line, column = self.doc.where(where, key=True)
            problems.append(
                Problem(
                    self.doc.src_path,
                    line,
                    column,
                    field_path(path + (name,)),
                    "required",
                    f"缺少必填字段 {name}（{title_zh}）{because_zh}",
                    f"missing required field {name} ({title_en}){because_en}",
                    hint_zh,
                    hint_en,
                )
            )
        return problems

    def on_additionalProperties(self, error, path):
        allowed = list(self.schemas.properties(self.kind, path))
        problems = []
        for key in error.instance:
            if key in allowed or key == "":  # an empty key is reported by the loader
                continue
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            if close:
                hint_zh, hint_en = f"是否应为 `{close[0]}`？", f"did you mean `{close[0]}`?"
            elif "：" in key:
                hint_zh, hint_en = (
                    "字段名后面用了全角冒号“：”，请改成英文冒号加空格",
                    "a full-width colon ： follows the field name: use `: `",
                )
            else:
                hint_zh = hint_en = ""
                listed = listing(allowed)
                hint_zh, hint_en = f"可用字段：{listed}", f"allowed fields: {listed}"
            problems.append(
                self.problem(
                    path + (key,),
                    "unknown-field",
                    f"未知字段 `{shown(key)}`",
                    f"unknown field `{shown(key)}`",
                    hint_zh,
                    hint_en,
                    key=True,
                )
            )
        return problems

    def on_minLength(self, error, path):
        return [
            self.problem(
                path,
                "empty",
                "不能为空",
                "must not be empty",
                "填写内容，或删除这一行",
                "fill it in or delete the line",
            )
        ]

    def on_maxLength(self, error, path):
        count, limit = len(error.instance), error.validator_value
        named = path[:-1] if path and path[-1] in ("zh", "en") else path  # a text's zh or en: the field's title
        title_zh, title_en = self.schemas.title(self.kind, named)
        return [
            self.problem(
                path,
                "too-long",
                f"共 {count} 个字符，超过 {limit} 个字符的限制",
                f"{count} characters, longer than the limit of {limit}",
                f"删减 {count - limit} 个字符（{title_zh}最多 {limit} 个字符）",
                f"cut {count - limit} character{'s' if count - limit != 1 else ''} ({title_en}: at most {limit})",
            )
        ]

    def on_x_max_chars(self, error, path):
        count, limit = reader_length(error.instance), error.validator_value
        return [
            self.problem(
                path,
                "too-many-chars",
                f"共 {count} 字，超过 {limit} 字的限制",
                f"{count} characters, over the limit of {limit}",
                f"请删减 {count - limit} 字（限 {limit} 字出自附件1；不计空格和换行是本登记簿的计字办法）",
                f"cut {count - limit} character{'s' if count - limit != 1 else ''} (the limit of {limit} is Annex 1's; "
                "not counting spaces and line breaks is this registry's own rule)",
            )
        ]

    def on_minimum(self, error, path):
        condition = self.condition(error)
        if condition and path:  # e.g. a team of one person
            name, value = condition
            return [
                self.problem(
                    path,
                    "too-small",
                    f"{name} 为 {value} 时，{field_path(path)} 不能小于 {error.validator_value}",
                    f"{field_path(path)} must be at least {error.validator_value} when {name} is {value}",
                    f"填写实际数字，或修改 {name}",
                    f"write the real number, or change {name}",
                )
            ]
        return [
            self.problem(
                path,
                "too-small",
                f"不能小于 {error.validator_value}",
                f"must be at least {error.validator_value}",
                *self.describe(path),
            )
        ]

    def on_maximum(self, error, path):
        return [
            self.problem(
                path,
                "too-large",
                f"不能大于 {error.validator_value}",
                f"must be at most {error.validator_value}",
                *self.describe(path),
            )
        ]

    def on_minItems(self, error, path):
        return [
            self.problem(
                path,
                "too-few",
                f"至少需要 {error.validator_value} 项",
                f"needs at least {error.validator_value} item(s)",
                *self.describe(path),
            )
        ]

    def on_uniqueItems(self, error, path):
        return [
            self.problem(
                path,
                "duplicate-item",
                "列表中有重复项",
                "the list repeats an item",
                "删除重复的一项",
                "delete the repeated item",
            )
        ]

    def on_minProperties(self, error, path):
        return [self.problem(path, "too-few", "至少需要填写一项", "needs at least one entry", *self.describe(path))]


def _suspects(translator: _Translator) -> tuple[list[Problem], set[tuple]]:
    """The text rule (registry/text.py) on every text the loader noted, and finite numbers: problems, and their paths."""
    schemas, kind, doc = translator.schemas, translator.kind, translator.doc
    problems, paths = [], set()
    for path in doc.suspect:
        value = doc.data
        for part in path:
            value = value[part]
        node = schemas.at(kind, path)
        wanted = (node or {}).get("type")
        wanted = wanted if isinstance(wanted, list) else [wanted]
        if isinstance(value, float):
            if "number" in wanted or "integer" in wanted:
                raw = doc.raw.get(path, str(value))
                paths.add(path)
                problems.append(
                    translator.problem(
                        path,
                        "not-finite",
                        f"`{shown(raw)}` 不是一个具体的数",
                        f"`{shown(raw)}` is not a finite number",
                        "填写具体数字；不知道时删除这一行",
                        "write the number, or delete the line if it is not known",
                    )
                )
            continue
        if node is not None and None not in wanted and "string" not in wanted:
            continue  # text where the schema wants another type: the schema's message says how to write it
        multiline = bool((schemas.at(kind, path[:-1]) or {}).get("x-markdown"))
        found = faults(value, multiline)
        if found and schemas.is_private(kind, path):  # asked only of a faulty text: the hint must not echo it
            found = faults(value, multiline, private=True)
        for fault in found:
            paths.add(path)
            problems.append(translator.problem(path, fault.code, fault.zh, fault.en, fault.hint_zh, fault.hint_en))
    return problems, paths


def validate(schemas: SchemaSet, kind: str, doc: Document) -> list[Problem]:
    """Validate a document against its kind's schema; one problem per place, the most telling kept."""
    translator = _Translator(schemas, kind, doc)
    problems, faulty = _suspects(translator) if doc.suspect else ([], set())
    errors = sorted(
        schemas.validate(kind, doc.data), key=lambda e: (_PRIORITY.get(e.validator, 9), list(map(str, e.absolute_path)))
    )
    seen: set[tuple] = set()
    for error in errors:
        path = tuple(error.absolute_path)
        if any(path[: len(refused)] == refused for refused in doc.refused) or path in faulty:
            continue  # the loader already said why this value is missing, or the text rule what is wrong with it
        if error.validator in _PRIORITY:
            if path in seen:
                continue
            seen.add(path)
        problems.extend(translator.translate(error))
    return problems
