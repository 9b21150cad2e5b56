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
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from itertools import chain, repeat
from pathlib import Path
from typing import Any

import orjson

from registry.model.public import PublicRegistry
from registry.outputs.search_cache import PATCH_SHARE, Keeper, Kept, patch
from registry.outputs.search_docs import SEARCH_KINDS, SearchDocs, Tagged
from registry.outputs.search_tokens import ALPHABET, Postings, count_tokens, encode, normalise
from registry.pages.catalogue import Catalogue
from registry.pages.urls import EDITIONS
from registry.records.record import Record

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


class IndexFiles(Mapping[str, bytes]):
    """The index's files, out_path → bytes; each is encoded when asked for, so they are never all in memory."""

    def __init__(self, public: PublicRegistry, cats: dict[str, Catalogue], cache: Path | None = None, salt: str = ""):
        """`cache`: the folder where the postings are kept between builds (registry/outputs/search_cache.py; None:
        none kept), `salt` a hash of what else they depend on (code, schemas, settings)."""
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
        """Per doc, a hash of everything its postings and its rows in the text stores are made from besides the
        build's code, catalogue and schemas: the record and its tagged texts (the names of the records it refers to
        among them)."""
        order = [(record.kind, record.id) for record in self.records]
        kept, keeper = Kept(cache, salt, order), Keeper(cache, salt)
        self.patched: list[int] | None = None
        """The docs whose postings were patched into the last build's (None: the postings were made whole)."""
        last = kept.header
        self.data_keys: list[bytes] = []
        """Per doc, a hash of its record (kind, id, data)."""
        self.refs: list[tuple] = []
        """Per doc, the records its texts name ((kind, id) each): with its record, all its texts depend on."""
        changed: dict[int, tuple[str, list[str]]] = {}
        for number, record in enumerate(self.records):
            data_key = _hash(orjson.dumps((record.kind, record.id, record.data), option=orjson.OPT_NON_STR_KEYS))
            if last is not None and self._same(last, number, data_key):
                # The same record naming records by the same names: the same texts, hence the same postings and rows.
                self.made_of.append(last["keys"][number])
                self.refs.append(last["refs"][number])
            else:
                docs.refs = []
                texts = docs.texts(record)
                self.refs.append(tuple(docs.refs))
                self.made_of.append(_hash(data_key + orjson.dumps(texts)))
                if last is None or last["keys"][number] != self.made_of[-1]:
                    changed[number] = self._searchable(record, texts)
            self.data_keys.append(data_key)
            field, stage, where = docs.facets(record)
            self.meta.append(
                [
                    kind_no[record.kind],
                    field_no.get(field, -1),
                    stage_no.get(stage, -1),
                    [district_no[d] for d in where if d in district_no],
                ]
            )
            if last is None:  # a whole build: the doc is posted now, its text let go
                text, title = changed.pop(number)
                keeper.add(text)
                counts = count_tokens(text)
                if counts:
                    self.postings.add(number, counts, list(count_tokens(title)))
        docs.refs = None
        if last is not None:
            self._patch(kept, keeper, changed)
        lists = self.postings.lists if self.patched is not None else self.postings.finish()
        keeper.save(
            {
                "docs": order,
                "keys": self.made_of,
                "data": self.data_keys,
                "refs": self.refs,
                "names": {ref: docs.ref_names(*ref) for refs in set(self.refs) for ref in refs},
            },
            self.postings,
        )
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

    def _same(self, last: dict, number: int, data_key: bytes) -> bool:
        """Whether a doc's record is the last build's and the records it names have the names they had."""
        names, ref_names = last["names"], self.docs.ref_names
        return last["data"][number] == data_key and all(
            ref_names(*ref) == names.get(ref) for ref in last["refs"][number]
        )

    def _searchable(self, record: Record, texts: Tagged | None = None) -> tuple[str, str]:
        """A doc's searchable text as it is tokenised (its names, then its other texts, normalised) and its names."""
        title = normalise("\n".join(self.docs.names(record)))
        texts = self.docs.texts(record) if texts is None else texts
        return title + "\n" + normalise("\n".join(text for text, _tag in texts)), title

    def _patch(self, kept: Kept, keeper: Keeper, changed: dict[int, tuple[str, str]]) -> None:
        """The changed docs' postings patched into the last build's (their numbers are the last build's), or, when
        many changed or the last build's cannot be read, every doc posted afresh."""
        postings = kept.postings() if len(changed) * PATCH_SHARE <= len(self.records) else None
        old = kept.texts(changed) if postings is not None else None
        done = 0
        for number in sorted(changed) if old is not None else ():
            if not kept.copy(keeper, done, number):
                old = None
                break
            keeper.add(changed[number][0])
            done = number + 1
        if old is not None and kept.copy(keeper, done, len(self.records)):
            self.postings = postings  # type: ignore[assignment]
            for number, (text, title) in changed.items():
                patch(postings, number, old[number], (text, list(count_tokens(title))))  # type: ignore[arg-type]
            self.patched = sorted(changed)
            return
        keeper.restart()
        for number, record in enumerate(self.records):
            text, title = changed.get(number) or self._searchable(record)
            keeper.add(text)
            counts = count_tokens(text)
            if counts:
                self.postings.add(number, counts, list(count_tokens(title)))

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


def build_index(
    public: PublicRegistry, cats: dict[str, Catalogue], cache: Path | None = None, salt: str = ""
) -> Mapping[str, bytes]:
    """Every file of the search index (the postings and each edition's text store), out_path → bytes: the postings
    are built now (patched into those kept in `cache` when they can be), the files' bytes on access."""
    return IndexFiles(public, cats, cache, salt)


def shards_for(postings: int) -> int:
    """A power of two from 8 to 4096, aiming at about 2,000 postings (~5 KB) per shard (large tokens not counted)."""
    count = 8
    while count < 4096 and postings / count > 2000:
        count *= 2
    return count


def _hash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _json(value: Any) -> bytes:
    # The bytes of json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":")), made 5–10 times faster.
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
