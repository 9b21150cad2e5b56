"""Interface strings in one catalogue (zh, en), labels from the schemas, and dates, numbers and units as readers see
them; on an English page, Chinese text is marked so that screen readers read it in Chinese."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from html import unescape
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from registry.errors import SchemaError
from registry.plural import PLURAL_FORMS, plural_form
from registry.records.schemas import SchemaSet
from registry.records.yamlload import load

LANGS = ("zh", "en")
HREFLANG = {"zh": "zh-CN", "en": "en"}
"""Each language as HTML's lang and hreflang attributes write it."""

CHINESE_CHARS = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f"
    "\uff00-\uffef\U00020000-\U0003134f"
)
"""CJK characters, their punctuation (、。〔〕) and the full-width forms (，：（）)."""
CHINESE_RUN = re.compile(f"[{CHINESE_CHARS}](?:[{CHINESE_CHARS}0-9 ·]*[{CHINESE_CHARS}])?")
"""A run of Chinese as it stands in English text: 昆政办发〔2017〕163号 is one run, digits and all."""
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def has_chinese(text: str) -> bool:
    return CHINESE_RUN.search(text) is not None


def mark_runs(text: str) -> Markup:
    """Text as HTML with each run of Chinese in <span lang="zh-CN">."""
    out, at = [], 0
    for run in CHINESE_RUN.finditer(text):
        out += [escape(text[at : run.start()]), Markup('<span lang="zh-CN">%s</span>') % run.group()]
        at = run.end()
    out.append(escape(text[at:]))
    return Markup("").join(out)


class Chinese(str):
    """A record's Chinese text on an English page, where the record gives no English: the string is the text itself
    (search, feeds and downloads use it as it is); a template shows it marked lang="zh-CN"."""

    __slots__ = ()

    def __html__(self) -> Markup:
        return Markup('<span lang="zh-CN">%s</span>') % str.__str__(self)


class WithChinese(str):
    """English text with Chinese in it (a short name, a document's number): a template marks each Chinese run."""

    __slots__ = ()

    def __html__(self) -> Markup:
        return mark_runs(str.__str__(self))


def plain(value: Any) -> str:
    """A value as plain text, its marks dropped: for a page's <title>, an attribute or an SVG chart."""
    if isinstance(value, Markup):
        return value.striptags()
    return "" if value is None else str.__str__(value) if isinstance(value, str) else str(value)


def lang_of(value: Any) -> str:
    """ "zh-CN" for a record's Chinese text standing in for a translation (an element that holds only it says so
    with its lang attribute, where a <span> cannot go: an <option>), else ""."""
    return "zh-CN" if isinstance(value, Chinese) else ""


MARKED_RUN = re.compile(r'<span lang="([^"]+)">(.*?)</span>', re.S)


def runs(value: str) -> str | list[list[str]]:
    """A value for a script that builds the page's nodes itself: the text, or, when a page marks part of it (Chinese
    on an English page: mark_runs, Chinese, a join of such), its runs [[text, lang]] with lang "" where unmarked."""
    if not marked(value):
        return value
    html, out, at = str(value.__html__()), [], 0
    for run in MARKED_RUN.finditer(html):
        if run.start() > at:
            out.append([unescape(html[at : run.start()]), ""])
        out.append([unescape(run.group(2)), run.group(1)])
        at = run.end()
    if at < len(html):
        out.append([unescape(html[at:]), ""])
    return out


def marked(value: Any) -> bool:
    """Whether a value carries marks a plain string would lose (Chinese on an English page)."""
    return hasattr(value, "__html__")


def load_messages(path: Path) -> dict[str, dict[str, Any]]:
    """Load site_templates/messages.yaml: key → {zh, en}; every key must carry both languages, and an English
    message about a count ({n}) gives its singular and plural ({one: …, other: …}: 1 project, 3 projects)."""
    doc, problems = load(path, str(path))
    if problems or doc is None:
        raise SchemaError(f"{path}: " + "; ".join(p.text() for p in problems))
    bad = [key for key, value in doc.data.items() if not isinstance(value, dict) or set(value) != set(LANGS)]
    if bad:
        raise SchemaError(f"{path}: keys without both zh and en: {', '.join(bad[:10])}")
    unpaired = plural_problems(doc.data)
    if unpaired:
        raise SchemaError(f"{path}: {'; '.join(unpaired[:10])}")
    return doc.data


def plural_problems(messages: dict[str, dict[str, Any]]) -> list[str]:
    """Messages whose forms do not fit their count: English with {n} but no {one, other}, a plural without {n},
    or a Chinese message given plural forms (Chinese has none)."""
    out = []
    for key, value in messages.items():
        zh, en = value["zh"], value["en"]
        if not isinstance(zh, str):
            out.append(f"{key}: zh is one text (Chinese has no plural forms)")
        if isinstance(en, dict):
            if set(en) != set(PLURAL_FORMS) or not all(isinstance(form, str) for form in en.values()):
                out.append(f"{key}: en gives exactly one: and other:")
            elif "{n}" not in en["other"]:
                out.append(f"{key}: en has plural forms but its other: form has no {{n}}")
        elif not isinstance(en, str):
            out.append(f"{key}: en is a text or {{one: …, other: …}}")
        elif "{n}" in en:
            out.append(f"{key}: en counts {{n}} but has no singular: write en: {{one: …, other: …}}")
    return out


class Catalogue:
    """Everything language-dependent, for one language."""

    def __init__(self, messages: dict[str, dict[str, str]], schemas: SchemaSet, lang: str = "zh"):
        self.messages, self.schemas, self.lang = messages, schemas, lang

    @property
    def hreflang(self) -> str:
        return HREFLANG[self.lang]

    def t(self, key: str, **values: Any) -> str:
        """The interface string `key` in this language, with {placeholders} filled in (as Markup when a value is
        marked Chinese text, so the mark survives). A message about a count takes its form from n (1 project, 3
        projects); without n, its other form (a script fills in n: see script_texts)."""
        try:
            text = self.messages[key][self.lang]
        except KeyError:
            raise SchemaError(f"messages.yaml has no key {key!r}") from None
        if isinstance(text, dict):
            text = text[plural_form(values["n"]) if "n" in values else "other"]
        if not values:
            return text
        if any(marked(value) for value in values.values()):
            return escape(text).format(**values)
        return text.format(**values)

    def count(self, key: str, n: int, **values: Any) -> str:
        """A message about n things, in the form n takes (1 person, 3 people)."""
        return self.t(key, n=n, **values)

    def script_texts(self, prefix: str, names: Iterable[str]) -> dict[str, str]:
        """Messages a page's script fills in, by name without the prefix: a count message as `name` (other) and
        `name.one`, for the script to choose by n as t() does."""
        out = {}
        for name in names:
            text = self.t(prefix + name)
            out[name] = text
            forms = self.messages[prefix + name][self.lang]
            if isinstance(forms, dict):
                out[f"{name}.one"] = forms["one"]
        return out

    def text(self, value: Any) -> str:
        """A record's {zh, en} text in this language. On an English page a text without English is the Chinese,
        marked (Chinese), and English holding Chinese has its Chinese marked (WithChinese)."""
        if isinstance(value, dict):
            if self.lang == "zh":
                return value.get("zh", "")
            if value.get(self.lang):
                return self.as_written(value[self.lang])
            return Chinese(value["zh"]) if value.get("zh") else ""
        return "" if value is None else self.as_written(str(value))

    def as_written(self, text: str) -> str:
        """Text that has one form only (a short name, a code's label): on an English page, its Chinese marked."""
        if self.lang == "zh" or not has_chinese(text):
            return text
        return WithChinese(text)

    def join(self, items: Iterable[Any], key: str = "punct.list") -> str:
        """Items in a row, empty ones left out: 甲、乙 / A, B (Markup when an item is marked)."""
        items, sep = [item for item in items if item], self.t(key)
        return escape(sep).join(items) if any(marked(item) for item in items) else sep.join(items)

    def paren(self, text: Any) -> str:
        """Text in brackets after what it explains: （注） / (note)."""
        return self.t("punct.paren", text=text)

    def label(self, kind: str, field: tuple | str, code: Any) -> str:
        """The label of an enumeration code, from the schema's x-labels."""
        path = (field,) if isinstance(field, str) else field
        labels = self.schemas.labels(kind, path)
        return labels.get(code, {}).get(self.lang, str(code)) if code is not None else ""

    def date(self, iso: str | None) -> str:
        """2017-05-12 → 2017年5月12日 (zh) or 12 May 2017 (en)."""
        if not iso:
            return ""
        day = dt.date.fromisoformat(iso)
        if self.lang == "zh":
            return f"{day.year}年{day.month}月{day.day}日"
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"

    def date_range(self, start: str | None, end: str | None) -> str:
        if not end or end == start:
            return self.date(start)
        return f"{self.date(start)}–{self.date(end)}"

    def month(self, month: int) -> str:
        """A month as a chart's axis marks it: 9月 / Sep."""
        return self.t("chart.tick_month", month=month, name=_MONTHS_EN[month - 1][:3])

    def number(self, value: float | int | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, float) and not value.is_integer():
            return f"{value:,.2f}".rstrip("0").rstrip(".")
        return f"{int(value):,}"

    def money(self, wan_yuan: float | int) -> str:
        """An amount kept in 万元 (10,000 yuan): 90 万元 / CNY 900,000."""
        return self.t("unit.wan_yuan", number=self.number(wan_yuan if self.lang == "zh" else wan_yuan * 10_000))
