"""Strict YAML loading: one mapping per file, dates kept as text, every value with its line and column.

Built on libyaml's event parser (the C one when available) rather than `yaml.safe_load`, because
safe_load silently keeps the last of two duplicate keys, expands aliases and turns dates into
objects, and it forgets where each value stood.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from registry.problems import Problem, shown
from registry.records.encoding import decode, raw_character
from registry.records.slips import near_error, typing_slip
from registry.records.text import INVISIBLE_SET, needs_look

MAX_BYTES = 1 << 20
"""A file larger than this (1 MiB) is refused before it is parsed."""

MAX_DEPTH = 32
"""Mappings and lists nested deeper than this are refused (no record needs more than 4)."""

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_resolver = yaml.resolver.Resolver()
_constructor = SafeConstructor()
_STR = "tag:yaml.org,2002:str"
_BLOCK = ("|", ">")

MAX_SHARED_KEY = 64
_SHARED: dict[tuple, tuple] = {}


def _shared(value: tuple) -> tuple:
    """One object for equal paths and (line, column) pairs across all documents.

    Every record of a kind has the same paths and similar positions; sharing them cut the memory of the
    loaded records by about 45% (bench/, 10,000 achievements: 210 → 116 MB). Bounded: past 200,000 entries
    nothing more is shared.
    """
    found = _SHARED.get(value)
    if found is not None:
        return found
    if len(_SHARED) < 200_000:
        _SHARED[value] = value
    return value


@dataclass
class Document:
    """A parsed record file: its data and where each value (and each key) stands in the file."""

    src_path: str
    data: Any
    marks: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    raw: dict[tuple, str] = field(default_factory=dict)
    refused: set[tuple] = field(default_factory=set)
    """Paths whose value was refused while loading (an alias, nesting too deep): already reported, not validated."""
    suspect: list[tuple] = field(default_factory=list)
    """Paths of the texts that may break the text rule (registry/text.py) and of numbers that are not finite:
    `validate` looks at these only."""
    folded: dict[tuple, str] = field(default_factory=dict)
    """Names folded for the likely-duplicate check (registry/names.py), by path: made once per file, then cached."""

    def where(self, path: tuple, key: bool = False) -> tuple[int, int]:
        """Return (line, column) of the value at path, or of its key; falls back to the nearest parent."""
        table = self.key_marks if key else self.marks
        path = tuple(path)
        while path:
            if path in table:
                return table[path]
            if key and path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get((), (1, 1))


def field_path(path: tuple) -> str:
    """Render a data path as people read it: `partners[0].institute` (a very long key is cut short)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + shown(str(part), 24)
    return out


class _Builder:
    """Builds plain Python data from parser events, recording problems instead of raising."""

    def __init__(self, src_path: str, next_event):
        self.src_path = src_path
        self.next = next_event  # the parser's own get_event: no generator between it and us
        self.doc = Document(src_path, None)
        self.problems: list[Problem] = []

    def problem(self, mark, path, code, zh, en, hint_zh="", hint_en=""):
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        self.problems.append(Problem(self.src_path, line, column, field_path(path), code, zh, en, hint_zh, hint_en))

    def value(self, event, path: tuple, depth: int):
        """Build the value that starts with `event`."""
        mark = event.start_mark
        self.doc.marks[path] = _shared((mark.line + 1, mark.column + 1))
        if isinstance(event, AliasEvent):
            self.doc.refused.add(path)
            self.problem(mark, path, "yaml-alias", "不允许使用别名（*名称）", "aliases (*name) are not allowed",
                         "把内容直接写出来", "write the value out in full")
            return None
        if getattr(event, "anchor", None):
            self.problem(mark, path, "yaml-anchor", f"不允许使用锚点（&{event.anchor}）",
                         f"anchors (&{event.anchor}) are not allowed", "删除 &名称", "remove the &name")
        if depth > MAX_DEPTH:
            self.problem(mark, path, "yaml-too-deep", "嵌套层级过深", f"nested deeper than {MAX_DEPTH} levels",
                         "记录只需要几层缩进，请检查缩进", "records need only a few levels: check the indentation")
            self.doc.refused.add(path)
            self.skip(event)
            return None
        if isinstance(event, ScalarEvent):
            return self.scalar(event, path)
        if event.tag is not None and not event.implicit:
            self.tag_problem(event, path)
        if isinstance(event, MappingStartEvent):
            return self.mapping(path, depth)
        if isinstance(event, SequenceStartEvent):
            items = []
            while type(event := self.next()) is not SequenceEndEvent:
                items.append(self.value(event, _shared(path + (len(items),)), depth + 1))
            return items
        raise AssertionError(f"unexpected YAML event {event!r}")

    def skip(self, event):
        """Consume the events of the value that starts with `event` without building it."""
        level = 1 if isinstance(event, (MappingStartEvent, SequenceStartEvent)) else 0
        while level:
            event = self.next()
            if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
                level += 1
            elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                level -= 1

    def tag_problem(self, event, path):
        tag = event.tag.replace("tag:yaml.org,2002:", "!!")
        self.problem(event.start_mark, path, "yaml-tag", f"不允许使用标签（{tag}）",
                     f"tags ({tag}) are not allowed",
                     "删除标签；要让值按文本处理，请给它加引号", "remove the tag; to keep a value as text, quote it")

    def mapping(self, path: tuple, depth: int) -> dict:
        # The hot loop of a cold check (most of a record is `key: plain or quoted text`): such a value is
        # built here, as value() and scalar() would build it, without their calls and checks.
        result: dict[str, Any] = {}
        next_event, marks, key_marks = self.next, self.doc.marks, self.doc.key_marks
        inline = depth + 1 <= MAX_DEPTH
        while (kind := type(event := next_event())) is not MappingEndEvent:
            if kind is not ScalarEvent:
                self.problem(event.start_mark, path, "yaml-complex-key", "字段名必须是简单文本",
                             "a field name must be plain text", "检查这一行的缩进和冒号", "check this line's indentation and colon")
                self.skip(event)
                self.skip(self.next())
                continue
            if event.anchor:
                self.problem(event.start_mark, path, "yaml-anchor", f"不允许使用锚点（&{event.anchor}）",
                             f"anchors (&{event.anchor}) are not allowed", "删除 &名称", "remove the &name")
            key = sys.intern(event.value) if len(event.value) <= MAX_SHARED_KEY else event.value
            key_path = path + (key,)
            key_path = _SHARED.get(key_path) or _shared(key_path)
            mark = (event.start_mark.line + 1, event.start_mark.column + 1)
            mark = _SHARED.get(mark) or _shared(mark)
            if key == "":
                self.problem(event.start_mark, path, "yaml-empty-key", "字段名为空", "a field name is empty",
                             "冒号前要写字段名", "write the field name before the colon")
            if key in result:
                first = self.doc.key_marks[key_path]
                self.problem(event.start_mark, key_path, "yaml-duplicate-key",
                             f"字段 {key} 重复出现（第一次在第 {first[0]} 行）",
                             f"field {key} appears twice (first on line {first[0]})",
                             "删除或合并其中一个", "delete or merge one of them")
                self.skip(self.next())
                continue
            key_marks[key_path] = mark
            event = next_event()
            if type(event) is ScalarEvent and inline and event.anchor is None and event.tag is None:
                start = event.start_mark
                mark = (start.line + 1, start.column + 1)
                marks[key_path] = _SHARED.get(mark) or _shared(mark)
                value = event.value
                if event.style or (tag := _plain_tag(value) if event.implicit[0] else _STR) == _STR:
                    result[key] = value  # quoted or block text stays text
                    # needs_look(value), inlined (the hot loop of a cold check); a block (| or >) always has a look
                    if (event.style in _BLOCK or not value.isprintable() or value[:1] in INVISIBLE_SET
                            or value[-1:] in INVISIBLE_SET):
                        self.doc.suspect.append(key_path)
                else:
                    result[key] = self.typed(value, tag, key_path)
                continue
            result[key] = self.value(event, key_path, depth + 1)
        return result

    def scalar(self, event: ScalarEvent, path: tuple):
        if event.tag is not None and event.tag != "!" and not event.implicit[0] and not event.implicit[1]:
            self.tag_problem(event, path)
        if event.style or (tag := _plain_tag(event.value) if event.implicit[0] else _STR) == _STR:
            if needs_look(event.value):  # quoted or block text stays text
                self.doc.suspect.append(path)
            return event.value
        return self.typed(event.value, tag, path)

    def typed(self, value: str, tag: str, path: tuple):
        """A plain scalar that YAML does not read as text: kept as written (for messages), then built."""
        self.doc.raw[path] = value
        node = ScalarNode(tag, value)
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return _constructor.construct_yaml_bool(node)
        if tag == "tag:yaml.org,2002:int":
            return _constructor.construct_yaml_int(node)
        if tag == "tag:yaml.org,2002:float":
            number = _constructor.construct_yaml_float(node)
            if not math.isfinite(number):  # .nan, .inf: no field wants one (validate says so where a number is due)
                self.doc.suspect.append(path)
            return number
        return value  # timestamps stay text: JSON Schema checks `format: date` on strings

    def document(self):
        """Build the single document of the stream; report an empty stream or a second document."""
        event = self.next()  # StreamStartEvent
        event = self.next()
        if isinstance(event, StreamEndEvent):
            self.problem(None, (), "file-empty", "文件为空（或只有注释）", "the file is empty (or only comments)",
                         "填写记录内容，可用 build.py new 生成模板", "fill in the record; build.py new writes a template")
            return
        assert isinstance(event, DocumentStartEvent)
        self.doc.data = self.value(self.next(), (), 0)
        assert isinstance(self.next(), DocumentEndEvent)
        event = self.next()
        if not isinstance(event, StreamEndEvent):
            self.problem(event.start_mark, (), "yaml-several-documents", "一个文件里有多条记录（多个 YAML 文档）",
                         "the file holds several YAML documents", "每条记录单独一个文件；删除 --- 之后的内容",
                         "one record per file: move what follows --- to its own file")


_PARSE_HINTS = (
    ("mapping values are not allowed", "这一行的值里有“冒号+空格”", "a value on this line contains a colon and a space",
     "给整个值加引号，例如 zh: \"报告: 新材料\"", "quote the whole value, e.g. zh: \"Report: new materials\""),
    ("cannot start any token", "有不能出现在这里的字符（常见的是 Tab 或 @、` 开头）",
     "a character that cannot start a value here (often a tab, or a leading @ or `)",
     "缩进请用空格，不要用 Tab；以 @ 或 ` 开头的值要加引号", "indent with spaces, not tabs; quote a value starting with @ or `"),
    ("found unknown escape character", "双引号里有无效的反斜杠转义", "an invalid backslash escape inside double quotes",
     "改用单引号，或把 \\ 写成 \\\\", "use single quotes, or write \\ as \\\\"),
    ("found undefined alias", "不允许使用别名（*名称）", "aliases (*name) are not allowed",
     "以 * 开头的值要加引号", "quote a value that starts with *"),
    ("could not find expected ':'", "缺少冒号，或缩进不对", "a colon is missing, or the indentation is off",
     "每个字段写成“名称: 值”（英文冒号后加空格）", "write each field as `name: value` (ASCII colon and a space)"),
    ("did not find expected key", "缩进不对，或列表与字段混在同一层",
     "the indentation is off, or a list item and a field share one level",
     "同一层的字段左边对齐；列表项以“- ”开头", "align the fields of one level; start list items with `- `"),
    ("did not find expected '-' indicator", "列表项的缩进不一致", "the list items are indented unevenly",
     "让同一列表的“- ”对齐", "align the `- ` of one list"),
    ("found a tab character", "缩进里有 Tab", "a tab in the indentation", "缩进请用空格", "indent with spaces"),
    ("control characters are not allowed", "文件里有控制字符", "the file contains control characters",
     "删除不可见的控制字符（常见于从网页或 Word 复制的文字）", "remove invisible control characters (common in text pasted from the web or Word)"),
    ("found unexpected end of stream", "引号没有配对", "a quote is not closed", "在这个值的末尾补上同样的引号", "close the quote at the end of the value"),
)


def _plain_tag(value: str) -> str:
    """The tag of a plain untagged scalar, as yaml's Resolver.resolve gives it (its implicit resolvers, in order)."""
    resolvers = _resolver.yaml_implicit_resolvers
    for tag, regexp in resolvers.get(value[:1], ()):
        if regexp.match(value):
            return tag
    for tag, regexp in resolvers.get(None, ()):
        if regexp.match(value):
            return tag
    return _STR


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
    if 0 < line <= len(lines) and "\t" in (indent := lines[line - 1][: len(lines[line - 1]) - len(lines[line - 1].lstrip())]):
        return Problem(src_path, line, indent.index("\t") + 1, "", "yaml-tab", "缩进里有 Tab 字符", "a tab in the indentation",
                       "缩进只能用空格（每层两个空格），请把 Tab 换成空格", "indent with spaces only (two per level): replace the tab")
    problem = getattr(error, "problem", None) or str(error)
    for needle, zh, en, hint_zh, hint_en in _PARSE_HINTS:
        if needle in problem:
            return Problem(src_path, line, column, "", "yaml-syntax", zh, en, hint_zh, hint_en)
    return Problem(src_path, line, column, "", "yaml-syntax", "YAML 语法错误", f"YAML syntax error: {problem}",
                   "检查这一行及上一行的缩进、冒号和引号", "check the indentation, colons and quotes here and on the line above")


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
        hint_zh, hint_en = "记录由“字段: 值”行组成，每行一个字段，例如 id: graphene-film", "a record is `field: value` lines, e.g. id: graphene-film"
        if isinstance(value, list):
            zh, en = "文件内容是一个列表，不是一条记录", "the file holds a list, not a record"
            hint_zh, hint_en = "删除行首的“- ”：" + hint_zh, "remove the leading `- `: " + hint_en
        else:
            zh, en = f"文件内容只有一个值“{shown(value)}”，不是一条记录", f"the file holds a single value “{shown(value)}”, not a record"
        if isinstance(value, str) and "：" in value:
            hint_zh, hint_en = "字段名后面用了全角冒号“：”，请改成英文冒号加空格", "a full-width colon ： follows a field name: use `: `"
        return None, [*builder.problems, Problem(src_path, line, column, "", "not-a-mapping", zh, en, hint_zh, hint_en)]
    if builder.problems:
        return None if doc.data is None else doc, builder.problems
    return doc, []


def load(path: Path, src_path: str) -> tuple[Document | None, list[Problem]]:
    """Read and parse one record file, refusing one over MAX_BYTES before reading it whole."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        return None, [Problem(src_path, 1, 1, "", "file-too-large",
                              f"文件过大（{size} 字节，上限 {MAX_BYTES} 字节）",
                              f"the file is too large ({size} bytes, limit {MAX_BYTES})",
                              "一条记录不会这么大：检查是否误粘贴了大量内容", "no record is this large: check for pasted bulk")]
    if size == 0:
        return None, [Problem(src_path, 1, 1, "", "file-empty", "文件为空", "the file is empty",
                              "填写记录内容，可用 build.py new 生成模板", "fill in the record; build.py new writes a template")]
    text, problems = decode(src_path, path.read_bytes())
    if text is None:
        return None, problems
    return parse(src_path, text)
