"""A parsed record file: its data, and the line and column where each value and each key stands."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from registry.problems import shown

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
