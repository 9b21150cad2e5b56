"""A build with nothing changed, decided from the inputs' fingerprints before any record is loaded.

A build's output is a function of its inputs: the files under records/, schemas/ and site_templates/, site.yaml,
the registry package's code, the Python that runs it and the libraries installed beside it, the options (the
output folder, --as-of, the published address) and the commit checked out (the calendar's change times come from
the history of records/: a commit changes them with no file changed). After each successful build `Stamp.save` keeps, per output folder, every input
file's stat (size, mtime_ns, ctime_ns, inode) and content hash, every output file's (size, mtime_ns) and the
build's report, in .cache/. The next `build` first walks the same files (`unchanged_build`): a file whose stat is
the one kept is not read; one whose stat differs is hashed, so a touch that left the bytes alone still counts as
unchanged (and its new stat is kept, so the next build need not read it). When every input is the same, the
options are, and every output file is still the one the build wrote, the build is done: nothing is imported,
loaded, planned or written.

Two things are not inputs yet matter, and both are safe: the day `check` runs (its date rules only cap dates at
today, so a project that passed yesterday passes today; a day fixed by REGISTRY_TODAY is part of the options), and
a file whose stat was taken within RACY_NS of its last change, which is kept without its stat and so hashed again
next time (the change could fall within one tick of the file system's clock). A build that goes on to work
removes the kept stamp first, so an interrupted build never leaves one that describes another output. Files put
into the output folder by hand are not looked for here (a build that does work deletes them: registry/engine/
output.py walks the folder it keeps in place).

This module imports only the standard library and registry.engine.cache, so a build with nothing changed costs
the walk, not the import of the stages (0.7 s).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from registry.engine import cache
from registry.timings import Timings

VERSION = 2
"""Of the kept stamp's layout."""

FOLDERS = ("records", "schemas", "site_templates")
FILES = ("site.yaml",)
TODAY_VARIABLE = "REGISTRY_TODAY"
"""registry/records/dates.py's variable that fixes the day `check` runs (not imported: that module is heavy)."""

RACY_NS = 2_000_000_000
"""A file changed this close to the moment its stat is taken is hashed again next time."""

Signature = tuple[int, int, int, int]


@dataclass
class Summary:
    """What the last build wrote, as the build's report says it (the same fields as engine.build.BuildReport)."""

    out_dir: Path
    files: int
    bytes: int
    records: int
    as_of: str
    history: str = "git"


def _walk(folder: str, prefix: str, found: dict[str, os.stat_result], suffix: str = "") -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:  # missing (a project without templates fails later, in the build that reports it)
        return
    for entry in entries:
        if entry.is_dir():
            if entry.name != "__pycache__":
                _walk(entry.path, f"{prefix}{entry.name}/", found, suffix)
        elif entry.name.endswith(suffix):
            try:
                found[prefix + entry.name] = entry.stat()
            except OSError:
                continue


def _inputs(root: Path) -> tuple[dict[str, os.stat_result], str]:
    """Every input file's stat, by name (project files by path; the package's modules as code:…), and where the
    project's files are read from."""
    found: dict[str, os.stat_result] = {}
    base = str(root)
    for folder in FOLDERS:
        _walk(os.path.join(base, folder), f"{folder}/", found)
    for name in FILES:
        try:
            found[name] = os.stat(os.path.join(base, name))
        except OSError:
            continue
    _walk(str(cache.PACKAGE), "code:", found, ".py")
    return found, base


def _read(root: str, name: str) -> str | None:
    path = os.path.join(str(cache.PACKAGE), name[5:]) if name.startswith("code:") else os.path.join(root, name)
    try:
        with open(path, "rb") as f:
            return cache.digest(f.read())
    except OSError:
        return None


def _git_state(root: Path) -> bytes:
    """The commit checked out and whether the clone is shallow (registry/records/history.py reads both), or nothing
    without a repository or git: one short git process."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--is-shallow-repository", "HEAD"],
            capture_output=True,
            check=False,
        )
    except OSError:
        return b""
    return done.stdout if done.returncode == 0 else b""


def _options(root: Path, out_dir: Path, as_of: str | None, base_url: str | None) -> str:
    """The options and the environment a build's output depends on, besides the input files."""
    libraries = [
        f"{path}:{os.stat(path).st_mtime_ns}:{os.stat(path).st_ino}"
        for path in sys.path
        if ("site-packages" in path or "dist-packages" in path) and os.path.isdir(path)
    ]
    return cache.digest(
        str(VERSION).encode(),
        sys.version.encode(),
        str(out_dir).encode(),
        (as_of or "").encode(),
        (base_url or "").encode(),
        _git_state(root),
        os.environ.get(TODAY_VARIABLE, "").encode(),
        "\n".join(libraries).encode(),
    )


class Stamp:
    """The inputs of one build as found now, and what the last build into the same folder kept."""

    def __init__(self, root: Path, out_dir: Path, as_of: str | None, base_url: str | None = None):
        folder = cache.enabled(root)
        self.path = folder / f"inputs-{cache.digest(str(out_dir).encode())}.pickle" if folder else None
        self.out_dir = out_dir
        self.key = _options(root, out_dir, as_of, base_url)
        self.kept: dict = cache.read_pickle(self.path, {})
        if self.kept.get("version") != VERSION:
            self.kept = {}
        known: dict[str, tuple[Signature | None, str | None]] = self.kept.get("files", {})
        taken = time.time_ns()
        stats, base = _inputs(root)
        self.files: dict[str, tuple[Signature | None, str | None]] = {}
        self.touched = False
        for name, stat in stats.items():
            signature = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
            old = known.get(name)
            if old is not None and old[0] == signature:
                content = old[1]
            else:
                content = _read(base, name)
                self.touched = True
            racy = taken - max(stat.st_mtime_ns, stat.st_ctime_ns) < RACY_NS
            self.files[name] = (None if racy else signature, content)
        self.same = (
            self.path is not None
            and self.kept.get("key") == self.key
            and known.keys() == self.files.keys()
            and all(content is not None and known[name][1] == content for name, (_sig, content) in self.files.items())
        )

    def output_intact(self) -> bool:
        """Every file the last build wrote is still there, with the size and mtime it had."""
        base = str(self.out_dir) + os.sep
        try:
            for out_path, size, mtime in self.kept["outputs"]:
                stat = os.stat(base + out_path)
                if stat.st_size != size or stat.st_mtime_ns != mtime:
                    return False
        except OSError:
            return False
        return True

    def forget(self) -> None:
        """Remove the kept stamp: the output is about to change."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    def save(self, outputs: Mapping[str, tuple], report: Summary) -> None:
        """Keep the inputs as found when this build began and what it wrote: out_path → (key, size, mtime_ns)."""
        rows = [(out_path, size, mtime) for out_path, (_key, size, mtime) in outputs.items()]
        kept = (report.files, report.bytes, report.records, report.as_of, report.history)
        self.kept = {"outputs": rows, "report": kept}
        self.keep()

    def keep(self) -> None:
        """Write the inputs as found now, with the outputs and report kept."""
        stored = {"version": VERSION, "key": self.key, "files": self.files}
        cache.write_pickle(self.path, stored | {"outputs": self.kept["outputs"], "report": self.kept["report"]})


_taken: dict[tuple, Stamp] = {}
"""The stamp unchanged_build just took and found changed, for the build that follows at once (used once)."""


def begin(root: Path, out_dir: Path, as_of: str | None, base_url: str | None = None) -> Stamp:
    """The inputs' fingerprints, taken before a build reads anything (or just now by unchanged_build, so the files
    are not walked twice); the kept stamp is removed."""
    stamp = _taken.pop((root, out_dir, as_of, base_url), None) or Stamp(root, out_dir, as_of, base_url)
    _taken.clear()
    stamp.forget()
    return stamp


def unchanged_build(
    root: Path, out_dir: Path, as_of: str | None, timings: Timings, base_url: str | None = None
) -> Summary | None:
    """The last build's report when nothing changed since it (and its output is intact), else None."""
    with timings.phase("unchanged"):
        stamp = Stamp(root, out_dir, as_of, base_url)
        if not stamp.same or not stamp.output_intact():
            _taken[root, out_dir, as_of, base_url] = stamp
            return None
        files, size, records, built_as_of, history = stamp.kept["report"]
        if stamp.touched:  # bytes the same, stats not: keep the new ones, so the next build reads nothing
            stamp.keep()
        return Summary(out_dir, files, size, records, built_as_of, history)
