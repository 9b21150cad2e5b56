"""The Kunshan registry of cooperation with universities and research institutes (大院大所).

Folders in the order data flows (DESIGN.md → The flow): records (load and check) → model (the public registry) →
figures (progress, series, reports) → pages (the page plan) → outputs (downloads, feeds, search, privacy scan);
the engine runs them (workers, caches, dependency tracking, the output), and the staff tools stand on them. Beside
the folders, the base every stage uses: errors.py, problems.py, timings.py, and the kinds below.
"""

KINDS = ("district", "institute", "plan", "achievement", "event", "project", "talent", "carrier")
"""Every kind of record, in the order they are loaded and listed."""


def folder_of(kind: str) -> str:
    """Return the records/ folder name of a kind: plural, as in records/institutes/."""
    return kind + "s"
