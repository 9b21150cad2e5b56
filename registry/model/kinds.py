"""What names and dates a record of each kind: the field a title comes from, the date it is listed and counted by."""

TITLE_FIELD = {"event": "title"}
"""The field that names a record; `name` unless listed here."""

DATE_FIELD = {
    "achievement": "reported",
    "event": "start",
    "project": "signed",
    "talent": "date",
    "carrier": "established",
}
"""The date a record is listed and sorted by."""
