"""CONTRACT §6 ticket mirroring, asserted on what the fake Slack received."""
from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import Block

from db.models import OutboxMessage, SlackThread
from tests.conftest import Harness, make_config
from tests.delivery.threads import part_texts
from tests.delivery.threads import parts as message_parts
from tests.events import comment, event


def parents(app: Harness) -> list[dict[str, Any]]:
    return [m for m in app.fake.messages("C0SUPPORT") if not m.get("thread_ts")]


def blocks_text(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks") or message.get("attachments"), ensure_ascii=False)


def assert_valid_blocks(message: dict[str, Any]) -> None:
    blocks = message.get("blocks") or []
    for attachment in message.get("attachments") or []:
        blocks += attachment.get("blocks", [])
    assert len(blocks) <= 50
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, block
        parsed.validate_json()


def test_first_event_posts_one_parent_with_everything(app: Harness) -> None:
    assert app.post_event(event()).status_code == 202
    assert app.deliver() == 0
    [parent] = parents(app)
    text = blocks_text(parent)
    assert "Cannot log in" in text and "urgent" in text and "new" in text
    assert "<@U0AGENT1>" in text          # assignee mapped by the team's agents map
    assert "Ann Client" in text
    assert "https://helpdesk.example.com/tickets/1001" in text
    assert '"action_id": "qa_review"' in text
    assert parent["attachments"][0]["color"].startswith("#")
    assert parent["text"]                 # top-level text kept for notifications
    assert_valid_blocks(parent)
    [thread] = app.rows(SlackThread)
    assert (thread.channel, thread.ts) == ("C0SUPPORT", parent["ts"])


def test_five_deliveries_of_one_event_make_one_parent(app: Harness) -> None:
    body = event()
    codes = [app.post_event(body).status_code for _ in range(5)]
    assert codes == [202, 200, 200, 200, 200]
    app.deliver()
    assert len(parents(app)) == 1
    assert len(app.fake.calls_to("chat.postMessage")) == 1


def test_update_before_created_still_one_parent_then_right_state(app: Harness) -> None:
    update = event("ticket.updated", occurred_at="2026-11-23T09:40:00Z", status="open")
    created = event("ticket.created", occurred_at="2026-11-23T09:30:00Z", status="new")
    assert app.post_event(update).status_code == 202
    assert app.post_event(created).status_code == 202
    app.deliver()
    [parent] = parents(app)
    assert "*Status*\\nopen" in blocks_text(parent)   # the older snapshot did not win
    assert app.fake.thread("C0SUPPORT", parent["ts"]) == []


def test_later_events_reply_in_thread_and_update_parent(app: Harness) -> None:
    """Events minutes apart, as a helpdesk sends them: each is delivered before the next
    (replies queued together may share a message: tests/delivery/test_coalescing.py)."""
    carol = {"name": "Carol", "email": "carol@example.com"}
    for body in (
            event(),
            comment(event(occurred_at="2026-11-23T09:35:00Z"), "Hello Ann, on it"),
            comment(event(occurred_at="2026-11-23T09:36:00Z"), "Customer is VIP",
                    public=False, comment_id="c-2"),
            event("ticket.updated", occurred_at="2026-11-23T09:40:00Z", status="open",
                  assignee=carol),
            event("ticket.closed", occurred_at="2026-11-23T10:00:00Z", status="closed",
                  assignee=carol),
            event("ticket.reopened", occurred_at="2026-11-23T10:05:00Z", status="open",
                  assignee=carol)):
        app.post_event(body)
        assert app.deliver() == 0
    [parent] = parents(app)
    replies = [r["text"] for r in app.fake.thread("C0SUPPORT", parent["ts"])]
    assert "Public reply" in replies[0]
    assert "Internal note" in replies[1]
    # One event, two pieces of news: one message, a part each.
    assert [part_texts(p) for p in message_parts(app.fake.thread("C0SUPPORT", parent["ts"])[2])
            ] == [":arrows_counterclockwise: Status: new → open",
                  ":bust_in_silhouette: Assigned to <@U0AGENT2> (was Bob Agent)"]  # looked up
    assert "Closed" in replies[3]
    assert "Reopened" in replies[4]
    assert len(replies) == 5
    assert all(not m.get("reply_broadcast") for m in app.fake.messages())
    assert "<@U0AGENT2>" in blocks_text(parent)     # the parent shows the current state
    assert len(app.fake.calls_to("users.lookupByEmail")) == 1   # cached


def test_outside_text_is_escaped(app: Harness) -> None:
    nasty = "<!channel> <@U1> <https://x|y> & more"
    app.post_event(event(subject=nasty, requester={"name": "<!here>", "email": "a@b.c"}))
    app.post_event(comment(event(occurred_at="2026-11-23T09:31:00Z"), nasty))
    app.deliver()
    for call in app.fake.calls_to("chat.postMessage"):
        raw = json.dumps(call.args)
        for forbidden in ("<!channel>", "<@U1>", "<https://x|y>", "<!here>"):
            assert forbidden not in raw
    assert "&lt;!channel&gt; &lt;@U1&gt; &lt;https://x|y&gt; &amp; more" in \
        json.dumps(app.fake.calls_to("chat.postMessage")[1].args)


def test_huge_subject_still_yields_a_valid_message(app: Harness) -> None:
    app.post_event(event(subject="&" * 100_000))
    app.post_event(comment(event(occurred_at="2026-11-23T09:31:00Z", subject="&" * 100_000),
                           "<" * 100_000))
    app.deliver()
    messages = app.fake.messages("C0SUPPORT")
    assert len(messages) == 2
    for message in messages:
        assert_valid_blocks(message)
        assert "…" in blocks_text(message)


def test_unmatched_assignee_is_shown_by_name_never_pinged(app: Harness) -> None:
    app.post_event(event(assignee={"name": "Zed Outsider", "email": "zed@nowhere.example"}))
    app.deliver()
    [parent] = parents(app)
    assert "Zed Outsider" in blocks_text(parent)
    assert "<@" not in blocks_text(parent)


def test_unknown_team_goes_to_the_first_team(make_harness: Any) -> None:
    support = {"name": "support", "channel": "C0SUPPORT", "leads": ["U0LEAD1"]}
    billing = {"name": "billing", "channel": "C0BILLING", "leads": ["U0LEAD1"]}
    app = make_harness(make_config(teams=[support, billing]))
    app.post_event(event(team="nonexistent", ticket_id="1001"))
    app.post_event(event(team="billing", ticket_id="1002"))
    app.post_event(event(ticket_id="1003", team=None))
    app.deliver()
    assert sorted(p["text"].split(":")[0] for p in parents(app)) == ["Ticket #1001", "Ticket #1003"]
    assert [p["text"].split(":")[0] for p in app.fake.messages("C0BILLING")] == ["Ticket #1002"]


def test_permanent_error_marks_row_failed_and_healthz_shows_it(app: Harness) -> None:
    app.fake.fail_next(method="chat.postMessage", error="channel_not_found")
    app.post_event(event())
    app.deliver()
    [row] = app.rows(OutboxMessage)
    assert row.status == "failed" and row.last_error == "channel_not_found"
    health = app.client.get("/healthz").get_json()
    assert health["outbox_failed"] == 1
    assert health["last_failure"]["error"] == "channel_not_found"
