"""Rendering every page on every core, reusing the files of the last build whose inputs did not change.

Each page gets a key: a hash of its out_path, template and context (pickled), salted with the templates,
the shared globals and the code. A page whose key matches the last build's, and whose file in the current
output folder is still the one that build wrote (same size and mtime), is hard-linked into staging instead of
rendered — so an unchanged file is never rewritten. Every page that is rendered is scanned for private values
by the worker that rendered it; a reused page was scanned when it was written, unless the private values changed.

Workers are forked (Linux): they inherit the site plan (the public records and what its tasks share), the
compiled templates and the scanner, and receive only task names. Each task plans a group of pages and renders
them at once, so no process ever holds the whole page plan.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from registry.engine.cache import Timings, digest
from registry.engine.depends import Fingerprints
from registry.outputs.exports import scan_archive
from registry.outputs.privacy import Scanner, safe_join
from registry.pages.plan import SitePlan
from registry.pages.render import Renderer

MIN_RECORDS_FOR_WORKERS = 100
"""Below this, forking costs more than it saves (the tests build many small sites; the shipped one forks)."""


@dataclass
class Previous:
    """What the last successful build into an output folder wrote: out_path → (key, size, mtime_ns), and what
    each task of its page plan read."""

    public_dir: Path
    files: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    secrets_same: bool = False
    tasks: dict[tuple, tuple] = field(default_factory=dict)
    """Plan task → (fingerprints of what it read, its pages' (out_path, key)), from the last build."""

    def reuse(self, out_path: str, key: str, target: Path) -> tuple[int, int] | None:
        """Hard-link the current file into staging if its key matches and it is untouched; its (size, mtime)."""
        known = self.files.get(out_path)
        if known is None or known[0] != key:
            return None
        source = safe_join(self.public_dir, out_path)
        try:
            stat = source.stat()
            if (stat.st_size, stat.st_mtime_ns) != known[1:]:
                return None
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(source, target)
        except OSError:
            return None
        return stat.st_size, stat.st_mtime_ns


@dataclass
class Job:
    """Everything a worker needs, inherited through fork."""

    plan: SitePlan
    fingerprints: Fingerprints
    renderer: Renderer
    staging_dir: Path
    previous: Previous
    scanner: Scanner
    salt: bytes
    extras: dict[str, Callable[[], Mapping[str, bytes] | Iterable[tuple[str, bytes]]]] = field(default_factory=dict)
    """Producers of the other files (exports, feeds, search index, assets), run by a worker beside the pages."""


_JOB: Job | None = None
_TASKS: list = []
"""The job and the task list of the batch being run, as forked workers inherit them."""


def page_key(job: Job, page) -> str:
    """The hash of everything a page's bytes depend on (pickle of a context is deterministic for one build's code)."""
    return digest(job.salt, page.out_path.encode(), page.template.encode(),
                  pickle.dumps(page.context, protocol=pickle.HIGHEST_PROTOCOL))


def _output(job: Job, out_path: str, key: str, make: Callable[[], bytes], timings: Timings, phase: str) -> tuple:
    """One file into staging: linked from the last build when its key matches and the file is untouched, else made
    (timed as `phase`) and written. What is new is scanned for private values, and everything when they changed.
    Returns its row (out_path, key, size, mtime_ns, reused, leaks)."""
    started = time.perf_counter()
    target = safe_join(job.staging_dir, out_path)
    reused = job.previous.reuse(out_path, key, target)
    timings.add("work.reuse", time.perf_counter() - started)
    if reused is not None:
        if job.previous.secrets_same:
            return (out_path, key, *reused, True, [])
        data = target.read_bytes()
        size, mtime = reused
    else:
        started = time.perf_counter()
        data = make()
        made = time.perf_counter()
        timings.add(phase, made - started)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        stat = target.stat()
        size, mtime = stat.st_size, stat.st_mtime_ns
        timings.add("work.write", time.perf_counter() - made)
    return (out_path, key, size, mtime, reused is not None, _scan(job, out_path, data, timings))


def _scan(job: Job, out_path: str, data: bytes, timings: Timings) -> list[tuple[str, str]]:
    """(out_path, what) for a private value in a file's bytes, if any."""
    started = time.perf_counter()
    where = job.scanner.find_bytes(data)
    leaks = [(out_path, where)] if where else []
    if out_path.endswith(".xlsx"):  # its XML is deflated: scan inside the archive
        leaks += scan_archive(out_path, data, job.scanner)
    timings.add("work.scan", time.perf_counter() - started)
    return leaks


def extra_rows(job: Job, name: str, timings: Timings) -> list[tuple]:
    """Produce one group of files (e.g. the search index), then write or link each and scan what is new."""
    started = time.perf_counter()
    files = job.extras[name]()
    # A mapping, or (out_path, bytes) pairs made one at a time (the exports): each file is let go once written.
    pairs = iter(files.items() if isinstance(files, Mapping) else files)
    out = []
    while (made := next(pairs, None)) is not None:
        timings.add(f"work.{name}", time.perf_counter() - started)
        out_path, data = made
        out.append(_output(job, out_path, digest(data), lambda data=data: data, timings, "work.write"))
        del made, data  # not held while the next file is made
        started = time.perf_counter()
    timings.add(f"work.{name}", time.perf_counter() - started)
    return out


def _work(task: tuple | str) -> tuple[list[tuple], dict[str, float], tuple | None]:
    """Plan one task's pages and render (or reuse) each, or produce a named group of files. Returns rows
    (out_path, key, size, mtime_ns, reused, leaks), phase times, and for a plan task what to remember of it:
    (the fingerprints of what it read, its pages' (out_path, key))."""
    job = _JOB
    assert job is not None
    timings = Timings()
    if isinstance(task, str):
        return extra_rows(job, task, timings), timings.phases, None
    known = job.previous.tasks.get(task)
    if known is not None:
        with timings.phase("work.unchanged"):
            rows = _reuse_task(job, known[1], timings) if job.fingerprints.unchanged(known[0]) else None
        if rows is not None:
            return rows, timings.phases, known
    with timings.phase("work.plan"):
        pages, deps = job.plan.run_tracked(task)
        read = job.fingerprints.snapshot(deps)
    out = []
    for page in pages:
        with timings.phase("work.reuse"):
            key = page_key(job, page)
        out.append(_output(job, page.out_path, key, lambda page=page: job.renderer.render(page), timings,
                           "work.render"))
    return out, timings.phases, (read, [(row[0], row[1]) for row in out])


def _reuse_task(job: Job, pages: list[tuple[str, str]], timings: Timings) -> list[tuple] | None:
    """Link every page of an unchanged task from the last build; None (and nothing left linked) if any file
    is no longer the one that build wrote."""
    out = []
    for out_path, key in pages:
        target = safe_join(job.staging_dir, out_path)
        reused = job.previous.reuse(out_path, key, target)
        if reused is None:
            for row in out:  # planned and rendered after all: a linked file must not be written through
                safe_join(job.staging_dir, row[0]).unlink()
            return None
        leaks = [] if job.previous.secrets_same else _scan(job, out_path, target.read_bytes(), timings)
        out.append((out_path, key, *reused, True, leaks))
    return out


def worker_signals() -> None:
    """A worker dies on SIGTERM: it must not inherit a handler of the parent's (`serve` sets one to stop cleanly)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def workers() -> int:
    """How many processes to render with: every core this process may run on."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def forkable() -> bool:
    """Whether this process may fork workers: it runs no other thread (ask before starting any pool).

    Forking a process that runs other threads (`serve`: its web server, its file watcher) can copy a held lock
    into the child and hang it; such a process does the work itself. A pool's own threads are harmless: the
    workers forked later never touch another pool's queues.
    """
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1 and workers() > 1


class Batch:
    """Tasks done by this process and by workers forked now (which inherit `job` as it is now), each taking the next
    task from a shared counter; `results` waits for all of them and returns the results in task order.

    This process works too, so one core needs no worker and two cores need one: every forked worker ends up with
    its own copy of the pages of the records it reads (reference counts are written), so each worker costs
    memory in proportion to the registry (measured at 100,000 records in bench/README.md).
    """

    def __init__(self, job: Job, tasks: list, processes: int):
        global _JOB
        self.job, self.tasks, self.children, self.counter = job, tasks, [], None
        if processes >= 2 and len(tasks) > 1:
            context = multiprocessing.get_context("fork")
            self.counter = context.Value("q", 0)
            _JOB, _TASKS[:] = job, tasks
            gc.freeze()  # the collector of a worker must not walk (and so copy) every inherited object
            try:
                for _ in range(processes - 1):
                    receive, send = context.Pipe(duplex=False)
                    spool = tempfile.TemporaryFile(prefix="registry-results-")  # noqa: SIM115 (closed in results)
                    child = context.Process(target=_child, args=(send, self.counter, spool), daemon=True)
                    child.start()
                    send.close()
                    self.children.append((child, receive, spool))
            except BaseException:
                self.abort()
                raise
            finally:
                _JOB = None
                _TASKS.clear()

    def next_task(self) -> int:
        if self.counter is None:
            raise RuntimeError("no shared counter")
        with self.counter.get_lock():
            number = self.counter.value
            self.counter.value = number + 1
        return number

    def results(self) -> list:
        global _JOB
        _JOB = self.job
        try:
            if not self.children:  # no workers: do the work here
                return [_work(task) for task in self.tasks]
            done: dict[int, tuple] = {}
            while (number := self.next_task()) < len(self.tasks):
                done[number] = _work(self.tasks[number])
            for child, receive, spool in self.children:
                try:
                    status, value = receive.recv()
                except EOFError:
                    raise RuntimeError(f"a build worker stopped unexpectedly (exit code {child.exitcode})") from None
                if status == "error":
                    raise value
                spool.seek(0)
                for _ in range(value):
                    number, result = pickle.load(spool)
                    done[number] = result
            return [done.pop(number) for number in range(len(self.tasks))]
        except BaseException:
            self.abort()
            raise
        finally:
            _JOB = None
            for child, receive, spool in self.children:
                child.join()
                receive.close()
                spool.close()
            self.children = []
            gc.unfreeze()

    def abort(self) -> None:
        """Stop the workers at once (the build failed elsewhere)."""
        for child, _receive, _spool in self.children:
            if child.is_alive():
                child.terminate()
        gc.unfreeze()


def send_error(send, error: BaseException, *more) -> None:
    """Tell the process that forked this one what went wrong, for it to raise: the exception itself, or when it
    cannot be pickled, its text with the traceback."""
    try:
        send.send(("error", error, *more))
    except Exception:
        send.send(("error", RuntimeError(traceback.format_exc()), *more))


def _child(send, counter, spool) -> None:
    """A forked worker: take tasks from the shared counter until none is left, writing each result to the spool
    file as it is made (not held: at 100,000 records they are hundreds of megabytes), then say how many."""
    worker_signals()
    count = 0
    try:
        while True:
            with counter.get_lock():
                number = counter.value
                counter.value = number + 1
            if number >= len(_TASKS):
                break
            pickle.dump((number, _work(_TASKS[number])), spool, protocol=pickle.HIGHEST_PROTOCOL)
            count += 1
        spool.flush()
        send.send(("ok", count))
    except BaseException as error:  # the parent raises it (a BuildError names the file)
        send_error(send, error)
    finally:
        send.close()


def render_all(job: Job, timings: Timings, extras: list[str], fork: bool = False,
               jobs: int | None = None) -> tuple[list[tuple], list[str], dict]:
    """Plan and render (or reuse) every page of the job, and make the named extras, into staging; on every core
    when the site is large enough. Returns the rows in task order (extras first, so the result is deterministic),
    the out_paths of the pages, and what each plan task read (for the next build)."""
    tasks: list[tuple | str] = [*extras, *job.plan.tasks()]
    parallel = fork and len(job.plan.registry) >= MIN_RECORDS_FOR_WORKERS
    if parallel:
        job.renderer.precompile()  # compiled once here, inherited by every worker
        job.plan.prepare()  # sorted lists and facet counts, made once here and shared
    processes = min(jobs or workers(), workers()) if parallel else 0
    results = Batch(job, tasks, processes).results()
    rows, page_paths, read = [], [], {}
    for task, (part, phases, remembered) in zip(tasks, results, strict=True):
        rows += part
        if not isinstance(task, str):
            page_paths += [row[0] for row in part]
            read[task] = remembered
        for name, seconds in phases.items():
            timings.add(name, seconds)
    return rows, page_paths, read
