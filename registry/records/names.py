"""How two names are compared for likely duplicates: after NFKC, traditional → simplified Chinese, and look-alikes.

`lookalike_key` is the widest fold: OpenCC's traditional → simplified conversion of the whole name (蘇州大學 →
苏州大学, phrases included), then, character by character, upper case (so case never matters, and a capital
Cyrillic letter meets the Latin one), Unicode's confusable skeleton (UTS #39: a Cyrillic а or Т becomes the Latin
letter it looks like), NFKC (full and half width) and case folding, letters and digits only. Names with the same
key are likely the same; `how_alike`
says in which way two of them differ, narrowest first. The tables are the maintained ones of two packages,
loaded on first use: OpenCC's own dictionaries (the `opencc` binding) and Unicode's confusables.txt as the
`confusable-homoglyphs` package ships it.
"""

from __future__ import annotations

import unicodedata
from importlib.util import find_spec
from pathlib import Path

from registry.records.record import values_at

_DIRECTION_MARKS = str.maketrans("", "", "\u200e\u200f")
_tables: dict[str, object] = {}


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


def _converter():
    if "t2s" not in _tables:
        import opencc  # the C++ library's own binding: its dictionaries, at C speed

        _tables["t2s"] = opencc.OpenCC("t2s.json").convert
    return _tables["t2s"]


def _prototypes() -> dict[int, str]:
    """Each confusable character → the prototype its class is compared by (UTS #39 §4, skeleton).

    The package records every line of confusables.txt (`source ; prototype`) both ways, so each class is a star:
    the prototype joined to its sources. A character joined to one other that has more (or is a sequence, as
    "rn" for "m") is a source; a lone pair is compared by the smaller of the two, which is as good for equality.
    """
    if "prototypes" not in _tables:
        import orjson  # imported here: a warm check finds every name folded in its cache and never needs the table

        spec = find_spec("confusable_homoglyphs")  # the package's data file, without importing the package
        folder = Path(next(iter(spec.submodule_search_locations))) if spec and spec.submodule_search_locations else None
        if folder is None:
            raise ModuleNotFoundError("confusable_homoglyphs (pip install -r requirements.txt)")
        data = orjson.loads((folder / "confusables.json").read_bytes())
        # the package writes right-to-left characters between direction marks, for display: drop them
        marked = [key for key in data if "\u200e" in key or "\u200f" in key]
        for key in marked:
            data.setdefault(key.translate(_DIRECTION_MARKS), []).extend(data.pop(key))
        prototypes = {}
        for ch, entries in data.items():
            if len(ch) != 1 or len(entries) != 1:
                continue  # a sequence, or the centre of a star: a prototype itself
            other = entries[0]["c"].translate(_DIRECTION_MARKS)
            if len(other) > 1 or len(data.get(other, ())) > 1 or other < ch:
                prototypes[ord(ch)] = other  # a str.translate table: the skeleton is made in C
        _tables["prototypes"] = prototypes
    return _tables["prototypes"]  # type: ignore[return-value]


def simplified(text: str) -> str:
    """NFKC, then traditional Chinese characters and phrases as simplified ones (OpenCC t2s)."""
    text = unicodedata.normalize("NFKC", text)
    return text if text.isascii() else _converter()(text)


class _Folded(dict):
    """A str.translate table, filled as characters are met: each character of a simplified name → upper case,
    its confusable skeleton (NFD, then the prototypes), then NFKC, case-folded, letters and digits only."""

    def __missing__(self, code: int) -> str:
        skeleton = unicodedata.normalize("NFD", chr(code).upper()).translate(_prototypes())
        self[code] = folded = normalise(skeleton)
        return folded


_FOLDED = _Folded()  # every name of every record is folded once per check: each character is worked out once


def lookalike_key(text: str) -> str:
    """The widest fold of a name: composed (NFC), simplified (whole phrases, by OpenCC), then character by character
    upper case, confusable skeleton, NFKC and case folding, letters and digits only."""
    text = unicodedata.normalize("NFC", text)  # fast when it already is; NFKC, slower, is done per character
    return (text if text.isascii() else _converter()(text)).translate(_FOLDED)


def fold_names(data: dict, patterns: tuple) -> dict[tuple, str]:
    """lookalike_key of every text at the given path patterns of a record, by path."""
    folded = {}
    for pattern in patterns:
        if len(pattern) == 2 and pattern[1] != "*":  # name.zh and the like: most of them, looked up directly
            parent = data.get(pattern[0])
            value = parent.get(pattern[1]) if isinstance(parent, dict) else None
            if isinstance(value, str):
                folded[pattern] = lookalike_key(value)
            continue
        for path, value in values_at(data, pattern):
            if isinstance(value, str):
                folded[path] = lookalike_key(value)
    return folded


def how_alike(one: str, other: str) -> tuple[str, str]:
    """How two names with the same lookalike_key differ, in Chinese and English, narrowest first."""
    if one == other:
        return "名称相同", "is also a name in"
    if normalise(one) == normalise(other):
        return "只差全角半角、空格或不可见字符", "differs only in width, spaces or invisible characters from"
    if normalise(simplified(one)) == normalise(simplified(other)):
        return "只差繁体与简体", "differs only in traditional and simplified characters from"
    pair = next(((a, b) for a, b in zip(simplified(one), simplified(other), strict=False) if a != b), None)
    if pair is None or len(simplified(one)) != len(simplified(other)):
        return "只差外形相近的字符", "differs only in characters that look alike from"
    (mine, theirs) = pair
    return (
        f"只差外形相近的字符：{mine}（U+{ord(mine):04X}）与 {theirs}（U+{ord(theirs):04X}）",
        f"differs only in characters that look alike, {mine} (U+{ord(mine):04X}) for {theirs} (U+{ord(theirs):04X}), from",
    )
