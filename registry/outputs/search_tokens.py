"""The search index's tokens and postings: text as the index sees it, each token's postings packed in 4 bytes, and
the postings' string of base-32 digits (registry/outputs/search.py has the index's files; site_templates/assets/
search.js must tokenise and decode exactly as this module does)."""

from __future__ import annotations

import operator
import re
import unicodedata
from array import array
from collections import Counter, defaultdict, deque
from functools import partial
from itertools import chain, repeat

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
