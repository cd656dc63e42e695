"""The outbox worker against a misbehaving fake Slack: outages, 429s, pacing, many workers."""
from __future__ import annotations

import threading
import time
from datetime import UTC
from typing import Any

from chatops.delivery.pacing import Pacing
from chatops.sandbox.fake_slack import FakeSlack
from db.models import OutboxMessage
from tests.conftest import Harness
from tests.delivery.threads import parents, thread_parts
from tests.events import comment, event


def _ticket_burst(app: Harness, tickets: int, comments: int) -> None:
    for t in range(tickets):
        tid = str(2000 + t)
        assert app.post_event(event(ticket_id=tid)).status_code == 202
        for c in range(comments):
            body = comment(event(ticket_id=tid, occurred_at=f"2026-11-23T09:{31 + c}:00Z"),
                           f"ticket {tid} comment {c}", comment_id=f"c-{tid}-{c}")
            assert app.post_event(body).status_code == 202


def _assert_threads_in_order(fake: FakeSlack, tickets: int, comments: int) -> None:
    """Every ticket once, each comment once, in order (several may share one message)."""
    tops = parents(fake)
    assert len(tops) == tickets, "one parent per ticket, none twice"
    for parent in tops:
        tid = parent["text"].split("#")[1].split(":")[0]
        assert [p.split("\n")[1] for p in thread_parts(fake, parent["ts"])] == [
            f"ticket {tid} comment {c}" for c in range(comments)]


def test_slack_down_pauses_the_transport_then_delivers_everything_once_in_order(
        app: Harness) -> None:
    app.fake.set_down(True)
    _ticket_burst(app, tickets=3, comments=3)
    assert app.deliver(max_seconds=2.5) > 0       # nothing can get through
    assert app.fake.messages() == []
    health = app.client.get("/healthz").get_json()
    assert health["paused"]["slack"]["kind"] == "outage"
    assert "RemoteDisconnected" in health["paused"]["slack"]["reason"]
    # Twelve rows wait, but Slack was asked by one probe at a time, each after a longer pause
    # (0.5-1 s, then 1-2 s …): not by every row on its own.
    attempts_while_down = len(app.fake.calls)
    assert 1 <= attempts_while_down <= 3
    app.fake.set_down(False)
    assert app.deliver(max_seconds=30) == 0
    _assert_threads_in_order(app.fake, tickets=3, comments=3)
    rows = app.rows(OutboxMessage)
    assert {r.status for r in rows} <= {"done", "merged"}
    assert sum(r.attempts for r in rows) == len([r for r in rows if r.status == "done"]) + (
        attempts_while_down)  # each delivered once, plus the probes that found Slack down
    assert "paused" not in app.client.get("/healthz").get_json() or \
        app.client.get("/healthz").get_json()["paused"] == {}


def test_5xx_is_retried_with_backoff(app: Harness) -> None:
    app.fake.fail_next(2, method="chat.postMessage", status=503)
    app.post_event(event())
    assert app.deliver(max_seconds=15) == 0
    [row] = app.rows(OutboxMessage)
    assert row.status == "done" and row.attempts == 3


def test_429_waits_retry_after_then_delivers(app: Harness) -> None:
    app.fake.fail_next(method="chat.postMessage", status=429, retry_after=2)
    app.post_event(event())
    assert app.deliver(max_seconds=15) == 0
    posts = app.fake.calls_to("chat.postMessage", ok_only=False)
    assert [c.status for c in posts] == [429, 200]
    assert posts[1].at - posts[0].at >= 2.0
    text = app.client.get("/metrics").get_data(as_text=True)
    assert 'chatops_rate_limited_total{transport="slack"} 1.0' in text


def test_real_pacing_never_trips_slacks_limit(make_harness: Any) -> None:
    app: Harness = make_harness(pace=Pacing())
    app.fake.enforce_rate_limit = True  # the fake answers 429 to a 2nd post within 1 s
    _ticket_burst(app, tickets=2, comments=1)
    assert app.deliver(max_seconds=20) == 0
    assert app.fake.rate_limit_violations == 0
    posts = app.fake.calls_to("chat.postMessage")
    gaps = [b.at - a.at for a, b in zip(posts, posts[1:])]
    assert len(posts) == 4 and min(gaps) >= 1.0


def test_workers_side_by_side_never_double_post(make_harness: Any) -> None:
    first: Harness = make_harness()
    others = [make_harness() for _ in range(2)]
    _ticket_burst(first, tickets=6, comments=2)
    threads = [threading.Thread(target=h.deliver, args=(30,)) for h in [first, *others]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    _assert_threads_in_order(first.fake, tickets=6, comments=2)
    with first.rt.sessions() as session:
        sent = session.query(OutboxMessage).filter_by(status="done",
                                                      method="chat.postMessage").count()
    assert len(first.fake.calls_to("chat.postMessage")) == sent  # each row sent once


def test_dm_to_unknown_email_is_skipped_not_retried(app: Harness) -> None:
    from chatops.delivery import outbox
    from domain.recipients import Recipient

    with app.rt.sessions.begin() as session:
        outbox.add(session, outbox.direct_message(Recipient.by_email("nobody@nowhere.example"),
                                                  {"text": "hi", "blocks": []}))
    assert app.deliver() == 0
    [row] = app.rows(OutboxMessage)
    assert row.status == "skipped" and "nobody@nowhere.example" in (row.last_error or "")
    assert app.fake.calls_to("chat.postMessage", ok_only=False) == []


def test_in_process_worker_delivers_right_after_accepting(app: Harness) -> None:
    app.rt.start_worker()
    started = time.monotonic()
    app.post_event(event())
    assert app.fake.wait_for(lambda: len(app.fake.messages()) == 1, timeout=5)
    assert time.monotonic() - started < 2
    assert app.client.get("/healthz").get_json()["worker"] == "running"
    app.rt.stops[-1]()  # the worker thread ends: /healthz says so, and is unhealthy
    assert app.rt.worker_thread is not None
    app.rt.worker_thread.join(timeout=10)
    answer = app.client.get("/healthz")
    assert answer.status_code == 503
    assert answer.get_json()["worker"] == "stopped" and answer.get_json()["status"] == "error"


def test_claims_of_a_dead_worker_on_this_host_are_freed_at_start(app: Harness) -> None:
    """kill -9 mid-send leaves a claim and a channel reservation: a new worker frees them
    instead of waiting out the 60 s lease."""
    import socket
    from datetime import datetime, timedelta

    from sqlalchemy import update

    from chatops.delivery import claims

    app.post_event(event())
    assert app.rt.worker.expand_deferred() == 1  # the parent post is rendered, then claimed
    later = datetime.now(UTC) + timedelta(seconds=60)
    with app.rt.sessions.begin() as session:
        session.execute(update(OutboxMessage).values(
            claimed_by=f"{socket.gethostname()}-999999999-dead", claimed_until=later))
        assert claims.reserve_channel(session, "C0SUPPORT", datetime.now(UTC))
    assert app.deliver(max_seconds=5) == 0
    assert len(app.fake.messages()) == 1


def test_missing_scope_on_lookup_shows_the_name_and_keeps_the_thread(app: Harness) -> None:
    app.fake.fail_next(method="users.lookupByEmail", error="missing_scope")
    app.post_event(event(assignee={"name": "Carol Agent", "email": "carol@example.com"}))
    assert app.deliver() == 0
    [parent] = app.fake.messages("C0SUPPORT")
    assert "Carol Agent" in str(parent["attachments"]) and "<@" not in str(parent["attachments"])


def test_a_worker_whose_claim_lapsed_does_not_record_over_the_new_owner(app: Harness) -> None:
    from datetime import datetime, timedelta

    from sqlalchemy import update

    from chatops.delivery.errors import Outcome
    from chatops.delivery.outbox import Job

    app.post_event(event())
    [row] = app.rows(OutboxMessage)
    with app.rt.sessions.begin() as session:
        session.execute(update(OutboxMessage).values(
            claimed_by="other-host-1-abc",
            claimed_until=datetime.now(UTC) + timedelta(seconds=60)))
    app.rt.worker.recorder.record(Job.of(row), Outcome("ok", channel="C0SUPPORT", ts="1.1"),
                                  datetime.now(UTC))
    [after] = app.rows(OutboxMessage)
    assert after.status == "pending" and after.claimed_by == "other-host-1-abc"
