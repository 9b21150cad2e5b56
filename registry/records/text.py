"""The one rule for every text a record, the settings or a spreadsheet row holds: visible, printable characters.

A string value is refused when it holds a control character (C0, DEL or C1, however it was written: a raw byte
is refused by the YAML reader, an escape such as \\e, \\0 or \\x85 arrives here), a bidirectional override or
isolate (it can reverse how the rest of a line reads), a noncharacter or a lone surrogate (which XML and UTF-8
cannot carry), or no visible character at all. Multi-line Markdown fields may hold tab and newline; single-line
fields may not, nor may they start or end with an invisible character. `check` applies the rule through
`validate`; the loader only notes which values need a look (`needs_look`), so clean text costs one
`str.isprintable()`.

The writers (feeds, calendar, downloads) replace what XML 1.0 or UTF-8 cannot carry with U+FFFD
(`printable`), so a value that reaches them some other way still gives a well-formed file.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
"""C0 controls but tab and newline, DEL, and C1 controls (U+0080–U+009F, NEL among them)."""

_BIDI = "\u202a-\u202e\u2066-\u2069"
"""Bidirectional embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069)."""

_NONCHARACTERS = "\ud800-\udfff\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
"""Lone surrogates and the 66 noncharacters (U+FDD0–U+FDEF and the last two code points of every plane)."""

_INVISIBLE_RANGES = (
    # White_Space (what str.isspace() is true for: ASCII spaces, U+0085, U+00A0, U+1680, U+2000–U+200A,
    # U+2028, U+2029, U+202F, U+205F, U+3000) ...
    (0x09, 0x0D),
    (0x1C, 0x20),
    (0x85, 0x85),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
    # ... Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties.txt: soft hyphen, zero-width spaces and
    # joiners, Hangul fillers, variation selectors, the byte-order mark, tags) ...
    (0xAD, 0xAD),
    (0x34F, 0x34F),
    (0x61C, 0x61C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
    # ... and the blank Braille pattern, which every font draws as nothing.
    (0x2800, 0x2800),
)
INVISIBLE = "".join(chr(code) for first, last in _INVISIBLE_RANGES for code in range(first, last + 1))
"""Characters a reader does not see: a text made only of these shows as blank."""

_INV = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in _INVISIBLE_RANGES)
_FORBIDDEN_LINE = re.compile(f"[{_CONTROLS}{_BIDI}{_NONCHARACTERS}\t\n]")
_FORBIDDEN_PROSE = re.compile(f"[{_CONTROLS}{_BIDI}{_NONCHARACTERS}]")
_VISIBLE = re.compile(f"[^{_INV}{_CONTROLS}{_NONCHARACTERS}]")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_NAMES = {
    "\x00": ("空字符", "NUL"),
    "\x07": ("响铃", "BEL"),
    "\x08": ("退格", "BS"),
    "\x1b": ("转义符", "ESC"),
    "\x7f": ("删除符", "DEL"),
    "\x85": ("下一行", "NEL"),
    "\r": ("回车", "CR"),
    "\t": ("制表符", "tab"),
    "\n": ("换行", "line feed"),
    " ": ("空格", "space"),
    "\u3000": ("全角空格", "ideographic space"),
    "\xa0": ("不换行空格", "no-break space"),
    "\u200b": ("零宽空格", "zero-width space"),
    "\u200c": ("零宽不连字", "zero-width non-joiner"),
    "\u200d": ("零宽连字", "zero-width joiner"),
    "\u2060": ("零宽不换行", "word joiner"),
    "\ufeff": ("字节顺序标记", "byte-order mark"),
    "\u202e": ("从右到左强制", "right-to-left override"),
    "\u202d": ("从左到右强制", "left-to-right override"),
    "\u2066": ("从左到右隔离", "left-to-right isolate"),
    "\u2067": ("从右到左隔离", "right-to-left isolate"),
}


@dataclass(frozen=True)
class Fault:
    """What is wrong with one text, in Chinese and English, with the fix."""

    code: str
    zh: str
    en: str
    hint_zh: str
    hint_en: str


INVISIBLE_SET = frozenset(INVISIBLE)


def needs_look(value: str) -> bool:
    """Whether a text may break the rule: it holds a character str.isprintable() refuses (every control, tab, newline,
    format character, noncharacter and space but the ASCII one), or starts or ends with an invisible one. Called by
    the loader on every string it reads: isprintable() runs in C at a few nanoseconds a character, where a regular
    expression with this many ranges took 30."""
    return not value.isprintable() or value[:1] in INVISIBLE_SET or value[-1:] in INVISIBLE_SET


def describe(ch: str, lang: str = "zh") -> str:
    """A character as a message names it: `U+001B（转义符）` or `U+001B (ESC)`."""
    names = _NAMES.get(ch)
    name = (names[0] if lang == "zh" else names[1]) if names else unicodedata.name(ch, "")
    if not name:
        return f"U+{ord(ch):04X}"
    return f"U+{ord(ch):04X}（{name}）" if lang == "zh" else f"U+{ord(ch):04X} ({name})"


def faults(value: str, multiline: bool, private: bool = False) -> list[Fault]:
    """Every way a text breaks the rule; multiline: a Markdown field (tab and newline allowed, edges free)."""
    printable = (value.replace("\n", "").replace("\t", "") if multiline else value).isprintable()
    found = None if printable else (_FORBIDDEN_PROSE if multiline else _FORBIDDEN_LINE).search(value)
    if found:
        ch, at = found.group(), found.start() + 1
        return [_forbidden(ch, at)]
    if not _VISIBLE.search(value):
        example = value.strip("\n\t ")[:1] or value[0]  # the character to name: not the line breaks of a block
        return [
            Fault(
                "text-invisible",
                f"只有空白或看不见的字符，如 {describe(example)}，读者看到的是空白",
                f"holds only blank or invisible characters, such as {describe(example, 'en')}: readers see nothing",
                "填写看得见的内容，或删除这一行",
                "write visible text, or delete the line",
            )
        ]
    if multiline:
        return []
    trimmed = value.strip(INVISIBLE)
    if trimmed == value:
        return []
    lead = value[: len(value) - len(value.lstrip(INVISIBLE))]
    trail = value[len(value.rstrip(INVISIBLE)) :]
    where_zh, where_en = {(True, False): ("开头", "starts"), (False, True): ("末尾", "ends")}.get(
        (bool(lead), bool(trail)), ("开头和末尾", "starts and ends")
    )
    chars = "、".join(dict.fromkeys(describe(ch) for ch in lead + trail))
    chars_en = ", ".join(dict.fromkeys(describe(ch, "en") for ch in lead + trail))
    fix_zh = "删除这些字符" if private else f'删除这些字符，写成 "{_quoted(trimmed)}"'
    fix_en = "delete them" if private else f'delete them: write "{_quoted(trimmed)}"'
    return [
        Fault(
            "text-padding",
            f"{where_zh}有看不见的字符：{chars}",
            f"{where_en} with invisible characters: {chars_en}",
            fix_zh,
            fix_en,
        )
    ]


def _quoted(text: str) -> str:
    shown = text if len(text) <= 30 else text[:30] + "…"
    return shown.replace("\\", "\\\\").replace('"', '\\"')


def _forbidden(ch: str, at: int) -> Fault:
    point, point_en = describe(ch), describe(ch, "en")
    if ch in "\t\n":
        return Fault(
            "text-line-break",
            f"第 {at} 个字符是{'换行' if ch == chr(10) else '制表符（Tab）'}，单行字段不能有",
            f"character {at} is a {'line break' if ch == chr(10) else 'tab'}, which a single-line field cannot hold",
            "写成一行：删除换行或 Tab（表格单元格里的 Alt+Enter、引号里的 \\n 或 \\t、以 | 或 > 开头的多行写法）",
            "write it on one line: remove the break or tab (Alt+Enter in a cell, \\n or \\t in quotes, a | or > block)",
        )
    if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069":
        return Fault(
            "text-bidi",
            f"第 {at} 个字符是改变文字方向的控制符 {point}",
            f"character {at} is the bidirectional control {point_en}",
            "删除它：它会让这一行的文字倒着显示，常见于从网页复制的文字",
            "delete it: it can make the text read backwards; it comes with text pasted from the web",
        )
    if "\ud800" <= ch <= "\udfff" or unicodedata.category(ch) == "Cn":
        return Fault(
            "text-noncharacter",
            f"第 {at} 个字符是非字符 {point}",
            f"character {at} is the noncharacter {point_en}",
            "删除它：它不是文字，网页、订阅和下载文件都无法承载",
            "delete it: it is not text, and pages, feeds and downloads cannot carry it",
        )
    return Fault(
        "text-control",
        f"第 {at} 个字符是控制字符 {point}",
        f"character {at} is the control character {point_en}",
        "删除它：常见于从终端、网页或 Word 复制的文字；引号里的 \\e、\\0、\\x.. 转义也会写出控制字符",
        "delete it: it comes with text copied from a terminal, the web or Word; \\e, \\0 or \\x.. in quotes write one too",
    )


REPLACE = "registry-replace"
"""The encoding error handler that writes U+FFFD for what UTF-8 cannot encode (a lone surrogate), not `?`."""
codecs.register_error(REPLACE, lambda error: ("\ufffd".encode("utf-8") * (error.end - error.start), error.end))
# (bytes: the UTF-8 encoder takes a str replacement only if it is ASCII)


def printable(text: str) -> str:
    """Text that XML 1.0 and UTF-8 can carry: C0 controls but tab, newline and CR, lone surrogates, U+FFFE and
    U+FFFF become U+FFFD (visible, so nothing vanishes without a trace)."""
    return _NOT_XML.sub("\ufffd", text) if _NOT_XML.search(text) else text
