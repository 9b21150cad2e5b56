"""Schema validation of one document: every jsonschema error turned into a problem that says how to fix it."""

from __future__ import annotations

import difflib
import re
import unicodedata

from jsonschema import ValidationError

from registry.problems import Problem, listing, shown
from registry.records.schemas import SchemaSet, reader_length
from registry.records.text import faults
from registry.records.yamlload import Document, field_path

_TYPE_ZH = {"string": "文本", "integer": "整数", "number": "数字", "boolean": "是/否（true/false）",
            "array": "列表", "object": "一组字段", "null": "空值"}
_PRIORITY = {"type": 0, "enum": 1, "const": 1, "format": 2, "pattern": 3, "maxLength": 4, "minimum": 5}
_BOOL_WORDS = {"yes", "no", "on", "off", "true", "false", "y", "n"}
_DATE_PARTS = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def normalise(text: str) -> str:
    """Fold a name for comparison: NFKC (full/half width), case, spaces, zero-width characters and punctuation."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_LETTERS_AND_DIGITS)


class _LettersAndDigits(dict):
    """A str.translate table that keeps letters and numbers and drops the rest, filled as characters are met."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        self[code] = kept = ch if unicodedata.category(ch)[0] in "LN" else None
        return kept


_LETTERS_AND_DIGITS = _LettersAndDigits()  # every name of every record is folded: look each character up once


def _typename(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return {int: "integer", float: "number", str: "string", list: "array", dict: "object"}.get(type(value), "?")


def _expected(error: ValidationError) -> list[str]:
    value = error.validator_value
    return value if isinstance(value, list) else [value]


class _Translator:
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
            return [self.problem(path, "schema-" + error.validator, "取值不符合要求", f"invalid value: {error.message[:120]}",
                                 *self.describe(path))]
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
            problems.append(Problem(self.doc.src_path, line, column, field_path(path + (name,)), "required",
                                    f"缺少必填字段 {name}（{title_zh}）{because_zh}",
                                    f"missing required field {name} ({title_en}){because_en}", hint_zh, hint_en))
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
                hint_zh, hint_en = "字段名后面用了全角冒号“：”，请改成英文冒号加空格", "a full-width colon ： follows the field name: use `: `"
            else:
                hint_zh = hint_en = ""
                listed = listing(allowed)
                hint_zh, hint_en = f"可用字段：{listed}", f"allowed fields: {listed}"
            problems.append(self.problem(path + (key,), "unknown-field", f"未知字段 `{shown(key)}`",
                                         f"unknown field `{shown(key)}`", hint_zh, hint_en, key=True))
        return problems

    def on_type(self, error, path):
        expected = _expected(error)
        value = error.instance
        want_zh = "或".join(_TYPE_ZH.get(t, t) for t in expected)
        want_en = " or ".join(expected)
        raw = self.doc.raw.get(path)
        private = self.schemas.is_private(self.kind, path)
        hint_zh, hint_en = self.describe(path)
        zh, en = f"应为{want_zh}，实际是{_TYPE_ZH.get(_typename(value), '?')}", f"must be {want_en}, not {_typename(value)}"
        if value is None:
            zh, en = "值为空", "the value is empty"
            hint_zh, hint_en = "填写内容，或删除这一行", "fill it in or delete the line"
        elif "string" in expected and raw is not None:
            zh, en = "应为带引号的文本", "must be quoted text"
            if private:
                hint_zh, hint_en = "不加引号的号码会被读成数字（0 开头的会变成另一个数），请给号码加引号", "an unquoted number is read as a number (a leading 0 changes it): quote it"
            elif isinstance(value, bool) or raw.lower() in _BOOL_WORDS:
                hint_zh, hint_en = f"不加引号的 {raw} 会被读成是/否，请写成 \"{raw}\"", f"{raw} unquoted is read as true/false: write \"{raw}\""
            elif str(value) != raw:
                hint_zh, hint_en = f"{raw} 会被读成数字 {value}，请写成 \"{raw}\"", f"{raw} would be read as the number {value}: write \"{raw}\""
            else:
                hint_zh, hint_en = f"请写成 \"{raw}\"", f"write \"{raw}\""
        elif "array" in expected and isinstance(value, str):
            if value[:1] in "【［〔" or "，" in value:
                hint_zh, hint_en = "用了全角括号或逗号；列表请写成 [a, b]（英文方括号和逗号）", "full-width brackets or commas: write a list as [a, b]"
            else:
                hint_zh, hint_en = f"写成列表：[{shown(value)}]，或在下一行写“- {shown(value)}”", f"write a list: [{shown(value)}], or `- {shown(value)}` on the next line"
        elif "object" in expected and isinstance(value, str):
            props = self.schemas.properties(self.kind, path)
            if "：" in value:
                hint_zh, hint_en = "用了全角冒号“：”，请改成英文冒号加空格", "a full-width colon ：: use `: `"
            elif "zh" in props and not private:
                hint_zh = f"写成两行：`{path[-1] if path else ''}:`，下一行缩进两格写 `zh: {shown(value)}`"
                hint_en = f"write `{path[-1] if path else ''}:` and, indented below it, `zh: {shown(value)}`"
        elif "integer" in expected and isinstance(value, str) and value.strip().isdigit() and not private:
            hint_zh, hint_en = f"去掉引号：{value.strip()}", f"remove the quotes: {value.strip()}"
        return [self.problem(path, "type", zh, en, hint_zh, hint_en)]

    def on_enum(self, error, path):
        value = error.instance
        raw = self.doc.raw.get(path)
        if isinstance(value, bool) and raw is not None:
            return [self.problem(path, "enum", f"取值 `{raw}` 被读成了是/否", f"`{raw}` was read as true/false",
                                 f"不加引号的 {raw} 是布尔值；请填写可选编码之一：{listing(error.validator_value)}",
                                 f"{raw} unquoted is a boolean; write one of: {listing(error.validator_value)}")]
        codes = [str(c) for c in error.validator_value]
        labels = self.schemas.labels(self.kind, path)
        if isinstance(value, str):
            wanted = normalise(value)
            for code, label in labels.items():
                if wanted and wanted in (normalise(label.get("zh", "")), normalise(label.get("en", "")),
                                         normalise(label.get("zh", "").removesuffix("阶段"))):
                    return [self.problem(path, "enum", f"应填编码，不是名称 {self.value(path, value)}",
                                         f"write the code, not the label {self.value_en(path, value)}",
                                         f"改为 {code}（{label.get('zh')}）", f"write {code} ({label.get('en')})")]
            if "：" in value or ":" in value:
                return [self.problem(path, "enum", f"取值 {self.value(path, value)} 无效", f"{self.value_en(path, value)} is not allowed",
                                     "值里有冒号：每个字段单独一行，冒号用英文冒号加空格", "the value holds a colon: one field per line, `name: value`")]
            close = difflib.get_close_matches(value, codes, n=1, cutoff=0.6)
            if close:
                label = labels.get(close[0], {})
                return [self.problem(path, "enum", f"取值 {self.value(path, value)} 无效", f"{self.value_en(path, value)} is not allowed",
                                     f"是否应为 {close[0]}（{label.get('zh', '')}）？", f"did you mean {close[0]}?")]
        options = listing([f"{c}（{labels[c]['zh']}）" if c in labels else c for c in codes], 6, sep="，")
        options_en = listing(codes, 6)
        return [self.problem(path, "enum", f"取值 {self.value(path, value)} 无效", f"{self.value_en(path, value)} is not allowed",
                             f"可选：{options}", f"choose one of: {options_en}")]

    def on_const(self, error, path):
        condition = self.condition(error)
        if condition and path:
            name, value = condition
            return [self.problem(path, "const", f"{name} 为 {value} 时，{field_path(path)} 只能是 {error.validator_value}",
                                 f"{field_path(path)} must be {error.validator_value} when {name} is {value}",
                                 f"改为 {error.validator_value}，或修改 {name}", f"write {error.validator_value}, or change {name}")]
        return [self.problem(path, "const", f"此处只能是 {error.validator_value}", f"must be {error.validator_value} here",
                             *self.describe(path))]

    def on_pattern(self, error, path):
        node = self.schemas.at(self.kind, path) or {}
        if node.get("x-date"):
            hint_zh, hint_en = "写作 YYYY-MM-DD，例如 2017-09-08", "write YYYY-MM-DD, e.g. 2017-09-08"
            parts = _DATE_PARTS.match(error.instance) if isinstance(error.instance, str) else None
            if parts:
                fixed = f"{parts[1]}-{int(parts[2]):02d}-{int(parts[3]):02d}"
                hint_zh, hint_en = f"写作 YYYY-MM-DD：{fixed}", f"write YYYY-MM-DD: {fixed}"
            return [self.problem(path, "date-format", f"日期格式不对：{self.value(path, error.instance)}",
                                 f"not a date in the form YYYY-MM-DD: {self.value_en(path, error.instance)}", hint_zh, hint_en)]
        if (path and path[-1] == "id") or node.get("x-title-en") == "Identifier":
            hint_zh, hint_en = "只用小写英文字母、数字和连字符，例如 graphene-film", "use lower-case letters, digits and hyphens, e.g. graphene-film"
            if path == ("id",):
                stem = self.doc.src_path.rpartition("/")[2].removesuffix(".yaml")
                hint_zh, hint_en = f"编号与文件名相同：改为 id: {stem}", f"the id is the file name: write id: {stem}"
            return [self.problem(path, "id-format", f"编号 {self.value(path, error.instance)} 格式不对",
                                 f"the id {self.value_en(path, error.instance)} is malformed", hint_zh, hint_en)]
        zh, en = self.describe(path)
        if "0-9+" in node.get("pattern", ""):  # a phone number
            zh, en = "电话号码只用数字、空格和 + - ( )，并加引号，例如 \"0512-57512345\"", 'digits, spaces and + - ( ) only, quoted, e.g. "0512-57512345"'
        return [self.problem(path, "pattern", f"格式不对：{self.value(path, error.instance)}",
                             f"malformed: {self.value_en(path, error.instance)}", zh, en)]

    def on_format(self, error, path):
        if error.validator_value == "date" and isinstance(error.instance, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", error.instance):
            return self.on_pattern(error, path)
        if error.validator_value == "date":
            return [self.problem(path, "date-invalid", f"日期 {self.value(path, error.instance)} 不存在",
                                 f"there is no such date as {self.value_en(path, error.instance)}",
                                 "检查月份（1–12）和当月天数（2 月只有 28 或 29 天）", "check the month (1–12) and the days in that month")]
        zh, en = self.describe(path)
        return [self.problem(path, "format", f"格式不对：{self.value(path, error.instance)}",
                             f"not a valid {error.validator_value}: {self.value_en(path, error.instance)}", zh, en)]

    def on_minLength(self, error, path):
        return [self.problem(path, "empty", "不能为空", "must not be empty", "填写内容，或删除这一行", "fill it in or delete the line")]

    def on_maxLength(self, error, path):
        count, limit = len(error.instance), error.validator_value
        named = path[:-1] if path and path[-1] in ("zh", "en") else path  # a text's zh or en: the field's title
        title_zh, title_en = self.schemas.title(self.kind, named)
        return [self.problem(path, "too-long", f"共 {count} 个字符，超过 {limit} 个字符的限制",
                             f"{count} characters, longer than the limit of {limit}",
                             f"删减 {count - limit} 个字符（{title_zh}最多 {limit} 个字符）",
                             f"cut {count - limit} character{'s' if count - limit != 1 else ''} ({title_en}: at most {limit})")]

    def on_x_max_chars(self, error, path):
        count, limit = reader_length(error.instance), error.validator_value
        return [self.problem(path, "too-many-chars", f"共 {count} 字，超过 {limit} 字的限制",
                             f"{count} characters, over the limit of {limit}",
                             f"请删减 {count - limit} 字（限 {limit} 字出自附件1；不计空格和换行是本登记簿的计字办法）",
                             f"cut {count - limit} character{'s' if count - limit != 1 else ''} (the limit of {limit} is Annex 1's; "
                             "not counting spaces and line breaks is this registry's own rule)")]

    def on_minimum(self, error, path):
        condition = self.condition(error)
        if condition and path:  # e.g. a team of one person
            name, value = condition
            return [self.problem(path, "too-small", f"{name} 为 {value} 时，{field_path(path)} 不能小于 {error.validator_value}",
                                 f"{field_path(path)} must be at least {error.validator_value} when {name} is {value}",
                                 f"填写实际数字，或修改 {name}", f"write the real number, or change {name}")]
        return [self.problem(path, "too-small", f"不能小于 {error.validator_value}", f"must be at least {error.validator_value}",
                             *self.describe(path))]

    def on_maximum(self, error, path):
        return [self.problem(path, "too-large", f"不能大于 {error.validator_value}", f"must be at most {error.validator_value}",
                             *self.describe(path))]

    def on_minItems(self, error, path):
        return [self.problem(path, "too-few", f"至少需要 {error.validator_value} 项", f"needs at least {error.validator_value} item(s)",
                             *self.describe(path))]

    def on_uniqueItems(self, error, path):
        return [self.problem(path, "duplicate-item", "列表中有重复项", "the list repeats an item", "删除重复的一项", "delete the repeated item")]

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
                problems.append(translator.problem(path, "not-finite", f"`{shown(raw)}` 不是一个具体的数",
                                                   f"`{shown(raw)}` is not a finite number",
                                                   "填写具体数字；不知道时删除这一行", "write the number, or delete the line if it is not known"))
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
    errors = sorted(schemas.validate(kind, doc.data), key=lambda e: (_PRIORITY.get(e.validator, 9), list(map(str, e.absolute_path))))
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
