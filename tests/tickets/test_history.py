"""Each stored event keeps what it said of the ticket's history (QA's signals read it)."""
from __future__ import annotations

from sqlalchemy import select

from db.models import ReceivedEvent
from tests.conftest import Harness
from tests.events import comment, event


def test_events_keep_status_and_comment_author_in_occurrence_order(app: Harness) -> None:
    created = event(occurred_at="2026-11-23T09:30:00Z")
    asked = comment(event(occurred_at="2026-11-23T09:40:00Z", status="open"), "Any news?",
                    role="customer", comment_id="c-1")
    noted = comment(event(occurred_at="2026-11-23T09:35:00Z", status="open"), "checking",
                    public=False, comment_id="c-2")
    solved = event("ticket.updated", occurred_at="2026-11-23T10:00:00Z", status="solved")
    for body in (created, asked, noted, solved):  # the internal note arrives late
        assert app.post_event(body).status_code == 202
    with app.rt.sessions() as session:
        rows = session.execute(select(ReceivedEvent.type, ReceivedEvent.status,
                                      ReceivedEvent.comment_role, ReceivedEvent.comment_public)
                               .where(ReceivedEvent.ticket_id == "1001")
                               .order_by(ReceivedEvent.occurred_at)).all()
    assert [tuple(r) for r in rows] == [
        ("ticket.created", "new", None, None),
        ("ticket.commented", "open", "agent", False),
        ("ticket.commented", "open", "customer", True),
        ("ticket.updated", "solved", None, None),
    ]


def test_a_redelivered_event_adds_no_history(app: Harness) -> None:
    body = comment(event(), "Hello", comment_id="c-9")
    assert app.post_event(body).status_code == 202
    assert app.post_event(body).status_code == 200
    with app.rt.sessions() as session:
        assert session.scalar(select(ReceivedEvent.comment_role)
                              .where(ReceivedEvent.id == body["id"])) == "agent"
        assert len(session.scalars(select(ReceivedEvent.id)).all()) == 1
