"""Cache files read and written whole: a missing or unreadable one is never trusted (the default comes back), and
one is written atomically (two builds at once never see half a file). Used by the engine's caches and by the
downloads' fragments, which the stage order keeps from importing the engine."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any


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
