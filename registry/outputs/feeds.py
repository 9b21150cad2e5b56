"""Feeds: an Atom feed of achievements and events, an iCalendar of events, sitemap.xml and robots.txt.

Every edition has its own feed and calendar in its folder (feed.xml, en/feed.xml; events.ics, en/events.ics), with
its own names and links; one sitemap lists the pages of every edition, each with its twins as hreflang alternates.

Ids never depend on where the site is published: an entry's Atom id is `urn:uuid:` and its iCalendar UID
the same UUID (RFC 7986 §5.3), both uuid5 of the record's kind and id, so moving the site does not make
every entry new. Timestamps come from the records' dates (midnight, China Standard Time), never the clock; the
calendar's DTSTAMP and LAST-MODIFIED are the commit time of the last change to the event's file and its SEQUENCE
counts the commits after the first (registry/records/history.py), so calendar apps take in a correction. Without
history (a copy without .git, a shallow clone) DTSTAMP is the event's first day, SEQUENCE 0 and LAST-MODIFIED is
left out rather than made up.
Links are absolute when site.yaml sets `base_url`; without it the feed's links are relative to the feed
(which sits at the site root, so they resolve from wherever it is served) and no sitemap is written,
since the sitemap protocol accepts absolute URLs only; robots.txt then names no sitemap.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from xml.sax import saxutils

from registry.model.public import PublicRegistry
from registry.pages.cards import Views
from registry.pages.catalogue import HREFLANG, Catalogue, Chinese
from registry.pages.urls import CALENDAR_PATH, EDITIONS, FEED_PATH, SITEMAP_PATH, indexed, record_url, route_of
from registry.records.history import History
from registry.records.record import Record
from registry.records.text import printable

FEED_ENTRIES = 50
"""The newest achievements and events the Atom feed carries."""

SITEMAP_MAX = 50_000
"""URLs per sitemap file (the protocol's limit); more pages make a sitemap index."""

NAMESPACE = uuid.UUID("6f1c1b1e-3d63-5a5e-9a3e-2a7b0b3c5d10")
"""Fixed namespace of this registry's uuid5 ids (chosen once; never change it, or every reader sees new entries)."""

ZONE = "+08:00"


def escape(text: str) -> str:
    """XML character data, with what XML 1.0 forbids (a NUL, ESC, a lone surrogate) replaced, never written."""
    return saxutils.escape(printable(text))


def quoteattr(text: str) -> str:
    """A quoted XML attribute value, made as escape() makes character data."""
    return saxutils.quoteattr(printable(text))


def record_uuid(record: Record, lang: str = "zh") -> str:
    """The stable UUID of a record: uuid5 of kind/id in this registry's namespace (lang/kind/id in an edition other
    than the first: a reader that takes both feeds keeps the two languages apart)."""
    prefix = "" if lang == "zh" else f"{lang}/"
    return str(uuid.uuid5(NAMESPACE, f"{prefix}{record.kind}/{record.id}"))


def absolute(base_url: str | None, path: str) -> str:
    """A site-root path as a link: absolute under base_url when there is one, else relative to the site root."""
    return base_url.rstrip("/") + "/" + path if base_url else path


def atom_time(iso_date: str) -> str:
    return f"{iso_date}T00:00:00{ZONE}"


def edition_link(base_url: str | None, lang: str, route: str) -> str:
    """A page of an edition as its feed links to it: absolute under base_url, else relative to the feed (which sits
    in the edition's folder)."""
    return absolute(base_url, EDITIONS[lang] + route) if base_url else route


def atom(public: PublicRegistry, cat: Catalogue, site: dict, base_url: str | None) -> bytes:
    """The Atom 1.0 feed (RFC 4287) of the newest achievements and events, newest first, in one language."""
    views, lang = Views(public, cat), cat.lang
    dated = [(views.date_of(r), r) for kind in ("achievement", "event") for r in public.all(kind) if views.date_of(r)]
    dated.sort(key=lambda pair: (pair[0], pair[1].kind, pair[1].id), reverse=True)
    entries = dated[:FEED_ENTRIES]
    updated = atom_time(entries[0][0]) if entries else atom_time("2000-01-01")
    title = cat.text(site.get("title"))
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{cat.hreflang}">',
        f"<title>{escape(title)}</title>",
        f"<subtitle>{escape(cat.t('feed.subtitle'))}</subtitle>",
        f"<id>urn:uuid:{uuid.uuid5(NAMESPACE, 'feed/' + cat.lang)}</id>",
        f"<updated>{updated}</updated>",
        f"<author><name>{escape(cat.text(site.get('organiser')))}</name></author>",
        f'<link rel="alternate" type="text/html" href={quoteattr(edition_link(base_url, lang, "index.html"))}/>',
    ]
    if base_url:
        lines.append(
            f'<link rel="self" type="application/atom+xml" href={quoteattr(edition_link(base_url, lang, FEED_PATH))}/>'
        )
    for date, record in entries:
        summary = cat.text(record.get("summary"))
        kind_label = cat.t(f"kind_one.{record.kind}")
        sample = cat.t("sample.feed") if record.sample else ""  # a reader shows the title: fiction says so there
        title = sample + kind_label + cat.t("punct.colon") + str.__str__(views.name(record))
        href = edition_link(base_url, lang, record_url(record.kind, record.id))
        summary_lang = ' xml:lang="zh-CN"' if isinstance(summary, Chinese) else ""  # no English given: the Chinese
        lines += [
            "<entry>",
            f"<title>{escape(title)}</title>",
            f"<id>urn:uuid:{record_uuid(record, lang)}</id>",
            f"<updated>{atom_time(date)}</updated>",
            f"<published>{atom_time(date)}</published>",
            f'<link rel="alternate" type="text/html" href={quoteattr(href)}/>',
            f'<category term="{record.kind}" label={quoteattr(kind_label)}/>',
            f'<category term="sample" label={quoteattr(cat.t("badge.sample"))}/>' if record.sample else "",
            f'<summary type="text"{summary_lang}>{escape(summary)}</summary>' if summary else "",
            "</entry>",
        ]
    lines.append("</feed>")
    return ("\n".join(line for line in lines if line) + "\n").encode("utf-8")


# -- iCalendar (RFC 5545) --------------------------------------------------------------------------------------
def ics_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and line breaks."""
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


_ICS_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
"""Controls RFC 5545 §3.1 forbids in a content line (all but the tab); line breaks are escaped before."""


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character; a control character or a
    lone surrogate (which a line may not hold) becomes U+FFFD."""
    out, current, size = [], "", 0
    for ch in _ICS_CONTROL.sub("\ufffd", printable(line)):
        width = len(ch.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += ch
        size += width
    out.append(current)
    return "\r\n".join(out)


def ics_time(seconds: int) -> str:
    """A UTC DATE-TIME of RFC 5545 (20170520T083000Z)."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(
    public: PublicRegistry, cat: Catalogue, site: dict, base_url: str | None, history: History | None = None
) -> bytes:
    """Every event as an all-day VEVENT (DTEND is the day after the last day, as RFC 5545 counts it), in one
    language: a name or text the record gives only in Chinese says so (LANGUAGE=zh-CN) in another one's calendar."""
    history = history or History(source="no-git")
    views, lang = Views(public, cat), cat.lang
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Kunshan registry of cooperation with institutes//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics_text(cat.text(site.get('title')))}",
    ]
    for record in sorted(public.all("event"), key=lambda r: (r.get("start") or "", r.id)):
        start = dt.date.fromisoformat(record.get("start"))
        end = dt.date.fromisoformat(record.get("end") or record.get("start")) + dt.timedelta(days=1)
        district = views.link("district", record.get("district"))["text"] if record.get("district") else ""
        venue_parts = [p for p in (district, cat.text(record.get("venue"))) if p]
        venue = cat.t("punct.comma").join(map(str.__str__, venue_parts))
        name = views.name(record)
        change = history.of(record.src_path)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{record_uuid(record, lang)}",
            f"DTSTAMP:{ics_time(change.time)}" if change else f"DTSTAMP:{start:%Y%m%d}T000000Z",
            f"LAST-MODIFIED:{ics_time(change.time)}" if change else "",
            f"SEQUENCE:{change.revisions - 1 if change else 0}",
            f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end:%Y%m%d}",
            f"SUMMARY{_language(name)}:{ics_text((cat.t('sample.feed') if record.sample else '') + name)}",
            f"CATEGORIES:{ics_text(views.enum(record, 'type'))}",
        ]
        if venue:
            lines.append(f"LOCATION{_language(*venue_parts)}:{ics_text(venue)}")
        summary = cat.text(record.get("summary"))
        description = "\n".join(text for text in (cat.t("sample.calendar") if record.sample else "", summary) if text)
        if description:
            lines.append(f"DESCRIPTION{_language(summary)}:{ics_text(description)}")
        if base_url:
            lines.append(f"URL:{edition_link(base_url, lang, record_url('event', record.id))}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines if line) + "\r\n").encode("utf-8")


def _language(*texts: str) -> str:
    """The LANGUAGE parameter of a property (RFC 5545 §3.2.10) whose text is a record's Chinese standing in for a
    translation it does not give; nothing otherwise (the calendar's own language)."""
    return ";LANGUAGE=zh-CN" if any(isinstance(text, Chinese) for text in texts) else ""


# -- sitemap and robots -----------------------------------------------------------------------------------------
def sitemaps(page_paths: list[str], base_url: str) -> dict[str, bytes]:
    """sitemap.xml for every HTML page of every edition (404 and the noindex forms excluded), each with its twins in
    the other languages as hreflang alternates (and the first language as x-default); beyond 50,000 URLs an index of
    sitemap-N.xml."""
    pages = sorted(p for p in page_paths if p.endswith(".html") and route_of(p)[1] != "404.html" and indexed(p))
    known = set(pages)
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'

    def entry(path: str) -> str:
        route = route_of(path)[1]
        twins = [(lang, prefix + route) for lang, prefix in EDITIONS.items() if prefix + route in known]
        links = "".join(
            f'<xhtml:link rel="alternate" hreflang="{hreflang}" href={quoteattr(absolute(base_url, twin))}/>'
            for hreflang, twin in [*((HREFLANG[lang], twin) for lang, twin in twins), ("x-default", twins[0][1])]
        )
        return f"<url><loc>{escape(absolute(base_url, path))}</loc>{links if len(twins) > 1 else ''}</url>\n"

    def urlset(chunk: list[str]) -> bytes:
        body = "".join(entry(path) for path in chunk)
        return (
            head + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + body + "</urlset>\n"
        ).encode("utf-8")

    if len(pages) <= SITEMAP_MAX:
        return {SITEMAP_PATH: urlset(pages)}
    files, index = {}, []
    for n, start in enumerate(range(0, len(pages), SITEMAP_MAX), start=1):
        files[f"sitemap-{n}.xml"] = urlset(pages[start : start + SITEMAP_MAX])
        index.append(f"<sitemap><loc>{escape(absolute(base_url, f'sitemap-{n}.xml'))}</loc></sitemap>\n")
    files[SITEMAP_PATH] = (
        head
        + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(index)
        + "</sitemapindex>\n"
    ).encode("utf-8")
    return files


def feed_files(
    public: PublicRegistry,
    cats: dict[str, Catalogue],
    settings: dict,
    page_paths: list[str],
    history: History | None = None,
) -> dict[str, bytes]:
    """Each edition's feed.xml and events.ics, robots.txt and (with base_url) the sitemap, out_path → bytes."""
    base_url = settings.get("base_url")
    files = {}
    for lang, cat in cats.items():
        files[EDITIONS[lang] + FEED_PATH] = atom(public, cat, settings, base_url)
        files[EDITIONS[lang] + CALENDAR_PATH] = calendar(public, cat, settings, base_url, history)
    robots = "User-agent: *\nAllow: /\n"
    if base_url:
        files.update(sitemaps(page_paths, base_url))
        robots += f"Sitemap: {absolute(base_url, SITEMAP_PATH)}\n"
    files["robots.txt"] = robots.encode("utf-8")
    return dict(sorted(files.items()))
