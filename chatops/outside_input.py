"""Bodies that came from outside (a helpdesk, Slack), read strictly, and the one rule for
their text.

`load_json` and `load_form` either return plain data that every later step can hold, or
raise `Refused` saying what is wrong and where (a dotted path such as `ticket.subject`):
- JSON is UTF-8 (RFC 8259); nested at most `MAX_DEPTH` deep; its numbers are finite
  (`NaN`, `Infinity` and `1e400` are refused) and integers at most `MAX_DIGITS` digits
  long; no object has the same key twice (parsers disagree on which one wins).
- A form (`application/x-www-form-urlencoded`) is UTF-8 once percent-decoded, each field
  is `name=value`, and no name comes twice.
- The text rule, for every string of either (names and values alike): text that no database
  or Slack can hold, a NUL or half of a UTF-16 surrogate pair (JSON can write `"\\ud800"`),
  is replaced with U+FFFD, the replacement character, as a UTF-8 decoder does with bytes it
  cannot read. A helpdesk that cut an emoji in two still gets its event stored.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any
from urllib.parse import parse_qsl

MAX_DEPTH = 64  # an event is 4 deep, a Slack payload with rich text about 12
MAX_DIGITS = 200  # the longest id we keep is 200 characters
MAX_FORM_FIELDS = 100
REPLACEMENT = "\ufffd"
_UNHOLDABLE = re.compile("[\x00\ud800-\udfff]")


class Refused(ValueError):
    """Why a body cannot be read, and the dotted path of the field (None: the body)."""

    def __init__(self, error: str, field: str | None) -> None:
        super().__init__(error)
        self.error = error
        self.field = field


def clean_text(text: str) -> str:
    """The text rule: each NUL and each lone surrogate becomes U+FFFD."""
    return text if _UNHOLDABLE.search(text) is None else _UNHOLDABLE.sub(REPLACEMENT, text)


def unix_seconds(header: str | None) -> int | None:
    """A timestamp header as signers write it, ASCII digits only (no sign, space, `_`,
    `1e10` or `12.5`), else None."""
    if header is None or not (header.isascii() and header.isdigit()) or len(header) > 12:
        return None
    return int(header)


def load_json(raw: bytes | str, what: str = "body") -> Any:
    """`raw` as plain data (dicts, lists, str, int, float, bool, None), text cleaned."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Refused(f"{what} is not valid JSON: not UTF-8 (byte {exc.start})", None) from None
    try:
        data = json.loads(raw, object_pairs_hook=_object, parse_int=_integer,
                          parse_float=_float, parse_constant=_constant)
    except RecursionError:
        raise Refused(f"{what} is not valid JSON: nested more than {MAX_DEPTH} deep", None) from None
    except ValueError as exc:  # json.JSONDecodeError included
        raise Refused(f"{what} is not valid JSON: {exc}", None) from None
    return _clean(data, "", 0)


def load_form(raw: bytes) -> dict[str, str]:
    """A form body as {name: value}, text cleaned."""
    try:
        text = raw.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True, errors="strict",
                          max_num_fields=MAX_FORM_FIELDS)
    except UnicodeDecodeError as exc:
        raise Refused(f"form is not UTF-8 (byte {exc.start})", None) from None
    except ValueError as exc:  # "bad query field: 'x'", too many fields
        raise Refused(f"form is not name=value&…: {exc}", None) from None
    form: dict[str, str] = {}
    for name, value in pairs:
        name = clean_text(name)
        if name in form:
            raise Refused(f"{name}: the field appears twice", name)
        form[name] = clean_text(value)
    return form


# -- what json.loads is told to build, and the walk that checks it -------------------------
class _Duplicated(dict[str, Any]):
    duplicate: str


class _Bad:
    """A number json.loads met that we refuse: reported with its path by `_clean`."""

    def __init__(self, why: str) -> None:
        self.why = why


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    made = dict(pairs)
    if len(made) == len(pairs):
        return made
    seen: set[str] = set()
    flagged = _Duplicated(made)
    flagged.duplicate = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
    return flagged


def _integer(text: str) -> int | _Bad:
    digits = len(text.lstrip("-"))
    return int(text) if digits <= MAX_DIGITS else _Bad(f"a number of {digits} digits")


def _float(text: str) -> float | _Bad:
    value = float(text)
    return value if math.isfinite(value) else _Bad(f"{text[:20]} is out of range")


def _constant(text: str) -> _Bad:
    return _Bad(f"{text} is not a JSON number")


def _at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _clean(value: Any, path: str, depth: int) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict | list) and depth >= MAX_DEPTH:
        raise Refused(f"{path or 'body'}: nested more than {MAX_DEPTH} deep", path or None)
    if isinstance(value, _Duplicated):
        where = _at(path, clean_text(value.duplicate))
        raise Refused(f"{where}: the key appears twice", where)
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = clean_text(key)
            if name in out:  # two keys that differ only in what the text rule replaced
                raise Refused(f"{_at(path, name)}: the key appears twice", _at(path, name))
            out[name] = _clean(item, _at(path, name), depth + 1)
        return out
    if isinstance(value, list):
        return [_clean(item, _at(path, i), depth + 1) for i, item in enumerate(value)]
    if isinstance(value, _Bad):
        raise Refused(f"{path or 'body'}: {value.why}", path or None)
    return value
