"""The static search index: a character-bigram inverted index of the public records, sharded JSON.

Chosen by measurement (../shared/notes/search.md): Pagefind missed Chinese words it segments differently;
bigrams find every record that contains what was typed. Everything about the index lives here and in
site_templates/assets/search.js, which must tokenise and decode exactly as this module does.

Files under search/ (all JSON, sorted keys, deterministic), made so that the first page of results of any query
costs little to fetch (a few hundred KB at most at 10,000 records; bench/search_transfer.py measures it):
  index.json   {"version", "shards": S, "chunk": C, "count": N, "kinds": [kind], "starts": [first doc of each kind],
                "fields": [code], "stages": [code], "districts": [id]}
  m.json       the filters' data, one column per facet: {"field": "…", "stage": "…", "districts": "…"}: a character
               per doc (ALPHABET[n] = the n-th code, "." none); districts: each doc's characters, docs split by ","
  t-<s>.json   {token: postings} for tokens whose first code point % S == s; postings: a string of base-32 digits
               (`encode`), [Δdoc, weight, Δdoc, weight, …]; weight = 2 × occurrences + 1 if the token occurs in the
               title (name, English name, short names). A token with more than BIG postings stands as {token: k}
               and has a file of its own, t-<s>-<k>.json = {token: postings} (k: its place among the shard's large
               tokens, in token order), so a query fetches only the lists it needs.
  d-<c>.json   the text store of docs c×C … c×C+C-1 (verification, excerpts): a row per doc
               (registry/outputs/search_docs.py SearchDocs.stored), one store per edition: search/d-<c>.json for the
               Chinese pages, en/search/d-<c>.json for the English ones (the postings above serve both). C is small
               (5): a page of results reads one chunk per result.

Tokens of normalised text (NFKC, lower case): each run of CJK characters gives its bigrams and its last
character alone (a one-character run gives that character), so a one-character query is a prefix lookup;
each run of Latin letters and digits gives the word. Docs are numbered by kind, newest first.

At 100,000 records the index holds ~65 M postings, so it is built to stay small: the records are tokenised once
into packed postings (4 bytes each), and each file is encoded only when asked for.
"""

from __future__ import annotations

import hashlib
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

from registry.model.public import PublicRegistry
from registry.outputs.search_docs import SEARCH_KINDS, SearchDocs
from registry.pages.catalogue import Catalogue
from registry.pages.urls import EDITIONS

INDEX_VERSION = 3

CHUNK = 5
"""Docs per text-store file: a query fetches only the chunks of the results it shows or must verify (an achievement's
row is ≈ 2 KB, so a page of ten results costs ≈ 100 KB at most)."""

BIG = 500
"""A token with more postings than this has a file of its own (≈ 1.2 KB and up), so the shards stay small."""

UNION = "*"
UNIONS = 20_000
"""A character whose tokens (its bigrams, itself, the words it starts) hold more postings than this has their union as
one more list, keyed by the character + UNION ("和*"), so a one-character query fetches one list, not dozens."""

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
"""The postings' digits: ALPHABET[d] ends a number with the 5-bit digit d, ALPHABET[32 + d] is a digit d with more
to come (little end first): a gap or weight under 32 is one character, under 1,024 two."""

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0003134f"
WORD = "0-9a-z\u00df-\u024f"
RUNS = re.compile(f"[{CJK}]+|[{WORD}]+")
CJK_RUN = re.compile(f"[{CJK}]")
CJK_RUNS = re.compile(f"[{CJK}]+")
WORDS = re.compile(f"[{WORD}]+")
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

    def numbers_weights(self, token: str) -> tuple[list[int], list[int]]:
        """A token's doc numbers and weights."""
        packed = self.lists[token]
        numbers = list(map(operator.rshift, packed, repeat(WEIGHT_BITS)))
        weights = list(map(operator.and_, packed, repeat(LARGE)))
        if LARGE in weights:
            weights = [self.large[(token, n)] if w == LARGE else w for n, w in zip(numbers, weights, strict=True)]
        return numbers, weights

    def flat(self, token: str) -> list[int]:
        """A token's postings as the index stores them: [doc, weight, Δdoc, weight, …]."""
        numbers, weights = self.numbers_weights(token)
        flat = [0] * (2 * len(numbers))
        flat[0::2] = list(map(operator.sub, numbers, chain((0,), numbers)))  # gaps between doc numbers
        flat[1::2] = weights
        return flat


class IndexFiles(Mapping[str, bytes]):
    """The index's files, out_path → bytes; each is encoded when asked for, so they are never all in memory."""

    def __init__(self, public: PublicRegistry, cats: dict[str, Catalogue]):
        docs = self.docs = SearchDocs(public, cats)
        self.records = docs.ordered()
        self.fields = list(public.schemas.at("achievement", ("field",))["enum"])
        self.stages = list(public.schemas.at("achievement", ("stage",))["enum"])
        self.districts = [d.id for d in sorted(public.all("district"), key=lambda d: (d.get("order", 999), d.id))]
        kind_no, field_no, stage_no, district_no = (
            {v: n for n, v in enumerate(values)} for values in (SEARCH_KINDS, self.fields, self.stages, self.districts)
        )
        self.meta: list[list] = []
        self.postings = Postings()
        self.made_of: list[bytes] = []
        """Per doc, a hash of everything its rows in the text stores are made from besides the build's code,
        catalogue and schemas: the record and its tagged texts (the names of the records it refers to among them)."""
        for number, record in enumerate(self.records):
            title = normalise("\n".join(docs.names(record)))
            texts = docs.texts(record)
            self.made_of.append(
                _hash(orjson.dumps((record.kind, record.id, record.data, texts), option=orjson.OPT_NON_STR_KEYS))
            )
            counts = count_tokens(title + "\n" + normalise("\n".join(text for text, _tag in texts)))
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
        small = sum(len(packed) for packed in lists.values() if len(packed) <= BIG)
        self.shard_count = shards_for(small)
        self.shards: list[list[str]] = [[] for _ in range(self.shard_count)]
        self.big: dict[str, tuple[int, int]] = {}
        """A large token → (its shard, its place among the shard's large tokens): its own file t-<s>-<k>.json."""
        # A one-character query is a prefix lookup: where the prefix's lists are long, its union is a list of its own.
        prefixes = Counter()
        for token, packed in lists.items():
            prefixes[token[0]] += len(packed)
        self.unions = {char + UNION for char, postings in prefixes.items() if postings > UNIONS}
        for token in sorted([*lists, *self.unions]):
            shard = ord(token[0]) % self.shard_count
            if token in self.unions or len(lists[token]) > BIG:
                self.big[token] = (shard, sum(1 for t in self.shards[shard] if t in self.big))
            self.shards[shard].append(token)
        # Each chunk of the text store in every edition one after the other: the chunk's records are read once.
        self.stores = {f"{EDITIONS[lang]}search/": lang for lang in cats}
        self.paths = [
            "search/index.json",
            "search/m.json",
            *(f"search/t-{n}.json" for n in range(self.shard_count)),
            *(f"search/t-{shard}-{k}.json" for shard, k in self.big.values()),
            *(f"{store}d-{n}.json" for n in range(-(-len(self.records) // CHUNK)) for store in self.stores),
        ]
        self.big_files = {f"t-{shard}-{k}": token for token, (shard, k) in self.big.items()}
        self.known = set(self.paths)
        self._texts: tuple[int, list] = (-1, [])
        self._large: defaultdict[str, list] | None = None

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def inputs(self, path: str) -> bytes | None:
        """What a file's bytes are made from besides the build's code, catalogue and schemas (so the engine links the
        last build's file without making it when these are the same): for a chunk of a text store its records, for a
        postings file the packed lists of its tokens; None for index.json and m.json, which are compared by their
        bytes."""
        name = path.removesuffix(".json").rpartition("/")[2]
        if path not in self.known or name in ("index", "m"):
            return None
        if name.startswith("d-"):
            number = int(name[2:])
            return b"".join([path.encode(), *self.made_of[number * CHUNK : (number + 1) * CHUNK]])
        if name in self.big_files:
            token = self.big_files[name]
            if token in self.unions:
                shard = self.shards[ord(token[0]) % self.shard_count]
                return self._lists_hash(path, [t for t in shard if t[0] == token[0] and t not in self.unions], {})
            return self._lists_hash(path, [token], {})
        return self._lists_hash(path, self.shards[int(name[2:])], self.big)

    def _lists_hash(self, path: str, tokens: list[str], instead: Mapping[str, tuple[int, int]]) -> bytes:
        """A hash of tokens' packed postings (or, for those in `instead`, the number of their own file)."""
        if self._large is None:
            self._large = defaultdict(list)
            for (token, number), weight in sorted(self.postings.large.items()):
                self._large[token].append((number, weight))
        lists, large = self.postings.lists, self._large
        digest = hashlib.blake2b(path.encode(), digest_size=16)
        for token in tokens:
            digest.update(orjson.dumps([token, instead[token][1] if token in instead else large.get(token, [])]))
            if token not in instead:
                digest.update(len(lists[token]).to_bytes(8, "little"))
                digest.update(lists[token])
        return digest.digest()

    def __getitem__(self, path: str) -> bytes:
        if path not in self.known:
            raise KeyError(path)
        store, _, name = path.removesuffix(".json").rpartition("/")
        if name == "index":
            return _json(
                {
                    "version": INDEX_VERSION,
                    "shards": self.shard_count,
                    "chunk": CHUNK,
                    "count": len(self.records),
                    "kinds": list(SEARCH_KINDS),
                    "starts": self.starts(),
                    "fields": self.fields,
                    "stages": self.stages,
                    "districts": self.districts,
                }
            )
        if name == "m":
            return _json(self.columns())
        if name in self.big_files:
            token = self.big_files[name]
            flat = self.union(token) if token in self.unions else self.postings.flat(token)
            return _json({token: encode(flat)})
        number = int(name[2:])
        if name.startswith("t-"):
            big = self.big
            return _json(
                {
                    token: big[token][1] if token in big else encode(self.postings.flat(token))
                    for token in self.shards[number]
                }
            )
        records = self.records[number * CHUNK : (number + 1) * CHUNK]
        if self._texts[0] != number:  # the editions' chunks come one after the other: the texts are read once
            self._texts = (number, [self.docs.texts(record) for record in records])
        lang = self.stores[store + "/"]
        return _json([self.docs.stored(r, lang, texts) for r, texts in zip(records, self._texts[1], strict=True)])

    def union(self, key: str) -> list[int]:
        """The postings of every token that starts with a character (key = the character + UNION), as one list:
        per doc 2 × the sum of the counts, + 1 if any of them is in the title (search.js sums them so too)."""
        char = key[0]
        counts: Counter = Counter()
        in_title: set[int] = set()
        for token in self.shards[ord(char) % self.shard_count]:
            if token[0] == char and token not in self.unions:
                numbers, weights = self.postings.numbers_weights(token)
                counts.update(dict(zip(numbers, map(operator.rshift, weights, repeat(1)), strict=True)))
                in_title.update(n for n, w in zip(numbers, weights, strict=True) if w & 1)
        docs = sorted(counts)
        flat = [0] * (2 * len(docs))
        flat[0::2] = list(map(operator.sub, docs, chain((0,), docs)))
        flat[1::2] = [2 * counts[d] + (d in in_title) for d in docs]
        return flat

    def starts(self) -> list[int]:
        """The first doc of each kind (docs are numbered by kind)."""
        counts = Counter(kind for kind, *_ in self.meta)
        return [sum(counts[k] for k in range(n)) for n in range(len(SEARCH_KINDS))]

    def columns(self) -> dict[str, str]:
        """The filters' data (m.json): field, stage and districts per doc, a character a code."""
        if max(len(self.fields), len(self.stages), len(self.districts)) > len(ALPHABET):
            raise ValueError(f"the search filters hold at most {len(ALPHABET)} codes of a kind")
        return {
            "field": "".join(ALPHABET[f] if f >= 0 else "." for _, f, _, _ in self.meta),
            "stage": "".join(ALPHABET[s] if s >= 0 else "." for _, _, s, _ in self.meta),
            "districts": ",".join("".join(ALPHABET[d] for d in where) for *_, where in self.meta),
        }


def build_index(public: PublicRegistry, cats: dict[str, Catalogue]) -> Mapping[str, bytes]:
    """Every file of the search index (the postings and each edition's text store), out_path → bytes: the postings
    are built now, the files' bytes on access."""
    return IndexFiles(public, cats)


def shards_for(postings: int) -> int:
    """A power of two from 8 to 4096, aiming at about 2,000 postings (~5 KB) per shard (large tokens not counted)."""
    count = 8
    while count < 4096 and postings / count > 2000:
        count *= 2
    return count


def encode(numbers: list[int]) -> str:
    """Numbers as the postings' string of base-32 digits (ALPHABET; search.js `decode` reads it)."""
    codes = _codes()
    if not numbers or max(numbers) < len(codes):
        return "".join(map(codes.__getitem__, numbers))
    return "".join(codes[n] if n < len(codes) else _encode_one(n) for n in numbers)


def _encode_one(value: int) -> str:
    digits = []
    while value >= 32:
        digits.append(ALPHABET[32 + (value & 31)])
        value >>= 5
    digits.append(ALPHABET[value])
    return "".join(digits)


_CODES: list[str] = []


def _codes() -> list[str]:
    """The codes of 0 … 32,767 (at most three characters), made once: encoding is then a lookup per number."""
    if not _CODES:
        _CODES.extend(map(_encode_one, range(1 << 15)))
    return _CODES


def _hash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _json(value: Any) -> bytes:
    # The bytes of json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":")), made 5–10 times faster.
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
