"""CONTRACT §3: every row of the webhook table, and a rejected request changes nothing."""
from __future__ import annotations

import json
import time

import pytest

from db.models import Base
from tests import signing
from tests.conftest import Harness
from tests.events import event


def assert_nothing_changed(app: Harness) -> None:
    with app.rt.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            count = conn.execute(table.select()).fetchall()
            assert count == [], f"{table.name} has rows after a rejected request"
    app.deliver(1)
    assert app.fake.calls == [], "a rejected request reached Slack"


def test_accepted_then_duplicate(app: Harness) -> None:
    body = event()
    first = app.post_event(body)
    assert first.status_code == 202
    assert first.get_json() == {"accepted": True, "duplicate": False}
    again = app.post_event(body)
    assert again.status_code == 200
    assert again.get_json() == {"accepted": True, "duplicate": True}


def test_body_over_one_mib_is_413(app: Harness) -> None:
    raw = b"{" + b" " * (1024 * 1024) + b"}"
    response = app.post_event(raw)
    assert response.status_code == 413
    assert_nothing_changed(app)


@pytest.mark.parametrize("headers", [
    {},  # no signature at all
    {"X-Chatops-Timestamp": "1", "X-Chatops-Signature": "v1=00"},
])
def test_missing_or_wrong_signature_is_401(app: Harness, headers: dict[str, str]) -> None:
    raw = json.dumps(event()).encode()
    response = app.client.post("/webhooks/helpdesk", data=raw,
                               headers={"Content-Type": "application/json", **headers})
    assert response.status_code == 401
    assert_nothing_changed(app)


def test_signature_with_wrong_secret_is_401(app: Harness) -> None:
    response = app.post_event(event(), secret="not-the-secret")
    assert response.status_code == 401
    assert_nothing_changed(app)


def test_signature_of_another_body_is_401(app: Harness) -> None:
    raw = json.dumps(event()).encode()
    headers = signing.helpdesk_headers(raw)
    tampered = raw.replace(b"Cannot log in", b"Cannot log on")
    response = app.client.post("/webhooks/helpdesk", data=tampered, headers=headers)
    assert response.status_code == 401
    assert_nothing_changed(app)


@pytest.mark.parametrize("skew", [-301, 301, -3600])
def test_timestamp_more_than_300s_off_is_401(app: Harness, skew: int) -> None:
    response = app.post_event(event(), timestamp=int(time.time()) + skew)
    assert response.status_code == 401
    assert_nothing_changed(app)


def test_timestamp_within_window_is_accepted(app: Harness) -> None:
    assert app.post_event(event(), timestamp=int(time.time()) - 290).status_code == 202


def _without(path: str) -> dict:
    body = event()
    node = body
    *parents, leaf = path.split(".")
    for part in parents:
        node = node[part]
    del node[leaf]
    return body


@pytest.mark.parametrize("body, field", [
    (b"not json", None),
    (b"[1, 2]", None),
    ({**event(), "type": "ticket.deleted"}, "type"),
    (_without("id"), "id"),
    (_without("occurred_at"), "occurred_at"),
    (_without("ticket"), "ticket"),
    (_without("ticket.subject"), "ticket.subject"),
    (_without("ticket.requester"), "ticket.requester"),
    (event(priority="critical"), "ticket.priority"),
    (event(status="deleted"), "ticket.status"),
    (event(created_at="yesterday"), "ticket.created_at"),
    ({**event(), "type": "ticket.commented"}, "comment"),
    ({**event(), "type": "rating.created"}, "rating"),
    ({**event(), "type": "rating.created", "rating": {"id": "r1", "score": 7}}, "rating.score"),
    ({**event(), "type": "rating.created", "rating": {"id": "r1", "score": "awful"}},
     "rating.score"),
])
def test_schema_errors_are_400_with_the_field(app: Harness, body: dict | bytes,
                                              field: str | None) -> None:
    response = app.post_event(body)
    assert response.status_code == 400
    payload = response.get_json()
    assert payload["field"] == field
    assert payload["error"]
    assert_nothing_changed(app)


def test_duplicate_has_no_effect_at_all(app: Harness) -> None:
    body = event()
    app.post_event(body)
    app.deliver()
    calls_before = len(app.fake.calls)
    changed = dict(body, ticket=dict(body["ticket"], status="open", subject="Changed"))
    response = app.post_event(changed)  # same id, other content
    assert response.get_json() == {"accepted": True, "duplicate": True}
    app.deliver(1)
    assert len(app.fake.calls) == calls_before
    assert [m["text"] for m in app.fake.messages("C0SUPPORT")][0].count("Changed") == 0


@pytest.mark.parametrize("field, value", [
    ("created_at", "9999-12-31T23:59:59Z"),
    ("created_at", "1900-01-01T00:00:00Z"),
])
def test_dates_outside_any_sane_range_are_400(app: Harness, field: str, value: str) -> None:
    response = app.post_event(event(**{field: value}))
    assert response.status_code == 400
    assert response.get_json()["field"] == f"ticket.{field}"
    assert_nothing_changed(app)

