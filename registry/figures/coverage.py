"""How much of the public registry has English: per kind, the records that give an English name and the share of
their public texts ({zh, en}) that give an English form. The English edition shows the Chinese where there is none;
the data page says how often that happens."""

from __future__ import annotations

from registry import KINDS
from registry.model.fields import pairs
from registry.model.kinds import TITLE_FIELD
from registry.records.record import Registry


def english_coverage(registry: Registry) -> dict[str, dict[str, int]]:
    """kind → {"records", "named": with an English name, "texts": public texts, "translated": with an English form}."""
    out = {}
    for kind in KINDS:
        records = registry.all(kind)
        named = texts = translated = 0
        for record in records:
            name = record.get(TITLE_FIELD.get(kind, "name"))
            named += isinstance(name, dict) and bool(name.get("en"))
            for text in pairs(record.data):
                texts += 1
                translated += bool(text.get("en"))
        out[kind] = {"records": len(records), "named": named, "texts": texts, "translated": translated}
    return out
