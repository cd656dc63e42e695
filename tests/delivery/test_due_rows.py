"""Which outbox rows a worker pass considers: the due-rows rule, on the database itself."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chatops.delivery import claims, outbox
from chatops.delivery.pacing import EPHEMERAL_KEY, UPDATE_KEY
from db.models import ChannelPace, OutboxMessage
from tests.conftest import Harness

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
MSG = {"text": "hello"}


def due(app: Harness, transport: str | None = None) -> list[tuple[str, str, str]]:
    with app.rt.sessions() as session:
        return [(r.method, r.target, r.stream)
                for r in claims.due_rows(session, NOW, 50, transport)]


def add(app: Harness, write) -> None:  # type: ignore[no-untyped-def]
    with app.rt.sessions.begin() as session:
        write(session)
        session.execute(OutboxMessage.__table__.update().values(created_at=NOW - timedelta(1),
                                                                next_attempt_at=NOW))


def test_one_post_per_channel_and_one_update_for_the_workspace(app: Harness) -> None:
    """A channel takes one post per second, the workspace one chat.update per 1.2 s (Tier 3):
    of each, only the oldest due row is a candidate."""
    def write(session):  # type: ignore[no-untyped-def]
        for n in range(3):  # three new tickets in one channel: three posts
            outbox.add(session, outbox.parent_post(f"t{n}", "C1", MSG))
        for n in range(3, 6):  # three parents to redraw, one per ticket, two channels
            outbox.add(session, outbox.parent_update(f"t{n}", "C1" if n < 5 else "C3", MSG))
        outbox.add(session, outbox.parent_post("t9", "C2", MSG))
    add(app, write)
    assert due(app) == [("chat.postMessage", "C1", "ticket:t0"),
                        ("chat.update", "C1", "ticket:t3"),
                        ("chat.postMessage", "C2", "ticket:t9")]


def test_a_paced_channel_waits_and_others_go(app: Harness) -> None:
    def write(session):  # type: ignore[no-untyped-def]
        outbox.add(session, outbox.parent_post("t0", "C1", MSG))
        outbox.add(session, outbox.parent_post("t1", "C2", MSG))
        outbox.add(session, outbox.parent_update("t2", "C1", MSG))
        session.add(ChannelPace(channel="C1", next_at=NOW + timedelta(seconds=1)))
    add(app, write)
    assert due(app) == [("chat.postMessage", "C2", "ticket:t1"),
                        ("chat.update", "C1", "ticket:t2")]  # updates have a pace of their own


def test_updates_wait_for_the_workspace_pace(app: Harness) -> None:
    def write(session):  # type: ignore[no-untyped-def]
        outbox.add(session, outbox.parent_update("t0", "C1", MSG))
        outbox.add(session, outbox.parent_post("t1", "C1", MSG))
        session.add(ChannelPace(channel=UPDATE_KEY, next_at=NOW + timedelta(seconds=1)))
    add(app, write)
    assert due(app) == [("chat.postMessage", "C1", "ticket:t1")]


def test_a_thread_waits_for_its_earlier_rows_and_a_retry_blocks_only_its_thread(
        app: Harness) -> None:
    def write(session):  # type: ignore[no-untyped-def]
        outbox.add(session, outbox.parent_post("t0", "C1", MSG))
        outbox.add(session, outbox.thread_reply("t0", "C1", MSG))
        outbox.add(session, outbox.parent_post("t1", "C1", MSG))
    add(app, write)
    with app.rt.sessions.begin() as session:  # t0's parent failed and waits for its retry
        first = min(r.id for r in session.query(OutboxMessage))
        session.query(OutboxMessage).filter_by(id=first).update(
            {"next_attempt_at": NOW + timedelta(seconds=30)})
    # t0's reply waits for its parent; t1 is not held up by t0's retry.
    assert due(app) == [("chat.postMessage", "C1", "ticket:t1")]


def test_the_same_target_name_on_two_transports_is_two_targets(app: Harness) -> None:
    def write(session):  # type: ignore[no-untyped-def]
        outbox.add(session, outbox.parent_post("t0", "support", MSG))
        outbox.add(session, outbox.teams_card("support", {"adaptive": {}, "legacy": {}}))
    add(app, write)
    assert sorted(due(app)) == [("chat.postMessage", "support", "ticket:t0"),
                                ("teams.post", "support", "teams:support")]
    assert due(app, "teams") == [("teams.post", "support", "teams:support")]


def test_a_reply_does_not_wait_for_a_redraw_of_its_parent(app: Harness) -> None:
    """The thread keeps its order; a redraw of the parent (paced at chat.update's slower
    rate) never holds a reply back, but still waits for the parent itself and earlier redraws."""
    def write(session):  # type: ignore[no-untyped-def]
        outbox.add(session, outbox.parent_update("t0", "C1", MSG))   # t0's parent is posted
        outbox.add(session, outbox.thread_reply("t0", "C1", MSG))
        outbox.add(session, outbox.parent_update("t0", "C1", MSG))
        outbox.add(session, outbox.parent_post("t1", "C2", MSG))    # t1's parent is not yet
        outbox.add(session, outbox.parent_update("t1", "C2", MSG))
    add(app, write)
    assert due(app) == [("chat.update", "C1", "ticket:t0"),
                        ("chat.postMessage", "C1", "ticket:t0"),
                        ("chat.postMessage", "C2", "ticket:t1")]


def test_ephemerals_have_one_workspace_key_and_uploads_wait_for_their_channel(
        app: Harness) -> None:
    """chat.postEphemeral is paced for the whole workspace (Tier 4), not by its channel's
    posts; a file upload into a thread is paced like a post to its channel."""
    def write(session):  # type: ignore[no-untyped-def]
        outbox.add(session, outbox.ephemeral("C1", "U1", MSG))
        outbox.add(session, outbox.ephemeral("C2", "U2", MSG))
        outbox.add(session, outbox.stream_file("review:1", "C1", b"png", "w.png", "W", "W"))
        session.add(ChannelPace(channel="C1", next_at=NOW + timedelta(seconds=1)))
    add(app, write)
    assert due(app) == [("chat.postEphemeral", "C1", "ephemeral:U1")]  # the oldest of the key
    with app.rt.sessions.begin() as session:
        session.add(ChannelPace(channel=EPHEMERAL_KEY, next_at=NOW + timedelta(seconds=1)))
    assert due(app) == []
