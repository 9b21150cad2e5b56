"""The static search index: a character-bigram inverted index of the public records, sharded JSON.

Chosen by measurement (../shared/notes/search.md): Pagefind missed Chinese words it segments differently;
bigrams find every record that contains what was typed. Everything about the index lives here and in
site_templates/assets/search.js, which must tokenise exactly as `tokens` does.

Files under search/ (all JSON, sorted keys, deterministic):
  index.json   {"version", "shards": S, "chunk": C, "count": N, "kinds": [kind], "fields": [code],
                "stages": [code], "districts": [id], "meta": [[kind#, field# | -1, stage# | -1, [district#]]]}
  t-<s>.json   {token: [doc, weight, Δdoc, weight, …]} for tokens whose first code point % S == s;
               weight = 2 × occurrences + 1 if the token occurs in the title (name, English name, short names)
  d-<c>.json   [[url, title, title extras, body, date, sample, excerpt text], …] for docs c×C … c×C+C-1
               (body: every language, for verification; excerpt text: the page's language only, for snippets)

Tokens of normalised text (NFKC, lower case): each run of CJK characters gives its bigrams and its last
character alone (a one-character run gives that character), so a one-character query is a prefix lookup;
each run of Latin letters and digits gives the word. Docs are numbered by kind, newest first.

At 100,000 records the index holds ~65 M postings and ~500 MB of JSON, so it is built to stay small: the
records are tokenised once into packed postings (4 bytes each), and each file is encoded only when asked for.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from array import array
from collections import Counter, defaultdict, deque
from collections.abc import Iterator, Mapping
from functools import partial
from itertools import chain, repeat
from typing import Any

import orjson

from registry.model.kinds import DATE_FIELD
from registry.model.public import PublicRegistry
from registry.pages.cards import Views
from registry.pages.catalogue import Catalogue
from registry.pages.urls import PAGE_KINDS, record_url
from registry.records.record import Record

INDEX_VERSION = 1
SEARCH_KINDS = PAGE_KINDS
"""Kinds with record pages (plans have none)."""

CHUNK = 100
"""Docs per text-store file: a query fetches only the chunks of the results it shows or must verify."""

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0003134f"
WORD = "0-9a-z\u00df-\u024f"
RUNS = re.compile(f"[{CJK}]+|[{WORD}]+")
CJK_RUN = re.compile(f"[{CJK}]")
CJK_RUNS = re.compile(f"[{CJK}]+")
WORDS = re.compile(f"[{WORD}]+")
MARKUP = re.compile(r"[*`#]+")
WIDE = [(wide, chr(ord(wide) - 0xFEE0)) for wide in "，（）：；！？％"]
"""The full-width punctuation of Chinese prose → its NFKC form. Replaced first, most text passes NFKC's quick
check instead of being decomposed and recomposed whole (the result is the same: NFKC maps them so anyway)."""

WEIGHT_BITS = 8
LARGE = (1 << WEIGHT_BITS) - 1
"""A packed weight of 255 means: the real weight is in Postings.large (a token repeated 127 times or more)."""


def normalise(text: str) -> str:
    """Text as the index sees it: NFKC (full-width → half-width) and lower case, as JS normalize('NFKC').toLowerCase()."""
    for wide, narrow in WIDE:
        text = text.replace(wide, narrow)
    return unicodedata.normalize("NFKC", text).lower()


def tokens(text: str) -> list[str]:
    """Every token of a text, in order (repeats kept, so they can be counted)."""
    out: list[str] = []
    for run in RUNS.findall(normalise(text)):
        if CJK_RUN.match(run):
            out += map(operator.add, run, run[1:])  # the bigrams, made in C
            out.append(run[-1])
        else:
            out.append(run)
    return out


def count_tokens(text: str) -> Counter:
    """The tokens of normalised text, counted, in a faster form than `tokens`: each CJK run's last character
    alone is counted as that character + "\n", and the first character of every later run as "\n" + it
    (Postings.finish drops those and renames these)."""
    # The runs joined by "\n" and paired with themselves shifted by one: every bigram made in C, in one pass.
    runs = "\n".join(CJK_RUNS.findall(text)) + "\n"
    counts = Counter(map(operator.add, runs, runs[1:]))
    counts.update(WORDS.findall(text))
    return counts


class SearchDocs:
    """The searchable text of each public record: title (with English name and short names) and body."""

    def __init__(self, public: PublicRegistry, cat: Catalogue):
        self.public, self.cat, self.views = public, cat, Views(public, cat)
        self.schemas = public.schemas
        # The body walk asks the same few schema questions for every record: answered once per kind and path.
        self._rules: dict[tuple[str, tuple], tuple[str, Any]] = {}
        self._labels: dict[tuple[str, tuple, Any], list[str]] = {}
        self._names: dict[tuple[str, str], list[str]] = {}

    def names(self, record: Record) -> list[str]:
        """A record's names: Chinese, English, and an institute's short names."""
        name = record.get("title" if record.kind == "event" else "name") or {}
        return [v for v in (name.get("zh"), name.get("en"), *record.get("aliases", [])) if v]

    def body(self, record: Record) -> list[str]:
        """Every other public text: prose, enum labels (zh, en), and the names of the records it refers to."""
        own: list[str] = []
        linked: list[str] = []
        for key, value in record.data.items():
            if key not in ("id", "name", "title", "aliases", "sample"):
                self._texts(record.kind, (key,), value, own, linked)
        # The record's own prose first, so excerpts show it; Markdown emphasis marks would only clutter them.
        return [MARKUP.sub("", text) for text in own] + linked

    def _rule(self, kind: str, pattern: tuple) -> tuple[str, Any]:
        """What the schema says to do with a value at a path pattern ('*' for list items)."""
        rule = self._rules.get((kind, pattern))
        if rule is None:
            node = self.schemas.at(kind, pattern) or {}
            if node.get("x-ref"):
                rule = ("ref", node["x-ref"])
            elif "enum" in node:
                rule = ("enum", None)
            elif node.get("x-date") or node.get("format") == "uri":
                rule = ("skip", None)
            else:
                rule = ("text", None)
            self._rules[(kind, pattern)] = rule
        return rule

    def _texts(self, kind: str, pattern: tuple, value: Any, out: list[str], linked: list[str]) -> None:
        what, target = self._rule(kind, pattern)
        if what == "ref" and isinstance(value, str):
            names = self._names.get((target, value))
            if names is None:
                record = self.public.get(target, value)
                names = self._names[(target, value)] = self.names(record) if record is not None else []
            linked += names
        elif what == "enum":
            labels = self._labels.get((kind, pattern, value))
            if labels is None:
                labels = self._labels[(kind, pattern, value)] = list(
                    self.schemas.labels(kind, pattern).get(value, {}).values()
                )
            linked += labels
        elif isinstance(value, dict):
            for key, item in value.items():
                self._texts(kind, pattern + (key,), item, out, linked)
        elif isinstance(value, list):
            for item in value:
                self._texts(kind, pattern + ("*",), item, out, linked)
        elif isinstance(value, str) and what != "skip":
            out.append(value)

    def excerpt_text(self, record: Record) -> str:
        """The record's own prose and labels in the page's language only, so a snippet never runs Chinese and
        English together (the body keeps both, so either language is found)."""
        out: list[str] = []
        for key, value in record.data.items():
            if key not in ("id", "name", "title", "aliases", "sample"):
                self._own_language(record.kind, (key,), value, out)
        return "\n".join(MARKUP.sub("", text) for text in out)

    def _own_language(self, kind: str, pattern: tuple, value: Any, out: list[str]) -> None:
        what, _target = self._rule(kind, pattern)
        if what in ("ref", "skip"):
            return
        if what == "enum":
            label = self.schemas.labels(kind, pattern).get(value, {}).get(self.cat.lang)
            if label:
                out.append(label)
        elif isinstance(value, dict):
            if value and value.keys() <= {"zh", "en"}:  # a text in two languages: the page's one only
                if isinstance(value.get(self.cat.lang), str):
                    out.append(value[self.cat.lang])
                return
            for key, item in value.items():
                self._own_language(kind, pattern + (key,), item, out)
        elif isinstance(value, list):
            for item in value:
                self._own_language(kind, pattern + ("*",), item, out)
        elif isinstance(value, str):
            out.append(value)

    def date(self, record: Record) -> str:
        """The date a result shows, as the record's card shows it."""
        if record.kind == "event":
            return self.cat.date_range(record.get("start"), record.get("end"))
        return self.cat.date(record.get(DATE_FIELD.get(record.kind, ""), "") or "")

    def facets(self, record: Record) -> tuple[str | None, str | None, list[str]]:
        """field, stage (achievements) and the districts a record belongs to."""
        if record.kind == "district":
            districts = [record.id]
        else:
            districts = [d for d in (record.get("district"), record.get("coordinated_by")) if isinstance(d, str)]
        return record.get("field"), record.get("stage"), sorted(set(districts))

    def ordered(self) -> list[Record]:
        return [r for kind in SEARCH_KINDS for r in self.views.sorted_latest(self.public.all(kind))]


class Postings:
    """Each token's postings in doc order, packed in 4 bytes: doc number << 8 | weight (255: see `large`)."""

    def __init__(self):
        self.lists: defaultdict[str, array] = defaultdict(partial(array, "I"))
        self.large: dict[tuple[str, int], int] = {}

    def add(self, number: int, counts: Counter, title: list[str]) -> None:
        """Post one doc: weight = 2 × count, + 1 for the tokens in `title`."""
        if number >= 1 << (32 - WEIGHT_BITS):
            raise ValueError(f"the search index holds at most {1 << (32 - WEIGHT_BITS)} records")
        lists, base = self.lists, number << WEIGHT_BITS
        if max(counts.values()) < LARGE // 2:
            # The hot path (650 postings per achievement), all in C: append 2 × count | base to each token's array.
            values = counts.values()
            deque(
                map(
                    array.append,
                    map(lists.__getitem__, counts),
                    map(operator.or_, map(operator.add, values, values), repeat(base)),
                ),
                maxlen=0,
            )
            for token in title:
                lists[token][-1] += 1
            return
        in_title = set(title)
        for token, count in counts.items():
            weight = 2 * count + (token in in_title)
            if weight >= LARGE:
                self.large[(token, number)] = weight
                weight = LARGE
            lists[token].append(base | weight)

    def finish(self) -> dict[str, array]:
        """Every token's postings, the stand-ins of count_tokens resolved: "x\n" → "x", "\nx" dropped."""
        lists = self.lists
        for token in [token for token in lists if "\n" in token]:
            packed = lists.pop(token)
            if token[0] != "\n":
                lists[token[0]] = packed
        self.large = {(token.rstrip("\n"), n): w for (token, n), w in self.large.items() if token[0] != "\n"}
        return lists

    def flat(self, token: str) -> list[int]:
        """A token's postings as the index stores them: [doc, weight, Δdoc, weight, …]."""
        packed = self.lists[token]
        numbers = list(map(operator.rshift, packed, repeat(WEIGHT_BITS)))
        weights = list(map(operator.and_, packed, repeat(LARGE)))
        if LARGE in weights:
            weights = [self.large[(token, n)] if w == LARGE else w for n, w in zip(numbers, weights, strict=True)]
        flat = [0] * (2 * len(numbers))
        flat[0::2] = list(map(operator.sub, numbers, chain((0,), numbers)))  # gaps between doc numbers
        flat[1::2] = weights
        return flat


class IndexFiles(Mapping[str, bytes]):
    """The index's files, out_path → bytes; each is encoded when asked for, so they are never all in memory."""

    def __init__(self, public: PublicRegistry, cat: Catalogue):
        docs = self.docs = SearchDocs(public, cat)
        self.records = docs.ordered()
        self.fields = list(public.schemas.at("achievement", ("field",))["enum"])
        self.stages = list(public.schemas.at("achievement", ("stage",))["enum"])
        self.districts = [d.id for d in sorted(public.all("district"), key=lambda d: (d.get("order", 999), d.id))]
        kind_no, field_no, stage_no, district_no = (
            {v: n for n, v in enumerate(values)} for values in (SEARCH_KINDS, self.fields, self.stages, self.districts)
        )
        self.meta: list[list] = []
        self.postings = Postings()
        for number, record in enumerate(self.records):
            title = normalise("\n".join(docs.names(record)))
            counts = count_tokens(title + "\n" + normalise("\n".join(docs.body(record))))
            if counts:
                self.postings.add(number, counts, list(count_tokens(title)))
            field, stage, where = docs.facets(record)
            self.meta.append(
                [
                    kind_no[record.kind],
                    field_no.get(field, -1),
                    stage_no.get(stage, -1),
                    [district_no[d] for d in where if d in district_no],
                ]
            )
        lists = self.postings.finish()
        self.shard_count = shards_for(sum(map(len, lists.values())))
        self.shards: list[list[str]] = [[] for _ in range(self.shard_count)]
        for token in sorted(lists):
            self.shards[ord(token[0]) % self.shard_count].append(token)
        self.paths = [
            "search/index.json",
            *(f"search/t-{n}.json" for n in range(self.shard_count)),
            *(f"search/d-{n}.json" for n in range(-(-len(self.records) // CHUNK))),
        ]
        self.known = set(self.paths)

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, path: str) -> bytes:
        if path not in self.known:
            raise KeyError(path)
        name = path.removeprefix("search/").removesuffix(".json")
        if name == "index":
            return _json(
                {
                    "version": INDEX_VERSION,
                    "shards": self.shard_count,
                    "chunk": CHUNK,
                    "count": len(self.records),
                    "kinds": list(SEARCH_KINDS),
                    "fields": self.fields,
                    "stages": self.stages,
                    "districts": self.districts,
                    "meta": self.meta,
                }
            )
        number = int(name[2:])
        if name.startswith("t-"):
            return _json({token: self.postings.flat(token) for token in self.shards[number]})
        return _json([self._stored(record) for record in self.records[number * CHUNK : (number + 1) * CHUNK]])

    def _stored(self, record: Record) -> list[str | int]:
        """A doc in the text store: [url, title, title extras, body, date, sample (1 for a sample record, else 0),
        excerpt text]."""
        names, title = self.docs.names(record), self.docs.views.name(record)
        return [
            record_url(record.kind, record.id),
            title,
            "\n".join(n for n in names if n != title),
            "\n".join(self.docs.body(record)),
            self.docs.date(record),
            int(record.sample),
            self.docs.excerpt_text(record),
        ]


def build_index(public: PublicRegistry, cat: Catalogue) -> Mapping[str, bytes]:
    """Every file of the search index, out_path → bytes (the postings are built now, the files' bytes on access)."""
    return IndexFiles(public, cat)


def shards_for(postings: int) -> int:
    """A power of two from 8 to 4096, aiming at about 8,000 postings (~50 KB) per shard."""
    count = 8
    while count < 4096 and postings / count > 8000:
        count *= 2
    return count


def _json(value: Any) -> bytes:
    # The bytes of json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":")), made 5–10 times faster.
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
