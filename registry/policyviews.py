"""What the policy asks of a district, as finished display values: the ≥ 5 partners sentence, the counterpart list
as Annex 2 gives it (open or closed, with notes on how an entry was read), the dedicated office and the plan."""

from __future__ import annotations

from typing import Any

from .catalogue import Catalogue


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
    """A partner_indicator entry with its sentence, for district pages, reports and report cards."""
    if entry is None:
        return None
    return {**entry, "text": partner_text(cat, entry),
            "samples_text": cat.t("partners.samples_short", n=entry["samples"]) if entry.get("samples") else ""}
