"""`build`: check, then compute progress, plan the pages, render them into staging and swap in public/."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from registry import KINDS
from registry.engine import cache
from registry.engine.cache import Timings
from registry.engine.depends import Fingerprints
from registry.engine.tasks import Job, Previous, extra_rows, forkable, render_all, send_error, worker_signals
from registry.errors import BuildError, ProblemsFound
from registry.figures.progress import compute_progress, partner_indicator
from registry.outputs.exports import export_files
from registry.outputs.feeds import feed_files
from registry.outputs.privacy import Scanner, Staging
from registry.outputs.search import build_index
from registry.pages.catalogue import Catalogue, load_messages
from registry.pages.data import download_links
from registry.pages.plan import SitePlan
from registry.pages.render import Renderer
from registry.records.check import check
from registry.records.record import Record, Registry
from registry.records.schemas import SchemaSet
from registry.records.yamlload import Document

TEMPLATES = "site_templates"


@dataclass
class BuildReport:
    """What a build wrote."""

    out_dir: Path
    files: int
    bytes: int
    records: int
    as_of: str


LARGE = 30_000
"""From this many record files on, `check` runs in a forked process that hands back only the public records. Its
loading leaves a fragmented heap that the build's workers would inherit: at 100,000 records the build process kept
1.9 GB after `check`; the public records alone, unpickled into a fresh heap, take about 1 GB (bench/README.md)."""


def published(root: Path, timings: Timings) -> tuple[dict, SchemaSet, Registry, dict[str, str]]:
    """Check the project (raising ProblemsFound), then return the settings, the schemas, the registry as published
    (private fields dropped, samples left out if site.yaml says so) and every private value."""
    records = root / "records"
    count = sum(len(os.listdir(folder)) for folder in records.iterdir() if folder.is_dir()) if records.is_dir() else 0
    if count >= LARGE and forkable():
        return _published_elsewhere(root, timings)
    return _published_here(root, timings)


def _published_here(root: Path, timings: Timings) -> tuple[dict, SchemaSet, Registry, dict[str, str]]:
    result = check(root, timings=timings)
    if not result.ok:
        raise ProblemsFound(result.problems)
    with timings.phase("progress"):
        return result.settings, result.schemas, result.published(), result.registry.private_values()


def _published_elsewhere(root: Path, timings: Timings) -> tuple[dict, SchemaSet, Registry, dict[str, str]]:
    """`_published_here` in a forked process; only the settings, the public records and the private values return."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_publish_child, args=(root, send))  # not a daemon: check forks its own workers
    child.start()
    send.close()
    try:
        status, payload, phases = receive.recv()
    except EOFError:
        raise RuntimeError(f"the check process stopped unexpectedly (exit code {child.exitcode})") from None
    finally:
        child.join()
        receive.close()
    for name, seconds in phases.items():
        timings.add(name, seconds)
    if status == "problems":
        raise ProblemsFound(payload)
    if status == "error":
        raise payload
    settings, rows, secrets = payload
    with timings.phase("load"):
        schemas = SchemaSet(root / "schemas")
        public = Registry([Record(kind, record_id, Document(src_path, data)) for kind, record_id, src_path, data in rows],
                          schemas)
    return settings, schemas, public, secrets


def _publish_child(root: Path, send) -> None:
    worker_signals()
    timings = Timings()
    try:
        settings, _schemas, public, secrets = _published_here(root, timings)
        rows = [(r.kind, r.id, r.src_path, r.data) for kind in KINDS for r in public.all(kind)]
        send.send(("ok", (settings, rows, secrets), timings.phases))
    except ProblemsFound as found:
        send.send(("problems", found.problems, timings.phases))
    except BaseException as error:  # raised again by the build process
        send_error(send, error, timings.phases)
    finally:
        send.close()


def build_site(root: Path, out_dir: Path, as_of: str | None = None, timings: Timings | None = None,
               jobs: int | None = None) -> BuildReport:
    """Build the site from root's records into out_dir; on any problem nothing in out_dir changes. `jobs` caps
    the processes that render (default: one per core)."""
    timings = timings or Timings()
    settings, schemas, public, secrets = published(root, timings)
    with timings.phase("progress"):
        as_of = as_of or settings["as_of"]
        as_of_date = dt.date.fromisoformat(as_of)
        progress = compute_progress(public, as_of_date)
        partners = partner_indicator(public, as_of_date)

    with timings.phase("plan"):
        cat = Catalogue(load_messages(root / TEMPLATES / "messages.yaml"), schemas, "zh")
        about = (root / TEMPLATES / "content" / f"about.{cat.lang}.md").read_text(encoding="utf-8")
        plan = SitePlan(public, progress, partners, settings, cat, as_of, about)
        shared = {"t": cat.t, "site": plan.site(), "nav": plan.nav(), "downloads": download_links(cat)}
        renderer = Renderer(root / TEMPLATES, shared)
        scanner = Scanner(secrets)
        folder = cache.enabled(root)
        manifest_path = folder / f"output-{cache.digest(str(out_dir).encode())}.pickle" if folder else None
        manifest = cache.read_pickle(manifest_path, {}) if out_dir.is_dir() else {}
        secrets_key = cache.digest(pickle.dumps(secrets))
        # Everything a page's bytes depend on besides its own context: the code, the templates, the shared values.
        # Everything a page's bytes depend on besides the records its task reads (registry/depends.py): the code,
        # the templates, the schemas (labels), the settings, the as-of date, the shared values.
        salt = cache.digest(cache.code_version("*").encode(), cache.folder_digest(root / TEMPLATES).encode(),
                            cache.folder_digest(root / "schemas").encode(), pickle.dumps(settings), as_of.encode(),
                            pickle.dumps(shared["site"]), pickle.dumps(shared["nav"]), pickle.dumps(shared["downloads"]))
        same = manifest.get("salt") == salt
        previous = Previous(out_dir, manifest.get("files", {}) if same else {}, manifest.get("secrets") == secrets_key,
                            manifest.get("tasks", {}) if same else {})
        fingerprints = Fingerprints(public, (progress, partners))

    assets = root / TEMPLATES / "assets"
    # Downloads, the search index and the assets are made by the workers beside the pages and scanned like them;
    # the feeds (whose sitemap lists every page) by this process once the pages are known.
    extras: dict[str, Callable[[], Mapping[str, bytes] | Iterable[tuple[str, bytes]]]] = {
        "search": lambda: build_index(public, cat),
        "exports": lambda: export_files(public, progress, cat, as_of, cat.text(settings.get("title"))),
        "assets": lambda: {f"assets/{p.relative_to(assets).as_posix()}": p.read_bytes()
                           for p in sorted(assets.rglob("*")) if p.is_file()},
    }
    staging = Staging(out_dir)
    try:
        job = Job(plan, fingerprints, renderer, staging.dir, previous, scanner, salt.encode(), extras)
        fork = forkable()  # asked before any pool starts: a pool's own threads do not count
        with timings.phase("output"):
            # The longest extras first, so a worker makes them while the other plans and renders pages.
            rows, page_paths, read = render_all(job, timings, ["search", "exports", "assets"], fork, jobs)
            job.extras["feeds"] = lambda: feed_files(public, cat, settings, page_paths)
            rows += extra_rows(job, "feeds", timings)
        # The plan's memos (a card per record, sorted lists) and the fingerprints are done with: let them go before
        # the manifest is made (hundreds of megabytes at 100,000 records).
        del job, plan, renderer, fingerprints
        files, leaks = {}, []
        for out_path, key, size, mtime, _reused, found in rows:
            staging.reserve(out_path)  # two files at one path is an error (the build stops, staging is discarded)
            staging.written[out_path] = size
            files[out_path] = (key, size, mtime)
            leaks += found
        del rows  # 169,000 at 100,000 records; the manifest below keeps what is needed
        if leaks:
            lines = [f"  public/{out}: {where}" for out, where in sorted(leaks)[:20]]
            raise BuildError("私密字段的值出现在公开输出中，已停止构建 / a private value appears in the public output; "
                             "nothing was published:\n" + "\n".join(lines) +
                             "\n  删除公开文字中的电话或姓名 / remove the phone number or name from the public text")
        with timings.phase("commit"):
            staging.commit()
    except BaseException:
        staging.discard()
        raise
    cache.write_pickle(manifest_path, {"salt": salt, "secrets": secrets_key, "files": files, "tasks": read})
    return BuildReport(out_dir, len(staging.written), sum(staging.written.values()), len(public), as_of)
