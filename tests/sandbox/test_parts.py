"""The sandbox's parts on their own: the workspace made from app.yaml, the requests built as
Slack builds them (read back by the app's own payload readers), the helpdesk's events, the
modal stacks, and a response_url post captured by the routes."""
from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chatops.sandbox.actions import SandboxActions
from chatops.sandbox.helpdesk_desk import FormError, HelpdeskDesk
from chatops.sandbox.modals import Modals
from chatops.sandbox.mounted_fake import MountedFake
from chatops.sandbox.routes import SandboxRoutes
from chatops.sandbox.signed_sender import SignedSender
from chatops.sandbox.slack_requests import NotFound, block_actions, message_action, state_values, view_submission
from chatops.sandbox.workspace import Workspace, name_from_email, workspace_from_config
from chatops.tickets.schema import parse_event
from handlers.slack.payloads import action_value, channel_of, thread_of_message, trigger_of, user_of, view_values
from tests.conftest import make_config

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.fixture
def workspace() -> Workspace:
    return workspace_from_config(make_config(
        teams=[{"name": "support", "channel": "C0SUPPORT", "leads": ["U0LEAD1", "U0LEAD2"],
                "agents": {"bob@example.com": "U0AGENT1", "ann.smith@example.com": "U0LEAD2"}},
               {"name": "billing", "channel": "C0BILLING", "leads": ["U0LEAD1"]}]))


def test_the_workspace_is_made_from_app_yaml(workspace: Workspace) -> None:
    users = {u.id: (u.name, u.roles) for u in workspace.users}
    assert users["U0AGENT1"] == ("Bob", ["agent of support"])
    assert users["U0LEAD2"] == ("Ann Smith", ["agent of support", "lead of support"])  # the email names her
    assert users["U0LEAD1"] == ("Support Lead 1", ["lead of support", "lead of billing"])
    assert users["U0QA1"] == ("QA Reviewer", ["QA reviewer"])
    assert users["U0ADMIN1"] == ("Admin", ["admin"])
    assert [(c.id, c.name) for c in workspace.channels] == [("C0SUPPORT", "support"), ("C0BILLING", "billing")]
    assert workspace.emails() == {"bob@example.com": "U0AGENT1", "ann.smith@example.com": "U0LEAD2"}
    assert [s["callback_id"] for s in workspace.shortcuts] == ["qa_review"]
    assert Workspace.from_json(json.loads(json.dumps(workspace.to_json()))) == workspace
    assert name_from_email("jean-luc.picard@example.com") == "Jean Luc Picard"


MESSAGE = {"type": "message", "ts": "1700000000.000100", "thread_ts": None, "text": "Ticket",
           "blocks": [], "attachments": [{"color": "#2EB67D", "blocks": [
               {"type": "section", "text": {"type": "mrkdwn", "text": "x"}},
               {"type": "actions", "elements": [
                   {"type": "button", "action_id": "open_ticket", "url": "https://h.example/1",
                    "text": {"type": "plain_text", "text": "Open"}},
                   {"type": "button", "action_id": "qa_review", "value": "1001",
                    "text": {"type": "plain_text", "text": "QA review"}}]}]}]}


def test_a_press_reads_back_as_the_app_reads_slack(workspace: Workspace) -> None:
    lead = workspace.user("U0LEAD1")
    assert lead is not None
    payload = block_actions(workspace, lead, "C0SUPPORT", MESSAGE, (0, 1, 1), "1.2.3", "https://r")
    assert payload["type"] == "block_actions"
    assert (user_of(payload), channel_of(payload), action_value(payload), trigger_of(payload)) == (
        "U0LEAD1", "C0SUPPORT", "1001", "1.2.3")
    assert payload["container"] == {"type": "message", "message_ts": MESSAGE["ts"],
                                    "channel_id": "C0SUPPORT", "is_ephemeral": False,
                                    "attachment_id": 1}
    assert payload["actions"][0]["action_id"] == "qa_review" and payload["actions"][0]["block_id"]
    with pytest.raises(NotFound):
        block_actions(workspace, lead, "C0SUPPORT", MESSAGE, (0, 0, 0), "1.2.3", "https://r")


def test_a_shortcut_names_the_thread_it_was_used_in(workspace: Workspace) -> None:
    lead = workspace.user("U0LEAD1")
    assert lead is not None
    reply = dict(MESSAGE, ts="1700000001.000200", thread_ts=MESSAGE["ts"])
    payload = message_action(workspace, lead, "C0SUPPORT", reply, "qa_review", "1.2.3", "https://r")
    assert thread_of_message(payload) == MESSAGE["ts"] and channel_of(payload) == "C0SUPPORT"


def test_a_submission_carries_every_input_block(workspace: Workspace) -> None:
    view = {"id": "V1", "hash": "h", "callback_id": "c", "blocks": [
        {"type": "input", "block_id": "item", "element": {
            "type": "radio_buttons", "action_id": "pick",
            "options": [{"text": {"type": "plain_text", "text": "Pass"}, "value": "pass"},
                        {"text": {"type": "plain_text", "text": "Fail"}, "value": "fail"}]}},
        {"type": "input", "element": {"type": "plain_text_input", "action_id": "say"}},
        {"type": "input", "block_id": "empty", "element": {"type": "plain_text_input", "action_id": "t"}}]}
    values = state_values(view, {"item": "fail", "#1": "because"})
    assert values["item"] == {"pick": {"type": "radio_buttons", "selected_option": {
        "text": {"type": "plain_text", "text": "Fail"}, "value": "fail"}}}
    assert [v for k, v in values.items() if k not in ("item", "empty")] == [
        {"say": {"type": "plain_text_input", "value": "because"}}]
    assert values["empty"] == {"t": {"type": "plain_text_input", "value": None}}
    lead = workspace.user("U0LEAD1")
    assert lead is not None
    submitted = view_submission(lead, view, {"item": "pass"}, "1.2.3")
    assert view_values(submitted)["item"]["pick"]["selected_option"]["value"] == "pass"


def test_the_helpdesk_sends_whole_tickets_each_change_after_the_last(workspace: Workspace) -> None:
    desk = HelpdeskDesk(workspace)
    created = desk.create({"subject": "Down", "priority": "urgent", "team": "billing",
                           "assignee": "bob@example.com", "age_minutes": 20}, NOW).event
    number = created["ticket"]["id"]
    assert parse_event(json.dumps(created).encode()).ticket.created_at == NOW - timedelta(minutes=20)
    assert created["ticket"]["assignee"] == {"name": "Bob", "email": "bob@example.com"}
    steps = [desk.comment({"ticket": number, "role": "agent", "public": True, "body": "On it"}, NOW),
             desk.update({"ticket": number, "status": "solved"}, NOW),
             desk.update({"ticket": number, "status": "open"}, NOW),
             desk.rate({"ticket": number, "score": "2", "comment": "Slow"}, NOW)]
    events = [parse_event(json.dumps(s.event).encode()) for s in steps]
    assert [e.type for e in events] == ["ticket.commented", "ticket.updated", "ticket.reopened",
                                        "rating.created"]
    moments = [created["occurred_at"]] + [s.event["occurred_at"] for s in steps]
    assert [datetime.fromisoformat(m) for m in moments] == sorted({datetime.fromisoformat(m) for m in moments})
    assert events[0].ticket.status == "open"  # an agent's first public reply opens a new ticket
    assert events[3].rating is not None and events[3].rating.score == 2
    with pytest.raises(FormError):
        desk.create({"priority": "critical"}, NOW)
    with pytest.raises(FormError):
        desk.comment({"ticket": "nope", "role": "agent"}, NOW)


def test_modals_stack_and_answer_as_slack_does() -> None:
    modals = Modals()
    trigger = modals.trigger_for("U1")
    modals.opened("unknown-trigger", "V0", push=False)
    assert modals.top("U1") is None
    modals.opened(trigger, "V1", push=False)
    modals.opened(modals.trigger_for("U1"), "V2", push=True)
    assert modals.top("U1") == ("V2", {}, 2)
    assert modals.answered("U1", "V2", {"response_action": "errors", "errors": {"b": "bad"}}) == "errors"
    assert modals.top("U1") == ("V2", {"b": "bad"}, 2)
    assert modals.answered("U1", "V2", None) == "closed"
    assert modals.top("U1") == ("V1", {}, 1)
    assert modals.answered("U1", "V1", {"response_action": "clear"}) == "cleared"
    assert modals.top("U1") is None


def test_a_post_to_a_response_url_shows_to_its_user_only(workspace: Workspace) -> None:
    fake = MountedFake("http://127.0.0.1:9", "xoxb-t", workspace, Modals())
    actions = SandboxActions(workspace, fake, fake.modals, HelpdeskDesk(workspace),
                             SignedSender("http://127.0.0.1:9", "s", "w"), {})
    url = actions._response_url("U0LEAD1", "C0SUPPORT")
    routes = SandboxRoutes(actions)

    def post(path: str, body: Any) -> int:
        answer = asyncio.run(routes.handle("POST", path, "", {}, json.dumps(body).encode()))
        return answer.status

    assert post(url.removeprefix("http://127.0.0.1:9"), {"text": "Done"}) == 200
    assert post("/sandbox/respond/not-a-token", {"text": "x"}) == 404
    assert [(e["user"], e["channel"], e["text"]) for e in fake.ephemerals()] == [
        ("U0LEAD1", "C0SUPPORT", "Done")]
