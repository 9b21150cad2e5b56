"""The editor settings staff get with the repository: VS Code + Red Hat YAML checks each record against its schema."""

from __future__ import annotations

import json

from conftest import REPO

from registry import KINDS, folder_of

SETTINGS = REPO / ".vscode/settings.json"


def test_every_kind_folder_is_mapped_to_its_schema():
    settings = json.loads(SETTINGS.read_text(encoding="utf-8"))

    mapping = settings["yaml.schemas"]

    for kind in KINDS:
        assert mapping.get(f"./schemas/{kind}.schema.json") == f"records/{folder_of(kind)}/*.yaml"
    assert mapping.get("./schemas/site.schema.json") == "site.yaml"
    for schema_path in mapping:
        assert (REPO / schema_path).is_file(), f"{schema_path} does not exist"


def test_files_are_saved_as_utf8_and_yaml_is_indented_with_spaces():
    settings = json.loads(SETTINGS.read_text(encoding="utf-8"))

    assert settings["files.encoding"] == "utf8"
    assert settings["[yaml]"]["editor.insertSpaces"] is True
