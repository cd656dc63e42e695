"""Reading app.yaml: YAML with line numbers, every problem reported at once with its place."""
from __future__ import annotations

import difflib
import os
import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ValidationError

from chatops.config.app_config import AppConfig, cross_field_errors
from chatops.config.errors import ConfigError, CrossFieldError, Loc, format_loc


def _show(value: Any) -> str:
    text = f'"{value}"' if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _fields_at(loc: Loc) -> list[str]:
    """Field names of the model that holds the last element of ``loc``."""
    tp: Any = AppConfig
    for part in loc[:-1]:
        while True:  # unwrap Annotated / Optional
            origin = typing.get_origin(tp)
            if origin is Annotated:
                tp = typing.get_args(tp)[0]
            elif origin in (typing.Union, types.UnionType):
                tp = next(a for a in typing.get_args(tp) if a is not type(None))
            else:
                break
        if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str) and part in tp.model_fields:
            tp = tp.model_fields[part].annotation
        elif typing.get_origin(tp) in (list, dict):
            tp = typing.get_args(tp)[-1]
        else:
            return []
    return list(tp.model_fields) if isinstance(tp, type) and issubclass(tp, BaseModel) else []


def _message(err: Any) -> str:
    kind, value, loc = err["type"], err.get("input"), err["loc"]
    if kind == "missing":
        return "is required" + (" (at least one team with a name and a channel)" if loc == ("teams",) else "")
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(loc[-1]), _fields_at(loc), n=1)
        return "unknown key" + (f' (did you mean "{close[0]}"?)' if close else "")
    if kind == "literal_error":
        return f"{_show(value)} is not allowed (expected {err['ctx']['expected']})"
    if kind == "value_error":
        return str(err["ctx"]["error"])
    if kind == "list_type":
        return f"expected a list, got {_show(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping (key: value), got {_show(value)}"
    if kind == "string_type":
        return f"expected text, got {_show(value)} (quote it)"
    if kind.startswith(("date_", "datetime_")):
        return f"expected a date YYYY-MM-DD, got {_show(value)}"
    if kind == "too_short":
        return "must not be empty"
    return f"{err['msg'].replace('Input should be', 'must be')}, got {_show(value)}"


# --- YAML line lookup ------------------------------------------------------------------


def _line_of(node: yaml.Node | None, loc: Loc) -> int | None:
    """1-based line of the deepest YAML node found along ``loc``."""
    line = node.start_mark.line + 1 if node is not None and loc else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if str(k.value) == str(part)), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _duplicate_keys(node: yaml.Node, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """PyYAML keeps the last of two equal keys silently; report them instead."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value)
            if name in seen and name != "<<":
                yield loc + (name,), f"the key appears twice (first at line {seen[name]})"
            seen.setdefault(name, key.start_mark.line + 1)
            yield from _duplicate_keys(value, loc + (name,))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _duplicate_keys(item, loc + (i,))


def _format(items: list[tuple[Loc, str]], node: yaml.Node | None) -> list[str]:
    lines = [_line_of(node, loc) for loc, _ in items]

    def by_line(i: int) -> int:
        line = lines[i]
        return 10**9 if line is None else line

    order = sorted(range(len(items)), key=by_line)
    out = []
    for i in order:
        loc, msg = items[i]
        text = f"{format_loc(loc)}: {msg}" + (f" (line {lines[i]})" if lines[i] is not None else "")
        if text not in out:
            out.append(text)
    return out


def _validate(data: Any, node: yaml.Node | None) -> AppConfig:
    if not isinstance(data, dict):
        raise ConfigError([f"(top level): expected a mapping of settings (timezone:, teams:, …), got {_show(data)}"])
    items = list(_duplicate_keys(node)) if node is not None else []
    try:
        config = AppConfig.model_validate(data)
    except CrossFieldError as exc:
        items += exc.items
    except ValidationError as exc:
        items += [(tuple(e["loc"]), _message(e)) for e in exc.errors()] + cross_field_errors(data)
    else:
        if not items:
            return config
    raise ConfigError(_format(items, node))


# An unquoted "#RRGGBB" after `key:`, `[`, `{`, `,` or `- `: YAML reads a comment from there on.
_UNQUOTED_COLOUR = re.compile(r"(?:[:\[{,]|^\s*-)\s*(#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3}))\b")


def _syntax_error(where: Path, text: str, exc: yaml.YAMLError) -> list[str]:
    """Where YAML found the error, where the construct it was in started (an unclosed `[`
    is found lines later), and, for an unquoted `#colour` before it, to quote it."""
    mark = getattr(exc, "problem_mark", None)
    at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or str(exc)
    message = f"{where}: YAML syntax error{at}: {problem}"
    context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and start is not None and (mark is None or (start.line, start.column) != (
            mark.line, mark.column)):
        message += f" ({context} that started at line {start.line + 1}, column {start.column + 1})"
    last = mark.line if mark else len(text.splitlines())
    for number, line in reversed(list(enumerate(text.splitlines()[:last + 1], start=1))):
        found = _UNQUOTED_COLOUR.search(line)
        if found:
            colour = found.group(1)
            return [message, f"{where}: line {number}: an unquoted {colour} starts a YAML "
                             f'comment, and the rest of the line with it: quote it, "{colour}"']
    return [message]


def validate_config_data(data: dict[str, Any]) -> AppConfig:
    """Validate already parsed app.yaml data; raises ConfigError listing every problem."""
    return _validate(data, None)


def load_config(path: str | os.PathLike[str]) -> AppConfig:
    """Read and validate app.yaml; raises ConfigError listing every problem with its line."""
    where = Path(path)
    try:
        text = where.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{where}: no such file (use --config PATH or set CHATOPS_CONFIG)"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{where}: cannot read the file: {exc}"]) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise ConfigError(_syntax_error(where, text, exc)) from None
    finally:
        loader.dispose()
    if data is None:
        raise ConfigError([f"{where}: the file is empty (at least `teams:` is needed)"])
    return _validate(data, node)


