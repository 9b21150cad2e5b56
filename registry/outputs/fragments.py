"""A kind's downloads cut into fragments kept in the build cache, so a rebuild makes again only what contains a change.

Each record gives three fragments: its Chinese and English CSV rows and its row of the workbook's sheet (XML, the
row number left open); its JSON is made whole when the file is (orjson: 0.1 s for 10,000). A record's key is a hash of its
JSON, the names its reference columns show in both languages and the build's salt (code, catalogue, schemas,
settings, as-of date): every byte of its rows follows from these. The records of a kind, in id order, are cut into
chunks of CHUNK; a chunk is stored in `.cache/exports/` under the hash of its records' keys, with each record's rows
and the chunk's sheet rows deflated (registry/outputs/sheetzip.py) for the row it started at. A chunk not stored is
made from the stored rows of the records it shares with the last build's chunks, converting only the others (the
Markdown → plain text conversion is most of the cost); its deflated rows are made again when its first row moved.

Without a cache (REGISTRY_NO_CACHE=1) every chunk is made; the bytes are the same either way.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from registry.hashing import parts_digest
from registry.outputs.sheetzip import Piece, column_letters, deflate, place, row_xml
from registry.outputs.tables import FORMULA_START, Column, Table, columns
from registry.pickles import read_pickle, write_pickle
from registry.records.text import REPLACE

CHUNK = 256
"""Records per chunk: an edit converts one record and deflates the sheet rows of CHUNK records again."""


def json_key(data: dict) -> bytes:
    """A hash of a record's data as the JSON downloads hold it (compact here: only its hash is kept)."""
    try:
        return parts_digest(orjson.dumps(data, option=orjson.OPT_SORT_KEYS))
    except orjson.JSONEncodeError:  # an integer beyond 64 bits, a lone surrogate
        return parts_digest(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass"))


class CsvLine:
    """A CSV row as registry/outputs/tables.CsvFile writes it (formula cells neutralised, CRLF), in UTF-8 bytes."""

    def __init__(self):
        self.buf = io.StringIO()
        self.writer = csv.writer(self.buf, lineterminator="\r\n")

    def __call__(self, row: list, neutralise: bool = True) -> bytes:
        if neutralise:
            row = [("'" + v if v.startswith(FORMULA_START) else v) if isinstance(v, str) else v for v in row]
        self.writer.writerow(row)
        text = self.buf.getvalue()
        self.buf.seek(0)
        self.buf.truncate()
        return text.encode("utf-8", REPLACE)


class Store:
    """The chunks in the build cache: one pickle each, named by the chunk's key; `index.pickle` lists the last
    build's chunks per kind and the size and SHA-256 of its CSV files."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.index: dict[str, Any] = self._read("index") or {} if folder else {}

    def _read(self, name: str) -> Any:
        return read_pickle(self.folder / f"{name}.pickle", None)  # type: ignore[operator]

    def _write(self, name: str, value: Any) -> None:
        write_pickle(self.folder / f"{name}.pickle", value)  # type: ignore[operator]

    def get(self, key: str) -> dict | None:
        return self._read(key) if self.folder else None

    def put(self, key: str, chunk: dict) -> None:
        if self.folder:
            self._write(key, chunk)

    def save(self, index: dict[str, Any]) -> None:
        """Keep this build's index and its chunks; the others are removed."""
        if not self.folder:
            return
        self._write("index", index)
        keep = {f"{key}{part}.pickle" for chunks in index["chunks"].values() for key in chunks for part in ("", ".xml")}
        keep.add("index.pickle")
        for name in os.listdir(self.folder):
            if name.endswith(".pickle") and name not in keep:
                (self.folder / name).unlink(missing_ok=True)


class KindRows:
    """One kind's records as fragments: its JSON now, its rows chunk by chunk from the store or made."""

    def __init__(self, kind: str, tables: dict[str, Table], salt: bytes, store: Store):
        self.kind, self.store = kind, store
        self.records = [r.data for r in tables["zh"].registry.all(kind)]
        self.cols: list[Column] = columns(tables["zh"].registry.schemas, kind)
        self.tables = tables
        names = self._names()
        json_keys = [json_key(data) for data in self.records]
        self.keys = [parts_digest(salt, key, names(data)) for key, data in zip(json_keys, self.records, strict=True)]
        self.json_made_of = parts_digest(kind.encode(), *json_keys)
        """What the kind's JSON is made from (besides the build's salt)."""
        self.rows_made_of = parts_digest(kind.encode(), *self.keys)
        """What its CSV files and its sheet are made from."""
        self.chunks = [
            (start, parts_digest(kind.encode(), *self.keys[start : start + CHUNK]).hex())
            for start in range(0, len(self.records), CHUNK)
        ]
        self.letters = column_letters(len(self.cols))
        self._known: dict[bytes, tuple[bytes, bytes, bytes]] | None = None
        self._row_makers: tuple[Callable, Callable, CsvLine] | None = None
        self.made = 0
        """Records converted in this build (the others' rows came from the store)."""

    def _names(self) -> Callable[[dict], bytes]:
        """What a record's reference columns show: the names of the records it refers to, in both languages."""
        refs = [(c.path, c.how) for c in self.cols if c.how == "ref"]
        if not refs:
            return lambda _data: b""
        makers = [
            self.tables[lang].row_maker(self.kind, [c for c in self.cols if c.how == "ref"]) for lang in ("zh", "en")
        ]
        return lambda data: "\0".join(str(cell) for make in makers for cell in make(data)).encode("utf-8", REPLACE)

    def header(self, lang: str) -> list[str]:
        return [getattr(c, lang) for c in self.cols]

    def _old_rows(self) -> dict[bytes, tuple[bytes, bytes, bytes]]:
        """The rows of the last build's chunks that this build does not have whole, by record key."""
        if self._known is None:
            self._known = {}
            current = {key for _start, key in self.chunks}
            for key in self.store.index.get("chunks", {}).get(self.kind, []):
                chunk = self.store.get(key) if key not in current else None
                xml = self.store.get(f"{key}.xml") if chunk is not None else None
                if chunk is not None and xml is not None:
                    rows = zip(chunk["zh"], chunk["en"], xml, strict=True)
                    self._known.update(zip(chunk["keys"], rows, strict=True))
        return self._known

    def each(self) -> Iterator[dict]:
        """Every chunk in order: {"keys", "zh", "en" (each record's CSV rows), "sheet" (where its rows start, and
        their XML deflated)}; each record's sheet row is stored apart (`KEY.xml`), read only to be placed again."""
        for start, key in self.chunks:
            chunk = self.store.get(key)
            if chunk is not None and chunk["sheet"][0] != start:  # the same records at another row: numbered anew
                xml = self.store.get(f"{key}.xml")
                chunk = None if xml is None else {**chunk, "sheet": (start, deflate(place(xml, start + 2)))}
                if chunk is not None:
                    self.store.put(key, chunk)
            yield chunk if chunk is not None else self._make(start, key)

    def _make(self, start: int, key: str) -> dict:
        """A chunk not stored: its records' rows from the last build's chunks, or made."""
        if self._row_makers is None:
            self._row_makers = (
                self.tables["zh"].row_maker(self.kind, self.cols),
                self.tables["en"].row_maker(self.kind, self.cols),
                CsvLine(),
            )
        zh_row, en_row, line = self._row_makers
        known = self._old_rows()
        rows = []
        for number in range(start, min(start + CHUNK, len(self.records))):
            made = known.get(self.keys[number])
            if made is None:
                data, self.made = self.records[number], self.made + 1
                zh = zh_row(data)
                made = (line(zh), line(en_row(data)), row_xml(zh, self.letters))
            rows.append(made)
        xml = [row[2] for row in rows]
        chunk = {
            "keys": self.keys[start : start + CHUNK],
            "zh": [row[0] for row in rows],
            "en": [row[1] for row in rows],
            "sheet": (start, deflate(place(xml, start + 2))),
        }
        self.store.put(key, chunk)
        self.store.put(f"{key}.xml", xml)
        return chunk

    def sheet(self) -> list[Piece]:
        """The deflated rows of the kind's sheet, chunk by chunk."""
        return [chunk["sheet"][1] for chunk in self.each()]
