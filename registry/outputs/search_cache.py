"""The search index's postings kept in the build cache (`.cache/search/`), so a rebuild patches them instead of
tokenising every record again (registry/outputs/search.py uses it).

What is kept, from the last build: the docs in their order (kind, id), each doc's key (a hash of everything its
postings and text-store rows are made from: registry/outputs/search.py IndexFiles.made_of), every token's packed
postings, and each doc's searchable text (names and texts, normalised, as it was tokenised) in a file beside them.
When the docs are the same and in the same order (an edit that neither adds nor removes a record, nor moves one by
its date), a doc whose key changed loses the postings of the tokens of its old text and gains those of its new one;
every other doc keeps its number and its postings untouched. A rebuild that adds, removes or reorders docs
renumbers them, and the index is made whole again, as is the first build and a build whose salt (code, schemas,
settings) differs. Patched or whole, the postings are the same, so are the bytes (tests/test_search_cache.py).
"""

from __future__ import annotations

import bisect
import os
import pickle
import uuid
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from registry.outputs.search_tokens import WEIGHT_BITS, Postings, count_tokens

STATE = "state.pickle"
COPY = 4096
"""Docs' texts copied at a time from the last build's file to this build's (a few MB)."""
PATCH_SHARE = 8
"""Patch the postings when at most 1 doc in PATCH_SHARE changed (a patched doc costs a few times what a doc costs in
a whole build: its tokens' lists are searched and moved by one entry)."""


def doc_tokens(text: str) -> list[str]:
    """The tokens a doc's searchable text is posted under (count_tokens' stand-ins resolved as Postings.finish does)."""
    return [t if "\n" not in t else t[0] for t in count_tokens(text) if t[0] != "\n"]


class Kept:
    """The last build's postings, read from the cache folder, for the docs `keys` (one per doc, in order)."""

    def __init__(self, folder: Path | None, salt: str, docs: list[tuple[str, str]]):
        self.folder, self.salt, self.docs = folder, salt, docs
        self.header: dict[str, Any] | None = None
        if folder is None:
            return
        try:
            with open(folder / STATE, "rb") as f:
                header = pickle.load(f)
                if header.get("salt") == salt and header.get("docs") == docs:
                    self.header = header
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
            self.header = None

    def postings(self) -> Postings | None:
        """The last build's postings (None if they cannot be read)."""
        try:
            with open(self.folder / STATE, "rb") as f:  # type: ignore[operator]
                pickle.load(f)
                lists, large = pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
            return None
        postings = Postings()
        postings.lists.update(lists)
        postings.large = large
        return postings

    def texts(self, numbers: Iterable[int]) -> dict[int, str] | None:
        """The searchable texts of some docs as the last build tokenised them (None if they cannot be read)."""
        offsets = self.header["offsets"]  # type: ignore[index]
        out = {}
        try:
            with open(self.folder / self.header["texts"], "rb") as f:  # type: ignore[operator, index]
                for n in numbers:
                    f.seek(offsets[n])
                    out[n] = f.read(offsets[n + 1] - offsets[n]).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        return out

    def copy(self, keeper: Keeper, start: int, end: int) -> bool:
        """The last build's searchable texts of docs start … end - 1 written on by `keeper` as they are (False if
        they cannot be read)."""
        offsets = self.header["offsets"]  # type: ignore[index]
        try:
            with open(self.folder / self.header["texts"], "rb") as f:  # type: ignore[operator, index]
                f.seek(offsets[start])
                for at in range(start, end, COPY):
                    upto = min(at + COPY, end)
                    data = f.read(offsets[upto] - offsets[at])
                    if len(data) != offsets[upto] - offsets[at]:
                        return False
                    keeper.add_bytes(data, [offsets[n + 1] - offsets[n] for n in range(at, upto)])
        except OSError:
            return False
        return True


def patch(postings: Postings, number: int, old: str | None, new: tuple[str, list[str]] | None) -> None:
    """Move one doc's postings from the tokens of its old text (None: it had none) to those of its new one (the
    searchable text and its title's tokens, as count_tokens makes them; None: none)."""
    lists, large, start = postings.lists, postings.large, number << WEIGHT_BITS
    for token in doc_tokens(old) if old is not None else ():
        packed = lists[token]
        at = bisect.bisect_left(packed, start)
        assert packed[at] >> WEIGHT_BITS == number, (token, number)
        del packed[at]
        if not packed:
            del lists[token]
        large.pop((token, number), None)
    counts = count_tokens(new[0]) if new is not None else None
    if not counts:
        return
    one = Postings()
    one.add(number, counts, new[1])  # type: ignore[index]
    for token, packed in one.finish().items():
        into = lists[token]
        into.insert(bisect.bisect_left(into, start), packed[0])
    large.update(one.large)


class Keeper:
    """Writes this build's postings to the cache folder: each doc's searchable text as it is tokenised (`add`), then
    the docs, their keys and the postings (`save`). Nothing is written without a folder."""

    def __init__(self, folder: Path | None, salt: str):
        self.folder, self.salt = folder, salt
        self.name = f"texts-{uuid.uuid4().hex}.bin"
        self.offsets = array("Q", [0])
        self.file: BinaryIO | None = None
        if folder is not None:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                self.file = open(folder / f"{self.name}.tmp", "wb")  # noqa: SIM115 (closed by save or drop)
            except OSError:
                self.file = None

    def add(self, text: str) -> None:
        """The next doc's searchable text."""
        if self.file is not None:
            data = text.encode("utf-8", "surrogatepass")
            self.file.write(data)
            self.offsets.append(self.offsets[-1] + len(data))

    def add_bytes(self, data: bytes, sizes: list[int]) -> None:
        """The next docs' searchable texts, in UTF-8, one after the other, and the size of each."""
        if self.file is not None:
            self.file.write(data)
            end = self.offsets[-1]
            for size in sizes:
                end += size
                self.offsets.append(end)

    def save(self, state: dict[str, Any], postings: Postings) -> None:
        """The state (the docs in order, each doc's keys and what else it depends on) and the postings, written whole
        under a new name and then renamed over the last; the last texts removed."""
        if self.file is None:
            return
        folder = self.folder
        try:
            self.file.close()
            os.replace(folder / f"{self.name}.tmp", folder / self.name)  # type: ignore[operator]
            header = {**state, "salt": self.salt, "offsets": self.offsets, "texts": self.name}
            tmp = folder / f"{STATE}.{os.getpid()}.tmp"  # type: ignore[operator]
            with open(tmp, "wb") as f:
                pickle.dump(header, f, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump((dict(postings.lists), postings.large), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / STATE)  # type: ignore[operator]
            for old in folder.glob("texts-*.bin*"):  # type: ignore[union-attr]
                if old.name != self.name:
                    old.unlink(missing_ok=True)
        except OSError:
            self.drop()

    def restart(self) -> None:
        """The texts written so far forgotten: every doc's is written again."""
        if self.file is not None:
            self.file.seek(0)
            self.file.truncate()
            self.offsets = array("Q", [0])

    def drop(self) -> None:
        """Nothing kept (the texts written so far removed)."""
        if self.file is not None:
            self.file.close()
            (self.folder / f"{self.name}.tmp").unlink(missing_ok=True)  # type: ignore[operator]
            self.file = None
