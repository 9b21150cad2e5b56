"""The one writer of the output folder: nothing else opens a file under it.

Files are made into a staging folder beside the output; nothing under the output changes until everything
succeeded (a failed build leaves the last one untouched). Every file is claimed before anything is made for it: a
second claim on one path, or a path outside the output, is refused. A file whose key says it would be the same as
the last build's, and that is still the file that build wrote (its size and mtime), is kept where it is and never
rewritten; new bytes go to the privacy scan, and kept ones too when the private values changed since they were
scanned. The commit (registry/engine/journal.py) then moves the made files in and deletes the ones that went away,
under a journal, so an interrupted build never leaves a mixed site; when nothing could be kept, the staging folder
holds every file and replaces the output whole.

The claim of a made file is its creation in staging (O_EXCL), so it holds across the forked workers that write
beside this process: whichever claims a path second is refused, before it renders anything. A kept file has no
claim; the build refuses two rows for one path before it commits (`twice`).
"""

from __future__ import annotations

import os
import posixpath
import shutil
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

from registry.engine import journal
from registry.errors import BuildError
from registry.timings import Timings

Leak = tuple[str, str]
"""(out_path, where the private value is kept), from the privacy scan."""

Row = tuple[str, str, int, int, bool, list[Leak]]
"""What the output says of one file: (out_path, key, size, mtime_ns, linked from the last build, leaks)."""


def safe_join(root: Path, out_path: str) -> Path:
    """Join a file's out_path to the output folder, refusing anything that would land outside it."""
    return root / _inside(out_path)


def _inside(out_path: str) -> str:
    """A file's out_path, normalised; refused if it would land outside the output folder."""
    norm = posixpath.normpath(out_path)
    if out_path.startswith("/") or norm.startswith("..") or norm == "." or "\\" in out_path or "\0" in out_path:
        raise BuildError(f"refusing to write outside the output folder: {out_path!r}")
    return norm


def twice(out_path: str) -> BuildError:
    return BuildError(f"two pages at one path: {out_path} (a record id may clash with a page name such as index)")


@dataclass
class Previous:
    """What the last successful build into the output folder wrote: out_path → (key, size, mtime_ns), whether the
    private values are the ones its files were scanned for, and what each task of its page plan read."""

    files: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    secrets_same: bool = False
    tasks: dict[tuple, tuple] = field(default_factory=dict)
    """Plan task → (fingerprints of what it read, its pages' (out_path, key)), from the last build."""


class Output:
    """A staging folder beside out_dir for the files a build makes; `commit` puts them in, `discard` removes them.

    In place (`in_place`: the last build's files can be kept and its output is there), only the made files are
    staged; otherwise every file is, and the staging folder replaces the output."""

    def __init__(
        self,
        out_dir: Path,
        previous: Previous | None = None,
        scan: Callable[[str, bytes], list[Leak]] | None = None,
        manifest: Path | None = None,
    ):
        self.out_dir = out_dir
        self.dir = out_dir.with_name(f".{out_dir.name}.staging-{os.getpid()}")
        self.previous = previous or Previous()
        self.scan = scan or (lambda _out_path, _data: [])
        self.in_place = bool(self.previous.files) and out_dir.is_dir()
        self.manifest = manifest
        self.token = journal.signature(manifest)
        """The manifest as this build found it: a commit by another build since rewrites it."""
        self.committing = False
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)

    def claim(self, out_path: str) -> int:
        """Claim a path before anything is made for it: create its file, empty; an open descriptor to write to."""
        target = safe_join(self.dir, out_path)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            return os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            raise twice(out_path) from None

    def link(self, out_path: str, key: str) -> tuple[int, int] | None:
        """Keep the last build's file where it is, if its key matches and it is untouched since: its (size,
        mtime_ns), or None when it cannot be kept (then it is made)."""
        known = self.previous.files.get(out_path)
        if known is None or known[0] != key or not self.in_place:
            return None
        try:  # plain strings: this runs for every unchanged file
            stat = os.stat(os.path.join(self.out_dir, _inside(out_path)))
        except OSError:
            return None
        if (stat.st_size, stat.st_mtime_ns) != known[1:]:
            return None
        return stat.st_size, stat.st_mtime_ns

    def release(self, out_path: str) -> None:
        """Give back a file kept by `link` (an unchanged task that must be planned after all): nothing was claimed
        for it, so there is nothing to undo."""

    def put(self, out_path: str, key: str, make: Callable[[], bytes], timings: Timings, phase: str) -> Row:
        """One file: linked from the last build when its key matches, else claimed, made (timed as `phase`),
        written and scanned."""
        started = time.perf_counter()
        reused = self.link(out_path, key)
        timings.add("work.reuse", time.perf_counter() - started)
        if reused is not None:
            return self.linked(out_path, key, reused, timings)
        descriptor = self.claim(out_path)
        try:
            started = time.perf_counter()
            data = make()
            made = time.perf_counter()
            timings.add(phase, made - started)
            with os.fdopen(descriptor, "wb") as out:
                descriptor = -1
                out.write(data)
            stat = safe_join(self.dir, out_path).stat()
            timings.add("work.write", time.perf_counter() - made)
        finally:
            if descriptor >= 0:
                os.close(descriptor)
        return (out_path, key, stat.st_size, stat.st_mtime_ns, False, self._scan(out_path, data, timings))

    def linked(self, out_path: str, key: str, reused: tuple[int, int], timings: Timings) -> Row:
        """The row of a linked file: scanned again only when the private values changed since it was written."""
        leaks = (
            []
            if self.previous.secrets_same
            else self._scan(out_path, safe_join(self.out_dir, out_path).read_bytes(), timings)
        )
        return (out_path, key, *reused, True, leaks)

    def write(self, out_path: str, data: bytes) -> None:
        """Claim a path and write its bytes (no key, no scan: for tests and small tools)."""
        with os.fdopen(self.claim(out_path), "wb") as out:
            out.write(data)

    def _scan(self, out_path: str, data: bytes, timings: Timings) -> list[Leak]:
        started = time.perf_counter()
        leaks = self.scan(out_path, data)
        timings.add("work.scan", time.perf_counter() - started)
        return leaks

    def commit(self, keep: Collection[str], then: Callable[[], None] = lambda: None) -> None:
        """Put the made files into the output and delete every file not in `keep` (all of this build's out_paths),
        under a journal (registry/engine/journal.py); `then` runs once that journal is written, under its lock."""
        self.committing = True
        journal.commit(
            self.out_dir,
            self.dir,
            keep if self.in_place else None,
            self.token,
            self.manifest if self.in_place else None,
            then,
        )

    def discard(self) -> None:
        """Remove the staging folder, unless a commit began (its journal then names it: the next build finishes it)."""
        if not self.committing or not journal.journal_path(self.out_dir).exists():
            shutil.rmtree(self.dir, ignore_errors=True)
