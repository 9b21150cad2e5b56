"""Rendering: one Jinja environment (autoescaped, strict), the |url, |markdown and |plain filters, pages to bytes.

Every language renders with the same environment: a page names its language, and the values its edition shares
(the catalogue's `t`, the site's identity, the menu) come with it, so a second language is a second render of the
same templates."""

from __future__ import annotations

import base64
import functools
import hashlib
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
import nh3
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from markupsafe import Markup

from registry.pages import simple_markdown
from registry.pages.catalogue import CHINESE_RUN, HREFLANG, Chinese, mark_runs, plain
from registry.pages.urls import EDITIONS, LANGUAGE_NAMES, localised, route_of

ALLOWED_TAGS = {
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "sup",
    "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


@dataclass
class Page:
    """One page to write: where, with which template, and the finished values it shows."""

    out_path: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    lang: str = "zh"
    """The edition the page belongs to (its out_path is inside the edition's folder)."""


def relative_url(target: str, from_page: str) -> str:
    """Make a site-root path (`institutes/tsinghua.html`, `assets/style.css`, `x.html#a`) relative to a page."""
    if "://" in target or target.startswith(("mailto:", "#")):
        return target
    path, hash_, anchor = target.partition("#")
    if path.endswith("/") or path == "":
        path += "index.html"
    rel = _relpath(path, posixpath.dirname(from_page) or ".")
    return rel + (hash_ + anchor if hash_ else "")


@functools.lru_cache(maxsize=1 << 16)
def _relpath(path: str, start: str) -> str:
    """posixpath.relpath for clean site-root paths, cached: every page links the same few hundred targets."""
    if start == "." or "." in path.split("/") or ".." in path.split("/") or "//" in path or path.startswith("/"):
        return posixpath.relpath(path, start)
    parts, base = path.split("/"), start.split("/")
    common = 0
    while common < min(len(parts), len(base)) and parts[common] == base[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:]) or "."


_MARKUP = r"\x00-\x1f\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\xa0"
PLAIN = re.compile(rf"[^{_MARKUP}\s](?:[^{_MARKUP}]*[^{_MARKUP}\s])?")
"""Text that Markdown leaves as one plain paragraph: no ASCII punctuation (every Markdown and HTML sign is one), no
line break, tab or control character, no leading or trailing white space, no no-break space (the sanitiser writes it
as &nbsp;). Half the summaries of a typical registry are such text; converting them was a third of rendering."""


MEMO_TEXTS = 1 << 14
"""Converted texts a process remembers (about 1 KB each: at most ≈ 20 MB): a record's text is shown on its page in
every edition, and an edition in another language shows the Chinese text where it has no translation. Past this many
the memo starts again (at 100,000 records it cannot hold every text, and must not grow with the registry)."""


class MarkdownRenderer:
    """Markdown to sanitised HTML, with one converter reused (reset between documents); each distinct text converted
    once per process (the memo: the same text always gives the same HTML)."""

    def __init__(self):
        self._md = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")
        self._memo: dict[tuple[str, int], Markup] = {}

    def __call__(self, text: str | None, top: int = 3) -> Markup:
        if not text:
            return Markup("")
        if PLAIN.fullmatch(text):  # one paragraph without any markup: what Markdown and the sanitiser would make
            return Markup(f"<p>{text}</p>")
        if type(text) is not str:  # a subclass (Markup) converts differently: not remembered
            return self._convert(text, top)
        key = (text, top)
        html = self._memo.get(key)
        if html is None and (simple := simple_markdown.convert(text)) is not None:
            return Markup(simple[0])  # the commonest shape, made directly (registry/pages/simple_markdown.py)
        if html is None:
            if len(self._memo) >= MEMO_TEXTS:
                self._memo.clear()
            html = self._memo[key] = self._convert(text, top)
        return html

    def _convert(self, text: str, top: int) -> Markup:
        html = self._md.reset().convert(text)
        # Headings inside a record would break the page outline: h1/h2 become h3 (`top`; a page's own text uses 2).
        for level in range(1, top):
            html = html.replace(f"<h{level}>", f"<h{top}>").replace(f"</h{level}>", f"</h{top}>")
        tags = ALLOWED_TAGS | {f"h{level}" for level in range(top, 7)}
        clean = nh3.clean(
            html,
            tags=tags,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="nofollow noopener noreferrer",
            strip_comments=True,
        )
        return Markup(clean)


def content_security_policy(style: str = "") -> str:
    """Every page's Content-Security-Policy (a <meta> tag, so it holds on any host): the site's own scripts, styles,
    images and search index only; no inline script, no plugin, no <base>, forms sent to the site itself. JSON-LD
    blocks are data, not script: no policy applies to them. `style`: a hash source for an inlined stylesheet."""
    style_src = f"'self' {style}".strip()
    return (
        f"default-src 'self'; script-src 'self'; style-src {style_src}; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
    )


@pass_context
def url_filter(context, target: str) -> str:
    """The |url filter: a site-root path made relative to the page being rendered (a page of another edition than
    the first links inside its own folder: registry/pages/urls.py localised), or absolute under the page's
    `absolute_base` (the 404 page, which a host serves at any depth, when site.yaml sets base_url)."""
    base = context.get("absolute_base")
    if base and "://" not in target and not target.startswith(("mailto:", "#")):
        return base.rstrip("/") + "/" + localised(target, context.get("edition", "zh"))
    return relative_url(localised(target, context.get("edition", "zh")), context["out_path"])


@pass_context
def markdown_filter(context, text: Any, top: int = 3) -> Markup:
    """The |markdown filter; on a page of another language than Chinese, a Chinese text (no translation given) is
    marked lang="zh-CN" as a whole, and each Chinese run inside English text on its own."""
    html = context.environment.markdown(plain(text), top)
    if context.get("edition", "zh") == "zh" or not CHINESE_RUN.search(html):
        return html
    if isinstance(text, Chinese):
        return Markup('<div lang="zh-CN">%s</div>') % html
    # Only text between tags is marked: the sanitiser's output is well formed, so a "<" always opens a tag.
    return Markup("").join(
        Markup(part) if part.startswith("<") else mark_runs(Markup(part).unescape())
        for part in re.split(r"(<[^>]*>)", html)
        if part
    )


@pass_context
def alternates(context) -> list[dict[str, Any]]:
    """The page in every language (the same route in each edition) and, last, the first language as x-default, for
    the hreflang links: hreflang, href relative to this page (absolute under base_url); and for the language switch
    (`switch`: every other edition) its language, its own name and its url (always relative: the switch works from
    any folder and from the file system)."""
    lang, route = route_of(context["out_path"])
    base_url = (context.get("base_url") or "").rstrip("/")
    out = []
    for other, prefix in EDITIONS.items():
        path = prefix + route
        url = relative_url(path, context["out_path"])
        out.append(
            {
                "lang": HREFLANG[other],
                "hreflang": HREFLANG[other],
                "name": LANGUAGE_NAMES[other],
                "href": f"{base_url}/{path}" if base_url else url,
                "url": url,
                "switch": other != lang,
            }
        )
    return [*out, {**out[0], "hreflang": "x-default", "switch": False}]


@pass_context
def frame(context, name: str) -> Markup:
    """A part of the page frame (header, navigation, footer: the `_…` templates base.html places), rendered once per
    edition, folder and section and placed as finished HTML on every page that shares them. Such a part reads only
    the edition's shared values, `section` and links (relative to the page's folder), so those make its key;
    `frame_key` is None on a page whose own values stand in for shared ones, which renders its parts itself."""
    key = context.get("frame_key")
    if key is None:
        return Markup(context.environment.get_template(name).render(context.get_all()))
    frames = context.environment.frames
    html = frames.get((name, key))
    if html is None:
        html = frames[name, key] = Markup(context.environment.get_template(name).render(context.get_all()))
    return html


@pass_context
def address_filter(context, target: str) -> str:
    """The |address filter: a site-root path as its full address under site.yaml's base_url (printed pages)."""
    return context["site"]["base_url"].rstrip("/") + "/" + target


class PageEnvironment(Environment):
    """A Jinja environment that looks `a.b` up as a key first when `a` is a dict (every page context is plain dicts).

    Jinja tries the attribute first and the key only after an AttributeError: about 280 failed attribute lookups
    a page, a fifth of rendering time (measured on 826 achievement pages). Templates call no dict methods.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


class Renderer:
    """Renders pages with one Jinja environment; templates are compiled once."""

    def __init__(self, template_dir: Path, globals_: dict[str, Any]):
        self.env = PageEnvironment(
            loader=FileSystemLoader(str(template_dir)),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.markdown = MarkdownRenderer()
        self.env.filters["markdown"] = markdown_filter
        self.env.filters["url"] = url_filter
        self.env.filters["plain"] = plain
        self.env.filters["address"] = address_filter
        self.env.globals["alternates"] = alternates
        self.env.globals["frame"] = frame
        self.env.frames = {}
        self.env.globals.update(globals_)
        self.env.globals["csp"] = content_security_policy()
        self.template_dir = template_dir
        self._editions: dict[str, dict[str, Any]] = {}

    @property
    def editions(self) -> dict[str, dict[str, Any]]:
        """Language → the values every page of its edition shares (t, site, nav…), given with each render."""
        return self._editions

    @editions.setter
    def editions(self, values: dict[str, dict[str, Any]]) -> None:
        self._editions = values
        self.env.frames.clear()  # parts of the frame made from the values before

    @functools.cached_property
    def inline_style_csp(self) -> str:
        """The policy of the page with the inlined stylesheet: that one <style> allowed by its hash, nothing else."""
        digest = base64.b64encode(hashlib.sha256(str(self.inline_style).encode("utf-8")).digest()).decode("ascii")
        return content_security_policy(f"'sha256-{digest}'")

    @functools.cached_property
    def inline_style(self) -> Markup:
        """The stylesheet's text, for a page that cannot count on finding assets/style.css (the 404 page without
        base_url: a host serves it at any depth, where its relative link would point nowhere)."""
        return Markup((self.template_dir / "assets" / "style.css").read_text(encoding="utf-8"))

    def precompile(self) -> None:
        """Compile every template now, so forked workers inherit them instead of each compiling its own."""
        for name in self.env.list_templates(extensions=["html", "xml", "txt"]):
            self.env.get_template(name)

    def render(self, page: Page) -> bytes:
        template = self.env.get_template(page.template)
        shared = self.editions.get(page.lang, {})
        extra = (
            {"page_style": self.inline_style, "csp": self.inline_style_csp} if page.context.get("inline_style") else {}
        )
        return template.render(
            {
                **shared,
                **page.context,
                "out_path": page.out_path,
                "edition": page.lang,
                "frame_key": self._frame_key(page, shared),
                **extra,
            }
        ).encode("utf-8")

    def _frame_key(self, page: Page, shared: dict[str, Any]) -> tuple | None:
        """What the frame's parts of a page depend on (see `frame`): the edition's shared values (by identity: they
        are made once a build), the page's folder, its section and the absolute base of its links; None when the
        page's own context replaces a shared value."""
        if not shared.keys().isdisjoint(page.context):
            return None
        return (
            id(shared),
            page.lang,
            posixpath.dirname(page.out_path),
            page.context.get("section"),
            page.context.get("absolute_base"),
        )
