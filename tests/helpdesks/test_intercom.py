"""Intercom on /webhooks/intercom (CONTRACT §4a): its notifications, signed as Intercom signs
them, give Slack what the same story in CONTRACT §4 events gives, ratings included; the URL
check (HEAD) and the `ping` get 200; forged and replayed requests are refused. Payload
sources: tests/fixtures/intercom/SOURCES.md."""
from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chatops.clock import FixedClock
from db.models import ReceivedEvent, Ticket
from tests.conftest import BASE_CONFIG, Harness, make_config
from tests.handlers.test_webhook import assert_nothing_changed
from tests.helpdesk_requests import SECRETS, fixture, intercom, loads
from tests.helpdesks.support import Step, dumped, in_order, parent_and_thread, play, send, wipe

T = datetime(2024, 6, 10, 9, 50, 1, tzinfo=UTC)
CONVERSATION = "intercom-1295"


def config() -> Any:
    team = copy.deepcopy(BASE_CONFIG["teams"][0])
    team["agents"]["intercom:274"] = "U0AGENT1"  # the assignee is named by admin id only
    team["rating_visibility"] = "score_and_comment"
    return make_config(teams=[team])


@pytest.fixture
def app(make_harness: Any) -> Harness:
    return make_harness(config(), clock=FixedClock(T), **SECRETS)


BOB = {"name": "Operator", "email": "bob@example.com"}  # admin 274, keyed by id in app.yaml
ANN = {"name": "Ann Client", "email": "ann@client.example"}


def contract(event_id: str, type_: str, occurred_at: str, status: str,
             assignee: dict[str, Any] | None = BOB, **parts: Any) -> dict[str, Any]:
    """The same change told in CONTRACT §4 by hand, from README's Intercom table."""
    return {"id": event_id, "type": type_, "occurred_at": occurred_at, **parts, "ticket": {
        "id": CONVERSATION, "subject": "I can't log in since this morning",
        "url": "https://app.intercom.com/a/inbox/abc123de/inbox/conversation/1295",
        "priority": "normal", "status": status, "team": "support", "requester": ANN,
        "assignee": assignee, "created_at": "2024-06-10T09:50:00Z"}}


def said(event_id: str, occurred_at: str, status: str, comment_id: str, author: dict[str, Any],
         role: str, public: bool, body: str, assignee: dict[str, Any] | None = BOB) -> dict[str, Any]:
    return contract(event_id, "ticket.commented", occurred_at, status, assignee, comment={
        "id": comment_id, "author": author, "author_role": role, "public": public, "body": body})


STORY = [
    Step(T, intercom(fixture("intercom", "conversation_user_created.json"))),
    Step(T + timedelta(hours=2, minutes=5)),  # normal: 4 h to a first response, half gone
    Step(T + timedelta(hours=2, minutes=6), intercom(fixture("intercom", "conversation_admin_replied.json"))),
    Step(T + timedelta(hours=2, minutes=7), intercom(fixture("intercom", "conversation_admin_noted.json"))),
    Step(T + timedelta(hours=2, minutes=8), intercom(fixture("intercom", "conversation_admin_closed.json"))),
    Step(T + timedelta(hours=3), intercom(fixture("intercom", "conversation_rating_added.json"))),
]
CONTRACT_STORY = [
    [contract("c1", "ticket.created", "2024-06-10T09:50:00Z", "new", None),
     said("c1b", "2024-06-10T09:50:00Z", "new", "source-403918330", ANN, "customer", True,
          "I can't log in since this morning", None)],
    [],
    [said("c2", "2024-06-10T10:05:00Z", "open", "3", BOB, "agent", True, "Okay!")],
    [said("c3", "2024-06-10T10:06:40Z", "open", "4", BOB, "agent", False,
          "Customer is on the legacy SSO plan")],
    [contract("c4", "ticket.closed", "2024-06-10T11:00:00Z", "solved")],
    [contract("c5", "rating.created", "2024-06-10T11:46:40Z", "solved", rating={
        "id": "r1", "score": 2, "comment": "Slow answer", "agent": {"name": "intercom:274",
                                                                   "email": "bob@example.com"}})],
]


def contract_steps() -> list[Step]:
    """One §4 step per event (a notification may be several events)."""
    steps = []
    for step, events in zip(STORY, CONTRACT_STORY, strict=True):
        steps += [Step(step.at, step.native, event) for event in events] or [step]
    return steps


def test_the_documented_notifications_give_slack_what_the_contract_events_give(app: Harness) -> None:
    native = play(app, STORY, native=True)
    wipe(app)
    same_in_contract = play(app, contract_steps(), native=False)
    assert native == same_in_contract
    parent, thread = parent_and_thread(native)
    assert "#intercom-1295" in parent and "I can't log in since this morning" in parent
    assert in_order(thread, "Public reply* by Ann Client", "First response", "Status: new → open",
                    "Assigned to <@U0AGENT1>", "Okay!", "legacy SSO plan", "Solved")
    assert any("Public reply* by Operator" in reply and "Okay!" in reply for reply in thread)
    assert any("Internal note" in reply and "legacy SSO plan" in reply for reply in thread)
    for lead in ("DU0LEAD1", "DU0LEAD2"):
        [dm] = native["slack"][lead]
        assert "Slow answer" in dumped(dm) and "<@U0AGENT1>" in dumped(dm)
    agent_dms = [dumped(dm) for dm in native["slack"]["DU0AGENT1"]]
    assert any("Slow answer" in dm for dm in agent_dms)  # score_and_comment


def test_a_notification_may_be_several_events_in_order(app: Harness) -> None:
    assert send(app, intercom(fixture("intercom", "conversation_user_created.json"))).status_code == 202
    kinds = sorted((e.type, e.id) for e in app.rows(ReceivedEvent))
    assert kinds == [
        ("ticket.commented", "intercom:notif_0b6b9a9e-52e3-4b8e-a4c5-9f0d5e6a7b01:source"),
        ("ticket.created", "intercom:notif_0b6b9a9e-52e3-4b8e-a4c5-9f0d5e6a7b01")]
    again = send(app, intercom(fixture("intercom", "conversation_user_created.json")))
    assert again.get_json() == {"accepted": True, "duplicate": True}


def test_the_url_check_and_the_ping_get_200(app: Harness) -> None:
    assert app.client.open("/webhooks/intercom", method="HEAD").status_code == 200
    response = send(app, intercom(fixture("intercom", "ping.json")))
    assert response.status_code == 200
    assert response.get_json() == {"accepted": True, "ignored": "ping"}
    assert_nothing_changed(app)


def test_an_unsigned_ping_is_refused_like_anything_unsigned(app: Harness) -> None:
    request = intercom(fixture("intercom", "ping.json"))
    del request.headers["X-Hub-Signature"]
    assert send(app, request).status_code == 401


def test_other_topics_are_ignored(app: Harness) -> None:
    data = loads(intercom(fixture("intercom", "conversation_admin_replied.json")))
    data["topic"] = "conversation.read"
    response = send(app, intercom(json.dumps(data).encode()))
    assert response.get_json() == {"accepted": True, "ignored": "conversation.read"}
    assert_nothing_changed(app)


def test_forged_and_replayed_notifications_are_refused(app: Harness) -> None:
    body = fixture("intercom", "conversation_user_created.json")
    good = intercom(body)
    for request in [intercom(body, secret="not-the-client-secret"),
                    type(good)("POST", good.path, body.replace(b"Ann Client", b"Eve"), good.headers),
                    type(good)("POST", good.path, body, {
                        **good.headers, "X-Hub-Signature": "sha256" + good.headers["X-Hub-Signature"][4:]})]:
        assert send(app, request).status_code == 401
    assert_nothing_changed(app)
    assert send(app, good).status_code == 202
    assert send(app, good).get_json()["duplicate"] is True  # no timestamp: the id is the guard


def test_states_and_priorities(app: Harness) -> None:
    data = loads(intercom(fixture("intercom", "conversation_admin_replied.json")))
    data["data"]["item"].update(state="snoozed", priority="priority")
    assert send(app, intercom(json.dumps(data).encode())).status_code == 202
    [ticket] = app.rows(Ticket)
    assert (ticket.status, ticket.priority, ticket.assignee_ref) == ("pending", "high", "intercom:274")
    assert ticket.assignee_name == "Operator"  # named by its own reply in the notification


def test_a_rating_outside_one_to_five_is_400(app: Harness) -> None:
    data = loads(intercom(fixture("intercom", "conversation_rating_added.json")))
    data["data"]["item"]["conversation_rating"]["rating"] = 9
    response = send(app, intercom(json.dumps(data).encode()))
    assert response.status_code == 400 and response.get_json()["field"] == "rating.score"
    assert_nothing_changed(app)
