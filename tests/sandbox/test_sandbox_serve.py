"""`chatops serve --sandbox` as a real process, with no token or secret in its environment:
the page's actions reach the app as signed Slack and helpdesk requests over HTTP, the app's
answers come back through the mounted fake Slack, and a sender with the wrong secret is
refused and changes nothing."""
from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chatops.sandbox.page_client import find_button, messages_with_button
from chatops.sandbox.signed_sender import SignedSender
from chatops.sandbox.slack_requests import block_actions, block_id_of
from chatops.sandbox.workspace import Workspace
from tests.sandbox.support import Running

CHANNEL = "C0SUPPORT"
LEAD, AGENT, QA = "U0LEAD1", "U0AGENT1", "U0QA1"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = Running(tmp_path_factory.mktemp("sandbox"), ["serve", "--sandbox", "--no-scheduler"])
    yield running
    running.stop()


def create(sandbox: Running, **form: Any) -> str:
    answer = sandbox.page.act("helpdesk", kind="create", team="support",
                              assignee="bob@example.com", **form)
    assert answer["ok"] and answer["status"] == 202 and answer["path"] == "/webhooks/helpdesk", answer
    return str(answer["ticket"])


def parent_of(sandbox: Running, ticket: str) -> tuple[dict[str, Any], Any]:
    found = sandbox.page.wait(lambda s: (messages_with_button(s, CHANNEL, "qa_review", ticket)
                                         or [None])[0], timeout=30)
    assert found is not None, f"no parent message of ticket {ticket}"
    return found


def modal(sandbox: Running, user: str, callback_id: str) -> dict[str, Any]:
    def find(state: dict[str, Any]) -> dict[str, Any] | None:
        open_ = state["modals"].get(user)
        return open_ if open_ and open_["view"]["callback_id"] == callback_id else None

    found = sandbox.page.wait(find, timeout=30, every=0.2)
    assert found is not None, f"no {callback_id} modal open for {user}"
    return found


def inputs(view: dict[str, Any], choice: str) -> dict[str, str]:
    return {block_id_of(b, i): choice for i, b in enumerate(view["blocks"])
            if b["type"] == "input" and b["element"]["type"] == "radio_buttons"}


def test_the_page_is_served_and_says_it_is_a_sandbox(sandbox: Running) -> None:
    with urllib.request.urlopen(sandbox.url + "/sandbox") as page:
        html = page.read().decode()
    assert "SANDBOX" in html and "nothing here reaches" in html
    with urllib.request.urlopen(sandbox.url + "/") as home:  # follows the redirect
        assert home.url.endswith("/sandbox")
    state = sandbox.page.state()
    names = {u["id"]: u["name"] for u in state["workspace"]["users"]}
    assert names == {AGENT: "Bob", LEAD: "Support Lead", QA: "QA Reviewer", "U0ADMIN1": "Admin"}


def test_a_qa_review_goes_through_the_signed_path(sandbox: Running) -> None:
    ticket = create(sandbox, subject="Cannot log in", priority="high", age_minutes=5)
    message, place = parent_of(sandbox, ticket)
    pressed = sandbox.page.press(LEAD, message, place)
    assert pressed["ok"] and (pressed["path"], pressed["status"]) == ("/slack/events", 200)

    view = modal(sandbox, LEAD, "qa_checklist")["view"]
    refused = sandbox.page.act("submit", user=LEAD, view_id=view["id"], inputs=inputs(view, "na"))
    assert refused["outcome"] == "errors"
    shown = modal(sandbox, LEAD, "qa_checklist")
    first_item = next(block_id_of(b, i) for i, b in enumerate(view["blocks"]) if b["type"] == "input")
    assert list(shown["errors"]) == [first_item] and shown["errors"][first_item]

    done = sandbox.page.act("submit", user=LEAD, view_id=view["id"], inputs=inputs(view, "pass"))
    assert done["ok"] and done["outcome"] == "closed"
    assert LEAD not in sandbox.page.state()["modals"]
    dm = sandbox.page.wait(lambda s: (messages_with_button(s, "D" + AGENT, "qa_appeal") or [None])[0])
    assert dm is not None and "100/100" in str(dm[0]["blocks"])


def test_the_message_shortcut_opens_the_checklist_on_a_reply(sandbox: Running) -> None:
    ticket = create(sandbox, subject="Export fails", priority="normal", age_minutes=1)
    assert sandbox.page.act("helpdesk", kind="comment", ticket=ticket, role="customer",
                            body="Any news?")["ok"]
    parent, _ = parent_of(sandbox, ticket)
    reply = sandbox.page.wait(lambda s: next((m for m in s["messages"] if m["channel"] == CHANNEL
                                              and m["thread_ts"] == parent["ts"]), None))
    assert reply is not None
    used = sandbox.page.act("shortcut", user=QA, channel=CHANNEL, ts=reply["ts"],
                            callback_id="qa_review")
    assert used["ok"] and used["status"] == 200
    assert ticket in str(modal(sandbox, QA, "qa_checklist")["view"]["blocks"])
    closed = sandbox.page.act("close", user=QA, view_id=sandbox.page.state()["modals"][QA]["view"]["id"])
    assert closed["ok"] and QA not in sandbox.page.state()["modals"]


def test_a_slash_command_answers_its_user_only(sandbox: Running) -> None:
    answer = sandbox.page.act("command", user=LEAD, channel=CHANNEL, text="visibility support score_only")
    assert answer["ok"] and answer["status"] == 200
    state = sandbox.page.state()
    shown = [e for e in state["ephemerals"] if e["user"] == LEAD and e["channel"] == CHANNEL]
    assert shown and "admin" in shown[-1]["text"].lower()  # only admins may change it
    assert not [e for e in state["ephemerals"] if e["user"] != LEAD]


def test_a_wrong_secret_is_refused_and_changes_nothing(sandbox: Running) -> None:
    ticket = create(sandbox, subject="Printer on fire", priority="urgent", age_minutes=2)
    message, place = parent_of(sandbox, ticket)
    state = sandbox.page.state()
    workspace = Workspace.from_json(state["workspace"])
    lead = workspace.user(LEAD)
    assert lead is not None
    stored = {k: v for k, v in message.items() if k != "channel"}
    payload = block_actions(workspace, lead, CHANNEL, stored, place, "1.2.forged", "https://x.invalid")
    forger = SignedSender(sandbox.url, "not-the-signing-secret", "not-the-webhook-secret")
    assert forger.interaction(payload).status == 401
    forged_ticket = {"id": "evt-forged", "type": "ticket.created", "occurred_at": "2026-01-01T00:00:00Z",
                     "ticket": dict(sandbox.page.state()["helpdesk"]["tickets"][-1], id="forged-1")}
    assert forger.helpdesk(forged_ticket).status == 401
    time.sleep(2.5)  # time for anything a request had set off to show
    after = sandbox.page.state()
    assert LEAD not in after["modals"]
    assert [m["ts"] for m in after["messages"]] == [m["ts"] for m in state["messages"]]
    assert "forged-1" not in str(after["messages"])


def test_nudges_reach_the_thread_and_teams_and_the_review_its_chart(sandbox: Running) -> None:
    ticket = create(sandbox, subject="Site down", priority="urgent", age_minutes=45)
    parent, _ = parent_of(sandbox, ticket)
    assert sandbox.page.act("job", job="sla-scan")["ok"]

    def nudge(state: dict[str, Any]) -> dict[str, Any] | None:
        return next((m for m in state["messages"] if m["thread_ts"] == parent["ts"]
                     and m["attachments"]), None)

    reply = sandbox.page.wait(nudge)
    assert reply is not None and reply["attachments"][0]["color"].upper() == "#8B0000"  # breached
    cards = sandbox.page.wait(lambda s: s["teams"][0]["cards"] or None)
    assert cards and cards[-1]["attachments"][0]["content"]["body"][0]["style"] == "attention"

    assert sandbox.page.act("job", job="weekly-review")["ok"]
    shared = sandbox.page.wait(lambda s: next((m for m in s["messages"] if m.get("files")), None))
    assert shared is not None and shared["thread_ts"]
    with urllib.request.urlopen(shared["files"][0]["url"]) as chart:
        assert chart.headers["Content-Type"] == "image/png"
        assert chart.read(8) == b"\x89PNG\r\n\x1a\n"


def test_every_log_line_says_sandbox(sandbox: Running) -> None:
    lines = [line for line in sandbox.output().splitlines() if line.strip()]
    assert len(lines) > 10
    assert [line for line in lines if not line.startswith("[sandbox] ")] == []


def test_buttons_are_found_where_the_page_shows_them() -> None:
    message = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x"},
                           "accessory": {"type": "button", "action_id": "a", "text": {}}}],
               "attachments": [{"blocks": [{"type": "actions", "elements": [
                   {"type": "button", "action_id": "b", "value": "7", "text": {}}]}]}]}
    assert find_button(message, "a") == (None, 0, None)
    assert find_button(message, "b", "7") == (0, 0, 0)
    assert find_button(message, "b", "8") is None


def test_the_sandbox_has_a_database_of_its_own(sandbox: Running, tmp_path: Path) -> None:
    assert not (sandbox.dir / "chatops.db").exists()
    assert "sandbox.db, deleted when chatops stops" in sandbox.output()
