"""CONTRACT §3 against a hostile or buggy helpdesk: no request gets a 5xx; a bad body is a 400
naming its field; text nobody can hold is replaced, in every field; the one 503 is the
database being unreachable, and says so."""
from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from sqlalchemy import String, Text

from db.models import Base, OutboxMessage
from tests import signing
from tests.conftest import Harness
from tests.events import comment, event
from tests.handlers.test_webhook import assert_nothing_changed


def _set(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    node = body
    *parents, leaf = path.split(".")
    for part in parents:
        node = node[part]
    node[leaf] = value
    return body


def _full(kind: str) -> dict[str, Any]:
    if kind == "comment":
        return comment(event(), "Hello Ann")
    rated = {**event(), "type": "rating.created"}
    rated["rating"] = {"id": "r-1", "score": "bad", "comment": "Slow answer",
                       "agent": {"name": "Bob Agent", "email": "bob@example.com"}}
    return rated


def _strings(value: Any) -> list[str]:
    """Every string in a value, in JSON text too (outbox rows keep their messages so)."""
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if not isinstance(value, str):
        return []
    try:
        inner = json.loads(value)
    except ValueError:
        return [value]
    return [value, *_strings(inner)] if isinstance(inner, dict | list) else [value]


def _kept_and_sent(app: Harness) -> list[str]:
    """The text of every row of every table, and of every call Slack received."""
    with app.rt.engine.connect() as conn:
        stored = [value for table in Base.metadata.sorted_tables
                  for row in conn.execute(table.select())
                  for column, value in zip(table.columns, row)
                  if isinstance(column.type, String | Text) and isinstance(value, str)]
    return _strings(stored) + _strings([call.args for call in app.fake.calls])


TEXT_FIELDS = [("comment", p) for p in (
    "id", "ticket.id", "ticket.subject", "ticket.url", "ticket.requester.name",
    "ticket.requester.email", "ticket.assignee.name", "ticket.assignee.email", "comment.id",
    "comment.author.name", "comment.author.email", "comment.author_role", "comment.body")] + [
    ("rating", p) for p in ("rating.id", "rating.comment", "rating.agent.name",
                            "rating.agent.email")]


NEITHER_KEPT_NOR_SHOWN = ("comment.id", "comment.author.email")


@pytest.mark.parametrize("unholdable", ["\x00", "\ud800"])
@pytest.mark.parametrize("kind, path", TEXT_FIELDS)
def test_a_nul_or_a_lone_surrogate_is_replaced_in_every_text_field(
        app: Harness, kind: str, path: str, unholdable: str) -> None:
    body = _set(_full(kind), path, f"Ann{unholdable}x")
    raw = json.dumps(body).encode()  # ensure_ascii: written as \\u0000, \\ud800 escapes
    assert b"\\u" in raw
    response = app.post_event(raw)
    assert response.status_code == 202, response.get_json()
    app.deliver()
    seen = _kept_and_sent(app)
    assert not any(ch in text for text in seen for ch in ("\x00", "\ud800", "\udfff"))
    if path not in NEITHER_KEPT_NOR_SHOWN:
        assert any("Ann\ufffdx" in text for text in seen), path
    assert [row.status for row in app.rows(OutboxMessage) if row.status == "failed"] == []


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _with(raw_json: str, at: str = "subject") -> bytes:
    """An event whose `ticket.<at>` (or `id`) is this raw JSON text."""
    body = event(event_id="@@") if at == "id" else event(**{at: "@@"})
    return json.dumps(body).replace('"@@"', raw_json).encode()


@pytest.mark.parametrize("raw, field", [
    (_nested(100_000).encode(), None),
    (_with(_nested(5000)), None),
    (_with(_nested(70)), "ticket.subject[0][0]…"),
    (_with('"a", "id": "b"', at="id"), "id"),
    (_with('"S", "subject": "T"'), "ticket.subject"),
    (_with("1" + "0" * 5000, at="id"), "id"),
    (_with("NaN"), "ticket.subject"),
    (_with("-Infinity"), "ticket.subject"),
    (_with("1e400"), "ticket.subject"),
    (json.dumps(event(subject="S")).replace('"S"', '"\xff"').encode("latin-1"), None),
    (b"\xef\xbb\xbf" + json.dumps(event()).encode(), None),
    (json.dumps({**event(), "type": "ticket.commented",
                 "comment": {"id": "c", "author": {"name": "A"}, "author_role": "x" * 41,
                             "public": True, "body": "b"}}).encode(), "comment.author_role"),
    (json.dumps(event(created_at="9999-12-31T23:59:59-23:59")).encode(), "ticket.created_at"),
])
def test_what_a_parser_chokes_on_is_400_naming_the_field(app: Harness, raw: bytes,
                                                         field: str | None) -> None:
    response = app.post_event(raw)
    assert response.status_code == 400, response.data[:300]
    named = response.get_json()["field"]
    assert named == field or field and field.endswith("…") and named.startswith(field[:-1])
    assert_nothing_changed(app)


@pytest.mark.parametrize("timestamp", ["1e10", "12.5", " {now}", "+{now}", "{now}_0",
                                       "\u0661\u0662\u0663", "", "9" * 5000])
def test_a_timestamp_that_is_not_whole_seconds_is_401(app: Harness, timestamp: str) -> None:
    import time

    raw = json.dumps(event()).encode()
    ts = timestamp.format(now=int(time.time()))
    headers = {"Content-Type": "application/json", "X-Chatops-Timestamp": ts,
               "X-Chatops-Signature": signing.helpdesk_headers(raw)["X-Chatops-Signature"]}
    assert app.client.post("/webhooks/helpdesk", data=raw, headers=headers).status_code == 401
    assert_nothing_changed(app)


def test_a_signature_that_is_not_ascii_is_401(app: Harness) -> None:
    raw = json.dumps(event()).encode()
    headers = signing.helpdesk_headers(raw)
    headers["X-Chatops-Signature"] = "v1=\u00e9" + headers["X-Chatops-Signature"][4:]
    assert app.client.post("/webhooks/helpdesk", data=raw, headers=headers).status_code == 401
    assert_nothing_changed(app)


def test_database_unreachable_is_the_one_503_and_says_so(database_gone: Harness,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    response = database_gone.post_event(event())
    assert response.status_code == 503
    assert "database unavailable" in response.get_json()["error"]
    assert "Traceback" not in caplog.text


def test_a_fault_of_ours_is_400_logged_once_with_its_traceback(
        app: Harness, caplog: pytest.LogCaptureFixture) -> None:
    def broken_hook(*_: Any) -> bool:
        raise ZeroDivisionError("a bug in a hook")

    app.rt.ingest.hooks.append(broken_hook)
    with caplog.at_level(logging.ERROR):
        response = app.post_event(event())
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["field"] is None and "not stored" in answer["error"]
    faults = [r for r in caplog.records if r.exc_info]
    assert len(faults) == 1 and faults[0].exc_info[0] is ZeroDivisionError  # type: ignore[index]
    assert_nothing_changed(app)
