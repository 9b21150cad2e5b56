"""Feeds: the Atom feed, the iCalendar of events, sitemap.xml and robots.txt, read back with real parsers."""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.parse
from pathlib import Path

import feedparser
import icalendar
import lxml.etree
import lxml.html
import pytest
import yaml
from conftest import make_project

import build
from registry import folder_of

BASE_URL = "https://dyds.example.gov.cn/registry/"


def build_project(root: Path, base_url: str | None) -> Path:
    if base_url:
        site = root / "site.yaml"
        site.write_text(site.read_text(encoding="utf-8") + f"base_url: {base_url}\n", encoding="utf-8")
    out = root.parent / "out"
    assert build.main(["--root", str(root), "build", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The shipped records built with a published address, given as the Pages workflow gives it: REGISTRY_BASE_URL
    (site.yaml, as shipped, has none)."""
    root = make_project(tmp_path_factory.mktemp("feeds") / "project", {}, with_shipped_records=True)
    assert "base_url" not in yaml.safe_load((root / "site.yaml").read_text(encoding="utf-8"))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("REGISTRY_BASE_URL", BASE_URL)
        return build_project(root, None)


@pytest.fixture(scope="module")
def unpublished(tmp_path_factory) -> Path:
    """The shipped records built without base_url (as shipped)."""
    root = make_project(tmp_path_factory.mktemp("feeds-local") / "project", {}, with_shipped_records=True)
    return build_project(root, None)


def records(kind: str) -> list[dict]:
    folder = Path(__file__).resolve().parent.parent / "records" / folder_of(kind)
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.yaml"))]


def test_atom_feed_parses_cleanly_with_the_newest_achievements_and_events_first(published):
    feed = feedparser.parse((published / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    dated = sorted(
        [str(r["reported"]) for r in records("achievement")] + [str(r["start"]) for r in records("event")], reverse=True
    )
    assert len(feed.entries) == min(50, len(dated))
    assert [e.updated[:10] for e in feed.entries] == dated[: len(feed.entries)]
    assert feed.feed.updated == f"{dated[0]}T00:00:00+08:00"  # from the records, not the clock
    ids = [e.id for e in feed.entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    assert all(e.link.startswith(BASE_URL) and e.link.endswith(".html") for e in feed.entries)
    battery = next(e for e in feed.entries if e.link.endswith("lfp-battery-thermal-runaway-warning.html"))
    assert "磷酸铁锂电池" in battery.title and "锂电池" in battery.summary
    assert feed.feed.author == "昆山市大院大所工作领导小组办公室（设在市科技局）"


def test_entry_ids_do_not_change_with_the_published_address(published, unpublished):
    def ids(folder):
        return {e.link.rsplit("/", 1)[1]: e.id for e in feedparser.parse((folder / "feed.xml").read_bytes()).entries}

    assert ids(published) == ids(unpublished)


def test_icalendar_has_every_event_as_an_all_day_event(published):
    calendar = icalendar.Calendar.from_ical((published / "events.ics").read_bytes())
    events = {str(e["URL"]).rsplit("/", 1)[1].removesuffix(".html"): e for e in calendar.walk("VEVENT")}
    shipped = {r["id"]: r for r in records("event")}
    assert events.keys() == shipped.keys()
    for rid, event in events.items():
        record = shipped[rid]
        assert event.decoded("DTSTART") == record["start"]
        assert event.decoded("DTEND") == (record.get("end") or record["start"]) + dt.timedelta(days=1)
        sample = record.get("sample") is True  # fiction says so where a calendar app shows it
        assert str(event["SUMMARY"]) == ("【示例】" if sample else "") + record["title"]["zh"]
        assert (
            str(event["DESCRIPTION"]) == ("示例（虚构）活动，仅供演示。\n" if sample else "") + record["summary"]["zh"]
        )
    assert len({str(e["UID"]) for e in events.values()}) == len(events)
    raw = (published / "events.ics").read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n")), "content lines are folded at 75 octets"
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_sitemap_lists_every_page_with_absolute_urls(published):
    tree = lxml.etree.parse(str(published / "sitemap.xml"))
    locs = tree.xpath("//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    noindex = '<meta name="robots" content="noindex">'
    pages = sorted(
        p.relative_to(published).as_posix()
        for p in published.rglob("*.html")
        if p.name != "404.html" and noindex not in p.read_text(encoding="utf-8")
    )
    assert locs == [BASE_URL + p for p in pages]
    assert not any("/forms/" in loc for loc in locs)  # the staff forms carry noindex
    assert (published / "robots.txt").read_text(
        encoding="utf-8"
    ) == f"User-agent: *\nAllow: /\nSitemap: {BASE_URL}sitemap.xml\n"


def test_without_a_published_address_there_is_no_sitemap_and_feed_links_are_relative(unpublished):
    assert not (unpublished / "sitemap.xml").exists()
    assert "Sitemap" not in (unpublished / "robots.txt").read_text(encoding="utf-8")
    feed = feedparser.parse((unpublished / "feed.xml").read_bytes())
    assert not feed.bozo
    for entry in feed.entries:
        assert (unpublished / entry.link).is_file(), entry.link
    calendar = icalendar.Calendar.from_ical((unpublished / "events.ics").read_bytes())
    assert len(calendar.walk("VEVENT")) == len(records("event"))


SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
ENGLISH_TITLE = "Kunshan Registry of Cooperation with Universities and Research Institutes"
W3C_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?")


def sitemap_problems(data: bytes, base_url: str) -> list[str]:
    """What breaks the sitemap protocol (sitemaps.org/protocol.html) in one sitemap file, as its XSD and text say:
    a UTF-8 <urlset> in the protocol's namespace, at most 50,000 <url> and 50 MB; each <url> one absolute <loc> of at
    most 2,048 characters on the sitemap's own site, and optionally <lastmod> as a W3C date, <changefreq>, <priority>."""
    problems = []
    if len(data) > 50 * 1024 * 1024:
        problems.append("larger than 50 MB")
    if not data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'):
        problems.append("no UTF-8 XML declaration")
    root = lxml.etree.fromstring(data)
    if root.tag != f"{{{SITEMAP}}}urlset":
        return [*problems, f"root element {root.tag}"]
    urls = list(root)
    if len(urls) > 50_000:
        problems.append(f"{len(urls)} URLs")
    for url in urls:
        # Elements of other namespaces are extensions the protocol's XSD allows (xhtml:link hreflang alternates).
        children = [child.tag.removeprefix(f"{{{SITEMAP}}}") for child in url if child.tag.startswith(f"{{{SITEMAP}}}")]
        if url.tag != f"{{{SITEMAP}}}url" or children.count("loc") != 1:
            problems.append(f"{url.tag} with {children}")
            continue
        if set(children) - {"loc", "lastmod", "changefreq", "priority"} or len(set(children)) != len(children):
            problems.append(f"url with {children}")
        loc = url.findtext(f"{{{SITEMAP}}}loc")
        parts = urllib.parse.urlsplit(loc)
        if parts.scheme not in ("http", "https") or not parts.netloc or loc != loc.strip():
            problems.append(f"not absolute: {loc}")
        elif len(loc) > 2048:
            problems.append(f"longer than 2,048 characters: {loc[:40]}…")
        elif not loc.startswith(base_url):
            problems.append(f"outside the site: {loc}")
        lastmod = url.findtext(f"{{{SITEMAP}}}lastmod")
        if lastmod is not None and not W3C_DATE.fullmatch(lastmod):
            problems.append(f"lastmod not a W3C date: {lastmod}")
    return problems


def test_sitemap_follows_the_protocol(published):
    assert sitemap_problems((published / "sitemap.xml").read_bytes(), BASE_URL) == []


def test_the_sitemap_check_finds_what_breaks_the_protocol():
    head = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    good = f"<url><loc>{BASE_URL}a.html</loc><lastmod>2017-05-20</lastmod></url>"
    assert sitemap_problems(f"{head}{good}</urlset>".encode(), BASE_URL) == []
    bad = (
        "<url><loc>a.html</loc></url>"
        f"<url><loc>{BASE_URL}{'x' * 2048}.html</loc></url>"
        "<url><loc>https://elsewhere.example/a.html</loc></url>"
        f"<url><loc>{BASE_URL}b.html</loc><lastmod>20 May 2017</lastmod></url>"
        f"<url><loc>{BASE_URL}c.html</loc><loc>{BASE_URL}d.html</loc></url>"
        f"<url><loc>{BASE_URL}e.html</loc><title>e</title></url>"
    )
    assert sitemap_problems(f"{head}{bad}</urlset>".encode(), BASE_URL) == [
        "not absolute: a.html",
        f"longer than 2,048 characters: {(BASE_URL + 'x' * 40)[:40]}…",
        "outside the site: https://elsewhere.example/a.html",
        "lastmod not a W3C date: 20 May 2017",
        f"{{{SITEMAP}}}url with ['loc', 'loc']",
        "url with ['loc', 'title']",
    ]
    assert sitemap_problems(f"{head}{good * 50_001}</urlset>".encode(), BASE_URL) == ["50001 URLs"]
    wrong = b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.google.com/schemas/sitemap/0.84"/>'
    assert sitemap_problems(wrong, BASE_URL) == ["root element {http://www.google.com/schemas/sitemap/0.84}urlset"]


def test_feed_names_itself_and_every_page_points_to_it(published, unpublished):
    feed = feedparser.parse((published / "feed.xml").read_bytes())
    assert [(link.rel, link.href) for link in feed.feed.links if link.rel == "self"] == [
        ("self", BASE_URL + "feed.xml")
    ]
    pages = sorted(published.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        head = lxml.html.parse(str(page)).find("head")
        found = [
            (link.get("href"), link.get("title"))
            for link in head.iterfind("link[@rel='alternate'][@type='application/atom+xml']")
        ]
        if page.relative_to(published).parts[0] == "en":
            assert found == [(BASE_URL + "en/feed.xml", ENGLISH_TITLE)], page
        else:
            assert found == [(BASE_URL + "feed.xml", "昆山市大院大所合作登记簿")], page
    # Without an address a discovery link would have to be relative to each page: feed readers expect one they can
    # fetch as it is, so it is left out (the downloads page links the feed).
    assert not lxml.html.parse(str(unpublished / "index.html")).xpath("//head/link[@type='application/atom+xml']")
    feed = feedparser.parse((unpublished / "feed.xml").read_bytes())
    assert not [link for link in feed.feed.links if link.rel == "self"]


def dataset_of(folder: Path) -> tuple[dict, list[str]]:
    """The downloads page's JSON-LD, and every file of data it links (site-root paths; pages and the sitemap, which
    lists pages, left out)."""
    page = folder / "data" / "index.html"
    tree = lxml.html.parse(str(page))
    (script,) = tree.xpath("//head/script[@type='application/ld+json']")
    links = {
        (page.parent / a.get("href")).resolve().relative_to(folder).as_posix()
        for a in tree.xpath("//main//a[@href]")
        if "://" not in a.get("href") and not a.get("href").endswith((".html", "sitemap.xml"))
    }
    return json.loads(script.text), sorted(links)


def test_downloads_page_describes_the_dataset_with_every_download(published, unpublished):
    dataset, files = dataset_of(published)
    assert dataset["@context"] == "https://schema.org" and dataset["@type"] == "Dataset"
    assert dataset["name"] == "昆山市大院大所合作登记簿" and len(dataset["description"]) >= 50
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert dataset["url"] == BASE_URL + "data/index.html"
    assert dataset["publisher"]["name"] == "昆山市大院大所工作领导小组办公室（设在市科技局）"
    downloads = dataset["distribution"]
    assert {d["@type"] for d in downloads} == {"DataDownload"}
    assert sorted(d["contentUrl"] for d in downloads) == [BASE_URL + f for f in files]
    assert {"data/registry.xlsx", "data/datapackage.json", "feed.xml", "events.ics", "data/achievements.csv"} <= set(
        files
    )
    assert all((published / d["contentUrl"].removeprefix(BASE_URL)).is_file() for d in downloads)
    names = [d["name"] for d in downloads]
    assert len(set(names)) == len(names) and "科技成果 · CSV（中文表头）" in names
    types = {d["contentUrl"].rsplit(".", 1)[1]: d["encodingFormat"] for d in downloads}
    assert types == {
        "json": "application/json",
        "csv": "text/csv",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xml": "application/atom+xml",
        "ics": "text/calendar",
    }
    # Without an address the downloads are named relative to the page, and each is there.
    dataset, files = dataset_of(unpublished)
    assert "url" not in dataset
    urls = [d["contentUrl"] for d in dataset["distribution"]]
    assert sorted((unpublished / "data" / u).resolve().relative_to(unpublished).as_posix() for u in urls) == files


def test_the_published_address_must_be_a_full_one(tmp_path, capsys):
    root = make_project(tmp_path / "project", {})
    out = tmp_path / "out"
    for argv, env, source in (
        (["--base-url", "dyds.example.gov.cn"], None, "--base-url"),
        ([], "/registry/", "REGISTRY_BASE_URL"),
    ):
        with pytest.MonkeyPatch.context() as patch:
            if env:
                patch.setenv("REGISTRY_BASE_URL", env)
            assert build.main(["--root", str(root), "build", "--out", str(out), *argv]) == 2
        assert capsys.readouterr().err.startswith(f"{source} ")
        assert not out.exists()


def test_the_english_feed_and_calendar_give_english_names_and_link_the_english_pages(published, unpublished):
    feed = feedparser.parse((published / "en" / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.language == "en"
    assert feed.feed.title == ENGLISH_TITLE
    chinese = feedparser.parse((published / "feed.xml").read_bytes())
    assert [e.updated for e in feed.entries] == [e.updated for e in chinese.entries]
    assert all(e.link.startswith(BASE_URL + "en/") for e in feed.entries)
    assert not {e.id for e in feed.entries} & {e.id for e in chinese.entries}  # a reader of both keeps them apart
    battery = next(e for e in feed.entries if e.link.endswith("lfp-battery-thermal-runaway-warning.html"))
    achievement = next(r for r in records("achievement") if r["id"] == "lfp-battery-thermal-runaway-warning")
    assert battery.title == "[Sample] Achievement: " + achievement["name"]["en"]
    for entry in feedparser.parse((unpublished / "en" / "feed.xml").read_bytes()).entries:
        assert (unpublished / "en" / entry.link).is_file(), entry.link
    calendar = icalendar.Calendar.from_ical((published / "en" / "events.ics").read_bytes())
    shipped = {r["id"]: r for r in records("event")}
    events = {str(e["URL"]).rsplit("/", 1)[1].removesuffix(".html"): e for e in calendar.walk("VEVENT")}
    assert events.keys() == shipped.keys()
    for rid, event in events.items():
        assert str(event["URL"]) == f"{BASE_URL}en/events/{rid}.html"
        assert str(event["SUMMARY"]).endswith(shipped[rid]["title"]["en"])


def test_the_sitemap_names_each_pages_twin_in_the_other_language(published):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    tree = lxml.etree.parse(str(published / "sitemap.xml"))
    for url in tree.xpath("//s:url", namespaces=ns):
        loc = url.findtext("s:loc", namespaces=ns)
        route = loc.removeprefix(BASE_URL).removeprefix("en/")
        links = {a.get("hreflang"): a.get("href") for a in url.iterfind("x:link", namespaces=ns)}
        assert links == {"zh-CN": BASE_URL + route, "en": BASE_URL + "en/" + route, "x-default": BASE_URL + route}
