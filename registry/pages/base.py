"""What every page family is handed and shares: the site (registry, figures, settings, one language's catalogue),
crumbs, the shared values of every page (site identity, menu, downloads), and pages of finished values.

A family reads the registry and the figures it is handed; whether those reads are tracked (registry/engine/
depends.py) it never knows. It returns pages; it never renders or writes one.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from registry.figures.figures import Figures
from registry.model.public import PublicRegistry
from registry.pages.cards import Views
from registry.pages.catalogue import Catalogue
from registry.pages.meta import page_meta
from registry.pages.render import Page
from registry.pages.urls import EDITIONS, FEED_PATH, FORMS_INDEX, PAGE_KINDS, kind_url, section_of
from registry.records.history import History

CHINA = dt.timezone(dt.timedelta(hours=8))
"""China Standard Time: the day a change is dated by (as `check` dates today)."""

ABOUT_FIGURES = "<!-- figures: the implementation plans and the city-wide goals are shown here -->"
"""The line of site_templates/content/about.*.md where the about page places its figures from the records."""


class Site:
    """The public registry, its figures and the settings, for one language (a second language is a second Site)."""

    def __init__(
        self,
        registry: PublicRegistry,
        figures: Figures,
        settings: dict,
        cat: Catalogue,
        about: str = "",
        history: History | None = None,
    ):
        self.registry, self.figures, self.settings, self.cat, self.about = registry, figures, settings, cat, about
        self.as_of = figures.as_of
        self.views = Views(registry, cat)
        self.history = history or History(source="no-git")

    def updated(self, src_path: str) -> dict[str, str]:
        """When a record file last changed, from git history (its last commit's date in China Standard Time, as
        `git log -1 --format=%cs` gives it for commits made in China), or why it is not known."""
        change = self.history.of(src_path)
        if change is None:
            reason = "unknown_uncommitted" if self.history.source == "git" else f"unknown_{self.history.source}"
            return {"iso": "", "text": self.cat.t(f"updated.{reason}")}
        iso = dt.datetime.fromtimestamp(change.time, CHINA).date().isoformat()
        return {"iso": iso, "text": self.cat.date(iso)}

    def registry_updated(self) -> dict[str, str]:
        """When any record file last changed (the data page), or why it is not known."""
        if not self.history.changes:
            return self.updated("")
        latest = max(self.history.changes.items(), key=lambda item: item[1].time)[0]
        return self.updated(latest)

    @property
    def with_examples(self) -> bool:
        """Whether sample records and example contacts are built (site.yaml include_samples)."""
        return self.settings.get("include_samples") is True

    def page(self, out_path: str, template: str, title: str, crumbs: list[tuple[str, str]], **context: Any) -> Page:
        """A page; crumbs are (url, text) pairs above it, home first."""
        breadcrumbs = [{"url": url, "text": text} for url, text in crumbs] + [{"url": None, "text": title}]
        section = section_of(out_path)
        meta = self.meta(out_path, template, title, context.pop("article_meta", None))
        return Page(
            out_path,
            template,
            {"title": title, "breadcrumbs": breadcrumbs, "section": section, "meta": meta, **context},
        )

    def meta(self, out_path: str, template: str, title: str, article: dict | None = None) -> list[dict[str, str]]:
        """A page's meta tags (registry/pages/meta.py)."""
        page = (out_path, template, title, section_of(out_path))
        return page_meta(self.shared["site"], self.shared["nav"], self.cat, page, article)

    @functools.cached_property
    def shared(self) -> dict[str, Any]:
        """The identity and menu every page shows, made once (the meta tags of each page are made from them)."""
        return {"site": self.identity(), "nav": self.nav()}

    def plural(self, kind: str) -> str:
        return self.cat.t(f"kind.{kind}")

    def home_crumb(self) -> tuple[str, str]:
        return ("index.html", self.cat.t("nav.home"))

    def kind_crumb(self, kind: str) -> tuple[str, str]:
        return (kind_url(kind), self.plural(kind))

    # -- what every page shows -------------------------------------------------------------------------
    def identity(self) -> dict[str, Any]:
        """The site's title, organiser, contact and filings, for every page's header and footer."""
        s, t = self.settings, self.cat
        contact = s.get("contact", {})
        example = contact.get("example") is True
        if example and not self.with_examples:  # invented details are never published as real
            contact = {"office": contact.get("office")}
        police = s.get("police_filing")
        police_code = "".join(ch for ch in police if ch.isdigit()) if police else ""
        return {
            "title": t.text(s.get("title")),
            "organiser": t.text(s.get("organiser")),
            "office": t.text(contact.get("office")),
            "email": contact.get("email", ""),
            "phone": contact.get("phone", ""),
            "address": t.text(contact.get("address")),
            "hours": t.text(contact.get("hours")),
            "contact_example": example and self.with_examples,
            "samples": self.samples_shown(),
            "site_code": s.get("site_code", ""),
            "icp": s.get("icp", ""),
            "police_filing": police or "",
            "police_url": f"https://www.beian.gov.cn/portal/registerSystemInfo?recordcode={police_code}"
            if police_code
            else "",
            "undertaker": t.text(s.get("undertaker")),
            "licence": t.text((s.get("licence") or {}).get("name")),
            "licence_url": (s.get("licence") or {}).get("url", ""),
            "base_url": s.get("base_url", ""),
            "as_of": t.date(self.as_of),
            "lang": "zh-CN" if t.lang == "zh" else "en",
            "feed_url": self.published_url(EDITIONS[t.lang] + FEED_PATH),
        }

    def published_url(self, path: str) -> str:
        """A site-root path's absolute address under site.yaml's base_url, or "" when the address is not known."""
        base_url = self.settings.get("base_url")
        return base_url.rstrip("/") + "/" + path if base_url else ""

    def samples_shown(self) -> bool:
        """Whether any page counts or lists a sample: a sample record or sample partner entry in the public view."""
        registry = self.registry
        return any(r.sample for kind in PAGE_KINDS for r in registry.all(kind)) or any(
            p.get("sample") for d in registry.all("district") for p in d.get("partners", [])
        )

    def nav(self) -> list[dict[str, str]]:
        """The main navigation: each item's url, text and the section (first path segment) it marks current."""
        items = [(kind_url(k), self.plural(k)) for k in PAGE_KINDS]
        items += [
            ("progress/index.html", self.cat.t("nav.progress")),
            ("reports/index.html", self.cat.t("nav.reports")),
            ("data/index.html", self.cat.t("nav.data")),
            ("about.html", self.cat.t("nav.about")),
        ]
        if self.settings.get("forms_in_menu") is True:  # the staff forms are public pages, but listed only on request
            items.append((FORMS_INDEX, self.cat.t("nav.forms")))
        return [{"url": url, "text": text, "section": section_of(url)} for url, text in items]
