"""One content hash for caches and keys: BLAKE2b (128 bits) of parts, each prefixed by its length, so that
("ab", "c") and ("a", "bc") differ."""

from __future__ import annotations

import hashlib


def parts_digest(*parts: bytes) -> bytes:
    """The hash of some byte strings, taken in order."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.digest()
