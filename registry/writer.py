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

    def reserve(self, out_path: str) -> None:
        """Claim a path before its file is written (by a worker, or as a link); two files at one path is an error."""
        if out_path in self.written:
            raise BuildError(f"two pages at one path: {out_path} (a record id may clash with a page name such as index)")
        self.written[out_path] = 0

    def write(self, out_path: str, data: bytes) -> None:
        """Write one file; two files at one path is an error."""
        self.reserve(out_path)
        target = safe_join(self.dir, out_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written[out_path] = len(data)

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


SEPARATORS = re.compile(r"[\s\-–—()（）+.]")


class Scanner:
    """Finds private values in output text: compiled once per build, shared by the workers that render pages.

    Phone numbers are also searched for as bare digits, so "0512-5000 0001" is found when typed as 051250000001.
    Digit needles are looked up in a set (a regex alternation of 100,000 phone numbers tries each at every "0");
    the other values go into one regex shaped as a trie, so a position is tried against one branch per character.
    """

    def __init__(self, secrets: dict[str, str]):
        self.text_needles: dict[str, str] = {}
        self.digit_needles: dict[str, str] = {}
        for value, where in secrets.items():
            digits = re.sub(r"\D", "", value)
            is_phone = len(digits) >= 7 and len(digits) >= len(value.replace(" ", "")) - 4
            if is_phone or (value.isdigit() and len(value) >= 2):
                self.digit_needles.setdefault(digits, where)
            # A value made only of digits and separators is found by the digit pass; anything else needs the text pass.
            if len(value.strip()) >= 2 and not (is_phone and not SEPARATORS.sub("", value).strip("0123456789")):
                self.text_needles.setdefault(value, where)
        self.lengths = sorted({len(d) for d in self.digit_needles})
        # Runs of at least as many digits as the shortest needle, separators allowed between them; the regex
        # skips the short numbers (a search shard holds a million) without a Python step for each.
        sep = SEPARATORS.pattern[1:-1]
        self.digit_runs = re.compile(rf"(?:\d[{sep}]*){{{self.lengths[0]},}}" if self.lengths else "$^")
        self.pattern = re.compile(_trie_pattern(sorted(self.text_needles))) if self.text_needles else None

    def __bool__(self) -> bool:
        return bool(self.text_needles or self.digit_needles)

    def find(self, text: str) -> str | None:
        """The description of the first private value found in text, or None."""
        if self.pattern is not None:
            match = self.pattern.search(text)
            if match:
                return self.text_needles[match.group(0)]
        if self.lengths:
            # Digit runs of the text with its separators removed, found without copying the whole text.
            for run in (SEPARATORS.sub("", chunk) for chunk in self.digit_runs.findall(text)):
                for size in self.lengths:
                    for start in range(len(run) - size + 1):
                        where = self.digit_needles.get(run[start:start + size])
                        if where is not None:
                            return where
        return None

    def find_bytes(self, data: bytes) -> str | None:
        return self.find(data.decode("utf-8", errors="replace"))


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


def scan_private(folder: Path, secrets: dict[str, str] | Scanner,
                 paths: list[str] | None = None) -> list[tuple[str, str]]:
    """Return (file, description) for every file under folder (or only `paths` in it) holding a private value.

    `secrets` maps each private value to a description naming its record and field.
    """
    scanner = secrets if isinstance(secrets, Scanner) else Scanner(secrets)
    if not scanner:
        return []
    found = []
    rels = sorted(paths) if paths is not None else sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                                                          if p.is_file())
    for rel in rels:
        where = scanner.find_bytes((folder / rel).read_bytes())
        if where is not None:
            found.append((rel, where))
    return found
