"""`after_review`: the agent's own ratings are kept until the weekly review, which releases
them once (tests/review/test_agents.py shows them in the agent's DM of their week)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chatops.clock import FixedClock
from chatops.ratings.after_review import AlreadyReleased, kept_for_review, release
from db.models_people import Rating, RatingNotice
from domain.recipients import Recipient
from tests.ratings.support import rating_event
from tests.ratings.test_rating_dms import config_with

REVIEW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def test_kept_ratings_are_released_once(make_harness: Any) -> None:
    clock = FixedClock(REVIEW - timedelta(days=1))
    app = make_harness(config_with("after_review"), clock=clock)
    app.post_event(rating_event("bad", "late"))
    app.post_event(rating_event(4, "fine", ticket_id="1002"))
    app.post_event(rating_event(1, "who?", ticket_id="1003", agent={"name": "Zed", "email": None}))
    clock.set(REVIEW)
    app.post_event(rating_event(2, "after the review's moment", ticket_id="1004"))
    assert app.deliver() == 0
    assert app.fake.dms("U0AGENT1") == []                     # kept: nothing before the review
    agents = app.rt.config.teams[0].agents
    with app.rt.sessions() as session:
        kept = kept_for_review(session, "support", REVIEW, agents)
    assert [k.card.comment for k in kept] == ["late", "fine", "who?"]
    assert [k.agent for k in kept] == [Recipient.user("U0AGENT1")] * 2 + [None]
    with app.rt.sessions.begin() as session:
        release(session, kept, REVIEW)
    with app.rt.sessions.begin() as session, pytest.raises(AlreadyReleased):
        release(session, kept, REVIEW)                        # a second time: refused
    with app.rt.sessions() as session:
        assert [k.card.comment for k in kept_for_review(session, "support", REVIEW + timedelta(1),
                                                         agents)] == ["after the review's moment"]
    released = {r.comment: r.delivered_to_agent_at for r in app.rows(Rating)}
    assert released == {"late": REVIEW, "fine": REVIEW, "who?": REVIEW,
                        "after the review's moment": None}
    assert sorted(n.recipient for n in app.rows(RatingNotice) if n.role == "agent") == [
        "U0AGENT1", "U0AGENT1"]
