"""Public contact points: a district's office (its record's `office`), else the municipal office (site.yaml `contact`);
`check`'s warning about a record page that would show neither (the page's contact box: registry/pages/contact.py).

Only an office's public fields, never a person's. An office marked `example: true` holds invented details for the
demonstration: it is shown, marked, while samples are built, and treated as absent when they are not. An office
with neither phone, e-mail nor address cannot be reached and counts as no contact.
"""

from __future__ import annotations

from typing import Any

from registry.problems import Problem
from registry.records.record import Record, Registry

CONTACT_KINDS = ("achievement", "project", "talent", "carrier")
"""Kinds whose pages an enterprise acts on: `check` warns when one would have no contact at all."""

REACHABLE = ("phone", "email", "address")


def usable(office: Any, with_examples: bool) -> bool:
    """Whether an office can be shown as a way to get in touch."""
    return (
        isinstance(office, dict)
        and any(office.get(field) for field in REACHABLE)
        and (with_examples or office.get("example") is not True)
    )


def contact_source(record: Record, registry: Registry, settings: dict, with_examples: bool) -> tuple[str, dict] | None:
    """Where a record's page sends people: ("district", office) of the district it belongs to (a district's own
    office on its page), else ("municipal", site.yaml contact); None when neither can be reached."""
    district_id = record.id if record.kind == "district" else record.get("district")
    district = registry.get("district", district_id) if isinstance(district_id, str) else None
    if district is not None and usable(district.get("office"), with_examples):
        return "district", district.get("office")
    municipal = settings.get("contact")
    if usable(municipal, with_examples):
        return "municipal", {**municipal, "name": municipal.get("office")}
    return None


def contact_warnings(registry: Registry, settings: dict) -> list[Problem]:
    """With `include_samples: false` (a site that publishes only real records), one warning per record page of
    CONTACT_KINDS that would show no way to get in touch: no real office for its district, none in site.yaml."""
    if settings.get("include_samples") is not False:
        return []
    warnings = []
    for kind in CONTACT_KINDS:
        for record in registry.all(kind):
            if record.sample or contact_source(record, registry, settings, with_examples=False) is not None:
                continue
            district_id = record.get("district")
            line, column = record.doc.where(("district",)) if isinstance(district_id, str) else (1, 1)
            if isinstance(district_id, str):
                fix_zh = f"在 records/districts/{district_id}.yaml 的 office 或 site.yaml 的 contact 中"
                fix_en = f"give the office in records/districts/{district_id}.yaml, or contact in site.yaml,"
            else:
                fix_zh, fix_en = "在 site.yaml 的 contact 中", "give contact in site.yaml"
            warnings.append(
                Problem(
                    record.src_path,
                    line,
                    column,
                    "district" if isinstance(district_id, str) else "",
                    "no-contact",
                    "发布后这条记录的页面没有任何联系方式（区镇和市级办公室都没有真实的电话、邮箱或地址）",
                    "once published, this record's page shows no way to get in touch (no real phone, e-mail or address "
                    "for its district or the municipal office)",
                    f"{fix_zh}填写真实的电话、邮箱或地址，并删除 example: true",
                    f"{fix_en} a real phone, e-mail or address, without example: true",
                    level="warning",
                )
            )
    return warnings
