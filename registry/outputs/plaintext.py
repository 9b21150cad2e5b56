"""Markdown fields as plain text for the CSV and XLSX cells: what a reader of the page sees, without Markdown's signs.

The text goes through the same converter and sanitiser as the page (registry/pages/render.py), so a cell says what
the page shows; the HTML is then read back as text: emphasis and code marks are gone, a link keeps its text and its
target in brackets (一份[报告](https://…) → 一份报告（https://…）, or "a report (https://…)" in English), list
items start with • (or their number), headings, paragraphs, list items, table rows and line breaks each start a new
line, table cells are joined by " | ". The Markdown source stays in the JSON downloads.
"""

from __future__ import annotations

from html.parser import HTMLParser

from registry.pages.render import PLAIN, MarkdownRenderer
from registry.pages.simple_markdown import convert

BLOCKS = {"p", "li", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "table", "ul", "ol", "hr"}
"""Tags that start and end a line of their own."""

MEMO = 4096
"""Converted texts remembered: a record's row is made twice (the Chinese and the English CSV) one after the other."""


class PlainText:
    """Markdown → readable plain text, with one converter reused; `zh` chooses full-width brackets around a link."""

    def __init__(self):
        self.markdown = MarkdownRenderer()
        self.memo: dict[tuple[str, bool], str] = {}

    def __call__(self, text: str, zh: bool = True) -> str:
        if not text or PLAIN.fullmatch(text):  # no Markdown sign at all: the text is what the page shows
            return text
        key = (text, zh)
        if key not in self.memo:
            simple = convert(text)  # the commonest shape, read directly (registry/pages/simple_markdown.py)
            if simple is not None:
                return simple[1]
            if len(self.memo) >= MEMO:
                self.memo.clear()
            reader = _Reader(zh)
            reader.feed(str(self.markdown(text, top=3)))
            reader.close()
            self.memo[key] = reader.text()
        return self.memo[key]


class _Reader(HTMLParser):
    """The text of sanitised Markdown HTML, a line per block."""

    def __init__(self, zh: bool):
        super().__init__(convert_charrefs=True)
        self.zh = zh
        self.lines: list[str] = []
        self.line: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [next number] for <ol>, [0] for <ul>
        self.links: list[tuple[str, int]] = []  # per open link: its target and where its text starts in the line
        self.cells = 0
        self.in_row = self.in_cell = False
        self.marker = False  # the line holds a list item's marker and nothing yet

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS and not (tag == "p" and self.marker):  # a loose list's <li><p>: the text follows its marker
            self._break()
        if tag in ("ul", "ol"):
            self.lists.append([1 if tag == "ol" else 0])
        elif tag == "li":
            depth = "  " * (len(self.lists) - 1) if self.lists else ""
            counter = self.lists[-1] if self.lists else [0]
            self.line.append(f"{depth}{counter[0]}. " if counter[0] else f"{depth}• ")
            if counter[0]:
                counter[0] += 1
            self.marker = True
        elif tag == "br":
            self._break(force=True)
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len("".join(self.line))))
        elif tag == "tr":
            self.cells, self.in_row = 0, True
        elif tag in ("td", "th"):
            if self.cells:
                self.line.append(" | ")
            self.cells, self.in_cell = self.cells + 1, True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href, start = self.links.pop()
            shown = "".join(self.line)[start:].strip()
            target = href.removeprefix("mailto:")
            if target and target != shown:
                self.line.append(f"（{target}）" if self.zh else f" ({target})")
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "tr":
            self.in_row = False
        elif tag in ("td", "th"):
            self.in_cell = False
        if tag in BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if self.in_row and not self.in_cell:  # the line breaks between a row's cells
            return
        if not self.line:  # the line break Markdown leaves after a block's tag or a <br>
            data = data.lstrip("\n")
        if self.marker and not data.strip():  # between a list item's marker and its <p>
            return
        self.marker = False
        self.line.append(data)

    def _break(self, force: bool = False) -> None:
        """End the current line (an empty one only for a <br>)."""
        line = "".join(self.line).rstrip()
        if line.strip() or force:
            self.lines.append(line)
        self.line, self.marker = [], False

    def text(self) -> str:
        self._break()
        return "\n".join(self.lines).strip("\n")
