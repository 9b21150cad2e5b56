"""Feeds: the Atom feed, the iCalendar of events, sitemap.xml and robots.txt, read back with real parsers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser
import icalendar
import lxml.etree
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
    """The shipped records built with a published address."""
    root = make_project(tmp_path_factory.mktemp("feeds") / "project", {}, with_shipped_records=True)
    return build_project(root, BASE_URL)


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
    pages = sorted(p.relative_to(published).as_posix() for p in published.rglob("*.html") if p.name != "404.html")
    assert locs == [BASE_URL + p for p in pages]
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


def test_the_english_feed_and_calendar_give_english_names_and_link_the_english_pages(published, unpublished):
    feed = feedparser.parse((published / "en" / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.language == "en"
    assert feed.feed.title == "Kunshan Registry of Cooperation with Universities and Research Institutes"
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
