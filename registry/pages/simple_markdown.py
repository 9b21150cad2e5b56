"""Markdown of the commonest shape converted without Python-Markdown, to the very HTML (and plain text) the full
converter and sanitiser make of it (tests/test_simple_markdown.py compares the two on every text of a generated
registry and on random texts made to hit the edges).

The shape: paragraphs and tight lists of "- " items, one blank line apart, never two lists in a row; each paragraph
and item one line with nothing at either end, not starting with a sign Markdown reads at the start of a line
(`#`, `>`, `-`, `+`, `=`, `1.` …); inside, any text but the signs an inline pattern or HTML starts with (`\\`, a
backtick, `[`, `]`, `<`, `>`, `&`, `_`, `|`, `{`, `}`) and a no-break space, with `**strong**` and `*emphasis*`
spans whose text begins and ends with a letter or digit (so their delimiters always open and close: no flanking
rule can turn them down) and that never touch each other. Any other text returns None: the caller converts it.
Half of a generated registry's Markdown texts are not plain only because of a `%`, a `(`, a `-` or a `**`; they
cost a full conversion each (≈ 0.3 ms), on every page that shows them and again for the downloads."""

from __future__ import annotations

import re

TEXT = re.compile(r"[^\x00-\x1f\x7f\xa0\\`\[\]<>&_|{}*]*")
"""Inline text without a sign that starts an inline pattern, an HTML tag or entity, a table cell or an emphasis."""
SPAN = re.compile(r"(\*\*[^*]+\*\*|\*[^*]+\*)")
LIST_START = re.compile(r"\d+[.)]")
"""A line starting like an ordered list's item (any Unicode digits, as Python-Markdown's `\\d`)."""
TAGS = {1: "em", 2: "strong"}


def _line(line: str) -> tuple[str, str] | None:
    """(HTML, plain text) of one paragraph's or item's line, or None when it is not of the simple shape."""
    if not line or line != line.strip():
        return None
    first = line[0]
    if (first < "\x80" and not first.isalnum() and first != "*") or LIST_START.match(line):
        return None
    parts = SPAN.split(line)
    html, text = [], []
    last = len(parts) - 1
    for index, part in enumerate(parts):
        if index % 2 == 0:  # text between spans: none of their signs, and never empty between two spans
            if not TEXT.fullmatch(part) or (not part and 0 < index < last):
                return None
            html.append(part)
            text.append(part)
            continue
        marks = 2 if part.startswith("**") else 1
        inner = part[marks:-marks]
        if not inner or not TEXT.fullmatch(inner) or not (inner[0].isalnum() and inner[-1].isalnum()):
            return None
        html.append(f"<{TAGS[marks]}>{inner}</{TAGS[marks]}>")
        text.append(inner)
    return "".join(html), "".join(text)


def convert(source: str) -> tuple[str, str] | None:
    """(sanitised HTML, plain text) of a Markdown text of the simple shape, or None."""
    html, text = [], []
    after_list = False
    for block in source.split("\n\n"):
        if block.startswith("- "):
            if after_list:  # two lists one blank line apart are one loose list
                return None
            items = []
            for line in block.split("\n"):
                made = _line(line[2:]) if line.startswith("- ") else None
                if made is None:
                    return None
                items.append(made)
            html.append("<ul>\n" + "".join(f"<li>{item}</li>\n" for item, _ in items) + "</ul>")
            text.append("\n".join(f"• {words}" for _, words in items))
            after_list = True
            continue
        made = _line(block) if "\n" not in block else None
        if made is None:
            return None
        html.append(f"<p>{made[0]}</p>")
        text.append(made[1])
        after_list = False
    return "\n".join(html), "\n".join(text)
