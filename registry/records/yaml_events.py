"""The walk over libyaml's events that builds a record's data: strict (no duplicate keys, anchors, aliases or custom
tags; dates and numbers typed as the schema's JSON expects), each value noted with its line and column."""

from __future__ import annotations

import math
import sys
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

from registry.problems import Problem
from registry.records.document import _SHARED, MAX_SHARED_KEY, Document, _shared, field_path
from registry.records.text import INVISIBLE_SET, needs_look

MAX_DEPTH = 32
"""Mappings and lists nested deeper than this are refused (no record needs more than 4)."""

_resolver = yaml.resolver.Resolver()
_constructor = SafeConstructor()
_STR = "tag:yaml.org,2002:str"
_BLOCK = ("|", ">")


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
            self.problem(
                mark,
                path,
                "yaml-alias",
                "不允许使用别名（*名称）",
                "aliases (*name) are not allowed",
                "把内容直接写出来",
                "write the value out in full",
            )
            return None
        if getattr(event, "anchor", None):
            self.problem(
                mark,
                path,
                "yaml-anchor",
                f"不允许使用锚点（&{event.anchor}）",
                f"anchors (&{event.anchor}) are not allowed",
                "删除 &名称",
                "remove the &name",
            )
        if depth > MAX_DEPTH:
            self.problem(
                mark,
                path,
                "yaml-too-deep",
                "嵌套层级过深",
                f"nested deeper than {MAX_DEPTH} levels",
                "记录只需要几层缩进，请检查缩进",
                "records need only a few levels: check the indentation",
            )
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
        self.problem(
            event.start_mark,
            path,
            "yaml-tag",
            f"不允许使用标签（{tag}）",
            f"tags ({tag}) are not allowed",
            "删除标签；要让值按文本处理，请给它加引号",
            "remove the tag; to keep a value as text, quote it",
        )

    def mapping(self, path: tuple, depth: int) -> dict:
        # The hot loop of a cold check (most of a record is `key: plain or quoted text`): such a value is
        # built here, as value() and scalar() would build it, without their calls and checks.
        result: dict[str, Any] = {}
        next_event, marks, key_marks = self.next, self.doc.marks, self.doc.key_marks
        inline = depth + 1 <= MAX_DEPTH
        while (kind := type(event := next_event())) is not MappingEndEvent:
            if kind is not ScalarEvent:
                self.problem(
                    event.start_mark,
                    path,
                    "yaml-complex-key",
                    "字段名必须是简单文本",
                    "a field name must be plain text",
                    "检查这一行的缩进和冒号",
                    "check this line's indentation and colon",
                )
                self.skip(event)
                self.skip(self.next())
                continue
            if event.anchor:
                self.problem(
                    event.start_mark,
                    path,
                    "yaml-anchor",
                    f"不允许使用锚点（&{event.anchor}）",
                    f"anchors (&{event.anchor}) are not allowed",
                    "删除 &名称",
                    "remove the &name",
                )
            key = sys.intern(event.value) if len(event.value) <= MAX_SHARED_KEY else event.value
            key_path = path + (key,)
            key_path = _SHARED.get(key_path) or _shared(key_path)
            mark = (event.start_mark.line + 1, event.start_mark.column + 1)
            mark = _SHARED.get(mark) or _shared(mark)
            if key == "":
                self.problem(
                    event.start_mark,
                    path,
                    "yaml-empty-key",
                    "字段名为空",
                    "a field name is empty",
                    "冒号前要写字段名",
                    "write the field name before the colon",
                )
            if key in result:
                first = self.doc.key_marks[key_path]
                self.problem(
                    event.start_mark,
                    key_path,
                    "yaml-duplicate-key",
                    f"字段 {key} 重复出现（第一次在第 {first[0]} 行）",
                    f"field {key} appears twice (first on line {first[0]})",
                    "删除或合并其中一个",
                    "delete or merge one of them",
                )
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
                    if (
                        event.style in _BLOCK
                        or not value.isprintable()
                        or value[:1] in INVISIBLE_SET
                        or value[-1:] in INVISIBLE_SET
                    ):
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
            self.problem(
                None,
                (),
                "file-empty",
                "文件为空（或只有注释）",
                "the file is empty (or only comments)",
                "填写记录内容，可用 build.py new 生成模板",
                "fill in the record; build.py new writes a template",
            )
            return
        assert isinstance(event, DocumentStartEvent)
        self.doc.data = self.value(self.next(), (), 0)
        assert isinstance(self.next(), DocumentEndEvent)
        event = self.next()
        if not isinstance(event, StreamEndEvent):
            self.problem(
                event.start_mark,
                (),
                "yaml-several-documents",
                "一个文件里有多条记录（多个 YAML 文档）",
                "the file holds several YAML documents",
                "每条记录单独一个文件；删除 --- 之后的内容",
                "one record per file: move what follows --- to its own file",
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
