"""The Kunshan registry of cooperation with universities and research institutes (大院大所).

Modules in the order data flows (see DESIGN.md → The flow):
yamlload → schemas → discover → model → crosscheck → check → progress → pages → render → writer.
"""

KINDS = ("district", "institute", "plan", "achievement", "event", "project", "talent", "carrier")
"""Every kind of record, in the order they are loaded and listed."""


def folder_of(kind: str) -> str:
    """Return the records/ folder name of a kind: plural, as in records/institutes/."""
    return kind + "s"
