"""Putting a finished build into the output folder under a journal, so that no interruption leaves a mixed site.

A build writes only the files it makes into its staging folder beside the output (`.public.staging-<pid>`); its
unchanged files stay where they are. To commit, it writes a journal beside the output (`.public.journal`: the
staging folder, the files and folders to delete, the files to move in), made durable before anything under the
output changes. Then it deletes what went away, renames each staged file over its old one (one rename a file), and
removes the journal. Until the journal exists, the output is the last build's (a failed build only removes its
staging folder); once it exists, the build is decided, and whoever finds it finishes it: the next build does so
first thing (`recover`), so a build killed between two renames leaves, after that, exactly its own output. Every step
can be done twice (a file already moved is not in staging any more; a file already deleted is not there).

When nothing of the last build can be kept (the first build, or the code, templates or settings changed), the
staging folder holds every file and replaces the output whole: two renames, journaled the same way.

While it commits, a build defers SIGINT, SIGTERM and SIGHUP (in the main thread, where Python handles them) and
acts on them once done, so Ctrl+C or `kill` finish the commit first; SIGKILL or a crash leave the journal to the
next build. Commits and recoveries hold a lock on the output's parent folder, and an in-place commit refuses to go
on when another build committed to the same output since this one began (its unchanged files might not be).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import threading
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from registry.errors import BuildError

DEFERRED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def journal_path(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.journal")


def signature(path: Path | None) -> tuple[int, int, int] | None:
    """What tells one version of a file from another (the output's manifest: rewritten by every commit)."""
    try:
        stat = os.stat(path) if path is not None else None
    except OSError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size) if stat else None


@contextlib.contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold the lock that commits and recoveries of outputs in out_dir's parent folder take."""
    descriptor = os.open(out_dir.parent, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold back SIGINT, SIGTERM and SIGHUP until the block is done, then act on them as they would have been."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread can set handlers; the journal still covers an interruption
        return
    caught: list[int] = []
    before = {number: signal.signal(number, lambda number, _frame: caught.append(number)) for number in DEFERRED}
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
        for number in dict.fromkeys(caught):
            signal.raise_signal(number)


def commit(
    out_dir: Path,
    staging: Path,
    keep: Collection[str] | None,
    token: tuple[int, int, int] | None,
    manifest: Path | None,
    then: Callable[[], None],
) -> None:
    """Put the staging folder's files into out_dir: in place, keeping `keep`'s other files (all of this build's
    out_paths) and deleting every file not in it, or (`keep` None) by replacing out_dir whole. `token` is the
    manifest's signature when the build began; `then` runs once the journal is written, before anything moves (it
    writes the new manifest, which then describes the output as the journal finishes it)."""
    with signals_deferred(), locked(out_dir):
        if keep is not None and signature(manifest) != token:
            raise BuildError(
                f"另一次构建在本次构建期间修改了 {out_dir.name}/，本次未作任何改动，请重新构建 / another build changed "
                f"{out_dir.name}/ while this one ran; nothing was changed by this one — run the build again"
            )
        if manifest is not None:
            manifest.unlink(missing_ok=True)  # describes the output about to change; `then` writes the new one
        entry = _in_place(out_dir, staging, keep) if keep is not None else _whole(out_dir, staging)
        _write(journal_path(out_dir), entry)
        then()  # the output it describes is decided: whoever finds the journal finishes it
        _apply(out_dir, entry)
        journal_path(out_dir).unlink()
        shutil.rmtree(staging, ignore_errors=True)


def recover(out_dir: Path) -> None:
    """Finish a commit that was interrupted (its journal is there), and remove the staging folders of builds that
    ended without committing (their process is gone)."""
    if not out_dir.parent.is_dir():
        return
    with locked(out_dir):
        path = journal_path(out_dir)
        if path.exists():
            _apply(out_dir, json.loads(path.read_text(encoding="utf-8")))
            path.unlink()
        path.with_name(f"{path.name}.tmp").unlink(missing_ok=True)
        for prefix in (f".{out_dir.name}.staging-", f".{out_dir.name}.old-"):
            for folder in out_dir.parent.glob(f"{prefix}*"):
                pid = folder.name[len(prefix) :]
                if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                    shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _in_place(out_dir: Path, staging: Path, keep: Collection[str]) -> dict:
    """The journal of an in-place commit: every staged file moves in; every file of the output that this build
    does not keep, and every folder that holds none of its files, goes."""
    moved, _ = _tree(str(staging))
    present, folders = _tree(str(out_dir))
    keep = set(keep)
    stray = sorted(set(moved) - keep)
    if stray:
        raise BuildError(f"staged files no page or download claimed: {stray[:5]}")
    needed: set[str] = set()
    for out_path in keep:
        folder = os.path.dirname(out_path)
        while folder and folder not in needed:
            needed.add(folder)
            folder = os.path.dirname(folder)
    return {
        "staging": staging.name,
        "delete": sorted(set(present) - keep),
        "folders": sorted((f for f in folders if f not in needed), key=lambda f: (-f.count("/"), f)),
        "move": sorted(moved),
    }


def _whole(out_dir: Path, staging: Path) -> dict:
    return {"staging": staging.name, "old": f".{out_dir.name}.old-{os.getpid()}"}


def _tree(top: str) -> tuple[list[str], list[str]]:
    """Every file (or link) and every folder under top, relative, with "/" (nothing followed)."""
    files, folders, stack = [], [], [""]
    while stack:
        rel = stack.pop()
        try:
            entries = list(os.scandir(os.path.join(top, rel)))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.append(rel + entry.name)
                stack.append(f"{rel}{entry.name}/")
            else:
                files.append(rel + entry.name)
    return files, folders


def _write(path: Path, entry: dict) -> None:
    """Write the journal durably: it exists whole or not at all."""
    tmp = path.with_name(f"{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        json.dump(entry, out, ensure_ascii=False)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
    descriptor = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _apply(out_dir: Path, entry: dict) -> None:
    """Do what a journal says; what is already done is passed over."""
    staging, out = str(out_dir.with_name(entry["staging"])), str(out_dir)
    if "old" in entry:
        old = str(out_dir.with_name(entry["old"]))
        if os.path.lexists(staging):
            if os.path.lexists(out):
                shutil.rmtree(old, ignore_errors=True)
                os.replace(out, old)
            os.replace(staging, out)
        shutil.rmtree(old, ignore_errors=True)
        return
    for rel in entry["delete"]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(out, rel))
    for rel in entry["folders"]:  # deepest first, and empty by now unless a hand put something there
        shutil.rmtree(os.path.join(out, rel), ignore_errors=True)
    made: set[str] = set()
    for rel in entry["move"]:
        source, target = os.path.join(staging, rel), os.path.join(out, rel)
        if not os.path.lexists(source):
            continue  # moved before the interruption
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        os.replace(source, target)
