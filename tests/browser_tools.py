"""Shared machinery for the quality checks: which pages to sample, and each check as a function returning findings.

Every check returns a list of findings (empty = pass) instead of asserting, so the same function is run
over the built site (expecting nothing) and over a deliberately broken page (expecting its finding).
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOTS = REPO / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
EXTERNAL_SCHEMES = ("http:", "https:", "mailto:", "tel:", "data:")


def java_available() -> bool:
    """Whether a `java` command is on PATH (the Nu Html Checker needs Java 17+)."""
    return shutil.which("java") is not None


# -- which pages -----------------------------------------------------------------------------------------------


def html_pages(public: Path) -> list[str]:
    """Every HTML page under public/, as sorted site-relative paths."""
    return sorted(p.relative_to(public).as_posix() for p in public.rglob("*.html"))


def sample_pages(public: Path) -> list[str]:
    """One page of each kind of page, found by shape rather than by a hand-kept list, so new sections are covered.

    Every top-level page; then for each group of folders with the same first segment and depth
    (achievements/field and achievements/stage are one group; progress/2017/x and progress/2016-2020/y
    another), the first folder's index.html and its first other page. Record pages, directories, facet
    pages, progress tables and drill-downs each land in the sample this way.
    """
    english = public / "en"
    if english.is_dir():  # the English edition is a site of its own under en/: sampled the same way
        chinese = [p for p in _sample(html_pages(public)) if not p.startswith("en/")]
        return chinese + [f"en/{p}" for p in _sample(html_pages(english))]
    return _sample(html_pages(public))


def _sample(pages: list[str]) -> list[str]:
    chosen: list[str] = [p for p in pages if "/" not in p]
    groups: dict[tuple[str, int], str] = {}
    for page in pages:
        folder = posixpath.dirname(page)
        if folder:
            groups.setdefault((folder.split("/")[0], folder.count("/")), folder)
    for folder in sorted(groups.values()):
        inside = [p for p in pages if posixpath.dirname(p) == folder]
        index = f"{folder}/index.html"
        if index in inside:
            chosen.append(index)
        others = [p for p in inside if p != index]
        if others:
            chosen.append(others[0])
    return chosen


# -- links ---------------------------------------------------------------------------------------------------

URL_ATTRS = frozenset({"href", "src", "action", "poster", "data"})


class _LinkCollector(HTMLParser):
    """Collects every id on a page and every URL it refers to (href, src, srcset, action)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, int]] = []  # (tag, url, line)

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in URL_ATTRS:
                self.refs.append((tag, value.strip(), line))
            elif name == "srcset":
                self.refs += [(tag, part.strip().split(" ")[0], line) for part in value.split(",") if part.strip()]

    handle_startendtag = handle_starttag


CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)""")


def check_links(public: Path) -> list[str]:
    """Every internal href/src/anchor/stylesheet in public/ resolves to a file (and id); external URLs are not fetched.

    Links must be relative (no leading `/`, no `//host`), so the site works from any base path and from the
    file system; a link to a folder is refused for the same reason (file:// shows no index.html).
    """
    pages: dict[str, _LinkCollector] = {}
    for rel in html_pages(public):
        collector = _LinkCollector()
        collector.feed((public / rel).read_text(encoding="utf-8"))
        collector.close()
        pages[rel] = collector
    refs = {rel: c.refs for rel, c in pages.items()}
    for css in sorted(public.rglob("*.css")):
        rel = css.relative_to(public).as_posix()
        refs[rel] = [("css", url, 0) for url in CSS_URL.findall(css.read_text(encoding="utf-8"))]

    findings = []
    for rel, items in refs.items():
        for tag, url, line in items:
            where = f"{rel}:{line}: <{tag}> {url!r}"
            if not url or url.lower().startswith(EXTERNAL_SCHEMES) or url.lower().startswith("javascript:"):
                continue
            parts = urlsplit(url)
            if url.startswith("//") or parts.scheme:
                findings.append(f"{where}: not a relative link")
                continue
            if parts.path.startswith("/"):
                findings.append(f"{where}: absolute path — breaks under a sub-path and from the file system")
                continue
            target = (
                posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(parts.path))) if parts.path else rel
            )
            if target.startswith("../") or target == "..":
                findings.append(f"{where}: points outside the site")
                continue
            if (public / target).is_dir():
                findings.append(
                    f"{where}: links to a folder — name the file (index.html) so it works from the file system"
                )
                continue
            if not (public / target).is_file():
                findings.append(f"{where}: {target} does not exist")
                continue
            if parts.fragment and target.endswith(".html"):
                fragment = unquote(parts.fragment)
                if fragment not in pages[target].ids:
                    findings.append(f"{where}: no id {fragment!r} in {target}")
    return findings


# -- Nu Html Checker -------------------------------------------------------------------------------------------


def run_vnu(files: list[Path]) -> dict[Path, list[str]]:
    """Run the Nu Html Checker once over all files (one JVM start); return the errors of each file."""
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            *[str(f) for f in files],
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    try:
        report = json.loads(result.stderr)
    except json.JSONDecodeError as err:
        raise RuntimeError(
            f"vnu.jar did not answer in JSON (exit {result.returncode}):\n{result.stderr[:2000]}"
        ) from err
    errors: dict[Path, list[str]] = {Path(f).resolve(): [] for f in files}
    for message in report["messages"]:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        url = message.get("url", "")
        path = Path(unquote(url.removeprefix("file:"))).resolve() if url.startswith("file:") else None
        text = f"line {message.get('lastLine', '?')}: {message['message']}"
        errors.setdefault(path, []).append(text)
    return errors


# -- in the browser --------------------------------------------------------------------------------------------


def axe_violations(page, tags: list[str] = WCAG_TAGS) -> list[str]:
    """Inject axe-core into the loaded page and return its violations for the given tags, one line per node.

    Evaluated through the DevTools protocol rather than added as a <script>: the site's Content-Security-Policy
    rightly refuses an inline script, and the policy is what the page is tested with."""
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", tags
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {node['target']} {node.get('failureSummary', '')}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page scrolls sideways (0 = fits the viewport)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def pdf_page_count(page) -> int:
    """Print the page to an A4 PDF in Chromium and count its pages with a real PDF parser."""
    from pypdf import PdfReader

    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    return len(PdfReader(BytesIO(pdf)).pages)


_FOCUSABLES_JS = """() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.disabled || el.tabIndex < 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.getClientRects().length === 0) continue;
    out.push({probe: out.length, html: el.outerHTML.slice(0, 120),
              style: [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow]});
    el.dataset.focusProbe = String(out.length - 1);
  }
  return out;
}"""

_ACTIVE_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el.dataset.focusProbe === undefined) return null;
  const style = getComputedStyle(el);
  return {probe: Number(el.dataset.focusProbe),
          style: [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow]};
}"""


def keyboard_focus_problems(page, max_tabs: int = 400) -> list[str]:
    """Tab through the page with the real keyboard: every focusable element must be reached, each with a visible focus style.

    Visible means a non-zero outline or a box-shadow that differs from the element's unfocused look.
    """
    focusables = page.evaluate(_FOCUSABLES_JS)
    unfocused = {f["probe"]: f["style"] for f in focusables}
    described = {f["probe"]: f["html"] for f in focusables}
    reached: dict[int, dict] = {}
    page.locator("body").focus()
    last = None
    for _ in range(min(max_tabs, 3 * len(focusables) + 2)):  # a date input stops three times (year, month, day)
        page.keyboard.press("Tab")
        active = page.evaluate(_ACTIVE_JS)
        if active is None:
            if reached:
                break  # focus left the document: the cycle is done
            continue
        if active["probe"] == last:
            continue  # still inside one control: a date input's year, month and day are stops of one element
        if active["probe"] in reached:
            break
        reached[active["probe"]] = active
        last = active["probe"]
    problems = [f"not reachable with Tab: {described[p]}" for p in sorted(set(unfocused) - set(reached))]
    for probe, active in sorted(reached.items()):
        outline_style, outline_width, _, shadow = active["style"]
        has_outline = outline_style != "none" and float(outline_width.removesuffix("px") or 0) > 0
        shadow_changed = shadow != "none" and shadow != unfocused[probe][3]
        if not (has_outline or shadow_changed):
            problems.append(f"no visible focus indicator: {described[probe]}")
    return problems


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Wait until a JavaScript expression is true in the page, asked from outside it (DevTools), so the page's
    Content-Security-Policy, which forbids eval, does not apply: Playwright's wait_for_function polls inside the page
    with eval and fails there once a poll is needed."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {expression}")
        page.wait_for_timeout(50)
