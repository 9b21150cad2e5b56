"""Every data/ download, out_path → bytes, each made when asked for and said to be made of what (`inputs`), so the
build links the last build's file unmade when that is the same, and makes a kind's files from its fragments in the
build cache (registry/outputs/fragments.py) when it is not. The shapes are registry/outputs/exports.py's.

A kind's JSON and the whole-registry JSON are made whole (orjson is quick); a kind's CSV files are its chunks' rows
joined; the workbook is XlsxWriter's skeleton with every sheet's deflated chunks joined in
(registry/outputs/sheetzip.py). Whatever the cache held, the bytes are those of a build without it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from registry import KINDS
from registry.model.public import PublicRegistry
from registry.outputs.datapackage import PACKAGE_PATH, datapackage
from registry.outputs.exports import (
    EXPORT_VERSION,
    PROGRESS_FIELDS,
    dumps,
    export_schema,
    progress_rows,
    progress_table,
)
from registry.outputs.fragments import CsvLine, KindRows, Store
from registry.outputs.plaintext import PlainText
from registry.outputs.sheetzip import workbook
from registry.outputs.tables import Table, Workbook, csv_bytes
from registry.pages.catalogue import Catalogue
from registry.pages.urls import DATA, kind_downloads, progress_downloads

KIND_FILES = ("json", "csv", "csv_en")
"""A kind's own files (its sheet is in the workbook)."""

BOM = "\ufeff".encode()

Stat = tuple[int, str]
"""A file's size and SHA-256 (for the Data Package)."""


class ExportFiles(Mapping[str, bytes]):
    """Every data/ download of one build (registry/outputs/exports.py's shapes), out_path → bytes, made on access;
    `cache` is the folder of the fragments kept between builds (None: none kept), `salt` a hash of everything else
    the files' bytes depend on (code, catalogue, schemas, settings, as-of date)."""

    def __init__(
        self,
        public: PublicRegistry,
        progress: list[dict],
        cat: Catalogue,
        as_of: str,
        settings: dict,
        cache: Path | None = None,
        salt: str = "",
    ):
        self.public, self.progress, self.as_of, self.settings = public, progress, as_of, settings
        self.cats = {lang: Catalogue(cat.messages, public.schemas, lang) for lang in ("zh", "en")}
        plain = PlainText()  # shared: a record's Markdown is converted once for both CSV files
        tables = {lang: Table(public, c, plain) for lang, c in self.cats.items()}
        self.store = Store(cache)
        self.kinds = {kind: KindRows(kind, tables, salt.encode(), self.store) for kind in KINDS}
        self.made: dict[str, dict[str, bytes]] = {}  # a kind's CSV files, made together, until asked for
        self.stats: dict[str, Stat] = {}
        self.sheets: dict[str, list] = {}
        self.by_path: dict[str, tuple[str, str]] = {}
        for kind in KINDS:
            for what in KIND_FILES:
                self.by_path[kind_downloads(kind)[what]] = (kind, what)
        self.paths = [kind_downloads(kind)[what] for kind in KINDS for what in KIND_FILES]
        self.paths += [f"{DATA}/registry.json", f"{DATA}/registry.xlsx", f"{DATA}/export.schema.json"]
        for plan in progress:
            self.paths += progress_downloads(plan["id"]).values()
        self.paths.append(PACKAGE_PATH)
        self.known = set(self.paths)

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def inputs(self, path: str) -> bytes | None:
        """What a file is made from besides the build's salt; None for the small ones compared by their bytes."""
        if path in self.by_path:
            kind, what = self.by_path[path]
            rows = self.kinds[kind]
            return path.encode() + (rows.json_made_of if what == "json" else rows.rows_made_of)
        if path == f"{DATA}/registry.json":
            return path.encode() + b"".join(rows.json_made_of for rows in self.kinds.values())
        if path == f"{DATA}/registry.xlsx":
            return path.encode() + b"".join(rows.rows_made_of for rows in self.kinds.values())
        if path == f"{DATA}/export.schema.json":
            return path.encode()
        return None

    def __getitem__(self, path: str) -> bytes:
        if path not in self.known:
            raise KeyError(path)
        if path in self.by_path:
            kind, what = self.by_path[path]
            if what == "json":
                return self._kind_json(kind)
            made = self._csv(kind)
            return made.pop(what) if what in made else self._csv_again(kind, what)
        if path == f"{DATA}/registry.json":
            return self._registry_json()
        if path == f"{DATA}/registry.xlsx":
            return self._workbook()
        if path == f"{DATA}/export.schema.json":
            return dumps(export_schema(self.public.schemas))
        if path == PACKAGE_PATH:
            return self._package()
        return self._progress(path)

    # -- the files ----------------------------------------------------------------------------------------------
    def _kind_json(self, kind: str) -> bytes:
        records = self.kinds[kind].records
        return dumps(
            {"version": EXPORT_VERSION, "kind": kind, "as_of": self.as_of, "count": len(records), "records": records}
        )

    def _registry_json(self) -> bytes:
        licence = self.settings.get("licence")
        return dumps(
            {
                "version": EXPORT_VERSION,
                "as_of": self.as_of,
                "counts": {kind: len(rows.records) for kind, rows in self.kinds.items()},
                "records": {kind: rows.records for kind, rows in self.kinds.items()},
                **({"licence": licence} if licence else {}),
            }
        )

    def _csv(self, kind: str) -> dict[str, bytes]:
        """A kind's two CSV files (and its sheet's deflated rows), made together from its chunks."""
        if kind not in self.made:
            rows, line = self.kinds[kind], CsvLine()
            zh, en, sheet = [BOM + line(rows.header("zh"), False)], [BOM + line(rows.header("en"), False)], []
            for chunk in rows.each():
                zh += chunk["zh"]
                en += chunk["en"]
                sheet.append(chunk["sheet"][1])
            self.sheets[kind] = sheet
            paths = kind_downloads(kind)
            self.made[kind] = {"csv": b"".join(zh), "csv_en": b"".join(en)}
            for what in ("csv", "csv_en"):
                data = self.made[kind][what]
                self.stats[paths[what]] = (len(data), hashlib.sha256(data).hexdigest())
        return self.made[kind]

    def _csv_again(self, kind: str, what: str) -> bytes:
        """A kind's CSV file asked for twice (handed out once, so not kept)."""
        del self.made[kind]
        return self._csv(kind)[what]

    def _workbook(self) -> bytes:
        title, organiser = (
            self.cats["zh"].text(self.settings.get("title")),
            self.cats["zh"].text(self.settings.get("organiser")),
        )
        book = Workbook(title, self.as_of, organiser, self.settings.get("licence"))
        sheets = []
        for kind, rows in self.kinds.items():
            book.add_sheet(self.cats["zh"].t(f"kind.{kind}"), rows.header("zh"))
            pieces = self.sheets[kind] if kind in self.sheets else rows.sheet()
            sheets.append((len(rows.records), len(rows.cols), pieces))
        return workbook(book.close(), sheets)

    def _progress(self, path: str) -> bytes:
        for plan in self.progress:
            paths = progress_downloads(plan["id"])
            if path == paths["json"]:
                return dumps(
                    {
                        "version": EXPORT_VERSION,
                        "plan": plan["id"],
                        "name": plan["name"],
                        "start": plan["start"],
                        "end": plan["end"],
                        "as_of": plan["as_of"],
                        "elapsed": plan["elapsed"],
                        "rows": progress_rows(plan, self.cats["zh"]),
                    }
                )
            for lang, what in (("zh", "csv"), ("en", "csv_en")):
                if path == paths[what]:
                    return csv_bytes(*progress_table(plan, self.cats[lang]))
        raise KeyError(path)

    def _package(self) -> bytes:
        """The Data Package, with every CSV's size and hash: those made in this build, the stored ones of a kind
        whose files were linked (made again if the cache does not have them)."""
        stored = self.store.index.get("stats", {})
        stats: dict[str, Stat] = {}
        for kind, rows in self.kinds.items():
            paths = kind_downloads(kind)
            known = stored.get(rows.rows_made_of)
            if paths["csv"] not in self.stats and known is not None:
                stats.update(known)
            else:
                self._csv(kind)
                stats.update({paths[w]: self.stats[paths[w]] for w in ("csv", "csv_en")})
        for plan in self.progress:
            for path in (progress_downloads(plan["id"])[w] for w in ("csv", "csv_en")):
                data = self[path]
                stats[path] = (len(data), hashlib.sha256(data).hexdigest())
        package = dumps(datapackage(self.public, self.progress, self.cats, self.settings, stats, PROGRESS_FIELDS))
        self.store.save(
            {
                "chunks": {kind: [key for _start, key in rows.chunks] for kind, rows in self.kinds.items()},
                "stats": {
                    rows.rows_made_of: {p: stats[p] for p in (kind_downloads(kind)[w] for w in ("csv", "csv_en"))}
                    for kind, rows in self.kinds.items()
                },
            }
        )
        return package
