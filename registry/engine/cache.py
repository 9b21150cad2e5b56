"""Content-hash caches in .cache/ (git-ignored): parsed+validated records, and what the last build wrote.

A cache entry is used only when everything that produced it is the same: the file's bytes, the schemas and
the code (the source of the modules involved), so a stale entry cannot change a result — it is only a miss.
Set REGISTRY_NO_CACHE=1 to build without reading or writing any cache.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path
from typing import Any

from registry.hashing import parts_digest

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


def read_pickle(path: Path | None, default: Any) -> Any:
    """A cached value, or default when it is missing or unreadable (a cache is never trusted to exist)."""
    if path is None:
        return default
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return default


def write_pickle(path: Path | None, value: Any) -> None:
    """Write a cache file atomically (two builds at once never see half a file)."""
    if path is None:
        return
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:  # a read-only checkout still checks and builds, only without a cache
        tmp.unlink(missing_ok=True)


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
