"""Group commit: many webhook requests, few transactions, each answer only after its commit,
and one bad event never costs its neighbours."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from chatops.tickets.group_commit import GroupCommit
from chatops.tickets.ingest import IngestResult
from chatops.tickets.schema import HelpdeskEvent, parse_event
from db.models import OutboxMessage, ReceivedEvent, Ticket
from tests.conftest import Harness
from tests.events import event


def parsed(**kwargs: Any) -> HelpdeskEvent:
    import json

    return parse_event(json.dumps(event(**kwargs)).encode())


class Gate:
    """An ingest hook that holds the writer inside its first event until opened, so the
    events sent meanwhile queue up and go into the next transaction together."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.open = threading.Event()
        self.transactions = 0

    def __call__(self, session: Session, ticket: Ticket, event: HelpdeskEvent,
                 now: datetime) -> bool:
        if "gate" not in session.info:  # a new session: a new transaction
            session.info["gate"] = True
            self.transactions += 1
        if not self.entered.is_set():
            self.entered.set()
            assert self.open.wait(10)
        return False


def submit_all(group: GroupCommit, events: list[HelpdeskEvent]) -> list[Any]:
    """Sends the first event, waits until the writer holds it, then sends the rest."""
    gate = next(h for h in group.ingest.hooks if isinstance(h, Gate))
    with ThreadPoolExecutor(max_workers=len(events)) as pool:
        first = pool.submit(group.handle, events[0])
        assert gate.entered.wait(10)
        rest = [pool.submit(group.handle, e) for e in events[1:]]
        deadline = time.monotonic() + 10
        while group.waiting < len(rest):  # all of them waiting for the writer
            assert time.monotonic() < deadline, f"only {group.waiting} of {len(rest)} queued"
            time.sleep(0.01)
        gate.open.set()
        return [f.exception() or f.result() for f in [first, *rest]]


def test_events_that_wait_together_are_stored_in_one_transaction(app: Harness) -> None:
    gate = Gate()
    app.rt.ingest.hooks.append(gate)
    events = [parsed(ticket_id=f"gc-{n}") for n in range(12)]
    results = submit_all(app.rt.event_writer, events)
    assert [r.ticket_id for r in results] == [f"gc-{n}" for n in range(12)]
    assert not any(r.duplicate for r in results)
    assert gate.transactions == 2  # the first alone, the eleven others together
    assert len(app.rows(Ticket)) == 12 and len(app.rows(OutboxMessage)) == 12


def test_a_failing_event_fails_alone_and_its_batch_is_stored_one_by_one(app: Harness) -> None:
    gate = Gate()

    def explode(session: Session, ticket: Ticket, event: HelpdeskEvent, now: datetime) -> bool:
        if ticket.id == "gc-bad":
            raise RuntimeError("a bug in one event")
        return False

    app.rt.ingest.hooks += [gate, explode]
    events = [parsed(ticket_id="gc-0"), parsed(ticket_id="gc-1"), parsed(ticket_id="gc-bad"),
              parsed(ticket_id="gc-3")]
    results = submit_all(app.rt.event_writer, events)
    assert isinstance(results[2], RuntimeError)
    assert [r.ticket_id for r in results if isinstance(r, IngestResult)] == [
        "gc-0", "gc-1", "gc-3"]
    assert sorted(t.id for t in app.rows(Ticket)) == ["gc-0", "gc-1", "gc-3"]
    assert len(app.rows(ReceivedEvent)) == 3  # nothing of the bad one


def test_the_same_event_twice_in_one_batch_is_stored_once(app: Harness) -> None:
    app.rt.ingest.hooks.append(Gate())
    events = [parsed(ticket_id="gc-0"), parsed(ticket_id="gc-1", event_id="evt-twice"),
              parsed(ticket_id="gc-1", event_id="evt-twice")]
    results = submit_all(app.rt.event_writer, events)
    assert [r.duplicate for r in results] == [False, False, True]
    assert len(app.rows(Ticket)) == 2 and len(app.rows(OutboxMessage)) == 2


def test_a_batch_keeps_each_tickets_events_in_order_and_answers_each_request(
        app: Harness) -> None:
    """The writer stores a batch in ticket order (so that concurrent batches lock tickets in
    one order); each request still gets its own answer, and one ticket's events keep theirs."""
    app.rt.ingest.hooks.append(Gate())
    events = [parsed(ticket_id="gc-0"),
              parsed(ticket_id="gc-z", event_id="evt-z1", subject="older"),
              parsed(ticket_id="gc-a"),
              parsed(ticket_id="gc-z", event_id="evt-z1", subject="older"),  # a redelivery
              parsed(ticket_id="gc-z", subject="newer", occurred_at="2026-11-23T09:31:00Z")]
    results = submit_all(app.rt.event_writer, events)
    # The first delivery of evt-z1 is the one stored, the second its duplicate: in order.
    assert [(r.ticket_id, r.duplicate) for r in results] == [
        ("gc-0", False), ("gc-z", False), ("gc-a", False), ("gc-z", True), ("gc-z", False)]
    assert {t.id: t.subject for t in app.rows(Ticket)} == {
        "gc-0": "Cannot log in", "gc-a": "Cannot log in", "gc-z": "newer"}


def test_many_concurrent_requests_each_get_their_own_answer(app: Harness) -> None:
    bodies = [event(ticket_id=f"gc-{n % 30}", subject=f"subject {n}",
                    occurred_at=f"2026-11-23T09:{30 + n // 30:02d}:00Z") for n in range(90)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda b: app.post_event(b).status_code, bodies))
    assert answers == [202] * 90
    tickets = {t.id: t for t in app.rows(Ticket)}
    assert len(tickets) == 30
    assert {t.subject for t in tickets.values()} == {f"subject {n}" for n in range(60, 90)}
    assert app.deliver() == 0
    assert len([m for m in app.fake.messages("C0SUPPORT") if not m.get("thread_ts")]) == 30


def test_closing_stops_the_writer(app: Harness) -> None:
    assert app.post_event(event(ticket_id="gc-0")).status_code == 202
    assert app.rt.event_writer.running
    app.rt.event_writer.close()
    assert not app.rt.event_writer.running



def test_an_event_after_close_is_still_stored_at_once(app: Harness) -> None:
    app.rt.event_writer.close()
    assert not app.rt.event_writer.running  # never started
    result = app.rt.event_writer.handle(parsed(ticket_id="gc-late"))
    assert not result.duplicate
    assert [t.id for t in app.rows(Ticket)] == ["gc-late"]


def test_an_event_after_the_running_writer_stopped_is_stored_at_once(app: Harness) -> None:
    assert app.post_event(event(ticket_id="gc-0")).status_code == 202  # starts the writer
    app.rt.event_writer.close()
    assert not app.rt.event_writer.running
    assert not app.rt.event_writer.handle(parsed(ticket_id="gc-late")).duplicate
    assert sorted(t.id for t in app.rows(Ticket)) == ["gc-0", "gc-late"]


def test_a_batch_that_cannot_get_the_database_fails_at_once_not_one_by_one(
        app: Harness) -> None:
    gate = Gate()
    attempts: list[str] = []

    def unavailable(session: Session, ticket: Ticket, event: HelpdeskEvent,
                    now: datetime) -> bool:
        if ticket.id != "gc-0":
            attempts.append(ticket.id)
            raise TimeoutError("SQLite: waited too long for the write lock")
        return False

    app.rt.ingest.hooks += [gate, unavailable]
    events = [parsed(ticket_id=f"gc-{n}") for n in range(4)]
    results = submit_all(app.rt.event_writer, events)
    assert isinstance(results[0], IngestResult)
    assert all(isinstance(r, TimeoutError) for r in results[1:])
    assert attempts == ["gc-1"]  # the batch stopped at its first event; no retries alone
    assert [t.id for t in app.rows(Ticket)] == ["gc-0"]
