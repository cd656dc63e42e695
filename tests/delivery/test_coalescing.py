"""Fewer messages under a backlog, nothing lost: a fixed backlog and the exact messages Slack
receives for it."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from chatops.clock import FixedClock
from chatops.delivery import outbox
from db.models import OutboxMessage
from domain.recipients import Recipient
from jobs.sla_scan import run_sla_scan
from tests.conftest import Harness
from tests.delivery.threads import parents, part_texts, parts
from tests.events import comment, event
from tests.sla.helpers import GREEN, T0, at_minutes

SLACK_MAX_BLOCKS = 50  # https://docs.slack.dev/reference/block-kit/blocks


def _post(app: Harness, minutes: float, body: dict[str, Any]) -> None:
    app.rt.clock.set(T0 + timedelta(minutes=minutes))  # type: ignore[attr-defined]
    assert app.post_event(dict(body, occurred_at=at_minutes(minutes))).status_code == 202


def test_a_backlog_becomes_the_fewest_messages_in_thread_order(make_harness: Any) -> None:
    app = make_harness(clock=FixedClock(T0))
    _post(app, 0, event())
    assert app.deliver() == 0
    [parent] = parents(app.fake)
    before = len(app.fake.calls)
    # Slack is slow to take them: everything below waits in the outbox together.
    _post(app, 1, comment(event(), "A: on it"))                      # reply, parent redrawn
    _post(app, 2, event("ticket.updated", status="open"))            # reply, parent redrawn
    _post(app, 3, comment(event(status="open"), "B: VIP customer", public=False,
                          comment_id="c-2"))
    app.rt.clock.set(T0 + timedelta(minutes=121))  # type: ignore[attr-defined]
    assert run_sla_scan(app.rt).sent == 1         # resolution at 50 %: a nudge, parent redrawn
    _post(app, 122, comment(event(status="open"), "C: fixed", comment_id="c-3"))
    carol = {"name": "Carol", "email": "carol@example.com"}
    _post(app, 123, event("ticket.updated", status="open", assignee=carol))  # parent redrawn
    assert app.deliver() == 0

    thread = app.fake.thread("C0SUPPORT", parent["ts"])
    assert len(thread) == 3
    first, nudge, last = thread
    assert [part_texts(p) for p in parts(first)] == [
        ":speech_balloon: *Public reply* by Bob Agent\nA: on it",
        ":arrows_counterclockwise: Status: new → open",
        ":lock: *Internal note* by Bob Agent\nB: VIP customer"]
    assert first["text"].splitlines() == [":speech_balloon: *Public reply* by Bob Agent",
                                          ":arrows_counterclockwise: Status: new → open",
                                          ":lock: *Internal note* by Bob Agent"]
    assert nudge["attachments"][0]["color"] == GREEN and "<@U0AGENT1>" in nudge["text"]
    assert [part_texts(p) for p in parts(last)] == [
        ":speech_balloon: *Public reply* by Bob Agent\nC: fixed",
        ":bust_in_silhouette: Assigned to <@U0AGENT2> (was Bob Agent)"]
    # Four redraws were queued; one chat.update draws the parent as it stands.
    updates = [c for c in app.fake.calls[before:] if c.method == "chat.update"]
    assert len(updates) == 1
    [now] = parents(app.fake)
    assert "<@U0AGENT2>" in str(now["attachments"]) and "open" in str(now["attachments"])
    assert len(app.fake.dms("U0AGENT1")) == 1 and len(app.fake.teams_posts("support")) == 1
    rows = [r for r in app.rows(OutboxMessage) if r.id > 1]
    assert sorted(r.status for r in rows if r.status != "done") == ["merged"] * 3 + ["skipped"] * 3
    assert all(r.last_error == "superseded by a later update"
               for r in rows if r.status == "skipped")


def test_a_long_backlog_stays_within_slacks_block_limit_and_keeps_every_part(
        make_harness: Any) -> None:
    app = make_harness(clock=FixedClock(T0))
    _post(app, 0, event())
    assert app.deliver() == 0
    for n in range(30):
        _post(app, 1 + n / 10, comment(event(), f"note {n:02d}", public=False,
                                       comment_id=f"c-{n}"))
    assert app.deliver() == 0
    [parent] = parents(app.fake)
    thread = app.fake.thread("C0SUPPORT", parent["ts"])
    # A note is two blocks, and one divider between parts: 17 parts fill 50 blocks.
    per_message = 1 + (SLACK_MAX_BLOCKS - 2) // 3
    assert [len(parts(m)) for m in thread] == [per_message, 30 - per_message]
    assert all(len(m["blocks"]) <= SLACK_MAX_BLOCKS for m in thread)
    assert [part_texts(p).split("\n")[1] for m in thread for p in parts(m)] == [
        f"note {n:02d}" for n in range(30)]


def test_direct_messages_and_buttons_are_never_merged(make_harness: Any) -> None:
    app = make_harness()
    button = {"text": "rated", "blocks": [{"type": "actions", "elements": [{
        "type": "button", "action_id": "x", "text": {"type": "plain_text", "text": "Go"}}]}]}
    with app.rt.sessions.begin() as session:
        for n in range(3):
            outbox.add(session, outbox.direct_message(Recipient.parse("U0LEAD1"),
                                                      {"text": f"dm {n}", "blocks": []}))
        outbox.add(session, outbox.direct_message(Recipient.parse("U0LEAD1"), button))
    assert app.deliver() == 0
    assert [m["text"] for m in app.fake.dms("U0LEAD1")] == ["dm 0", "dm 1", "dm 2", "rated"]
