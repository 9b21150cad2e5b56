"""The output kept in place (registry/engine/output.py, journal.py): a rebuild moves only its made files into
public/ and deletes what went away, under a journal; a failed build leaves public/ as it was, and a build killed
between two moves leaves, once the journal is finished, exactly its own output — never a mix.

The kills are real: a build in its own process, stopped by a signal it sends itself at a chosen move."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import REPO
from test_bench import bench_run, generate

from registry.engine import cache, journal
from registry.errors import BuildError

KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    root, stop_at, number = Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    real, moves = os.replace, [0]
    # Ctrl+C as in a terminal: a job a shell starts in the background (a CI runner's, say) inherits SIGINT ignored,
    # and then the build rightly ignores it too.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    def replace(source, target, *args, **kwargs):
        # Count the staged files moved into public/; before the move numbered stop_at, send the signal.
        if ".public.staging-" in str(source) and str(target).startswith(str(root / "public")):
            moves[0] += 1
            if moves[0] == stop_at:
                os.kill(os.getpid(), number)
        return real(source, target, *args, **kwargs)

    os.replace = replace
    if stop_at == 0:  # before the journal is written: nothing under public/ has changed yet
        import registry.engine.journal as journal
        journal._write = lambda path, entry: os.kill(os.getpid(), number)
    from registry.engine.build import build_site
    build_site(root, root / "public")
    print("moves", moves[0])
    """
)


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".public"))


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """A built project (its public/ and cache: "before"), the edit made to its records, and what a clean build of
    the edited records gives ("after"). The edit changes a summary and removes a project, so a commit both moves
    files in and deletes files and a folder's worth of pages."""
    base = tmp_path_factory.mktemp("output")
    root = generate.generate(base / "project", 60)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    build = [sys.executable, str(REPO / "build.py"), "--root", str(root), "build"]
    assert subprocess.run(build, env=env, capture_output=True).returncode == 0
    before = snapshot(root / "public")
    bench_run.edit_achievement(root, 0)
    (root / "records/projects/bench-project-00002.yaml").unlink()
    clean = base / "clean"
    no_cache = {**env, "REGISTRY_NO_CACHE": "1"}
    assert subprocess.run([*build, "--out", str(clean)], env=no_cache, capture_output=True).returncode == 0
    after = snapshot(clean)
    assert before != after and set(before) - set(after)  # files go away as well as change
    return root, before, after


def copy(root: Path, where: Path) -> Path:
    """The project with its public/ and cache as they were (copy2 keeps the mtimes the manifest knows; the
    manifest is kept per output folder, by its path)."""
    shutil.copytree(root, where, symlinks=True)
    for name in ("output", "inputs"):
        manifest = where / f".cache/{name}-{cache.digest(str(root / 'public').encode())}.pickle"
        manifest.rename(manifest.with_name(f"{name}-{cache.digest(str(where / 'public').encode())}.pickle"))
    return where


def killed(root: Path, stop_at: int, number: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", KILLER, str(REPO), str(root), str(stop_at), str(number)],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_rebuild_moves_only_the_files_it_made_and_equals_a_clean_build(states, tmp_path):
    root = copy(states[0], tmp_path / "p")
    untouched = root / "public/talents/bench-talent-00001.html"
    inode = untouched.stat().st_ino
    done = killed(root, 10**9, signal.SIGKILL)  # never reaches that move: a whole build, moves counted
    assert done.returncode == 0, done.stderr
    moves = int(done.stdout.split()[-1])
    assert 0 < moves < len(states[2]) / 4  # only what changed was staged and moved, not the whole site
    assert snapshot(root / "public") == states[2]
    assert untouched.stat().st_ino == inode  # kept where it was: not linked, copied or written again
    assert leftovers(root) == []


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_build_killed_between_two_moves_is_finished_by_the_next_build(states, tmp_path, where):
    root = copy(states[0], tmp_path / "p")
    moves = int(killed(copy(root, tmp_path / "count"), 10**9, signal.SIGKILL).stdout.split()[-1])
    stop_at = {"first": 1, "middle": moves // 2 + 1, "last": moves}[where]
    done = killed(root, stop_at, signal.SIGKILL)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert journal.journal_path(root / "public").exists()
    mixed = snapshot(root / "public")
    assert mixed not in (states[1], states[2])  # the kill did leave public/ between the two (this test can fail)
    journal.recover(root / "public")  # what every build does first
    assert snapshot(root / "public") == states[2]
    assert leftovers(root) == []  # journal and staging folder gone
    # The next build with the same records finds nothing to redo and leaves the same bytes.
    assert killed(root, 10**9, signal.SIGKILL).stdout.split()[-1] == "0"
    assert snapshot(root / "public") == states[2]


def test_a_build_killed_before_its_journal_leaves_public_as_it_was(states, tmp_path):
    root = copy(states[0], tmp_path / "p")
    done = killed(root, 0, signal.SIGKILL)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert snapshot(root / "public") == states[1]
    assert [name.split("-")[0] for name in leftovers(root)] == [".public.staging"]  # its files were staged
    journal.recover(root / "public")  # its process is gone: the staging folder is removed, public/ stays
    assert snapshot(root / "public") == states[1] and leftovers(root) == []


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_ctrl_c_or_kill_during_the_moves_waits_until_the_output_is_complete(states, tmp_path, number):
    root = copy(states[0], tmp_path / "p")
    done = killed(root, 2, number)
    assert done.returncode != 0 and "moves" not in done.stdout  # stopped by the signal, after the commit
    assert snapshot(root / "public") == states[2]
    assert leftovers(root) == []


def test_a_commit_refuses_when_another_build_committed_meanwhile(tmp_path):
    out = tmp_path / "public"
    (out / "a").mkdir(parents=True)
    (out / "a/old.html").write_bytes(b"old")
    manifest = tmp_path / "manifest"
    manifest.write_bytes(b"one")
    token = journal.signature(manifest)
    staging = tmp_path / ".public.staging-1"
    staging.mkdir()
    (staging / "new.html").write_bytes(b"new")
    (tmp_path / "manifest.tmp").write_bytes(b"two")
    os.replace(tmp_path / "manifest.tmp", manifest)  # another build's commit rewrote it
    with pytest.raises(BuildError, match="another build changed public/ while this one ran"):
        journal.commit(out, staging, ["new.html"], token, manifest, lambda: None)
    assert snapshot(out) == {"a/old.html": hashlib.sha256(b"old").hexdigest()}
    journal.commit(out, staging, ["new.html"], journal.signature(manifest), manifest, lambda: None)
    assert snapshot(out) == {"new.html": hashlib.sha256(b"new").hexdigest()}
    assert not (out / "a").exists() and not staging.exists() and not manifest.exists()
