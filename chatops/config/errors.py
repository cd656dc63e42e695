"""Configuration errors that name their place in app.yaml: `teams[0].leads[1]: …`."""
from __future__ import annotations

import re

Loc = tuple[int | str, ...]


class ConfigError(Exception):
    """Invalid configuration; ``errors`` holds one "place: message" line per problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))

    def __str__(self) -> str:
        return "\n".join(self.errors)


class CrossFieldError(ConfigError):
    """Raised by AppConfig's own checks; keeps the raw locations for line lookup."""

    def __init__(self, items: list[tuple[Loc, str]]) -> None:
        self.items = items
        super().__init__([f"{format_loc(loc)}: {msg}" for loc, msg in items])



def format_loc(loc: Loc) -> str:
    """("teams", 0, "leads", 1) -> "teams[0].leads[1]"."""
    out = ""
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[\w-]+", str(part)):
            out += f".{part}" if out else str(part)
        else:
            out += f'["{part}"]'
    return out or "(top level)"
