"""CONTRACT §6 customer ratings, over signed HTTP, asserted on what the fake Slack received."""
from __future__ import annotations

import json
from typing import Any

import pytest

from db.models import OutboxMessage
from db.models_people import Rating, RatingNotice
from tests.conftest import BASE_CONFIG, Harness, make_config, unique
from tests.events import event
from tests.ratings.support import calls_containing, dm_text, rating_event

LEADS = ("U0LEAD1", "U0LEAD2")
MODES = ("leads_only", "after_review", "score_only", "score_and_comment")


def config_with(mode: str = "leads_only", **team: Any):  # type: ignore[no-untyped-def]
    base = json.loads(json.dumps(BASE_CONFIG["teams"][0]))
    base.update(rating_visibility=mode, **team)
    return make_config(teams=[base])


def assert_only_dms(app: Harness, needle: str, allowed: set[str]) -> None:
    """Every Slack call and outbox row carrying `needle` is a DM to one of `allowed`."""
    channels = allowed | {f"D{u}" for u in allowed}
    calls = calls_containing(app, needle)
    assert calls, "the text never reached Slack"
    for call in calls:
        assert call.method in ("chat.postMessage", "chat.update"), call.method
        assert call.args["channel"] in channels, call.args["channel"]
        assert not call.args.get("thread_ts")
    for row in app.rows(OutboxMessage):
        if needle in row.payload:
            assert row.role in ("dm", "dm_update") and row.transport == "slack"
    for message in app.fake.messages("C0SUPPORT"):
        assert needle not in json.dumps(message, ensure_ascii=False)
    assert needle not in json.dumps(app.fake.teams_posts("support"), ensure_ascii=False)
    assert needle not in json.dumps(app.fake.ephemerals(), ensure_ascii=False)


@pytest.mark.parametrize("mode", MODES)
def test_bad_rating_reaches_leads_and_the_agent_as_the_mode_says(make_harness: Any,
                                                                 mode: str) -> None:
    app = make_harness(config_with(mode))
    secret = f"slow-{unique()}"
    assert app.post_event(event()).status_code == 202        # the ticket's parent exists
    assert app.post_event(rating_event("bad", f"Answer was {secret}")).status_code == 202
    assert app.deliver() == 0

    for lead in LEADS:
        [dm] = app.fake.dms(lead)
        text = json.dumps(dm, ensure_ascii=False)
        assert secret in text and "Negative" in text and "bad" in text
        assert "<@U0AGENT1>" in text                          # the agent
        assert "https://helpdesk.example.com/tickets/1001" in text   # the ticket
        assert '"action_id": "rating_followed_up"' in text
    agent = app.fake.dms("U0AGENT1")
    if mode in ("leads_only", "after_review"):
        assert agent == []
    elif mode == "score_only":
        [dm] = agent
        text = json.dumps(dm, ensure_ascii=False)
        assert "bad" in text and secret not in text and "rating_followed_up" not in text
    else:
        [dm] = agent
        text = json.dumps(dm, ensure_ascii=False)
        assert "bad" in text and secret in text and "rating_followed_up" not in text
    allowed = set(LEADS) | ({"U0AGENT1"} if mode == "score_and_comment" else set())
    assert_only_dms(app, secret, allowed)
    [rating] = app.rows(Rating)
    assert (rating.agent_target, rating.agent_visibility) == ("U0AGENT1", mode)
    if mode in ("leads_only", "after_review"):
        assert rating.delivered_to_agent_at is None           # after_review: kept for later


def test_agent_found_by_email_when_not_in_the_agents_map(make_harness: Any) -> None:
    app = make_harness(config_with("score_and_comment"))
    secret = unique()
    carol = {"name": "Carol", "email": "Carol@Example.com"}
    app.post_event(rating_event(3, f"meh {secret}", agent=carol))
    app.deliver()
    assert secret in dm_text(app, "U0AGENT2")                  # users.lookupByEmail
    assert app.fake.dms("U0AGENT1") == []                      # the rating's agent wins
    assert_only_dms(app, secret, {*LEADS, "U0AGENT2"})


def test_unmatched_or_unknown_agent_gets_nothing(make_harness: Any) -> None:
    app = make_harness(config_with("score_and_comment"))
    first, second = unique(), unique()
    app.post_event(rating_event("bad", first, agent={"name": "Zed", "email": "zed@nowhere.example"}))
    app.post_event(rating_event("bad", second, ticket_id="1002", assignee=None))
    app.deliver()
    assert_only_dms(app, first, set(LEADS))
    assert_only_dms(app, second, set(LEADS))
    skipped = [r for r in app.rows(OutboxMessage) if r.target == "email:zed@nowhere.example"]
    assert [r.status for r in skipped] == ["skipped"]
    assert "Zed" in dm_text(app, "U0LEAD1")                    # shown by name to the leads


def test_a_rating_is_sent_once_whatever_carries_it_again(make_harness: Any) -> None:
    app = make_harness(config_with("score_only"))
    body = rating_event("bad", "twice", rating_id="r-same")
    assert app.post_event(body).status_code == 202
    assert app.post_event(body).status_code == 200             # the same event: a duplicate
    again = rating_event("bad", "twice", rating_id="r-same")   # another event, same rating
    assert app.post_event(again).status_code == 202
    app.deliver()
    assert [len(app.fake.dms(u)) for u in (*LEADS, "U0AGENT1")] == [1, 1, 1]
    assert len(app.rows(Rating)) == 1
    assert len(app.rows(RatingNotice)) == 3


@pytest.mark.parametrize("score, negative, flagged, stored", [
    ("good", None, False, "good"), ("neutral", None, False, "neutral"),
    ("bad", None, True, "bad"), (1, None, True, "1"), (2, None, True, "2"),
    (3, None, False, "3"), (5, None, False, "5"),
    (3, ["bad", 1, 2, 3], True, "3"), ("bad", [1], False, "bad"),
])
def test_scores_are_normalised_and_ratings_negative_decides(
        make_harness: Any, score: Any, negative: list[Any] | None, flagged: bool,
        stored: str) -> None:
    config = config_with()
    if negative is not None:
        config = config.model_copy(update={"ratings": config.ratings.model_copy(
            update={"negative": negative})})
    app = make_harness(config)
    app.post_event(rating_event(score, "a comment"))
    app.deliver()
    [rating] = app.rows(Rating)
    assert (rating.score, rating.negative) == (stored, flagged)
    text = dm_text(app, "U0LEAD1")
    assert ("rating_followed_up" in text) is flagged
    assert ("Negative" in text) is flagged
    if isinstance(score, int):
        assert f"{score}/5" in text


def test_comment_and_names_are_escaped(make_harness: Any) -> None:
    app = make_harness(config_with("score_and_comment"))
    nasty = "<!channel> <@U0ADMIN1> <https://evil.example|click> & co"
    app.post_event(rating_event("bad", nasty, agent={"name": "<!here>", "email": None},
                                subject="<!everyone>"))
    app.deliver()
    for call in app.fake.calls_to("chat.postMessage"):
        raw = json.dumps(call.args, ensure_ascii=False)
        for forbidden in ("<!channel>", "<@U0ADMIN1>", "<https://evil", "<!here>", "<!everyone>"):
            assert forbidden not in raw
    assert "&lt;!channel&gt; &lt;@U0ADMIN1&gt;" in dm_text(app, "U0LEAD1")


def test_a_rating_first_seen_posts_the_parent_without_the_rating(make_harness: Any) -> None:
    app = make_harness(config_with("score_and_comment"))
    secret = unique()
    app.post_event(rating_event("good", f"great {secret}", ticket_id="3003"))
    app.deliver()
    [parent] = app.fake.messages("C0SUPPORT")
    assert secret not in json.dumps(parent, ensure_ascii=False)
    assert_only_dms(app, secret, {*LEADS, "U0AGENT1"})
    assert "rating_followed_up" not in dm_text(app, "U0LEAD1")   # good: no button


def test_an_agent_email_that_cannot_be_a_slack_user_still_reaches_the_leads(app: Harness) -> None:
    from tests.ratings.support import rating_event

    body = rating_event("bad", "odd agent", agent={"name": "Bob", "email": "bob"})
    assert app.post_event(body).status_code == 202
    app.deliver()
    for lead in ("U0LEAD1", "U0LEAD2"):
        assert "odd agent" in str(app.fake.dms(lead))
