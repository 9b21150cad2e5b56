"""What an unknown reference was probably meant to be: a suggestion only when it is close, and how to register it.

Close means a slip of the keyboard or of the input method, not merely a similar look: an id within a small edit
distance (a letter typed, left out, swapped or doubled), a name within one character, the same pinyin (`qinghua` for
清华), or the same pinyin initials (`hgd` for 哈工大; 青华 for 清华). `xjtlu` is not close to `sjtu`: two edits in
four letters is another university.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pypinyin import lazy_pinyin

from registry.records.discover import ID_MAX, ID_PATTERN

_LATIN = re.compile(r"[a-z0-9]+")
_HAN = re.compile(r"[\u3400-\u9fff]")


def distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, replace, swap two neighbours) that turn a into b; limit + 1 once it is over the limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def allowed_edits(length: int) -> int:
    """Edits that still count as a slip in a word of this length: none up to three letters (`mit` is not `bit`),
    one up to six, two beyond."""
    return 0 if length <= 3 else 1 if length <= 6 else 2


def _compact(text: str) -> str:
    return "".join(_LATIN.findall(text.lower()))


@dataclass(frozen=True)
class _Name:
    text: str
    pinyin: str
    initials: str


def _name(text: str) -> _Name:
    syllables = [s.lower() for s in lazy_pinyin(text) if s.strip()]
    return _Name(text, _compact("".join(syllables)), "".join(s[0] for s in syllables if s[0].isalnum()))


class Suggester:
    """Close records of one kind for a value that names none of them: built once per kind, on first use."""

    def __init__(self, names: dict[str, list[str]]):
        """`names`: each record's id → its names and short names (Chinese and English)."""
        self._ids = sorted(names)
        self._names = {record_id: [_name(n) for n in texts if n] for record_id, texts in names.items()}

    def near(self, value: str) -> str | None:
        """The id of the closest record, if one is close enough to be a slip; ties go to the smaller id."""
        best: tuple[int, str] | None = None
        for record_id, score in self._scores(value):
            if best is None or (score, record_id) < best:
                best = (score, record_id)
        return best[1] if best else None

    def _scores(self, value: str):
        if _HAN.search(value):  # a name typed in Chinese
            typed = _name(value)
            for record_id, names in self._names.items():
                for name in names:
                    if not _HAN.search(name.text):
                        continue
                    edits = distance(value, name.text, 1)
                    if edits <= 1 and (len(name.text) > 2 or typed.initials == name.initials):
                        yield record_id, edits
                    elif typed.pinyin == name.pinyin or (len(value) >= 3 and typed.initials == name.initials):
                        yield record_id, 1
            return
        typed_id, typed = value.lower(), _compact(value)
        if not typed:
            return
        for record_id in self._ids:
            limit = allowed_edits(len(record_id))
            edits = distance(typed_id, record_id, limit)
            if edits <= limit:
                yield record_id, edits
        for record_id, names in self._names.items():
            for name in names:
                if not _HAN.search(name.text):
                    continue
                if typed in (name.pinyin, name.initials) and len(typed) >= 2:
                    yield record_id, 0
                elif len(name.pinyin) >= 6 and distance(typed, name.pinyin, 1) <= 1:
                    yield record_id, 1


def register_command(kind: str, value: str, taken: Callable[[str], bool]) -> str:
    """The command that starts a record for a missing reference: its id as written if it is one, else from pinyin
    (ID when that is empty or already taken)."""
    record_id = value if ID_PATTERN.match(value) and len(value) <= ID_MAX else ""
    if not record_id:
        record_id = re.sub(r"[^a-z0-9]+", "-", "-".join(lazy_pinyin(value)).lower()).strip("-")[:ID_MAX].strip("-")
    return f"python build.py new {kind} {record_id if record_id and not taken(record_id) else 'ID'}"
