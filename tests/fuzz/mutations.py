"""Hypothesis strategies that mutate valid requests into hostile ones.

A JSON value is mutated as Python data and written by `dumps`, which can also write what
Python's json module never would: `Raw` text put in as is (`NaN`, `1e400`, a number of 5,000
digits, arrays nested 100,000 deep, broken JSON) and `Pairs`, an object whose keys repeat.
Strings are written with `\\uXXXX` escapes, so a lone surrogate or a NUL goes out as JSON
writes it. A form (a slash command) is mutated as its fields, then as its bytes.
"""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st


class Raw(str):
    """JSON text written as is."""


class Pairs(list[tuple[str, Any]]):
    """A JSON object as its (key, value) pairs, in order; a key may repeat."""


def dumps(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, Pairs):
        return "{" + ", ".join(f"{dumps(k)}: {dumps(v)}" for k, v in value) + "}"
    if isinstance(value, dict):
        return dumps(Pairs(value.items()))
    if isinstance(value, list):
        return "[" + ", ".join(dumps(v) for v in value) + "]"
    return json.dumps(value)  # ensure_ascii: "\ud800" and "\x00" go out as escapes


# -- hostile values ----------------------------------------------------------------------------
def _nested(depth: int, kind: str) -> Raw:
    return Raw("[" * depth + "]" * depth if kind == "[" else '{"a": ' * depth + "1" + "}" * depth)


UNHOLDABLE = ("\x00", "\ud800", "\udfff", "\ud83d", "\ude00")  # NUL, lone halves of pairs
ODD_NUMBERS = [Raw(t) for t in ("NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e-400",
                                "-0", "0.0", "1.5", "1E2", "0x10", "01", "+1", ".5", "1.",
                                "1" + "0" * 19, "1" + "0" * 300, "9" * 5000, "-" + "9" * 250)]
ODD_TEXT = ["", " ", "\n", "\t\r", "<!channel>", "<@U0ADMIN1>", "&amp;<>", "*bold* _i_ ~s~",
            "\u202eevil", "\ufeff", "\uffff", "\U0001f600", "a" * 100_000, "é" * 20_000,
            "9999-12-31T23:59:59-23:59", "0000-01-01T00:00:00Z", "2026-02-30T00:00:00Z",
            "1e10", "12.5", "true", "null", "{}", "[]", "https://", "javascript:alert(1)",
            "U" + "0" * 300, "/chatops", "payload=x"]


def text_with_unholdable() -> st.SearchStrategy[str]:
    """Text with NULs and lone surrogates among ordinary characters."""
    return st.lists(st.one_of(st.sampled_from(UNHOLDABLE), st.text(max_size=5)),
                    min_size=1, max_size=6).map("".join)


def hostile_values() -> st.SearchStrategy[Any]:
    leaf = st.one_of(st.none(), st.booleans(), st.integers(-(2 ** 70), 2 ** 70),
                     st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20))
    return st.one_of(
        leaf,  # type confusion
        st.sampled_from(ODD_NUMBERS),
        st.sampled_from(ODD_TEXT),
        text_with_unholdable(),
        st.builds(_nested, st.sampled_from([2, 63, 64, 65, 999, 1001, 20_000]),
                  st.sampled_from("[{")),
        st.just(_nested(100_000, "[")),
        st.lists(leaf, max_size=3),
        st.dictionaries(st.text(max_size=5), leaf, max_size=3),
        st.just(Raw('"\\ud800\\u0000"')), st.just(Raw('"\\uZZZZ"')), st.just(Raw("tru")),
    )


# -- mutating a JSON object --------------------------------------------------------------------
def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in `value` (the root first); a `Pairs` object is one place."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, path + (key,))
    elif isinstance(value, list) and not isinstance(value, Pairs):
        for i, item in enumerate(value):
            found += _paths(item, path + (i,))
    return found


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


OPERATIONS = ("replace", "replace", "replace", "delete", "extra", "duplicate", "wrap",
              "unholdable", "rename", "root")


@st.composite
def _mutate_once(draw: st.DrawFn, data: Any) -> Any:
    """One mutation somewhere in `data` (plain JSON data, changed in place)."""
    paths = _paths(data)[1:]
    op = draw(st.sampled_from(OPERATIONS))
    if op == "root" or not paths:  # the whole payload a string, a number, a list …
        return draw(st.one_of(hostile_values(), st.just([data])))
    *parent_path, key = draw(st.sampled_from(paths))
    parent = _get(data, tuple(parent_path))
    if op == "replace":
        parent[key] = draw(hostile_values())
    elif op == "unholdable" and isinstance(parent[key], str):
        at = draw(st.integers(0, len(parent[key])))
        parent[key] = parent[key][:at] + draw(st.sampled_from(UNHOLDABLE)) + parent[key][at:]
    elif op == "unholdable":
        parent[key] = draw(text_with_unholdable())
    elif op == "delete":
        del parent[key]
    elif op == "extra" and isinstance(parent, dict):
        parent[draw(st.one_of(st.text(max_size=10), text_with_unholdable()))] = draw(hostile_values())
    elif op == "extra":
        parent.append(draw(hostile_values()))
    elif op == "duplicate" and isinstance(parent, dict):
        pairs = Pairs(parent.items())
        pairs.insert(draw(st.integers(0, len(pairs))), (key, draw(hostile_values())))
        _put(data, tuple(parent_path), pairs)
    elif op == "wrap":
        parent[key] = draw(st.sampled_from([[parent[key]], {"value": parent[key]}]))
    elif op == "rename" and isinstance(parent, dict):
        value = parent.pop(key)
        parent[draw(st.sampled_from([str(key).upper(), f" {key}", f"{key}\x00", ""]))] = value
    return data


def _put(data: Any, path: tuple[Any, ...], value: Any) -> None:
    if not path:
        return  # the root stays a dict; a duplicated key at the top is done in the text
    _get(data, path[:-1])[path[-1]] = value


@st.composite
def mutated_json(draw: st.DrawFn, seed: dict[str, Any]) -> str:
    """`seed` (plain JSON data) with one to three mutations, written as JSON text."""
    data = json.loads(json.dumps(seed))
    for _ in range(draw(st.integers(1, 3))):
        if isinstance(data, dict | list):
            data = draw(_mutate_once(data))
    text = dumps(data)
    if draw(st.integers(0, 9)) == 0 and isinstance(data, dict) and data:  # a key twice at the top
        key = draw(st.sampled_from(sorted(data, key=str)))
        text = "{" + f"{dumps(key)}: {dumps(draw(hostile_values()))}, " + text[1:]
    return text


# -- mutating bytes ----------------------------------------------------------------------------
@st.composite
def mangled_bytes(draw: st.DrawFn, body: bytes) -> bytes:
    """Broken encodings of a body: cut short, bytes that are not UTF-8, a BOM, garbage."""
    op = draw(st.sampled_from(["cut", "invalid", "bom", "append", "random", "empty"]))
    if op == "cut":
        return body[:draw(st.integers(0, max(0, len(body) - 1)))]
    if op == "invalid":
        at = draw(st.integers(0, len(body)))
        bad = draw(st.sampled_from([b"\xff", b"\xc0\x80", b"\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
                                    b"%ff", b"%ED%A0%80", b"%zz", b"%", b"&&", b"=&=", b"%00"]))
        return body[:at] + bad + body[at:]
    if op == "bom":
        return b"\xef\xbb\xbf" + body
    if op == "append":
        return body + draw(st.sampled_from([b"}", b"]", b"garbage", b"\x00", b"&x", b"&payload=1"]))
    if op == "random":
        return draw(st.binary(max_size=200))
    return b""


# -- forms (slash commands) --------------------------------------------------------------------
def encode_form(pairs: list[tuple[str, str]]) -> bytes:
    """As a browser encodes a form; text that is not UTF-8 (a lone surrogate) is written as
    the bytes Python would give it, which no decoder accepts."""
    return "&".join(f"{quote(k, safe='', errors='surrogatepass')}="
                    f"{quote(v, safe='', errors='surrogatepass')}" for k, v in pairs).encode()


@st.composite
def mutated_form(draw: st.DrawFn, form: dict[str, str]) -> bytes:
    pairs = list(form.items())
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["drop", "odd", "unholdable", "duplicate", "extra", "empty"]))
        if not pairs:
            break
        i = draw(st.integers(0, len(pairs) - 1))
        name, value = pairs[i]
        if op == "drop":
            pairs.pop(i)
        elif op == "odd":
            pairs[i] = (name, draw(st.one_of(st.sampled_from(ODD_TEXT), st.text(max_size=30))))
        elif op == "unholdable":
            pairs[i] = (name, value + draw(st.sampled_from(UNHOLDABLE)))
        elif op == "duplicate":
            pairs.insert(draw(st.integers(0, len(pairs))), (name, draw(st.text(max_size=10))))
        elif op == "extra":
            pairs.append((draw(st.text(max_size=10)), draw(st.text(max_size=10))))
        else:
            pairs[i] = (name, "")
    return encode_form(pairs)
