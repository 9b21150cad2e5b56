"""The writer owns public/: pages go to a staging folder that replaces public/ only when all succeeded."""

from __future__ import annotations

import os
import posixpath
import re
import shutil
from pathlib import Path

from .errors import BuildError


def safe_join(root: Path, out_path: str) -> Path:
    """Join a page's out_path to the output folder, refusing anything that would land outside it."""
    norm = posixpath.normpath(out_path)
    if out_path.startswith("/") or norm.startswith("..") or norm == "." or "\\" in out_path or "\0" in out_path:
        raise BuildError(f"refusing to write outside the output folder: {out_path!r}")
    return root / norm


class Staging:
    """A staging folder beside the output folder; `commit` swaps it in, `discard` removes it."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.dir = out_dir.with_name(f".{out_dir.name}.staging-{os.getpid()}")
        self.written: dict[str, int] = {}
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)

    def write(self, out_path: str, data: bytes) -> None:
        """Write one file; two files at one path is an error."""
        if out_path in self.written:
            raise BuildError(f"two pages at one path: {out_path} (a record id may clash with a page name such as index)")
        target = safe_join(self.dir, out_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written[out_path] = len(data)

    def copy_tree(self, source: Path, prefix: str) -> None:
        """Copy static files (assets) into the staging folder, in sorted order."""
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            self.write(f"{prefix}/{path.relative_to(source).as_posix()}", path.read_bytes())

    def commit(self) -> None:
        """Replace the output folder with the staging folder (the old one is removed after the swap)."""
        old = self.out_dir.with_name(f".{self.out_dir.name}.old-{os.getpid()}")
        if self.out_dir.exists():
            os.replace(self.out_dir, old)
        os.replace(self.dir, self.out_dir)
        if old.exists():
            shutil.rmtree(old)

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def scan_private(folder: Path, secrets: dict[str, str]) -> list[tuple[str, str]]:
    """Return (file, description) for every private value found in any file under folder.

    `secrets` maps each private value to a description naming its record and field. Phone numbers are also
    searched for as bare digits, so "0512-5000 0001" is found when typed as 051250000001.
    """
    needles: dict[str, str] = {}
    for value, where in secrets.items():
        if len(value.strip()) >= 2:
            needles[value] = where
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 7 and len(digits) >= len(value.replace(" ", "")) - 4:
            needles[digits] = where
    if not needles:
        return []
    pattern = re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)))
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", errors="replace")
        digits_only = None
        for match in pattern.finditer(text):
            found.append((path.relative_to(folder).as_posix(), needles[match.group(0)]))
            break
        else:
            digits_only = re.sub(r"[\s\-–—()（）+.]", "", text)
            for match in pattern.finditer(digits_only):
                if match.group(0).isdigit():
                    found.append((path.relative_to(folder).as_posix(), needles[match.group(0)]))
                    break
    return found
