"""What the policy asks of a district, as finished display values: the ≥ 5 partners sentence, the counterpart list
as Annex 2 gives it (open or closed, with notes on how an entry was read), the dedicated office and the plan."""

from __future__ import annotations

from typing import Any

from registry.pages.cards import Views
from registry.pages.catalogue import Catalogue
from registry.records.record import Record


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


def planned_view(views: Views, record: Record) -> dict[str, Any]:
    """A district's counterpart list as Annex 2 gives it: the institutes, whether the list ends in 等 (open), and the
    notes on how an entry was read (each entry with a note links to it)."""
    cat = views.cat
    notes = {note["institute"]: cat.text(note["note"]) for note in record.get("planned_notes") or []
             if isinstance(note, dict)}
    items = [{**views.link("institute", institute), "note_id": f"planned-note-{institute}" if institute in notes else None}
             for institute in record.get("planned_institutes") or []]
    open_ = record.get("planned_open") is True
    return {
        "items": items, "open": open_,
        "open_text": cat.t("planned.open") if open_ else "",
        "notes": [{"institute": views.link("institute", institute), "id": f"planned-note-{institute}", "note": text}
                  for institute, text in notes.items()],
    }


def office_view(views: Views, record: Record) -> dict[str, Any] | None:
    """What the policy asks of a district's science and technology department (a dedicated office, an implementation
    plan), and the plan itself when it is published; None for the departments' row, which has no such duty."""
    if record.get("kind") != "district":
        return None
    cat, plan = views.cat, record.get("implementation_plan")
    return {
        "duty": cat.t("district.duty"),
        "plan": {"url": plan["url"], "title": cat.text(plan.get("title")), "published": cat.date(plan.get("published"))}
        if isinstance(plan, dict) else None,
        "none": cat.t("district.no_plan"),
    }


def institute_notes(views: Views, districts: list[Record], institute_id: str) -> list[dict[str, Any]]:
    """The districts' notes on how an entry naming this institute was read (e.g. 杜克大学 in 高新区's list)."""
    return [{"district": views.link("district", district.id), "note": views.cat.text(note["note"])}
            for district in districts for note in district.get("planned_notes") or []
            if isinstance(note, dict) and note.get("institute") == institute_id]


def district_plans(views: Views, districts: list[Record]) -> list[dict[str, Any]]:
    """Every district (not the departments' row), in order, with its published implementation plan or None."""
    return [{"district": views.link("district", district.id), "office": office_view(views, district)}
            for district in districts if district.get("kind") == "district"]
