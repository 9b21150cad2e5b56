"""The work of a build: the page plan's tasks and the other files (downloads, search index, assets), on every core,
each file through the output, unchanged ones linked from the last build instead of made again.

Each page gets a key: a hash of its out_path, template and context (pickled), salted with everything else its bytes
depend on (templates, shared values, schemas, settings, code). A task whose dependencies (registry/engine/
depends.py) all have the fingerprints they had last time is not planned at all: its pages are linked. A task that is
planned renders only the pages whose keys changed. Workers are forked: they inherit the job (the plan with its tracked
registry and figures, the compiled templates, the output with its privacy scan) and receive only task numbers.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from registry.engine import fork
from registry.engine.cache import digest
from registry.engine.depends import Fingerprints, Tracker
from registry.engine.output import Output, Row
from registry.pages.deferred import Deferred
from registry.pages.plan import Editions
from registry.pages.render import Page, Renderer
from registry.timings import Timings

MIN_RECORDS_FOR_WORKERS = 100
"""Below this, forking costs more than it saves (the tests build many small sites; the shipped one forks)."""

Files = Mapping[str, bytes] | Iterable[tuple[str, bytes]]
"""A group of files: a mapping out_path → bytes, or (out_path, bytes) pairs made one at a time."""


@dataclass
class Job:
    """Everything a worker needs, inherited through fork."""

    plan: Editions
    tracker: Tracker
    fingerprints: Fingerprints
    renderer: Renderer
    output: Output
    salt: bytes
    extras: dict[str, Callable[[], Files]] = field(default_factory=dict)
    """Producers of the other files (exports, search index, assets), made by a worker beside the pages."""


def page_key(job: Job, page: Page) -> str:
    """The hash of everything a page's bytes depend on (pickle of a context is deterministic for one build's code)."""
    return digest(
        job.salt,
        page.out_path.encode(),
        page.template.encode(),
        pickle.dumps(page.context, protocol=pickle.HIGHEST_PROTOCOL),
    )


def extra_rows(job: Job, name: str, make: Callable[[], Files], timings: Timings) -> list[Row]:
    """One group of files (e.g. the search index), made and put through the output: each linked when its bytes are
    the last build's, else written and scanned."""
    started = time.perf_counter()
    files = make()
    inputs = getattr(files, "inputs", None)
    if inputs is not None:  # a file whose inputs are known is linked unmade when they are the last build's
        return _made_of_inputs(job, name, files, inputs, timings, started)
    pairs = iter(files.items() if isinstance(files, Mapping) else files)
    out = []
    while (made := next(pairs, None)) is not None:  # each file is let go once written (the exports are 1 GB at 100,000)
        timings.add(f"work.{name}", time.perf_counter() - started)
        out_path, data = made
        out.append(job.output.put(out_path, digest(data), lambda data=data: data, timings, "work.write"))
        del made, data
        started = time.perf_counter()
    timings.add(f"work.{name}", time.perf_counter() - started)
    return out


def _made_of_inputs(
    job: Job, name: str, files: Mapping[str, bytes], inputs: Callable[[str], bytes | None], timings: Timings, started
) -> list[Row]:
    """The files of a group that says, for some of them, what their bytes are made from (`inputs(out_path)`, the
    build's salt aside): those are keyed by their inputs and made only when the last build's file cannot be
    linked; the others are made and keyed by their bytes."""
    timings.add(f"work.{name}", time.perf_counter() - started)
    out = []
    for out_path in files:
        made_of = inputs(out_path)
        if made_of is None:
            started = time.perf_counter()
            data = files[out_path]
            timings.add(f"work.{name}", time.perf_counter() - started)
            out.append(job.output.put(out_path, digest(data), lambda data=data: data, timings, "work.write"))
        else:
            key = digest(job.salt, b"inputs", made_of)
            out.append(job.output.put(out_path, key, lambda p=out_path: files[p], timings, f"work.{name}"))
    return out


UNCHANGED = "unchanged"
"""What run_task remembers of a task whose pages were all linked: what the last build remembered (not sent back from
a worker: the parent has it)."""


def run_task(job: Job, task: tuple | str) -> tuple[list[Row], dict[str, float], tuple | str | None]:
    """Plan one task's pages and render (or link) each, or make a named group of files. Returns the rows, the phase
    times, and for a plan task what to remember of it: (the fingerprints of what it read, its pages' (out_path, key),
    its deferred pages' inputs by out_path), or UNCHANGED.

    A deferred page (registry/pages/deferred.py) whose inputs are the last build's has the last build's key without
    its context being made; otherwise its context is made and keyed like any page's (so a page whose bytes did not
    change is still linked, and a clean build gives every page the same key)."""
    timings = Timings()
    if isinstance(task, str):  # named groups of files, one after the other ("search+exports")
        rows = [row for name in task.split("+") for row in extra_rows(job, name, job.extras[name], timings)]
        return rows, timings.phases, None
    known = job.output.previous.tasks.get(task)
    if known is not None:
        with timings.phase("work.unchanged"):
            rows = _link_task(job, known[1], timings) if job.fingerprints.unchanged(known[0]) else None
        if rows is not None:
            return rows, timings.phases, UNCHANGED
    plan = f"work.plan.{task[0]}"  # per edition too: what the English edition adds (issue 16 point 7)
    with timings.phase("work.plan"), timings.phase(plan):
        job.tracker.start()
        try:
            pages = job.plan.run(task)
        finally:
            deps = job.tracker.stop()
        read = job.fingerprints.snapshot(deps)
    out, made_of = [], {}
    before = known[2] if known is not None and len(known) > 2 else {}
    for page in pages:
        if isinstance(page, Deferred):
            with timings.phase("work.reuse"):
                made_of[page.out_path] = inputs = digest(page.template.encode(), page.inputs)
                last = job.output.previous.files.get(page.out_path)
            if last is not None and before.get(page.out_path) == inputs:  # the same context as last time
                out.append(
                    job.output.put(page.out_path, last[0], lambda page=page: _render(job, page), timings, "work.render")
                )
                continue
            with timings.phase("work.plan"), timings.phase(plan):
                page = _made(page)
        with timings.phase("work.reuse"):
            key = page_key(job, page)
        out.append(job.output.put(page.out_path, key, lambda page=page: _render(job, page), timings, "work.render"))
    return out, timings.phases, (read, [(row[0], row[1]) for row in out], made_of)


def _made(page: Deferred) -> Page:
    """A deferred page's context, made (what it reads is covered by its inputs)."""
    made = page.make()
    if (made.out_path, made.template) != (page.out_path, page.template):
        raise ValueError(f"a deferred page made another page: {page.out_path} → {made.out_path}")
    return made


def _render(job: Job, page: Page | Deferred) -> bytes:
    return job.renderer.render(_made(page) if isinstance(page, Deferred) else page)


def _link_task(job: Job, pages: list[tuple[str, str]], timings: Timings) -> list[Row] | None:
    """Link every page of an unchanged task from the last build; None (every claim given back) if any file is no
    longer the one that build wrote."""
    out = []
    for out_path, key in pages:
        reused = job.output.link(out_path, key)
        if reused is None:
            for row in out:  # planned and rendered after all: a linked file must not be written through
                job.output.release(row[0])
            return None
        out.append(job.output.linked(out_path, key, reused, timings))
    return out


def run_all(job: Job, timings: Timings, extras: list[str], processes: int) -> tuple[list[Row], list[str], dict]:
    """Plan and render (or link) every page of the job, and make the named extras, on `processes` processes. Returns
    the rows in task order (extras first, so the result is deterministic), the out_paths of the pages, and what
    each plan task read (for the next build)."""
    tasks: list[tuple | str] = [*extras, *job.plan.tasks()]
    previous = job.output.previous.tasks
    if previous:
        job.fingerprints.prepare(known[0] for known in previous.values())  # once, for every worker
    if processes > 1:
        job.renderer.precompile()  # compiled once here, inherited by every worker
        # Sorted lists and facet counts, made once here and shared, for the tasks that will be planned.
        job.plan.prepare(
            [
                task
                for task in tasks
                if not isinstance(task, str)
                and not (task in previous and job.fingerprints.unchanged(previous[task][0]))
            ]
        )
    results = fork.each(tasks, lambda task: run_task(job, task), processes)
    rows, page_paths, read = [], [], {}
    editions: dict[tuple, dict] = {}
    for task, (part, phases, remembered) in zip(tasks, results, strict=True):
        rows += part
        if not isinstance(task, str):
            page_paths += [row[0] for row in part]
            if remembered == UNCHANGED:
                remembered = job.output.previous.tasks[task]
            # The editions of one task read the same records: their fingerprints are kept once (one object), so the
            # next build compares them once in a process (Fingerprints.unchanged).
            twin = editions.setdefault(task[1:], remembered[0])
            if twin is not remembered[0] and twin == remembered[0]:
                remembered = (twin, *remembered[1:])
            read[task] = remembered
        for name, seconds in phases.items():
            timings.add(name, seconds)
    return rows, page_paths, read
