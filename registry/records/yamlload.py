"""Strict YAML loading: one mapping per file, dates kept as text, every value with its line and column.

Built on libyaml's event parser (the C one when available) rather than `yaml.safe_load`, because
safe_load silently keeps the last of two duplicate keys, expands aliases and turns dates into
objects, and it forgets where each value stood.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from registry.problems import Problem, shown
from registry.records.document import Document
from registry.records.encoding import decode, raw_character
from registry.records.slips import near_error, typing_slip
from registry.records.yaml_events import _Builder

MAX_BYTES = 1 << 20
"""A file larger than this (1 MiB) is refused before it is parsed."""

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_PARSE_HINTS = (
    (
        "mapping values are not allowed",
        "这一行的值里有“冒号+空格”",
        "a value on this line contains a colon and a space",
        '给整个值加引号，例如 zh: "报告: 新材料"',
        'quote the whole value, e.g. zh: "Report: new materials"',
    ),
    (
        "cannot start any token",
        "有不能出现在这里的字符（常见的是 Tab 或 @、` 开头）",
        "a character that cannot start a value here (often a tab, or a leading @ or `)",
        "缩进请用空格，不要用 Tab；以 @ 或 ` 开头的值要加引号",
        "indent with spaces, not tabs; quote a value starting with @ or `",
    ),
    (
        "found unknown escape character",
        "双引号里有无效的反斜杠转义",
        "an invalid backslash escape inside double quotes",
        "改用单引号，或把 \\ 写成 \\\\",
        "use single quotes, or write \\ as \\\\",
    ),
    (
        "found undefined alias",
        "不允许使用别名（*名称）",
        "aliases (*name) are not allowed",
        "以 * 开头的值要加引号",
        "quote a value that starts with *",
    ),
    (
        "could not find expected ':'",
        "缺少冒号，或缩进不对",
        "a colon is missing, or the indentation is off",
        "每个字段写成“名称: 值”（英文冒号后加空格）",
        "write each field as `name: value` (ASCII colon and a space)",
    ),
    (
        "did not find expected key",
        "缩进不对，或列表与字段混在同一层",
        "the indentation is off, or a list item and a field share one level",
        "同一层的字段左边对齐；列表项以“- ”开头",
        "align the fields of one level; start list items with `- `",
    ),
    (
        "did not find expected '-' indicator",
        "列表项的缩进不一致",
        "the list items are indented unevenly",
        "让同一列表的“- ”对齐",
        "align the `- ` of one list",
    ),
    ("found a tab character", "缩进里有 Tab", "a tab in the indentation", "缩进请用空格", "indent with spaces"),
    (
        "control characters are not allowed",
        "文件里有控制字符",
        "the file contains control characters",
        "删除不可见的控制字符（常见于从网页或 Word 复制的文字）",
        "remove invisible control characters (common in text pasted from the web or Word)",
    ),
    (
        "found unexpected end of stream",
        "引号没有配对",
        "a quote is not closed",
        "在这个值的末尾补上同样的引号",
        "close the quote at the end of the value",
    ),
)


def _parse_problem(src_path: str, text: str, error: yaml.YAMLError) -> Problem:
    """Translate a libyaml error into a problem, spotting a full-width colon typed by a Chinese IME."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if "end of stream" in (getattr(error, "problem", None) or "") and getattr(error, "context_mark", None):
        mark = error.context_mark  # where the unclosed quote opens, not the end of the file
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    lines = text.splitlines()
    slip = typing_slip(src_path, lines, line)
    if slip is not None:
        return slip
    if not (1 <= line <= len(lines)) or not lines[line - 1].strip() or lines[line - 1].lstrip().startswith("#"):
        above = [n for n in near_error(lines, line) if n < line]  # found after comments or at the end: point above
        if above:
            line, column = above[0], 1
    if 0 < line <= len(lines) and "\t" in (
        indent := lines[line - 1][: len(lines[line - 1]) - len(lines[line - 1].lstrip())]
    ):
        return Problem(
            src_path,
            line,
            indent.index("\t") + 1,
            "",
            "yaml-tab",
            "缩进里有 Tab 字符",
            "a tab in the indentation",
            "缩进只能用空格（每层两个空格），请把 Tab 换成空格",
            "indent with spaces only (two per level): replace the tab",
        )
    problem = getattr(error, "problem", None) or str(error)
    for needle, zh, en, hint_zh, hint_en in _PARSE_HINTS:
        if needle in problem:
            return Problem(src_path, line, column, "", "yaml-syntax", zh, en, hint_zh, hint_en)
    return Problem(
        src_path,
        line,
        column,
        "",
        "yaml-syntax",
        "YAML 语法错误",
        f"YAML syntax error: {problem}",
        "检查这一行及上一行的缩进、冒号和引号",
        "check the indentation, colons and quotes here and on the line above",
    )


def parse(src_path: str, text: str) -> tuple[Document | None, list[Problem]]:
    """Parse text into a Document; any problem is returned, never raised."""
    parser = _Loader(text)
    builder = _Builder(src_path, parser.get_event)
    try:
        builder.document()
    except yaml.reader.ReaderError as error:  # a character YAML refuses anywhere: its byte offset is known
        return None, [*builder.problems, raw_character(src_path, text, error.position)]
    except yaml.YAMLError as error:
        return None, [*builder.problems, _parse_problem(src_path, text, error)]
    finally:
        parser.dispose()
    doc = builder.doc
    if not isinstance(doc.data, dict) and not (doc.data is None and builder.problems):
        value = doc.data
        line, column = doc.marks.get((), (1, 1))
        hint_zh, hint_en = (
            "记录由“字段: 值”行组成，每行一个字段，例如 id: graphene-film",
            "a record is `field: value` lines, e.g. id: graphene-film",
        )
        if isinstance(value, list):
            zh, en = "文件内容是一个列表，不是一条记录", "the file holds a list, not a record"
            hint_zh, hint_en = "删除行首的“- ”：" + hint_zh, "remove the leading `- `: " + hint_en
        else:
            zh, en = (
                f"文件内容只有一个值“{shown(value)}”，不是一条记录",
                f"the file holds a single value “{shown(value)}”, not a record",
            )
        if isinstance(value, str) and "：" in value:
            hint_zh, hint_en = (
                "字段名后面用了全角冒号“：”，请改成英文冒号加空格",
                "a full-width colon ： follows a field name: use `: `",
            )
        return None, [*builder.problems, Problem(src_path, line, column, "", "not-a-mapping", zh, en, hint_zh, hint_en)]
    if builder.problems:
        return None if doc.data is None else doc, builder.problems
    return doc, []


def load(path: Path, src_path: str) -> tuple[Document | None, list[Problem]]:
    """Read and parse one record file, refusing one over MAX_BYTES before reading it whole."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        return None, [
            Problem(
                src_path,
                1,
                1,
                "",
                "file-too-large",
                f"文件过大（{size} 字节，上限 {MAX_BYTES} 字节）",
                f"the file is too large ({size} bytes, limit {MAX_BYTES})",
                "一条记录不会这么大：检查是否误粘贴了大量内容",
                "no record is this large: check for pasted bulk",
            )
        ]
    if size == 0:
        return None, [
            Problem(
                src_path,
                1,
                1,
                "",
                "file-empty",
                "文件为空",
                "the file is empty",
                "填写记录内容，可用 build.py new 生成模板",
                "fill in the record; build.py new writes a template",
            )
        ]
    text, problems = decode(src_path, path.read_bytes())
    if text is None:
        return None, problems
    return parse(src_path, text)
