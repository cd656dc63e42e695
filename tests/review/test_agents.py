"""Each agent's private DM of their own week, the leads' per-agent breakdown, and the
`after_review` reveal: every agent gets their week and nobody else's, exactly once; their
ratings only under `after_review`, never before the review, released once."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from chatops.clock import FixedClock
from db.models import OutboxMessage
from db.models_people import Rating, RatingNotice
from tests.ratings.support import rating_event, slash
from tests.review.support import DAVE, END, World, harness_with_week, review_config
from tests.review.test_thread import post_and_deliver

AGENTS = ("U0AGENT1", "U0AGENT2", "U0AGENT3", "U0AGENT4")
LEADS = ("U0LEAD1", "U0LEAD2")
# What only one agent's week holds: their QA-reviewed tickets, their SLA line, their ratings.
OWN = {
    "U0AGENT1": ["Printer on fire", "Cannot log in", "First response: 1 of 2 met on time (50 %), 1 breach"],
    "U0AGENT2": ["Invoice wrong", "Resolution: 1 of 2 met on time (50 %), 1 breach"],
    "U0AGENT3": ["First response: none met, 1 breach"],
    "U0AGENT4": ["First response: none met, 0 breaches"],
}
COMMENTS = {"U0AGENT1": ["Quick and kind", "Nobody answered for hours", "Earlier praise"],
            "U0AGENT2": ["Wrong fix twice", "Carol-style thanks", "Last week complaint"],
            "U0AGENT3": ["Still broken after update"], "U0AGENT4": []}


def dm_of(app: Any, user: str) -> str:
    [dm] = app.fake.dms(user)
    return json.dumps(dm, ensure_ascii=False)


def test_every_agent_gets_their_own_week_once_and_nobody_elses(make_harness: Any) -> None:
    app = harness_with_week(make_harness)
    post_and_deliver(app)
    for agent in AGENTS:
        text = dm_of(app, agent)                                  # exactly one DM each
        assert "Only you get this message" in text
        for owner, facts in OWN.items():
            for fact in facts:
                assert (fact in text) is (owner == agent), (agent, fact)
        for comments in COMMENTS.values():                        # leads_only: no ratings
            assert not any(c in text for c in comments)
    assert "#T2 Cannot log in: 70 :x: not passed" in dm_of(app, "U0AGENT1")   # Q3, not Q2
    assert "appealed" in dm_of(app, "U0AGENT1") and "appealed" not in dm_of(app, "U0AGENT2")
    for lead in LEADS:
        text = dm_of(app, lead)                                   # the breakdown, once
        assert all(f"<@{agent}>" in text for agent in AGENTS)
        assert "QA: 2 reviews, average 80, 50 % passed" in text           # Bob: 90 and 70
        assert "2 ratings, 0 % good, 1 negative (0 followed up)" in text  # Dave
    assert app.fake.dms("U0LEAD9") == []                          # another team's lead


def test_a_forced_second_review_is_one_more_dm_each(make_harness: Any) -> None:
    app = harness_with_week(make_harness)
    post_and_deliver(app)
    post_and_deliver(app, force=True)
    for user in AGENTS + LEADS:
        assert len(app.fake.dms(user)) == 2


@pytest.mark.parametrize("mode", ["leads_only", "score_only", "score_and_comment", "after_review"])
def test_ratings_are_in_the_agents_week_only_under_after_review(make_harness: Any,
                                                                mode: str) -> None:
    app = harness_with_week(make_harness, mode=mode)
    post_and_deliver(app)
    for agent, comments in COMMENTS.items():
        text = dm_of(app, agent)
        for comment in comments:
            assert (comment in text) is (mode == "after_review"), (agent, comment)
        for other, theirs in COMMENTS.items():
            if other != agent:
                assert not any(c in text for c in theirs)
    assert "Too late to count" not in json.dumps(app.fake.messages(), ensure_ascii=False)
    kept = [r for r in app.rows(Rating) if r.delivered_to_agent_at is None]
    if mode == "after_review":      # released once, but R10 (at the run moment) and R11
        assert sorted(r.rating_id for r in kept) == ["R10", "R11"]
    else:
        assert len(kept) == 11      # nothing released


def test_after_review_ratings_wait_for_the_review_then_come_once(make_harness: Any) -> None:
    clock = FixedClock(END - timedelta(days=2))
    app = make_harness(review_config("after_review"), clock=clock)
    assert app.post_event(rating_event("bad", "Rude reply on Friday")).status_code == 202
    assert app.post_event(rating_event(5, "Great follow-up", ticket_id="1002",
                                       agent={"name": "Carol Agent",
                                              "email": "carol@example.com"})).status_code == 202
    assert app.post_event(rating_event(1, "Nobody to tell", ticket_id="1003",
                                       agent={"name": "Zed", "email": None})).status_code == 202
    assert app.deliver() == 0
    assert all(app.fake.dms(agent) == [] for agent in AGENTS)    # not before the review
    clock.set(END)
    post_and_deliver(app)
    bob, carol = dm_of(app, "U0AGENT1"), dm_of(app, "U0AGENT2")
    assert "Rude reply on Friday" in bob and "Great follow-up" not in bob
    assert "Great follow-up" in carol and "Rude reply on Friday" not in carol
    assert "Nobody to tell" not in bob + carol
    calls = [c for c in app.fake.calls if c.method == "chat.postMessage"]
    parent = next(i for i, c in enumerate(calls) if c.args["channel"] == "C0SUPPORT")
    assert all(i > parent for i, c in enumerate(calls) if c.args["channel"] in AGENTS)
    assert all(r.delivered_to_agent_at == END for r in app.rows(Rating))
    assert sorted((n.recipient, n.role) for n in app.rows(RatingNotice) if n.role == "agent") == [
        ("U0AGENT1", "agent"), ("U0AGENT2", "agent")]

    clock.set(END + timedelta(days=7))                            # next week: nothing kept
    post_and_deliver(app)
    second = json.dumps(app.fake.dms("U0AGENT1")[1], ensure_ascii=False)
    assert "Rude reply on Friday" not in second and "since the last review*\\nnone" in second


def test_kept_ratings_stay_kept_when_the_team_left_after_review(make_harness: Any) -> None:
    clock = FixedClock(END - timedelta(days=1))
    app = make_harness(review_config("after_review"), clock=clock)
    assert app.post_event(rating_event("bad", "Kept back")).status_code == 202
    clock.set(END)
    slash(app, "U0ADMIN1", "visibility support leads_only")
    app.rt.reviews.post("support")
    assert app.deliver() == 0
    assert "Kept back" not in json.dumps(app.fake.dms("U0AGENT1"), ensure_ascii=False)
    [rating] = app.rows(Rating)
    assert rating.delivered_to_agent_at is None


def test_an_agent_seen_only_in_a_ticket_of_the_week_gets_their_week(make_harness: Any) -> None:
    app = make_harness(review_config(), clock=FixedClock(END))
    world = World()
    world.ticket("T1", "Quiet one", END - timedelta(days=2), DAVE)      # opened, nothing else
    world.ticket("T2", "Older one", END - timedelta(days=30), ("Fay", "fay@example.com"),
                 solved=END - timedelta(days=1))                       # solved in the week
    world.write(app.rt.engine)
    post_and_deliver(app)
    assert "First response: none met, 0 breaches" in dm_of(app, "U0AGENT3")
    targets = {r.target for r in app.rows(OutboxMessage) if r.role == "dm"}
    assert {"email:dave@example.com", "email:fay@example.com"} <= targets  # Fay: no Slack user
