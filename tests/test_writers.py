"""Writers that cannot emit malformed output: every class of code point, pushed into the published records (past
`check`, as a bug or another path might), comes out of the Atom feed, the sitemap, the iCalendar, the CSV, XLSX and
JSON downloads as a file that a standard parser reads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import feedparser
import icalendar
import lxml.etree
import openpyxl
import pytest
from conftest import REPO

from registry.engine.checking import check
from registry.figures.progress import compute_progress
from registry.model.public import published
from registry.outputs.downloads import ExportFiles
from registry.outputs.feeds import atom, calendar, sitemaps
from registry.pages.catalogue import Catalogue, load_messages

CLASSES = {
    "C0 controls": "\x00\x01\x07\x08\x0b\x0c\x0e\x1b\x1f",
    "tab and line breaks": "\t\n\r\r\n",
    "DEL and C1 controls": "\x7f\x80\x85\x9f",
    "bidirectional controls": "\u202a\u202e\u2066\u2069\u200e",
    "zero-width and BOM": "\u200b\u200c\u200d\u2060\ufeff",
    "spaces and separators": "\u3000\xa0\u2028\u2029",
    "noncharacters": "\ufdd0\ufffe\uffff\U0001fffe\U0010ffff",
    "lone surrogates": "\ud800x\udfff",
    "private use": "\ue000\U000f0000",
    "astral and emoji": "\U0001f600\U00020000\U0001f1e8\U0001f1f3",
    "combining marks": "e\u0301\u20dd",
    "unassigned": "\u0378\U000e0080",
    "markup and quotes": "<a href='x'>&amp;\"</a>]]>",
}


@pytest.fixture(scope="module")
def checked():
    result = check(REPO)
    assert result.ok, result.problems
    return result


def poisoned(checked, text: str):
    """The published registry with `text` inside names, titles, venues and summaries of every achievement, event and
    institute (a fresh copy each time)."""
    public = published(checked)
    for kind, fields in (
        ("achievement", ("name", "summary")),
        ("event", ("title", "venue", "summary")),
        ("institute", ("name",)),
    ):
        for record in public.all(kind):
            for name in fields:
                if isinstance(record.data.get(name), dict):
                    record.data[name] = {lang: f"前{text}后" for lang in ("zh", "en")}
    return public


def catalogue(public) -> Catalogue:
    return Catalogue(load_messages(REPO / "site_templates" / "messages.yaml"), public.schemas, "zh")


@pytest.mark.parametrize("name", CLASSES)
def test_the_feed_and_the_sitemap_stay_well_formed_xml(checked, name):
    public = poisoned(checked, CLASSES[name])
    site = {**checked.settings, "title": {"zh": f"站{CLASSES[name]}名"}}
    base_url = "https://example.org/" + CLASSES[name].replace("\n", "")
    feeds = {
        "feed.xml (no base_url)": atom(public, catalogue(public), site, None),
        "feed.xml": atom(public, catalogue(public), site, base_url),
        **sitemaps(["index.html", f"a{CLASSES[name]}.html"], base_url),
    }

    for path, data in feeds.items():
        root = lxml.etree.fromstring(data)  # a strict XML 1.0 parser: raises on any character XML forbids
        assert root.tag.endswith(("feed", "urlset")), path
    parsed = feedparser.parse(feeds["feed.xml"])
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries and all(e.title for e in parsed.entries)


@pytest.mark.parametrize("name", CLASSES)
def test_the_calendar_stays_well_formed(checked, name):
    public = poisoned(checked, CLASSES[name])

    data = calendar(public, catalogue(public), checked.settings, "https://example.org/")

    text = data.decode("utf-8")  # strict: a lone surrogate would have no UTF-8
    lines = text.split("\r\n")
    assert lines[-1] == "" and all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert not any((ch < " " and ch != "\t") or ch == "\x7f" for line in lines for ch in line)  # RFC 5545 §3.1
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == len(public.all("event"))
    marker = catalogue(public).t("sample.feed")  # the shipped events are samples, and their summaries say so first
    assert all(str(event["SUMMARY"]).removeprefix(marker).startswith("前") for event in events)


@pytest.mark.parametrize("name", CLASSES)
def test_csv_xlsx_and_json_downloads_stay_well_formed(checked, name):
    public = poisoned(checked, CLASSES[name])
    as_of = checked.settings["as_of"]
    progress = compute_progress(public, dt.date.fromisoformat(as_of))

    site = {**checked.settings, "title": {"zh": f"题{CLASSES[name]}名"}}
    files = dict(ExportFiles(public, progress, catalogue(public), as_of, site))

    for path, data in files.items():
        if path.endswith(".json"):
            json.loads(data.decode("utf-8"))
        elif path.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
            assert len({len(row) for row in rows}) == 1, f"{path}: rows of different lengths"
            kind = path.rsplit("/", 1)[-1].split(".")[0]
            if kind in ("achievements", "events", "institutes"):
                assert len(rows) == len(public.all(kind[:-1])) + 1, path
        elif path.endswith(".xlsx"):
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                for member in book.namelist():
                    if member.endswith((".xml", ".rels")):
                        lxml.etree.fromstring(book.read(member))
            assert openpyxl.load_workbook(io.BytesIO(data), read_only=True).sheetnames
    assert any(path.endswith(".xlsx") for path in files) and any(path.endswith(".csv") for path in files)
