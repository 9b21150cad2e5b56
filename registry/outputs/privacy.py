"""The privacy scan: every file the build writes is searched for the private values of the records (phone numbers
also as bare digits, whatever separates them), inside the workbook's zipped XML too; a value found stops the build."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

SEPARATORS = re.compile(r"[\s\-–—()（）+.－＋．‐‑‒−]")
"""What may stand between the digits of a phone number: any Unicode space, hyphens and dashes, brackets, a dot, a plus."""

FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_SEPARATOR_CHARS = [chr(c) for c in range(0x10000) if SEPARATORS.match(chr(c))]  # none lies beyond the BMP
NARROW = bytes(ord(c) for c in _SEPARATOR_CHARS if ord(c) < 0x80)
"""The one-byte separators, deleted from a page with bytes.translate."""
WIDE = sorted(c.encode() for c in _SEPARATOR_CHARS if ord(c) >= 0x80)
"""The separators of two or three bytes in UTF-8: the ideographic and no-break spaces, （, ）, dashes, …"""
WIDE_LEADS = bytes(sorted({w[0] for w in WIDE}))
WIDE_BETWEEN_DIGITS = re.compile(b"(?:" + b"|".join(map(re.escape, WIDE)) + rb")+(?=[0-9])")
FULL_WIDTH_DIGIT = re.compile(rb"\xef\xbc[\x90-\x99]")  # ０-９ in UTF-8
DIGITS = re.compile(rb"[0-9]+")
MAY_JOIN = NARROW + WIDE_LEADS + bytes(range(0x80, 0xC0))
PIECE = 16 << 20
"""Files larger than this are scanned a piece at a time (Scanner._find_pieces)."""
STOPS = re.compile(b"[^" + re.escape(bytes(range(0x00, 0x21)) + b"0123456789" + NARROW) + rb"\x7f-\xff]")
"""Bytes that no run of a phone number's digits can cross: ASCII, neither a digit, nor white space, nor a separator."""
"""Every byte a separator can be made of: the one-byte ones, the lead bytes of WIDE, every continuation byte."""
DIGIT_MASK = bytes(0x30 if 0x30 <= b <= 0x39 else 0x78 for b in range(256))
"""Every digit becomes 0 and anything else x, so that a run of digits is found with bytes.find."""
WIDE_MASK = bytes(0x4C if b in WIDE_LEADS else DIGIT_MASK[b] for b in range(256))
"""As DIGIT_MASK, with the lead byte of every wide separator as L: "0L" is a digit that one may follow."""


class Scanner:
    """Finds private values in output text: compiled once per build, shared by the workers that render pages.

    Phone numbers are also searched for as bare digits, so "0512-5000 0001" is found when typed as 051250000001,
    as "（0512）5000\u30000001" or in full-width digits: the digit pass removes every separator between digits
    (SEPARATORS) and looks each window of a long enough run up in a set (a regex alternation of 100,000 phone
    numbers tries each at every "0"). It works on the page's UTF-8 bytes with bytes.translate and bytes.find, which
    run in C; no regex walks the whole page, and a page whose digits cannot form a long enough run even with every
    byte a separator may consist of removed is passed at once.
    The other values go into one regex shaped as a trie, so a position is tried against one branch per character.
    """

    def __init__(self, secrets: dict[str, str]):
        self.text_needles: dict[str, str] = {}
        self.digit_needles: dict[str, str] = {}
        for value, where in secrets.items():
            digits = re.sub(r"\D", "", value.translate(FULL_WIDTH_DIGITS))
            is_phone = len(digits) >= 7 and len(digits) >= len(value.replace(" ", "")) - 4
            if is_phone or (value.isdigit() and len(value) >= 2):
                self.digit_needles.setdefault(digits, where)
            # A value made only of digits and separators is found by the digit pass; anything else needs the text pass.
            if len(value.strip()) >= 2 and not (is_phone and not SEPARATORS.sub("", value).strip("0123456789")):
                self.text_needles.setdefault(value, where)
        self.lengths = sorted({len(d) for d in self.digit_needles})
        self.shortest = b"0" * self.lengths[0] if self.lengths else b""
        self.pattern = re.compile(_trie_pattern(sorted(self.text_needles))) if self.text_needles else None

    def __bool__(self) -> bool:
        return bool(self.text_needles or self.digit_needles)

    def find(self, text: str) -> str | None:
        """The description of the first private value found in text, or None."""
        return self._find(text, text.encode("utf-8", errors="replace"))

    def find_bytes(self, data: bytes) -> str | None:
        """The description of the first private value found in UTF-8 data, or None."""
        if len(data) > PIECE:
            return self._find_pieces(data)
        # The text pass decodes: a str regex skips to the first characters of the needles faster than a bytes one.
        return self._find(data.decode("utf-8", errors="replace") if self.pattern is not None else "", data)

    def _find_pieces(self, data: bytes) -> str | None:
        """find_bytes of a large file, a piece at a time: its decoded text and the digit pass's copies were three to
        four times the file (a 250 MB download at 100,000 records), the one-process build's peak.

        Each piece ends just before a byte that no private value's digits can run across (an ASCII character that
        is neither a digit nor a separator: a quote, a comma, a letter), so the digit pass sees every run whole;
        the text pass also reads, before each piece, as many bytes as the longest text needle."""
        back = max((len(needle.encode()) for needle in self.text_needles), default=0)
        start = 0
        while start < len(data):
            cut = STOPS.search(data, start + PIECE)
            end = cut.start() if cut else len(data)
            text = ""
            if self.pattern is not None:
                begin = max(0, start - back)
                while begin > 0 and 0x80 <= data[begin] < 0xC0:  # from the first byte of a character
                    begin -= 1
                text = data[begin:end].decode("utf-8", errors="replace")
            where = self._find(text, data[start:end])
            if where is not None:
                return where
            start = end
        return None

    def _find(self, text: str, data: bytes) -> str | None:
        if self.pattern is not None:
            match = self.pattern.search(text)
            if match:
                return self.text_needles[match.group(0)]
        for run in map(bytes.decode, self.digit_runs(data) if self.lengths else ()):
            for size in self.lengths:
                for start in range(len(run) - size + 1):
                    where = self.digit_needles.get(run[start : start + size])
                    if where is not None:
                        return where
        return None

    def digit_runs(self, data: bytes) -> list[bytes]:
        """Every run of at least as many digits as the shortest needle, with the separators between them removed."""
        if FULL_WIDTH_DIGIT.search(data):
            data = FULL_WIDTH_DIGIT.sub(lambda m: bytes([m.group(0)[2] - 0x60]), data)
        # Most pages stop here: with every byte a separator can be made of deleted, no run is long enough.
        if self.shortest not in data.translate(DIGIT_MASK, MAY_JOIN):
            return []
        text = data.translate(None, NARROW)
        mask = text.translate(WIDE_MASK)
        # A wide separator joins two digits only where it follows one: look at each digit followed by a lead byte.
        pieces, kept, pos = [], 0, 0
        while (at := mask.find(b"0L", pos)) >= 0:
            between = WIDE_BETWEEN_DIGITS.match(text, at + 1)
            if between:
                pieces.append(text[kept : at + 1])
                kept = pos = between.end()
            else:
                pos = at + 2
        if pieces:
            text = b"".join(pieces) + text[kept:]
            mask = text.translate(DIGIT_MASK)
        runs, pos = [], 0
        while (at := mask.find(self.shortest, pos)) >= 0:
            pos = DIGITS.match(text, at).end()
            runs.append(text[at:pos])
        return runs


def _trie_pattern(words: list[str]) -> str:
    """A regex matching any of words (longest first at each branch), as a trie of literal characters."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: dict) -> str:
    branches = [re.escape(ch) + _trie_regex(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    optional = "" in node
    if len(branches) == 1 and not optional:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if optional else "")


def scan_private(
    folder: Path, secrets: dict[str, str] | Scanner, paths: list[str] | None = None
) -> list[tuple[str, str]]:
    """Return (file, description) for every file under folder (or only `paths` in it) holding a private value.

    `secrets` maps each private value to a description naming its record and field.
    """
    scanner = secrets if isinstance(secrets, Scanner) else Scanner(secrets)
    if not scanner:
        return []
    found = []
    rels = (
        sorted(paths)
        if paths is not None
        else sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    )
    for rel in rels:
        where = scanner.find_bytes((folder / rel).read_bytes())
        if where is not None:
            found.append((rel, where))
    return found


def scan_archive(out_path: str, data: bytes, scanner: Scanner) -> list[tuple[str, str]]:
    """The privacy scan inside one .xlsx (a zip of XML files), member by member, in memory; a value in a worksheet
    is reported by the sheet's name, as Excel shows it (data/registry.xlsx 工作表 / sheet「科技成果」)."""
    if not scanner:
        return []
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = sheet_names(archive)
        for inner in sorted(archive.namelist()):
            where = scanner.find_bytes(archive.read(inner))
            if where:
                place = f"{out_path} 工作表 / sheet「{sheets[inner]}」" if inner in sheets else f"{out_path}!{inner}"
                found.append((place, where))
    return found


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet member (xl/worksheets/sheet2.xml) → its name, from xl/workbook.xml and its relationships."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_RELATIONSHIPS}Relationship")}
    names = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_RELATIONSHIP_ID), "")
        member = target.lstrip("/") if target.startswith("/") else "xl/" + target
        names[member] = sheet.get("name", "")
    return names


def scan_output(scanner: Scanner):
    """The scan the output runs on every new file: (out_path, bytes) → [(out_path, where)], inside a workbook too."""

    def scan(out_path: str, data: bytes) -> list[tuple[str, str]]:
        where = scanner.find_bytes(data)
        leaks = [(out_path, where)] if where else []
        if out_path.endswith(".xlsx"):  # its XML is deflated: scan inside the archive
            leaks += scan_archive(out_path, data, scanner)
        return leaks

    return scan
