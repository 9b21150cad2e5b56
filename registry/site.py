"""`build`: check, then compute progress, plan the pages, render them into staging and swap in public/."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .catalogue import Catalogue, load_messages
from .check import check
from .datapages import download_links
from .errors import BuildError, ProblemsFound
from .exports import export_files, scan_archives
from .feeds import feed_files
from .pages import SitePlan
from .progress import compute_progress, partner_indicator
from .render import Renderer
from .search import build_index
from .writer import Staging, scan_private

TEMPLATES = "site_templates"


@dataclass
class BuildReport:
    """What a build wrote."""

    out_dir: Path
    files: int
    bytes: int
    records: int
    as_of: str


def build_site(root: Path, out_dir: Path, as_of: str | None = None) -> BuildReport:
    """Build the site from root's records into out_dir; on any problem nothing in out_dir changes."""
    result = check(root)
    if not result.ok:
        raise ProblemsFound(result.problems)
    settings = result.settings
    public = result.published()
    as_of = as_of or settings["as_of"]
    as_of_date = dt.date.fromisoformat(as_of)
    progress = compute_progress(public, as_of_date)
    partners = partner_indicator(public, as_of_date)

    cat = Catalogue(load_messages(root / TEMPLATES / "messages.yaml"), result.schemas, "zh")
    about = (root / TEMPLATES / "content" / f"about.{cat.lang}.md").read_text(encoding="utf-8")
    plan = SitePlan(public, progress, partners, settings, cat, as_of, about)
    pages = plan.plan()
    renderer = Renderer(root / TEMPLATES, {"t": cat.t, "site": plan.site(), "nav": plan.nav(),
                                           "downloads": download_links(cat)})

    staging = Staging(out_dir)
    try:
        for page in pages:
            staging.write(page.out_path, renderer.render(page))
        staging.copy_tree(root / TEMPLATES / "assets", "assets")
        # Downloads, feeds and the search index go into staging before the privacy scan, so it covers them.
        extra = {**export_files(public, progress, cat, as_of, cat.text(settings.get("title"))),
                 **feed_files(public, cat, settings, [page.out_path for page in pages]), **build_index(public, cat)}
        for out_path, data in extra.items():
            staging.write(out_path, data)
        secrets = result.registry.private_values()
        leaks = scan_private(staging.dir, secrets) + scan_archives(staging.dir, secrets)
        if leaks:
            lines = [f"  public/{out}: {where}" for out, where in leaks[:20]]
            raise BuildError("私密字段的值出现在公开输出中，已停止构建 / a private value appears in the public output; "
                             "nothing was published:\n" + "\n".join(lines) +
                             "\n  删除公开文字中的电话或姓名 / remove the phone number or name from the public text")
        staging.commit()
    except BaseException:
        staging.discard()
        raise
    return BuildReport(out_dir, len(staging.written), sum(staging.written.values()), len(public), as_of)
