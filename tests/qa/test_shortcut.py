"""The `qa_review` message shortcut: on a ticket's parent or any reply in its thread it opens
the checklist of that ticket; elsewhere it says it is not a ticket thread."""
from __future__ import annotations

import json

from db.models_qa import QaReview
from tests.conftest import Harness
from tests.events import comment, event
from tests.qa.support import answer, choose, ephemerals_text, shortcut, submit, ticket, views_of, wait_view

ALL = ("knowledge", "attentive", "efficient", "composure", "closure")


def test_the_shortcut_on_a_thread_reply_reviews_that_ticket(app: Harness) -> None:
    ticket(app, "1002", subject="Other ticket")
    ticket(app, "1001")
    assert app.post_event(comment(event(occurred_at="2026-11-23T09:45:00Z", status="open"),
                                  "Try again now", comment_id="c-1")).status_code == 202
    app.deliver()
    replies = [m for m in app.fake.messages("C0SUPPORT") if m.get("thread_ts")]
    reply = next(m for m in replies if "Try again now" in json.dumps(m))
    assert shortcut(app, "U0LEAD1", reply).status_code == 200
    view = wait_view(app, "qa_checklist", ready="What the ticket's history shows")
    assert json.loads(view["private_metadata"])["ticket"] == "1001"
    assert "1 public agent reply" in json.dumps(view)
    assert answer(submit(app, "U0LEAD1", view, choose(view, dict.fromkeys(ALL, "pass")))) == {}
    [stored] = app.rows(QaReview)
    assert (stored.ticket_id, stored.reviewer, stored.score) == ("1001", "U0LEAD1", 100)
    assert json.loads(stored.signals)[-1] == {"signal": "agent_replies", "count": 1}


def test_the_shortcut_on_the_parent_reviews_its_ticket(app: Harness) -> None:
    parent = ticket(app, "1001")
    assert shortcut(app, "U0QA1", parent).status_code == 200
    view = wait_view(app, "qa_checklist")
    assert json.loads(view["private_metadata"])["ticket"] == "1001"


def test_the_shortcut_outside_a_ticket_thread_says_so(app: Harness) -> None:
    ticket(app)
    elsewhere = {"channel": "C0RANDOM", "ts": "1700000000.000100", "text": "lunch?",
                 "user": "U0LEAD1"}
    assert shortcut(app, "U0LEAD1", elsewhere).status_code == 200
    app.deliver()
    assert views_of(app, "qa_checklist") == []
    [answer_] = app.fake.ephemerals("U0LEAD1")
    assert answer_["channel"] == "C0RANDOM" and "not a ticket thread" in answer_["text"]


def test_the_shortcut_is_refused_like_the_button(app: Harness) -> None:
    parent = ticket(app)
    assert shortcut(app, "U0AGENT3", parent).status_code == 200
    app.deliver()
    assert views_of(app, "qa_checklist") == []
    assert "Only the leads of *support*" in ephemerals_text(app, "U0AGENT3")
