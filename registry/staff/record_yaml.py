"""A record written as YAML in the records' style: texts as zh/en mappings, phone numbers quoted, dates plain,
short lists inline, keys in the order given (what `import` writes for each row of a sheet)."""

from __future__ import annotations

import re
from typing import Any

import yaml

from registry.staff.sheet import Column

DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Quoted(str):
    """A phone number: always in double quotes, as the records write them."""


class _Date(str):
    """A YYYY-MM-DD date: written plain (the loader keeps it as text)."""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # no anchors or aliases, ever
        return True


_Dumper.add_representer(_Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))
_Dumper.add_representer(_Date, lambda d, v: d.represent_scalar("tag:yaml.org,2002:timestamp", str(v)))
_Dumper.add_representer(
    str, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style="|" if "\n" in v else None)
)
_Dumper.add_representer(
    list, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=all(isinstance(i, str) for i in v))
)


def to_yaml(data: dict, cols: list[Column]) -> str:
    """Block-style YAML like records/: texts as zh/en mappings, quoted phones, plain dates, short lists inline."""
    shapes = {c.path: c.shape for c in cols}

    def mark(value: Any, path: tuple) -> Any:
        if isinstance(value, dict):
            return {k: mark(v, path + (k,)) for k, v in value.items()}
        if isinstance(value, str) and shapes.get(path) == "phone":
            return _Quoted(value)
        if isinstance(value, str) and shapes.get(path) == "date" and DATE_TEXT.match(value):
            return _Date(value)
        return value

    return yaml.dump(
        mark(data, ()), Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1_000_000
    )
