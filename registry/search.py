"""The static search index: a character-bigram inverted index of the public records, sharded JSON.

Chosen by measurement (../shared/notes/search.md): Pagefind missed Chinese words it segments differently;
bigrams find every record that contains what was typed. Everything about the index lives here and in
site_templates/assets/search.js, which must tokenise exactly as `tokens` does.

Files under search/ (all JSON, sorted keys, deterministic):
  index.json   {"version", "shards": S, "chunk": C, "count": N, "kinds": [kind], "fields": [code],
                "stages": [code], "districts": [id], "meta": [[kind#, field# | -1, stage# | -1, [district#]]]}
  t-<s>.json   {token: [doc, weight, Δdoc, weight, …]} for tokens whose first code point % S == s;
               weight = 2 × occurrences + 1 if the token occurs in the title (name, English name, short names)
  d-<c>.json   [[url, title, title extras, body, date], …] for docs c×C … c×C+C-1 (verification, excerpts)

Tokens of normalised text (NFKC, lower case): each run of CJK characters gives its bigrams and its last
character alone (a one-character run gives that character), so a one-character query is a prefix lookup;
each run of Latin letters and digits gives the word. Docs are numbered by kind, newest first.
"""

from __future__ import annotations

import json
import operator
import re
import unicodedata
from collections import Counter
from typing import Any

from .catalogue import Catalogue
from .model import Record, Registry
from .views import Views, record_url

INDEX_VERSION = 1
SEARCH_KINDS = ("institute", "achievement", "event", "project", "talent", "carrier", "district")
"""Kinds with record pages (plans have none)."""

CHUNK = 100
"""Docs per text-store file: a query fetches only the chunks of the results it shows or must verify."""

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0003134f"
WORD = "0-9a-z\u00df-\u024f"
RUNS = re.compile(f"[{CJK}]+|[{WORD}]+")
CJK_RUN = re.compile(f"[{CJK}]")
MARKUP = re.compile(r"[*`#]+")


def normalise(text: str) -> str:
    """Text as the index sees it: NFKC (full-width → half-width) and lower case, as JS normalize('NFKC').toLowerCase()."""
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


class SearchDocs:
    """The searchable text of each public record: title (with English name and short names) and body."""

    def __init__(self, public: Registry, cat: Catalogue):
        self.public, self.cat, self.views = public, cat, Views(public, cat)
        self.schemas = public.schemas

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
                self._texts(record, (key,), value, own, linked)
        # The record's own prose first, so excerpts show it; Markdown emphasis marks would only clutter them.
        return [MARKUP.sub("", text) for text in own] + linked

    def _texts(self, record: Record, path: tuple, value: Any, out: list[str], linked: list[str]) -> None:
        node = self.schemas.at(record.kind, path) or {}
        if node.get("x-ref") and isinstance(value, str):
            target = self.public.get(node["x-ref"], value)
            if target is not None:
                linked += self.names(target)
        elif "enum" in node:
            labels = self.schemas.labels(record.kind, tuple("*" if isinstance(p, int) else p for p in path))
            linked += [v for v in labels.get(value, {}).values()]
        elif isinstance(value, dict):
            for key, item in value.items():
                self._texts(record, path + (key,), item, out, linked)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self._texts(record, path + (index,), item, out, linked)
        elif isinstance(value, str) and not node.get("x-date") and node.get("format") != "uri":
            out.append(value)

    def facets(self, record: Record) -> tuple[str | None, str | None, list[str]]:
        """field, stage (achievements) and the districts a record belongs to."""
        if record.kind == "district":
            districts = [record.id]
        else:
            districts = [d for d in (record.get("district"), record.get("coordinated_by")) if isinstance(d, str)]
        return record.get("field"), record.get("stage"), sorted(set(districts))

    def ordered(self) -> list[Record]:
        return [r for kind in SEARCH_KINDS for r in self.views.sorted_latest(self.public.all(kind))]


def build_index(public: Registry, cat: Catalogue) -> dict[str, bytes]:
    """Every file of the search index, out_path → bytes."""
    docs = SearchDocs(public, cat)
    records = docs.ordered()
    chunks: list[list] = []
    kinds, fields, stages, districts = list(SEARCH_KINDS), [], [], []
    field_enum = public.schemas.at("achievement", ("field",))["enum"]
    stage_enum = public.schemas.at("achievement", ("stage",))["enum"]
    district_ids = [d.id for d in sorted(public.all("district"), key=lambda d: (d.get("order", 999), d.id))]
    fields, stages, districts = list(field_enum), list(stage_enum), district_ids
    meta = []
    numbers_of: dict[str, list[int]] = {}
    weights_of: dict[str, list[int]] = {}
    for number, record in enumerate(records):
        names, body = docs.names(record), docs.body(record)
        title_tokens = tokens("\n".join(names))
        counts = Counter(title_tokens)
        counts.update(tokens("\n".join(body)))
        weights = {token: 2 * count for token, count in counts.items()}
        for token in set(title_tokens):
            weights[token] += 1
        # The hot loop of the index (650 postings per achievement): two flat lists per token, no tuples.
        for token, weight in weights.items():
            numbers = numbers_of.get(token)
            if numbers is None:
                numbers_of[token] = [number]
                weights_of[token] = [weight]
            else:
                numbers.append(number)
                weights_of[token].append(weight)
        field, stage, where = docs.facets(record)
        meta.append([kinds.index(record.kind), fields.index(field) if field in fields else -1,
                     stages.index(stage) if stage in stages else -1,
                     [districts.index(d) for d in where if d in districts]])
        if number % CHUNK == 0:
            chunks.append([])
        title = docs.views.name(record)
        extras = "\n".join(n for n in names if n != title)
        chunks[-1].append([record_url(record.kind, record.id), title, extras, "\n".join(body),
                           docs.views.card(record)["date"]])
    shard_count = shards_for(sum(len(p) for p in numbers_of.values()))
    shards: list[dict[str, list[int]]] = [{} for _ in range(shard_count)]
    for token in sorted(numbers_of):
        numbers = numbers_of[token]
        flat = [0] * (2 * len(numbers))
        flat[0::2] = [b - a for a, b in zip([0, *numbers[:-1]], numbers, strict=True)]  # gaps between doc numbers
        flat[1::2] = weights_of[token]
        shards[ord(token[0]) % shard_count][token] = flat
    files = {"search/index.json": _json({"version": INDEX_VERSION, "shards": shard_count, "chunk": CHUNK,
                                         "count": len(records), "kinds": kinds, "fields": fields, "stages": stages,
                                         "districts": districts, "meta": meta})}
    for n, shard in enumerate(shards):
        files[f"search/t-{n}.json"] = _json(shard)
    for n, chunk in enumerate(chunks):
        files[f"search/d-{n}.json"] = _json(chunk)
    return files


def shards_for(postings: int) -> int:
    """A power of two from 8 to 4096, aiming at about 8,000 postings (~50 KB) per shard."""
    count = 8
    while count < 4096 and postings / count > 8000:
        count *= 2
    return count


def _json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
