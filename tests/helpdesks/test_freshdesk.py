"""Freshdesk on /webhooks/freshdesk (CONTRACT §4a): README's automation bodies, rendered as
Freshdesk renders them (freshconsult's Liquid filters: each value JSON-escaped, the subject
HTML-escaped first), give Slack what the same story in CONTRACT §4 events gives; the token is
checked; any subject keeps the body valid. Sources: tests/fixtures/freshdesk/SOURCES.md."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chatops.clock import FixedClock
from db.models import Ticket
from db.models_people import Rating
from tests.conftest import Harness, make_config
from tests.handlers.test_webhook import assert_nothing_changed
from tests.helpdesk_requests import SECRETS, freshdesk, freshdesk_rule
from tests.helpdesks.support import Step, dumped, in_order, parent_and_thread, send, told_both_ways

T = datetime(2024, 6, 10, 9, 30, 5, tzinfo=UTC)
AT = {"ticket.modified_on": "2024-06-10 09:30:00 UTC"}


def at(minutes: int, **values: str) -> dict[str, str]:
    """The ticket as modified `minutes` after 09:30 (Ruby's Time#to_s, as Freshdesk renders)."""
    moment = datetime(2024, 6, 10, 9, 30, tzinfo=UTC) + timedelta(minutes=minutes)
    return {"ticket.modified_on": moment.strftime("%Y-%m-%d %H:%M:%S UTC"), **values}


@pytest.fixture
def app(make_harness: Any) -> Harness:
    config = make_config(helpdesks={"freshdesk": {"statuses": {"Waiting on Engineering": "on_hold"}}})
    return make_harness(config, clock=FixedClock(T), **SECRETS)


BOB = {"name": "Bob Agent", "email": "bob@example.com"}


def contract(event_id: str, type_: str, minutes: int, status: str = "open",
             **parts: Any) -> dict[str, Any]:
    """The same change told in CONTRACT §4 by hand, from README's Freshdesk table."""
    moment = datetime(2024, 6, 10, 9, 30, tzinfo=UTC) + timedelta(minutes=minutes)
    return {"id": event_id, "type": type_, "occurred_at": moment.isoformat(), **parts, "ticket": {
        "id": "freshdesk-11", "subject": "Cannot log in",
        "url": "https://acme.freshdesk.com/helpdesk/tickets/11", "priority": "urgent",
        "status": status, "team": "support",
        "requester": {"name": "Ann Client", "email": "ann@client.example"}, "assignee": BOB,
        "created_at": "2024-06-10T09:30:00Z"}}


def said(event_id: str, minutes: int, author: dict[str, Any], role: str, public: bool,
         body: str) -> dict[str, Any]:
    return contract(event_id, "ticket.commented", minutes, comment={
        "id": "x", "author": author, "author_role": role, "public": public, "body": body})


STORY = [
    Step(T, freshdesk(freshdesk_rule("created")), contract("c1", "ticket.created", 0)),
    Step(T + timedelta(minutes=16)),  # urgent: 30 min to a first response, half gone
    Step(T + timedelta(minutes=17), freshdesk(freshdesk_rule("customer-reply", **at(
        16, **{"ticket.latest_public_comment": "Ann Client : <p>Any news?</p>"}))),
         said("c2", 16, {"name": "Ann Client", "email": "ann@client.example"}, "customer", True,
              "Any news?")),
    Step(T + timedelta(minutes=21), freshdesk(freshdesk_rule("agent-reply", **at(
        20, **{"ticket.latest_public_comment": "Bob Agent : <div>On it &amp; <b>nearly</b> there</div>"}))),
         said("c3", 20, BOB, "agent", True, "On it & nearly there")),
    Step(T + timedelta(minutes=22), freshdesk(freshdesk_rule("note", **at(
        21, **{"ticket.latest_private_comment": "Bob Agent : <p>VIP customer</p>"}))),
         said("c4", 21, BOB, "agent", False, "VIP customer")),
    Step(T + timedelta(minutes=40), freshdesk(freshdesk_rule("updated", **at(
        40, **{"ticket.status": "Resolved"}))),
         contract("c5", "ticket.closed", 40, "solved")),
    Step(T + timedelta(hours=2), freshdesk(freshdesk_rule("rating-bad", **at(
        41, **{"ticket.status": "Resolved"}))),
         contract("c6", "rating.created", 41, "solved", rating={"id": "r", "score": "bad"})),
]


def test_readme_rules_give_slack_what_the_contract_events_give(app: Harness) -> None:
    native, same_in_contract = told_both_ways(app, STORY)
    assert native == same_in_contract
    parent, thread = parent_and_thread(native)
    assert "#freshdesk-11" in parent and "<@U0AGENT1>" in parent and "solved" in parent
    assert in_order(thread, "First response", "Any news?", "On it &amp; nearly there",
                    "VIP customer", "Solved")
    assert any("Internal note" in reply and "VIP customer" in reply for reply in thread)
    for lead in ("DU0LEAD1", "DU0LEAD2"):
        [dm] = native["slack"][lead]
        assert "rating_followed_up" in dumped(dm)  # bad: flagged, with its button


HOSTILE = 'He said "hi" \\ back\nand left <b>&</b> é'


def test_any_subject_keeps_the_body_valid_and_reads_as_typed(app: Harness) -> None:
    body = freshdesk_rule("created", **{"ticket.subject": HOSTILE})
    assert b"&lt;b&gt;" in body.replace(b"\\u0026", b"&").replace(b"\\u003c", b"<")  # HTML-escaped
    assert send(app, freshdesk(body)).status_code == 202
    [ticket] = app.rows(Ticket)
    assert ticket.subject == HOSTILE
    app.deliver()
    [parent] = app.fake.messages("C0SUPPORT")
    escaped = HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert parent["attachments"][0]["blocks"][0]["text"]["text"] == f"*#freshdesk-11* {escaped}"


def test_statuses_of_the_account_from_app_yaml_else_open(app: Harness) -> None:
    assert send(app, freshdesk(freshdesk_rule("created", **{"ticket.status": "Waiting on Engineering"}))
                ).status_code == 202
    assert send(app, freshdesk(freshdesk_rule("created", **{
        "ticket.id": "12", "ticket.status": "Waiting on Legal"}))).status_code == 202
    assert send(app, freshdesk(freshdesk_rule("created", **{
        "ticket.id": "13", "ticket.status": "5", "ticket.priority": "2"}))).status_code == 202
    shown = {t.id: (t.status, t.priority) for t in app.rows(Ticket)}
    assert shown == {"freshdesk-11": ("on_hold", "urgent"), "freshdesk-12": ("open", "urgent"),
                     "freshdesk-13": ("closed", "normal")}


def test_a_retry_is_a_duplicate_and_an_empty_modified_on_falls_back_to_the_bodys_hash(
        app: Harness) -> None:
    body = freshdesk_rule("created")
    assert send(app, freshdesk(body)).status_code == 202
    assert send(app, freshdesk(body)).get_json()["duplicate"] is True
    blank = {"ticket.id": "12", "ticket.modified_on": "", "ticket.created_on": ""}
    assert send(app, freshdesk(freshdesk_rule("created", **blank))).status_code == 202
    changed = freshdesk_rule("updated", **blank, **{"ticket.status": "Pending"})
    assert send(app, freshdesk(changed)).status_code == 202  # not taken for the first one
    assert send(app, freshdesk(changed)).get_json()["duplicate"] is True


def test_the_token_is_checked(app: Harness) -> None:
    body = freshdesk_rule("created")
    assert send(app, freshdesk(body, token="guess")).status_code == 401
    unsigned = freshdesk(body)
    del unsigned.headers["X-Chatops-Token"]
    assert send(app, unsigned).status_code == 401
    assert_nothing_changed(app)


def test_what_is_wrong_is_named(app: Harness) -> None:
    cases = [(freshdesk_rule("created", **{"ticket.priority": "Critical"}), "ticket.priority"),
             (freshdesk_rule("rating-bad").replace(b'"score": "bad"', b'"score": "meh"'),
              "rating.score"),
             (json.dumps({"chatops": "freshdesk/2"}).encode(), "chatops"),
             (b'{"chatops": "freshdesk/1", "event": "ticket.created", "ticket": {"id": "11"', None)]
    for body, field in cases:
        response = send(app, freshdesk(body))
        assert response.status_code == 400 and response.get_json()["field"] == field, body
    assert_nothing_changed(app)


def test_a_rating_goes_to_the_tickets_agent(app: Harness) -> None:
    assert send(app, freshdesk(freshdesk_rule("rating-bad", **at(41)))).status_code == 202
    [rating] = app.rows(Rating)
    assert (rating.score, rating.negative, rating.agent_target) == ("bad", True, "U0AGENT1")
