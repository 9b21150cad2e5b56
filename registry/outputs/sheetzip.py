"""The workbook (data/registry.xlsx) put together from deflated pieces, so a rebuild deflates only what changed.

An .xlsx is a zip of XML parts. XlsxWriter makes every part but the rows (each sheet with its header row only); the
rows of a sheet come from its kind's chunks (registry/outputs/fragments.py), each chunk's XML deflated on its own and
kept in the build cache. Raw deflate streams that end with a sync flush (on a byte boundary, no final block) can be
joined one after the other, each starting afresh, and the last one finished: so a sheet is its head, its chunks and
its tail, deflated apart and joined; its CRC-32 is combined from theirs (zlib's crc32_combine, in Python). The zip
is written here with a fixed date (1 January 1980), so the same rows give the same bytes.

A row's XML is exactly XlsxWriter's in constant_memory mode (inline strings, its escapes, whitespace kept, text cut
at Excel's 32,767 characters), with one difference: a text that looks like a rich string (`<r>…</r>`) is escaped
like any other, never written raw into the sheet.
"""

from __future__ import annotations

import io
import math
import re
import struct
import zipfile
import zlib

from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.xmlwriter import XMLwriter

from registry.records.text import printable

ROW = b"\x00"
"""Stands for the row number in a row's XML until the row is placed (a raw NUL never survives the escapes)."""

DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')
"""The used range of a sheet, which the skeleton gives as its header row only."""

STRMAX = 32767
"""Excel's longest text in a cell, in UTF-16 units (XlsxWriter cuts longer ones)."""

Piece = tuple[bytes, int, int]
"""Deflated bytes (raw, sync-flushed or final), CRC-32 and length of the XML they hold."""


def row_xml(cells: list, columns: list[str]) -> bytes:
    """One row of a sheet, the row number left as ROW; `columns` are the column letters."""
    out = ['<row r="\x00">']
    for column, value in zip(columns, cells, strict=False):
        if isinstance(value, (int, float)):
            if math.isnan(value) or math.isinf(value):
                raise TypeError("NAN/INF not supported in a workbook cell")
            out.append(f'<c r="{column}\x00"><v>{value:.16G}</v></c>')
        elif value != "":
            text = printable(value)
            if len(text) > STRMAX // 2 and _utf16_len(text) > STRMAX:
                text = _utf16_truncate(text, STRMAX)
            text = XMLwriter._escape_control_characters(text)
            space = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            out.append(f'<c r="{column}\x00" t="inlineStr"><is><t{space}>{text}</t></is></c>')
    out.append("</row>")
    return "".join(out).encode("utf-8")


def column_letters(count: int) -> list[str]:
    return [xl_col_to_name(n) for n in range(count)]


def place(rows: list[bytes], first: int) -> bytes:
    """Rows' XML with their numbers, the first being row `first` (1 is the header)."""
    return b"".join(row.replace(ROW, b"%d" % number) for number, row in enumerate(rows, first))


def deflate(data: bytes, final: bool = False) -> Piece:
    """A piece of a deflate stream made afresh (no reference to what comes before it)."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = packer.compress(data) + packer.flush(zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH)
    return packed, zlib.crc32(data), len(data)


# -- CRC-32 of joined data from the CRC-32 of its parts (zlib 1.2.12's crc32_combine) ---------------------------
_POLY = 0xEDB88320


def _multmodp(a: int, b: int) -> int:
    m, p = 1 << 31, 0
    while True:
        if a & m:
            p ^= b
            if a & (m - 1) == 0:
                return p
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1


def _x2n_table() -> list[int]:
    p, table = 1 << 30, []
    for _ in range(32):
        table.append(p)
        p = _multmodp(p, p)
    return table


_X2N = _x2n_table()


def crc_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of A + B from that of A, that of B and B's length."""
    p, k = 1 << 31, 3
    while length2:
        if length2 & 1:
            p = _multmodp(_X2N[k & 31], p)
        length2 >>= 1
        k += 1
    return _multmodp(p, crc1) ^ crc2


def joined(pieces: list[Piece]) -> Piece:
    """Deflated pieces as one stream (the last must be final)."""
    crc, length = 0, 0
    for _data, piece_crc, piece_length in pieces:
        crc, length = crc_combine(crc, piece_crc, piece_length), length + piece_length
    return b"".join(piece[0] for piece in pieces), crc, length


# -- the zip ----------------------------------------------------------------------------------------------------
DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1
"""1 January 1980, 00:00 (no clock in the output)."""


def zip_bytes(members: list[tuple[str, Piece]]) -> bytes:
    """A zip of deflated members, in order, every one dated 1 January 1980 (no zip64: a member stays under 4 GB)."""
    out, central = io.BytesIO(), []
    for name, (data, crc, length) in members:
        encoded = name.encode("ascii")
        offset = out.tell()
        out.write(
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, DOS_DATE, crc, len(data), length, len(encoded), 0)
        )
        out.write(encoded)
        out.write(data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                0x0314,
                20,
                0,
                8,
                0,
                DOS_DATE,
                crc,
                len(data),
                length,
                len(encoded),
                0,
                0,
                0,
                0,
                0o100644 << 16,
                offset,
            )
            + encoded
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), size, start, 0))
    return out.getvalue()


def workbook(skeleton: bytes, sheets: list[tuple[int, int, list[Piece]]]) -> bytes:
    """The workbook: XlsxWriter's `skeleton` (every sheet with its header row only) with each sheet's rows added,
    given per sheet as (row count, column count, deflated row pieces, in order)."""
    members = []
    with zipfile.ZipFile(io.BytesIO(skeleton)) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            name = info.filename
            if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                count, width, pieces = sheets[int(name.removeprefix("xl/worksheets/sheet").removesuffix(".xml")) - 1]
                end = data.index(b"</sheetData>")
                head, tail = data[:end], data[end:]
                if count:
                    last = f"{xl_col_to_name(width - 1)}{count + 1}".encode()
                    head = DIMENSION.sub(b'<dimension ref="A1:' + last + b'"/>', head, count=1)
                members.append((name, joined([deflate(head), *pieces, deflate(tail, final=True)])))
            else:
                members.append((name, deflate(data, final=True)))
    return zip_bytes(members)
