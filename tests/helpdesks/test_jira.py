"""Jira Service Management on /webhooks/jira (CONTRACT §4a): its admin webhooks' payloads,
signed as Jira signs them, give Slack what the same story in CONTRACT §4 events gives; forged
and replayed requests are refused (Jira sends no timestamp: the identifier is the guard);
other events are ignored; statuses map by name, then by category. Payload sources:
tests/fixtures/jira/SOURCES.md."""
from __future__ import annotations

import copy
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chatops.clock import FixedClock
from db.models import Ticket
from tests.conftest import BASE_CONFIG, Harness, make_config
from tests.handlers.test_webhook import assert_nothing_changed
from tests.helpdesk_requests import JIRA_SECRET, SECRETS, fixture, jira, loads
from tests.helpdesks.support import Step, parent_and_thread, send, told_both_ways

T = datetime(2024, 6, 10, 9, 50, 1, tzinfo=UTC)
BOB_ID = "712020:1b2c3d4e-0000-4000-8000-000000000001"


def config(**helpdesks: Any) -> Any:
    team = copy.deepcopy(BASE_CONFIG["teams"][0])
    team["agents"][f"jira:{BOB_ID}"] = "U0AGENT1"  # Jira Cloud hides emails: keyed by account
    return make_config(teams=[team], helpdesks={"jira": helpdesks})


@pytest.fixture
def app(make_harness: Any) -> Harness:
    return make_harness(config(), clock=FixedClock(T), **SECRETS)


def contract(event_id: str, type_: str, occurred_at: str, status: str, **parts: Any) -> dict[str, Any]:
    """The same change told in CONTRACT §4 by hand, from README's Jira table."""
    return {"id": event_id, "type": type_, "occurred_at": occurred_at, **parts, "ticket": {
        "id": "SUP-12", "subject": "Cannot log in",
        "url": "https://helloworld-test.atlassian.net/browse/SUP-12", "priority": "high",
        "status": status, "team": "support",
        "requester": {"name": "Ann Client", "email": "ann@client.example"},
        "assignee": {"name": "Bob Agent", "email": "bob@example.com"},
        "created_at": "2024-06-10T09:50:00.123Z"}}


def comment(comment_id: str, body: str, public: bool) -> dict[str, Any]:
    return {"id": comment_id, "author": {"name": "Bob Agent", "email": "bob@example.com"},
            "author_role": "agent", "public": public, "body": body}


STORY = [
    Step(T, jira(fixture("jira", "issue_created.json")),
         contract("c1", "ticket.created", "2024-06-10T09:50:00.123Z", "new")),
    Step(T + timedelta(minutes=31)),  # high: a first response within the hour, half gone
    Step(T + timedelta(minutes=32), jira(fixture("jira", "issue_updated_status.json")),
         contract("c2", "ticket.updated", "2024-06-10T10:00:00.123Z", "open")),
    Step(T + timedelta(minutes=33), jira(fixture("jira", "comment_created.json")),
         contract("c3", "ticket.commented", "2024-06-10T10:05:00.456Z", "open",
                  comment=comment("10050", "Hello Ann, could you try again?", True))),
    Step(T + timedelta(minutes=34), jira(fixture("jira", "comment_created_internal.json")),
         contract("c4", "ticket.commented", "2024-06-10T10:06:40.789Z", "open",
                  comment=comment("10051", "Customer is on the legacy SSO plan", False))),
    Step(T + timedelta(hours=2), jira(fixture("jira", "issue_updated_resolved.json")),
         contract("c5", "ticket.closed", "2024-06-10T11:00:00Z", "solved")),
]


def test_the_documented_events_give_slack_what_the_contract_events_give(app: Harness) -> None:
    native, same_in_contract = told_both_ways(app, STORY)
    assert native == same_in_contract
    parent, thread = parent_and_thread(native)
    assert "#SUP-12" in parent and "https://helloworld-test.atlassian.net/browse/SUP-12" in parent
    assert "<@U0AGENT1>" in parent and "Ann Client (ann@client.example)" in parent
    assert "First response" in thread[0] and "<@U0AGENT1>" in thread[0]
    assert "Status: new → open" in thread[1]
    assert "Public reply" in thread[2] and "Internal note" in thread[3]
    assert "Solved" in thread[4]


def test_a_comment_on_an_issue_first_seen_posts_and_then_the_issue_fills_in(app: Harness) -> None:
    """A comment's event carries a few of the issue's fields: the ticket it creates keeps
    them until a full event arrives, which then wins."""
    assert send(app, jira(fixture("jira", "comment_created.json"))).status_code == 202
    assert send(app, jira(fixture("jira", "issue_updated_status.json"))).status_code == 202
    app.deliver()
    [ticket] = app.rows(Ticket)
    assert (ticket.requester_name, ticket.status) == ("Ann Client", "open")


def test_statuses_by_app_yaml_then_by_name_then_by_category(make_harness: Any) -> None:
    app = make_harness(config(statuses={"in progress": "on_hold"}, priorities={"HIGH": "low"}),
                       clock=FixedClock(T), **SECRETS)
    data = loads(jira(fixture("jira", "issue_created.json")))
    shown: dict[str, tuple[str, str]] = {}
    for key, status, category in [("A-1", "In Progress", "indeterminate"),  # app.yaml
                                  ("A-2", "Waiting for customer", "indeterminate"),  # by name
                                  ("A-3", "Triage", "new"), ("A-4", "Shipped", "done"),
                                  ("A-5", "Odd", "undefined")]:
        body = copy.deepcopy(data)
        body["issue"]["key"] = key
        body["issue"]["fields"]["status"] = {"name": status, "statusCategory": {"key": category}}
        assert send(app, jira(json.dumps(body).encode())).status_code == 202
    for ticket in app.rows(Ticket):
        shown[ticket.id] = (ticket.status, ticket.priority)
    assert shown == {"A-1": ("on_hold", "low"), "A-2": ("pending", "low"), "A-3": ("new", "low"),
                     "A-4": ("solved", "low"), "A-5": ("open", "low")}


def test_an_unknown_priority_is_normal_and_an_atlassian_document_body_is_text(app: Harness) -> None:
    created = loads(jira(fixture("jira", "issue_created.json")))
    created["issue"]["fields"]["priority"] = {"name": "P0 - Drop everything"}
    assert send(app, jira(json.dumps(created).encode())).status_code == 202
    note = loads(jira(fixture("jira", "comment_created.json")))
    note["comment"]["body"] = {"type": "doc", "version": 1, "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": "Line one"}]},
        {"type": "paragraph", "content": [{"type": "text", "text": "Line two"}]}]}
    assert send(app, jira(json.dumps(note).encode())).status_code == 202
    app.deliver()
    [ticket] = app.rows(Ticket)
    assert ticket.priority == "normal"
    [reply] = [m for m in app.fake.messages("C0SUPPORT") if m["thread_ts"]]
    assert "Line one\\nLine two" in json.dumps(reply["blocks"])


def test_a_portal_customers_comment_is_the_customer_side(app: Harness) -> None:
    assert send(app, jira(fixture("jira", "issue_created.json"))).status_code == 202
    data = loads(jira(fixture("jira", "comment_created.json")))
    data["comment"]["author"] = {"accountId": "qm:7f1e0000-0000-4000-8000-000000000002",
                                 "displayName": "Ann Client", "accountType": "customer"}
    assert send(app, jira(json.dumps(data).encode())).status_code == 202
    [ticket] = app.rows(Ticket)
    assert ticket.first_response_at is None  # a customer's reply is not a first response


def test_other_events_are_ignored(app: Harness) -> None:
    response = send(app, jira(fixture("jira", "issue_deleted.json")))
    assert response.status_code == 200
    assert response.get_json() == {"accepted": True, "ignored": "jira:issue_deleted"}
    assert_nothing_changed(app)


def test_forged_unsigned_and_replayed_requests_are_refused(app: Harness) -> None:
    body = fixture("jira", "issue_created.json")
    good = jira(body, identifier="77")
    for request in [jira(body, secret="not-the-secret"),
                    type(good)("POST", good.path, body.replace(b"High", b"Highest"), good.headers),
                    type(good)("POST", good.path, body, {"Content-Type": "application/json"}),
                    type(good)("POST", good.path, body, {
                        **good.headers, "X-Hub-Signature": good.headers["X-Hub-Signature"][7:]})]:
        assert send(app, request).status_code == 401
    assert_nothing_changed(app)
    assert send(app, good).status_code == 202
    replay = send(app, good)  # Jira signs no timestamp: the identifier stops a replay
    assert replay.status_code == 200 and replay.get_json()["duplicate"] is True


def test_the_signature_is_websubs_hex_digest_in_either_case(app: Harness) -> None:
    body = fixture("jira", "issue_created.json")
    digest = hmac.new(JIRA_SECRET.encode(), body, hashlib.sha256).hexdigest().upper()
    request = jira(body)
    request.headers["X-Hub-Signature"] = f"sha256={digest}"
    assert send(app, request).status_code == 202


def test_a_delivery_without_its_identifier_is_400(app: Harness) -> None:
    request = jira(fixture("jira", "issue_created.json"))
    del request.headers["X-Atlassian-Webhook-Identifier"]
    response = send(app, request)
    assert response.status_code == 400
    assert response.get_json()["field"] == "X-Atlassian-Webhook-Identifier"
    assert_nothing_changed(app)


def test_a_body_missing_its_issue_is_400_naming_it(app: Harness) -> None:
    data = loads(jira(fixture("jira", "comment_created.json")))
    del data["issue"]
    response = send(app, jira(json.dumps(data).encode()))
    assert response.status_code == 400 and response.get_json()["field"] == "issue"
    assert_nothing_changed(app)


def test_a_project_goes_to_the_team_app_yaml_names(make_harness: Any) -> None:
    team = copy.deepcopy(BASE_CONFIG["teams"][0])
    billing = {"name": "billing", "channel": "C0BILLING", "leads": ["U0LEAD1"]}
    app = make_harness(make_config(teams=[team, billing], helpdesks={"jira": {"teams": {"sup": "billing"}}}),
                       clock=FixedClock(T), **SECRETS)
    assert send(app, jira(fixture("jira", "issue_created.json"))).status_code == 202
    app.deliver()
    assert [m["text"].split(":")[0] for m in app.fake.messages("C0BILLING")] == ["Ticket #SUP-12"]
    assert app.fake.messages("C0SUPPORT") == []
