"""Forged or malformed QA payloads change nothing: unsigned ones get 401 before anything is
read; signed ones naming nothing we know, or shaped wrong, store and send nothing (and never
get a 5xx)."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from db.models import OutboxMessage
from db.models_qa import QaAppeal, QaReview
from tests.conftest import Harness
from tests.qa.support import answer, choose, press, submit, ticket, wait_view
from tests.ratings.support import absolute

ALL = ("knowledge", "attentive", "efficient", "composure", "closure")


def nothing_changed(app: Harness, outbox_rows: int) -> None:
    app.deliver()
    assert app.rows(QaReview) == [] and app.rows(QaAppeal) == []
    assert len(app.rows(OutboxMessage)) == outbox_rows


def opened(app: Harness) -> dict[str, Any]:
    press(app, "U0QA1", ticket(app), "qa_review")
    return wait_view(app, "qa_checklist", ready="What the ticket's history shows")


@pytest.mark.parametrize("sign", [{"secret": "not-the-secret"}, {"timestamp": -301},
                                  {"timestamp": +310}])
def test_unsigned_or_stale_presses_and_submissions_get_401(app: Harness, sign: dict[str, Any]) -> None:
    view = opened(app)
    rows = len(app.rows(OutboxMessage))
    assert press(app, "U0QA1", ticket(app), "qa_review", **absolute(sign)).status_code == 401
    values = choose(view, dict.fromkeys(ALL, "pass"))
    assert submit(app, "U0QA1", view, values, **absolute(sign)).status_code == 401
    assert len(app.fake.calls_to("views.open")) == 1
    nothing_changed(app, rows)


@pytest.mark.parametrize("action_id,value", [
    ("qa_review", "no-such-ticket"), ("qa_appeal", "abc"), ("qa_appeal", "99"),
    ("qa_appeal_accept", "1 OR 1=1"), ("qa_appeal_reject", "-1"), ("qa_appeal_accept", "9" * 40),
    ("qa_appeal", "²"), ("qa_appeal_reject", ""),
])
def test_presses_naming_nothing_we_know_do_nothing(app: Harness, action_id: str, value: str) -> None:
    parent = ticket(app)
    rows = len(app.rows(OutboxMessage))
    fake_button = {**parent, "blocks": [{"type": "actions", "elements": [
        {"type": "button", "action_id": action_id, "value": value,
         "text": {"type": "plain_text", "text": "x"}}]}], "attachments": []}
    assert press(app, "U0LEAD1", fake_button, action_id).status_code == 200
    nothing_changed(app, rows)
    assert app.fake.calls_to("views.open") == [] and app.fake.ephemerals() == []


@pytest.mark.parametrize("metadata", ["", "not json", json.dumps({"ticket": "1001", "x": 1}),
                                      json.dumps({"review": 1}), json.dumps([1, 2])])
def test_a_submission_with_unreadable_metadata_stores_nothing(app: Harness, metadata: str) -> None:
    view = opened(app)
    rows = len(app.rows(OutboxMessage))
    response = submit(app, "U0QA1", {**view, "private_metadata": metadata},
                      choose(view, dict.fromkeys(ALL, "pass")))
    assert answer(response) == {}
    nothing_changed(app, rows)


def test_a_submission_whose_view_id_is_not_slacks_stores_nothing(app: Harness) -> None:
    view = opened(app)
    rows = len(app.rows(OutboxMessage))
    for bad in ("V" + "1" * 200, "view; drop", None):
        response = submit(app, "U0QA1", {**view, "id": bad}, choose(view, dict.fromkeys(ALL, "pass")))
        assert answer(response) == {}
    nothing_changed(app, rows)


def test_a_result_that_is_not_an_option_is_a_field_error(app: Harness) -> None:
    view = opened(app)
    values = choose(view, dict.fromkeys(ALL, "pass"))
    values["qa_item:closure"]["qa_item_result"]["selected_option"] = {
        "text": {"type": "plain_text", "text": "Great"}, "value": "great"}
    body = answer(submit(app, "U0QA1", view, values))
    assert body["response_action"] == "errors" and list(body["errors"]) == ["qa_item:closure"]
    assert app.rows(QaReview) == []


def test_a_submission_by_someone_else_than_a_reviewer_stores_nothing(app: Harness) -> None:
    view = opened(app)
    rows = len(app.rows(OutboxMessage))
    body = answer(submit(app, "U0AGENT2", view, choose(view, dict.fromkeys(ALL, "pass"))))
    assert body["response_action"] == "errors"
    nothing_changed(app, rows)


@pytest.mark.parametrize("raw", [b"payload=%7Bnot-json", b"payload=" + quote(json.dumps(
    {"type": "block_actions", "user": {"id": "U0QA1"}})).encode(), b"payload=" + quote(json.dumps(
    {"type": "message_action", "callback_id": "qa_review", "user": {"id": "U0QA1"}})).encode(),
    b"payload=" + quote(json.dumps({"type": "view_submission", "view": {
        "callback_id": "qa_checklist"}})).encode(), b"payload=" + quote(json.dumps(
    {"type": "block_actions", "actions": [{"action_id": "qa_review"}]})).encode()])
def test_malformed_signed_payloads_get_no_5xx_and_change_nothing(app: Harness, raw: bytes) -> None:
    ticket(app)
    rows = len(app.rows(OutboxMessage))
    response = app.slack(raw)
    assert response.status_code < 500
    nothing_changed(app, rows)
    assert app.fake.calls_to("views.open") == []


def test_an_unsigned_body_is_refused_before_it_is_read(app: Harness) -> None:
    for raw in (b"payload=%7Bnot-json", b"\xff\xfe", b"payload=" + b"x" * 1000):
        response = app.client.post("/slack/events", data=raw,
                                   content_type="application/x-www-form-urlencoded")
        assert response.status_code == 401
    assert app.rows(OutboxMessage) == []
