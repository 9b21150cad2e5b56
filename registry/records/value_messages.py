"""How a schema error about a value is worded: a wrong type (a number read as text, yes read as true), a code that is
not allowed (the label written for the code), a date or id in the wrong form — each with what to write instead.
`validate` words the rest (registry/records/validate.py)."""

from __future__ import annotations

import difflib
import re

from jsonschema import ValidationError

from registry.problems import listing, shown
from registry.records.document import field_path
from registry.records.names import normalise

_TYPE_ZH = {
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "boolean": "是/否（true/false）",
    "array": "列表",
    "object": "一组字段",
    "null": "空值",
}
_BOOL_WORDS = {"yes", "no", "on", "off", "true", "false", "y", "n"}
_DATE_PARTS = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def _typename(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return {int: "integer", float: "number", str: "string", list: "array", dict: "object"}.get(type(value), "?")


def _expected(error: ValidationError) -> list[str]:
    value = error.validator_value
    return value if isinstance(value, list) else [value]


class ValueMessages:
    """The wording of type, enum, const, pattern and format errors, for the translator of one document (which gives
    problem, value, value_en, describe and condition)."""

    def on_type(self, error, path):
        expected = _expected(error)
        value = error.instance
        want_zh = "或".join(_TYPE_ZH.get(t, t) for t in expected)
        want_en = " or ".join(expected)
        raw = self.doc.raw.get(path)
        private = self.schemas.is_private(self.kind, path)
        hint_zh, hint_en = self.describe(path)
        zh, en = (
            f"应为{want_zh}，实际是{_TYPE_ZH.get(_typename(value), '?')}",
            f"must be {want_en}, not {_typename(value)}",
        )
        if value is None:
            zh, en = "值为空", "the value is empty"
            hint_zh, hint_en = "填写内容，或删除这一行", "fill it in or delete the line"
        elif "string" in expected and raw is not None:
            zh, en = "应为带引号的文本", "must be quoted text"
            if private:
                hint_zh, hint_en = (
                    "不加引号的号码会被读成数字（0 开头的会变成另一个数），请给号码加引号",
                    "an unquoted number is read as a number (a leading 0 changes it): quote it",
                )
            elif isinstance(value, bool) or raw.lower() in _BOOL_WORDS:
                hint_zh, hint_en = (
                    f'不加引号的 {raw} 会被读成是/否，请写成 "{raw}"',
                    f'{raw} unquoted is read as true/false: write "{raw}"',
                )
            elif str(value) != raw:
                hint_zh, hint_en = (
                    f'{raw} 会被读成数字 {value}，请写成 "{raw}"',
                    f'{raw} would be read as the number {value}: write "{raw}"',
                )
            else:
                hint_zh, hint_en = f'请写成 "{raw}"', f'write "{raw}"'
        elif "array" in expected and isinstance(value, str):
            if value[:1] in "【［〔" or "，" in value:
                hint_zh, hint_en = (
                    "用了全角括号或逗号；列表请写成 [a, b]（英文方括号和逗号）",
                    "full-width brackets or commas: write a list as [a, b]",
                )
            else:
                hint_zh, hint_en = (
                    f"写成列表：[{shown(value)}]，或在下一行写“- {shown(value)}”",
                    f"write a list: [{shown(value)}], or `- {shown(value)}` on the next line",
                )
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
            return [
                self.problem(
                    path,
                    "enum",
                    f"取值 `{raw}` 被读成了是/否",
                    f"`{raw}` was read as true/false",
                    f"不加引号的 {raw} 是布尔值；请填写可选编码之一：{listing(error.validator_value)}",
                    f"{raw} unquoted is a boolean; write one of: {listing(error.validator_value)}",
                )
            ]
        codes = [str(c) for c in error.validator_value]
        labels = self.schemas.labels(self.kind, path)
        if isinstance(value, str):
            wanted = normalise(value)
            for code, label in labels.items():
                if wanted and wanted in (
                    normalise(label.get("zh", "")),
                    normalise(label.get("en", "")),
                    normalise(label.get("zh", "").removesuffix("阶段")),
                ):
                    return [
                        self.problem(
                            path,
                            "enum",
                            f"应填编码，不是名称 {self.value(path, value)}",
                            f"write the code, not the label {self.value_en(path, value)}",
                            f"改为 {code}（{label.get('zh')}）",
                            f"write {code} ({label.get('en')})",
                        )
                    ]
            if "：" in value or ":" in value:
                return [
                    self.problem(
                        path,
                        "enum",
                        f"取值 {self.value(path, value)} 无效",
                        f"{self.value_en(path, value)} is not allowed",
                        "值里有冒号：每个字段单独一行，冒号用英文冒号加空格",
                        "the value holds a colon: one field per line, `name: value`",
                    )
                ]
            close = difflib.get_close_matches(value, codes, n=1, cutoff=0.6)
            if close:
                label = labels.get(close[0], {})
                return [
                    self.problem(
                        path,
                        "enum",
                        f"取值 {self.value(path, value)} 无效",
                        f"{self.value_en(path, value)} is not allowed",
                        f"是否应为 {close[0]}（{label.get('zh', '')}）？",
                        f"did you mean {close[0]}?",
                    )
                ]
        options = listing([f"{c}（{labels[c]['zh']}）" if c in labels else c for c in codes], 6, sep="，")
        options_en = listing(codes, 6)
        return [
            self.problem(
                path,
                "enum",
                f"取值 {self.value(path, value)} 无效",
                f"{self.value_en(path, value)} is not allowed",
                f"可选：{options}",
                f"choose one of: {options_en}",
            )
        ]

    def on_const(self, error, path):
        condition = self.condition(error)
        if condition and path:
            name, value = condition
            return [
                self.problem(
                    path,
                    "const",
                    f"{name} 为 {value} 时，{field_path(path)} 只能是 {error.validator_value}",
                    f"{field_path(path)} must be {error.validator_value} when {name} is {value}",
                    f"改为 {error.validator_value}，或修改 {name}",
                    f"write {error.validator_value}, or change {name}",
                )
            ]
        return [
            self.problem(
                path,
                "const",
                f"此处只能是 {error.validator_value}",
                f"must be {error.validator_value} here",
                *self.describe(path),
            )
        ]

    def on_pattern(self, error, path):
        node = self.schemas.at(self.kind, path) or {}
        if node.get("x-date"):
            hint_zh, hint_en = "写作 YYYY-MM-DD，例如 2017-09-08", "write YYYY-MM-DD, e.g. 2017-09-08"
            parts = _DATE_PARTS.match(error.instance) if isinstance(error.instance, str) else None
            if parts:
                fixed = f"{parts[1]}-{int(parts[2]):02d}-{int(parts[3]):02d}"
                hint_zh, hint_en = f"写作 YYYY-MM-DD：{fixed}", f"write YYYY-MM-DD: {fixed}"
            return [
                self.problem(
                    path,
                    "date-format",
                    f"日期格式不对：{self.value(path, error.instance)}",
                    f"not a date in the form YYYY-MM-DD: {self.value_en(path, error.instance)}",
                    hint_zh,
                    hint_en,
                )
            ]
        if (path and path[-1] == "id") or node.get("x-title-en") == "Identifier":
            hint_zh, hint_en = (
                "只用小写英文字母、数字和连字符，例如 graphene-film",
                "use lower-case letters, digits and hyphens, e.g. graphene-film",
            )
            if path == ("id",):
                stem = self.doc.src_path.rpartition("/")[2].removesuffix(".yaml")
                hint_zh, hint_en = f"编号与文件名相同：改为 id: {stem}", f"the id is the file name: write id: {stem}"
            return [
                self.problem(
                    path,
                    "id-format",
                    f"编号 {self.value(path, error.instance)} 格式不对",
                    f"the id {self.value_en(path, error.instance)} is malformed",
                    hint_zh,
                    hint_en,
                )
            ]
        zh, en = self.describe(path)
        if "0-9+" in node.get("pattern", ""):  # a phone number
            zh, en = (
                '电话号码只用数字、空格和 + - ( )，并加引号，例如 "0512-57512345"',
                'digits, spaces and + - ( ) only, quoted, e.g. "0512-57512345"',
            )
        return [
            self.problem(
                path,
                "pattern",
                f"格式不对：{self.value(path, error.instance)}",
                f"malformed: {self.value_en(path, error.instance)}",
                zh,
                en,
            )
        ]

    def on_format(self, error, path):
        if (
            error.validator_value == "date"
            and isinstance(error.instance, str)
            and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", error.instance)
        ):
            return self.on_pattern(error, path)
        if error.validator_value == "date":
            return [
                self.problem(
                    path,
                    "date-invalid",
                    f"日期 {self.value(path, error.instance)} 不存在",
                    f"there is no such date as {self.value_en(path, error.instance)}",
                    "检查月份（1–12）和当月天数（2 月只有 28 或 29 天）",
                    "check the month (1–12) and the days in that month",
                )
            ]
        zh, en = self.describe(path)
        return [
            self.problem(
                path,
                "format",
                f"格式不对：{self.value(path, error.instance)}",
                f"not a valid {error.validator_value}: {self.value_en(path, error.instance)}",
                zh,
                en,
            )
        ]
