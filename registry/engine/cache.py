"""Content-hash caches in .cache/ (git-ignored): parsed+validated records, and what the last build wrote.

A cache entry is used only when everything that produced it is the same: the file's bytes, the schemas and
the code (the source of the modules involved), so a stale entry cannot change a result — it is only a miss.
Set REGISTRY_NO_CACHE=1 to build without reading or writing any cache.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from registry.hashing import parts_digest
from registry.pickles import read_pickle, write_pickle

CACHE_DIR = ".cache"
PACKAGE = Path(__file__).resolve().parent.parent


def digest(*parts: bytes) -> str:
    """A short content hash (BLAKE2b, 128 bits) of some bytes, in hex (registry/hashing.py)."""
    return parts_digest(*parts).hex()


def code_version(*modules: str) -> str:
    """A hash of the Python version and of the source of the named registry modules ("records.check"; every
    module of the package for '*')."""
    if modules == ("*",):
        names = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))
    else:
        names = sorted(m.replace(".", "/") + ".py" for m in modules)
    return digest(sys.version.encode(), *((name.encode() + (PACKAGE / name).read_bytes()) for name in names))


def folder_digest(folder: Path) -> str:
    """A hash of every file under a folder, names and bytes."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return digest(*(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes() for p in files))


def enabled(root: Path) -> Path | None:
    """The cache folder of a project, or None when caching is switched off."""
    return None if os.environ.get("REGISTRY_NO_CACHE") else root / CACHE_DIR


class RecordCache:
    """Parsed and validated records by src_path → (hash of the file's bytes, document, problems)."""

    def __init__(self, folder: Path | None, salt: str):
        self.path = folder / "records.pickle" if folder is not None else None
        self.salt = salt
        stored = read_pickle(self.path, {})
        self.entries: dict[str, tuple] = stored.get("entries", {}) if stored.get("salt") == salt else {}
        self.used: dict[str, tuple] = {}
        self.dirty = False

    def get(self, src_path: str, key: str) -> tuple | None:
        entry = self.entries.get(src_path)
        if entry is not None and entry[0] == key:
            self.used[src_path] = entry
            return entry[1:]
        return None

    def put(self, src_path: str, key: str, *value: Any) -> None:
        self.used[src_path] = (key, *value)
        self.dirty = True

    def save(self) -> None:
        """Keep the entries of this run only (deleted files drop out); write only when something changed."""
        if self.path is not None and (self.dirty or len(self.used) != len(self.entries)):
            write_pickle(self.path, {"salt": self.salt, "entries": self.used})
