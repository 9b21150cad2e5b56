"""The staff forms: one page per kind staff add (forms/<kinds>.html) and their index, generated from the schemas.

A form writes a record file in the browser, checks it there against the same schemas and the project's own rules
(site_templates/assets/record-check.js) and ends on the repository host's new-file page (site.yaml `repository`),
i.e. in a pull request, or in a download. Everything the page needs is computed here: the widgets (form_fields.py),
the rules, the records a reference may name, the ids already taken, the host's addresses and the messages, in the
page's language. The pages carry noindex and are linked from the menu only when site.yaml says so.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from registry import KINDS, folder_of
from registry.model.kinds import TITLE_FIELD
from registry.pages.base import Site
from registry.pages.directories import ordered_fields
from registry.pages.form_fields import FORM_KINDS, FormFields, rules
from registry.pages.render import Page
from registry.pages.urls import form_url, kind_downloads, repository_urls

MAX_URL = 8000
"""The longest new-file address a form opens: GitHub answers a request line over 8,191 bytes with 414 (github/docs
issue 5136); a longer record is copied or downloaded instead. Browsers allow far more (Chromium 2 MB)."""

SCRIPTS = (
    "assets/vendor/yaml.js",
    "assets/vendor/json-schema.js",
    "assets/record-check.js",
    "assets/record-yaml.js",
    "assets/forms.js",
)
"""The form's scripts, classic (a file:// page loads no ES module), in the order they need each other."""

JS_MESSAGES = "form.js."
"""Catalogue keys the form's script shows (with {placeholders} it fills in), handed to it in the page's language."""


def plan(site: Site) -> list[Page]:
    """The forms index and one form per kind staff add."""
    cat = site.cat
    home = site.home_crumb()
    index = ("forms/index.html", cat.t("form.index_title"))
    forms = [
        {"url": form_url(kind), "text": cat.t(f"form.title.{kind}"), "kind": site.plural(kind)} for kind in FORM_KINDS
    ]
    repository = repository_urls(site.settings)
    pages = [
        site.page(
            index[0],
            "forms_index.html",
            index[1],
            [home],
            forms=forms,
            repository=repository is not None,
            scripts=[],
        )
    ]
    options = ref_options(site)
    widgets = FormFields(site.registry.schemas, cat, options)
    for kind in FORM_KINDS:
        data = form_data(site, kind, repository)
        pages.append(
            site.page(
                form_url(kind),
                "form.html",
                cat.t(f"form.title.{kind}"),
                [home, index],
                kind=kind,
                fields=widgets.fields(kind),
                file_path=f"records/{folder_of(kind)}/",
                data_url=kind_downloads(kind)["json"],
                repository=repository is not None,
                data_json=script_json(data),
                scripts=list(SCRIPTS),
            )
        )
    return pages


def ref_options(site: Site) -> dict[str, list[dict[str, Any]]]:
    """For each kind a form may refer to: its records as options (id, name with short names, sample mark), only
    those fields read."""
    out = {}
    referred = {
        node["x-ref"] for kind in FORM_KINDS for _path, node in site.registry.schemas.walk(kind) if "x-ref" in node
    }
    for kind in sorted(referred):
        options = []
        for record in ordered_fields(site, kind, (TITLE_FIELD.get(kind, "name"), "aliases", "sample")):
            name = site.views.name(record)
            aliases = record.get("aliases") or []
            cat = site.cat
            listed = cat.t("punct.list").join(aliases)
            # Short names are Chinese: on an English page they stay out of the option's text (an <option> cannot
            # mark a part of its text as Chinese) and are matched by the picker's filter from data-aliases.
            text = name + (cat.t("punct.paren", text=listed) if aliases and cat.lang == "zh" else "")
            if record.sample:
                text += " · " + site.cat.t("badge.sample")
            options.append({"value": record.id, "text": text, "sample": record.sample, "aliases": listed})
        out[kind] = options
    return out


def form_data(site: Site, kind: str, repository: dict[str, str] | None) -> dict[str, Any]:
    """What the form's script is handed: the schemas, this kind's rules, the records references may name, the ids
    taken, the host's addresses and the messages, all in the page's language."""
    registry, cat = site.registry, site.cat
    kind_rules = rules(registry.schemas, kind)
    referred = sorted({entry["ref"] for entry in kind_rules["fields"].values() if "ref" in entry})
    return {
        "kind": kind,
        "folder": folder_of(kind),
        "lang": cat.lang,
        "schemas": registry.schemas.files,
        "rules": {kind: kind_rules},
        "world": world(site, [kind, *referred]),
        "repository": repository,
        "max_url": MAX_URL,
        "messages": cat.script_texts(
            JS_MESSAGES, [key[len(JS_MESSAGES) :] for key in sorted(cat.messages) if key.startswith(JS_MESSAGES)]
        ),
        "kind_names": {k: cat.t(f"kind_one.{k}") for k in KINDS},
    }


def world(site: Site, kinds: list[str]) -> dict[str, dict[str, Any]]:
    """The published records of some kinds by id: their sample flag and name (for references and taken ids); only
    those fields are read (registry/model/fields.py), so an edit of another field leaves the forms alone."""
    return {
        kind: {
            record.id: {"sample": record.sample, "name": site.views.name(record), "parent": record.get("parent")}
            for record in site.registry.fields(kind, (TITLE_FIELD.get(kind, "name"), "sample", "parent"))
        }
        for kind in kinds
    }


def script_json(data: Any) -> Markup:
    """JSON for a <script type="application/json"> block: `<` written as \\u003c, so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
