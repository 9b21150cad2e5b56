"""A record page's contact box as finished values: the office a record's page sends people to (registry/records/
contacts.py), with tel: and mailto: links, marked when its details are an example."""

from __future__ import annotations

import re
from typing import Any

from registry.pages.catalogue import Catalogue
from registry.records.contacts import contact_source
from registry.records.record import Record, Registry


def tel_href(phone: str) -> str:
    """A phone number as a tel: link: digits only, a Chinese area code (0512…) written +86 512…"""
    digits = re.sub(r"[^0-9+]", "", phone)
    return "tel:" + ("+86" + digits[1:] if digits.startswith("0") else digits)


def contact_view(
    record: Record, registry: Registry, settings: dict, cat: Catalogue, with_examples: bool
) -> dict[str, Any]:
    """A record page's contact box as finished values (cat: the page's Catalogue)."""
    source = contact_source(record, registry, settings, with_examples)
    district_id = record.id if record.kind == "district" else record.get("district")
    district = registry.get("district", district_id) if isinstance(district_id, str) else None
    private_lead = cat.t("contact.private_lead") if record.kind == "achievement" else ""
    if source is None:
        return {"found": False, "example": False, "private_lead": private_lead}
    where, office = source
    name = cat.text(office.get("name"))
    key = "contact.intro_achievement" if record.kind == "achievement" and where == "district" else "contact.intro"
    lines = []
    if office.get("phone"):
        lines.append({"label": cat.t("contact.phone"), "text": office["phone"], "href": tel_href(office["phone"])})
    if office.get("email"):
        lines.append({"label": cat.t("contact.email"), "text": office["email"], "href": f"mailto:{office['email']}"})
    for field in ("address", "hours"):
        if office.get(field):
            lines.append({"label": cat.t(f"contact.{field}"), "text": cat.text(office[field]), "href": None})
    fallback = ""
    if where == "municipal" and district is not None and district.get("kind") == "district":
        fallback = cat.t("contact.fallback", district=cat.text(district.get("name")))
    return {
        "found": True,
        "intro": cat.t(key, office=name),
        "office": name,
        "lines": lines,
        "example": office.get("example") is True,
        "fallback": fallback,
        "private_lead": private_lead,
    }
