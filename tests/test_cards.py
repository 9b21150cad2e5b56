"""A card made from the fields a list reads of its records (registry/pages/cards.py card_fields) is the card of the
whole record, in both editions: what lets a directory, its index.json and a record page's related sections depend on
those fields only, so that an edited summary leaves them alone (registry/engine/depends.py). A field the card reads
and card_fields misses raises FieldNotRead here; a wrong "(Chinese only)" marker shows as a different card."""

from __future__ import annotations

import sys

import pytest
from conftest import REPO

from registry import KINDS
from registry.engine.checking import check
from registry.model.fields import ENGLISH, english
from registry.model.public import public_view
from registry.pages.cards import CARD_FIELDS, Views, card_fields
from registry.pages.catalogue import Catalogue, load_messages

sys.path.insert(0, str(REPO / "bench"))
import generate


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    return {"shipped": REPO, "generated": generate.generate(tmp_path_factory.mktemp("cards") / "project", 150)}


@pytest.mark.parametrize("project", ["shipped", "generated"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_card_from_its_fields_is_the_card_of_the_whole_record(projects, project, lang):
    root = projects[project]
    result = check(root)
    assert result.ok, result.problems[:3]
    public = public_view(result.registry)
    views = Views(public, Catalogue(load_messages(root / "site_templates/messages.yaml"), result.schemas, lang))
    compared = 0
    for kind in KINDS:
        view = {r.id: r for r in public.fields(kind, card_fields(kind))}
        for record in public.all(kind):
            assert views.card(view[record.id]) == views.card(record), (kind, record.id)
            compared += 1
    assert compared == len(public)
    if project == "shipped":  # the shipped records reach every "other" a card shows with its own text
        for kind, fields in CARD_FIELDS.items():
            for field in (f.removesuffix("_other") for f in fields if f.endswith("_other")):
                assert any(r.get(field) == "other" for r in public.all(kind)), (kind, field)


def test_the_english_marker_says_whether_any_text_gives_english():
    assert english({"id": "a", "budget": 3}) is None
    assert english({"name": {"zh": "甲"}, "lead": {"name": {"zh": "乙"}}}) is False
    assert english({"name": {"zh": "甲"}, "lead": {"name": {"zh": "乙", "en": "Yi"}}}) is True
    assert english({"industries": [{"zh": "甲"}, {"zh": "乙", "en": ""}]}) is False
    assert english({"industries": [{"zh": "甲"}, {"zh": "乙", "en": "B"}]}) is True
    assert ENGLISH not in {name for kind in KINDS for name in CARD_FIELDS.get(kind, ())}
