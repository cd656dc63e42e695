"""How parsers show a value they refuse: text in double quotes, anything else as Python writes it."""
from __future__ import annotations


def quoted(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)
