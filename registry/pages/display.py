"""How figures and fields are shown, in one place: status symbols and labels, progress cells, percentages, sample
notes, the ≥ 5 partners verdict, and field labels by language."""

from __future__ import annotations

import math
from typing import Any

from registry.pages.catalogue import Catalogue
from registry.records.schemas import SchemaSet

STATUS_SYMBOL = {"achieved": "✓", "on-track": "→", "behind": "!", "not-started": "–"}
"""A progress status as a symbol beside its label (the colour is never the only sign)."""

MET_SYMBOL = {True: "✓", False: "!"}
"""The ≥ 5 partners check: met or not."""


def status_label(cat: Catalogue, status: str, closed: bool) -> str:
    """A status in words; "behind" in a closed plan is final (未完成), not a warning."""
    return cat.t(f"status.{status}" + (".final" if closed and status == "behind" else ""))


def percent_text(percent: int | None) -> str:
    return "—" if percent is None else f"{percent}%"


def pace_text(expected: float, target: int) -> str:
    """What is due by now as people say it: a whole number, or one decimal where the target is under 10 (0.8 of a
    target of 1). Rounded up, so the figure shown and the status agree: an actual (a whole count) is at least the
    exact figure exactly when it is at least the one shown."""
    step = 10 if target < 10 else 1
    shown = math.ceil(round(expected * step, 6)) / step
    return f"{shown:,.1f}".removesuffix(".0") if step == 10 else f"{int(shown):,}"


def sample_text(cat: Catalogue, samples: int) -> str:
    """“其中示例 n” beside a figure that counts sample records; nothing when none is counted."""
    return cat.t("sample.of", n=samples) if samples else ""


def cell(cat: Catalogue, plan: dict, metric: dict, cell: dict, url: str) -> dict[str, Any]:
    """A progress cell as the status-cell macro shows it."""
    status = cell["status"]
    return {
        **cell,
        "url": url,
        "metric": cat.text(metric["name"]),
        "unit": cat.text(metric["unit"]),
        "status_label": status_label(cat, status, bool(plan.get("closed"))),
        "symbol": STATUS_SYMBOL.get(status, ""),
        "part_of": metric.get("part_of"),
        "part_of_text": part_of_text(cat, plan, metric),
        "percent_text": percent_text(cell["percent"]),
        "sample_text": sample_text(cat, cell["samples"]),
        "bar": min(100, cell["percent"] or 0) if cell["percent"] is not None else 0,
    }


def part_of_text(cat: Catalogue, plan: dict, metric: dict) -> str:
    """A sub-target in words (省级以上重点实验室 is part of the carriers target), or nothing for a metric of its own."""
    parent = next((m for m in plan.get("metrics", []) if m["id"] == metric.get("part_of")), None)
    return cat.t("progress.part_of", parent=cat.text(parent["name"])) if parent else ""


def partner_text(cat: Catalogue, entry: dict) -> str:
    """The ≥ 5 partners check as one sentence; sample partners are never counted, and the sentence says how many."""
    if entry["met"]:
        text = cat.t("partners.check_met", n=entry["count"])
    else:
        text = cat.t("partners.check_unmet", n=entry["count"], missing=entry["required"] - entry["count"])
    if entry.get("samples"):
        text += cat.t("partners.samples_left_out", n=entry["samples"])
    return text


def partner_view(cat: Catalogue, entry: dict | None) -> dict[str, Any] | None:
    """A partner_indicator entry with its sentence, symbol and verdict, for district pages, reports and cards."""
    if entry is None:
        return None
    return {
        **entry,
        "text": partner_text(cat, entry),
        "symbol": MET_SYMBOL[entry["met"]],
        "state": "met" if entry["met"] else "unmet",
        "status": "achieved" if entry["met"] else "behind",
        "verdict": cat.t("partners.yes" if entry["met"] else "partners.no"),
        "samples_text": cat.t("partners.samples_short", n=entry["samples"]) if entry.get("samples") else "",
    }


def field_label(node: dict, lang: str, default: str) -> str:
    """A field's title in a language: the schema's `title` (Chinese) or `x-title-en`."""
    return node.get("title" if lang == "zh" else "x-title-en", default)


def field_labels(schemas: SchemaSet, kind: str, lang: str) -> dict[str, str]:
    """Field name → its title in a language; a group's fields as group_field (lead.title as lead_title)."""
    labels = {name: field_label(node, lang, name) for name, node in schemas.properties(kind).items()}
    for name, node in schemas.properties(kind).items():
        for sub in node.get("properties", {}):
            if sub not in ("zh", "en"):
                labels[f"{name}_{sub}"] = schemas.title(kind, (name, sub))[0 if lang == "zh" else 1]
    return labels
