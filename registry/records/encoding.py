"""Bytes to text: UTF-8 only (a leading byte-order mark is dropped), every other encoding refused with the reason, and
a character written raw that no record may hold (a NUL, a control character) reported at its line and column."""

from __future__ import annotations

from registry.problems import Problem
from registry.records.text import describe


def _utf16(data: bytes) -> bool:
    """A UTF-16 byte-order mark, or UTF-16's pattern: a NUL in one byte of many pairs (the ASCII of the field names)
    and in almost none of the others. A stray NUL in UTF-8 text is not UTF-16: it is reported where it stands."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if data.find(b"\x00", 0, 4096) < 0:
        return False
    head = data[:4096]
    pairs = len(head) // 2
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return pairs >= 4 and max(even, odd) >= pairs // 4 and min(even, odd) <= pairs // 50


def raw_character(src_path: str, text: str, offset: int) -> Problem:
    """A character written raw that a record file may not hold (a control character, a noncharacter), where it stands."""
    before = text.encode("utf-8")[:offset].decode("utf-8", "replace")  # libyaml counts bytes of UTF-8
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    ch = text[len(before)] if len(before) < len(text) else "\x00"
    control = ch < "\xa0" or "\x7f" <= ch <= "\x9f"
    return Problem(
        src_path,
        line,
        column,
        "",
        "text-control" if control else "text-noncharacter",
        f"第 {line} 行第 {column} 列有{'控制字符' if control else '非字符'} {describe(ch)}",
        f"line {line}, column {column} holds the {'control character' if control else 'noncharacter'} "
        f"{describe(ch, 'en')}",
        "删除它：它看不见，常见于从其他程序复制的文字或损坏的文件",
        "delete it: it is invisible, and comes with text copied from other programs or a damaged file",
    )


def decode(src_path: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """Decode UTF-8 text; a leading byte-order mark is dropped (Windows editors add one), other encodings refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if _utf16(data):
        return None, [
            Problem(
                src_path,
                1,
                1,
                "",
                "not-utf8",
                "文件是 UTF-16（Unicode）编码，不是 UTF-8",
                'the file is UTF-16 ("Unicode"), not UTF-8',
                "用 UTF-8 编码另存（记事本“另存为 → 编码”选 UTF-8，不要选 Unicode）",
                "save it as UTF-8 (Notepad: Save as → Encoding UTF-8, not Unicode)",
            )
        ]
    try:
        text = data.decode("utf-8")
        if b"\xc2\x85" in data:  # U+0085, the one C1 control YAML reads as a line break instead of refusing it
            return None, [raw_character(src_path, text, data.index(b"\xc2\x85"))]
        return text, []
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        return None, [
            Problem(
                src_path,
                line,
                column,
                "",
                "not-utf8",
                f"文件不是 UTF-8 编码（第 {line} 行有第一个无法识别的字节，可能是 GBK 编码）",
                f"the file is not UTF-8 (the first bad byte is on line {line}; GBK perhaps)",
                "用 UTF-8 编码另存（例如记事本“另存为 → 编码 UTF-8”）",
                "save it as UTF-8 (e.g. Notepad: Save as → Encoding UTF-8)",
            )
        ]
