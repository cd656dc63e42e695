"""Who may not: a refused press opens nothing and stores nothing; the refusal is an ephemeral
message to the presser alone. Field errors keep a modal open and store nothing."""
from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest

from chatops.clock import FixedClock
from chatops.team_settings import leads_of
from db.models import OutboxMessage
from db.models_qa import QaAppeal, QaReview
from tests.conftest import Harness, make_config
from tests.qa.conftest import T0
from tests.qa.support import answer, choose, ephemerals_text, press, submit, ticket, views_of, wait_view
from tests.ratings.support import slash

ALL = ("knowledge", "attentive", "efficient", "composure", "closure")


def opened_checklist(app: Harness, reviewer: str = "U0QA1") -> dict[str, Any]:
    press(app, reviewer, ticket(app), "qa_review")
    return wait_view(app, "qa_checklist", ready="What the ticket's history shows")


def reviewed(app: Harness) -> dict[str, Any]:
    """A stored review; the agent's result DM."""
    view = opened_checklist(app)
    submit(app, "U0QA1", view, choose(view, dict.fromkeys(ALL, "pass")))
    app.deliver()
    return app.fake.dms("U0AGENT1")[0]


def test_someone_neither_lead_nor_reviewer_opens_nothing(app: Harness) -> None:
    parent = ticket(app)
    assert press(app, "U0AGENT2", parent, "qa_review").status_code == 200
    app.deliver()
    assert app.fake.calls_to("views.open") == []
    [refusal] = app.fake.ephemerals("U0AGENT2")
    assert refusal["channel"] == "C0SUPPORT" and "Only the leads of *support*" in refusal["text"]
    assert app.fake.ephemerals("U0QA1") == [] and app.rows(QaReview) == []


@pytest.mark.parametrize("how", ["agents map", "lookup cache"])
def test_a_reviewer_is_refused_on_a_ticket_assigned_to_them(make_harness: Any, how: str) -> None:
    # carol is in no agents map: the parent's delivery looked her up (users.lookupByEmail).
    user, email = ("U0AGENT1", "bob@example.com") if how == "agents map" else (
        "U0AGENT2", "carol@example.com")
    app = make_harness(make_config(qa={"reviewers": [user]}))
    parent = ticket(app, assignee={"name": "Agent", "email": email})
    assert press(app, user, parent, "qa_review").status_code == 200
    app.deliver()
    assert app.fake.calls_to("views.open") == []
    assert "is assigned to you" in ephemerals_text(app, user)


def test_an_assignee_slack_does_not_know_yet_is_logged_and_the_review_allowed(
        app: Harness, caplog: pytest.LogCaptureFixture) -> None:
    parent = ticket(app, assignee={"name": "Dave", "email": "dave@example.com"})
    from db.models import SlackUser

    with app.rt.sessions.begin() as session:  # as if the lookup cache had been emptied
        session.query(SlackUser).delete()
    with caplog.at_level(logging.WARNING, logger="chatops.qa"):
        press(app, "U0QA1", parent, "qa_review")
        wait_view(app, "qa_checklist")
    assert "cannot tell whether they are its assignee" in caplog.text


def test_only_not_applicable_is_a_field_error_and_stores_nothing(app: Harness) -> None:
    view = opened_checklist(app)
    outbox_before = len(app.rows(OutboxMessage))
    body = answer(submit(app, "U0QA1", view, choose(view, dict.fromkeys(ALL, "na"))))
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == ["qa_item:knowledge"]
    assert "not applicable" in body["errors"]["qa_item:knowledge"]
    assert app.rows(QaReview) == [] and len(app.rows(OutboxMessage)) == outbox_before


def test_an_item_left_unanswered_is_named(app: Harness) -> None:
    view = opened_checklist(app)
    body = answer(submit(app, "U0QA1", view, choose(view, {"knowledge": "pass"})))
    assert body["response_action"] == "errors"
    assert sorted(body["errors"]) == sorted(f"qa_item:{i}" for i in ALL[1:])
    assert app.rows(QaReview) == []


@pytest.mark.parametrize("broken", ["a string", ["a list"], {"qa_item_result": "a string"}])
def test_a_malformed_answer_is_an_unanswered_item(app: Harness, broken: Any,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    """A signed submission whose `state.values` holds something that is not a block's state
    (found by the fuzz suite) is answered as an unanswered item, with no fault logged."""
    view = opened_checklist(app)
    values = choose(view, dict.fromkeys(ALL, "pass"))
    values["qa_item:knowledge"] = broken
    with caplog.at_level(logging.ERROR):
        body = answer(submit(app, "U0QA1", view, values))
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == ["qa_item:knowledge"]
    assert app.rows(QaReview) == [] and "Traceback" not in caplog.text


def test_submitting_the_same_view_twice_stores_one_review_and_sends_once(app: Harness) -> None:
    view = opened_checklist(app)
    values = choose(view, dict.fromkeys(ALL, "pass"))
    assert answer(submit(app, "U0QA1", view, values)) == {}
    assert answer(submit(app, "U0QA1", view, values)) == {}  # Slack's retry, a double click
    app.deliver()
    assert len(app.rows(QaReview)) == 1
    assert len(app.fake.dms("U0AGENT1")) == 1 and len(app.fake.dms("U0LEAD1")) == 1


def test_a_lead_removed_meanwhile_cannot_submit(app: Harness) -> None:
    view = opened_checklist(app, "U0LEAD2")
    assert slash(app, "U0ADMIN1", "leads remove support <@U0LEAD2|lead2>").status_code == 200
    with app.rt.sessions() as session:
        assert leads_of(session, app.rt.config, "support") == ["U0LEAD1"]
    body = answer(submit(app, "U0LEAD2", view, choose(view, dict.fromkeys(ALL, "pass"))))
    assert body["response_action"] == "errors" and "qa_comment" in body["errors"]
    assert app.rows(QaReview) == []


def test_appealing_after_the_window_is_refused(app: Harness, clock: FixedClock) -> None:
    dm = reviewed(app)
    clock.advance(timedelta(days=14))
    assert press(app, "U0AGENT1", dm, "qa_appeal").status_code == 200
    app.deliver()
    assert views_of(app, "qa_appeal") == []
    [refusal] = app.fake.ephemerals("U0AGENT1")
    assert refusal["channel"] == "DU0AGENT1" and "appeal window of this review closed" in refusal["text"]
    assert app.rows(QaAppeal) == []


def test_a_second_appeal_is_refused(app: Harness) -> None:
    dm = reviewed(app)
    press(app, "U0AGENT1", dm, "qa_appeal")
    modal = wait_view(app, "qa_appeal")
    assert answer(submit(app, "U0AGENT1", modal, choose(modal, {}, reason="First"))) == {}
    press(app, "U0AGENT1", dm, "qa_appeal")  # the button of the DM as it was shown before
    app.deliver()
    assert "You already appealed this review" in ephemerals_text(app, "U0AGENT1")
    assert len(views_of(app, "qa_appeal")) == 1
    # A second appeal modal opened before the first was sent is refused on submit too.
    body = answer(submit(app, "U0AGENT1", modal, choose(modal, {}, reason="Second")))
    assert body["response_action"] == "errors" and "already appealed" in body["errors"]["qa_appeal_reason"]
    [appeal] = app.rows(QaAppeal)
    assert appeal.reason == "First"


def test_an_appeal_needs_a_reason(app: Harness) -> None:
    dm = reviewed(app)
    press(app, "U0AGENT1", dm, "qa_appeal")
    modal = wait_view(app, "qa_appeal")
    body = answer(submit(app, "U0AGENT1", modal, choose(modal, {}, reason="   ")))
    assert body == {"response_action": "errors",
                    "errors": {"qa_appeal_reason": "Write a reason."}}
    assert app.rows(QaAppeal) == []


def test_only_the_reviewed_agent_can_appeal(app: Harness) -> None:
    dm = reviewed(app)
    assert press(app, "U0LEAD1", {**dm, "channel": "DU0LEAD1"}, "qa_appeal").status_code == 200
    app.deliver()
    assert views_of(app, "qa_appeal") == [] and app.rows(QaAppeal) == []
    assert "Only the reviewed agent can appeal" in ephemerals_text(app, "U0LEAD1")


def appealed(app: Harness) -> dict[str, Any]:
    """An open appeal; the first lead's appeal DM."""
    dm = reviewed(app)
    press(app, "U0AGENT1", dm, "qa_appeal")
    modal = wait_view(app, "qa_appeal")
    submit(app, "U0AGENT1", modal, choose(modal, {}, reason="Please"))
    app.deliver()
    return app.fake.dms("U0LEAD1")[-1]


def test_a_second_lead_is_told_who_decided_and_when(app: Harness, clock: FixedClock) -> None:
    lead1_dm = appealed(app)
    lead2_dm = app.fake.dms("U0LEAD2")[-1]
    press(app, "U0LEAD2", lead2_dm, "qa_appeal_reject")
    modal = wait_view(app, "qa_appeal_reject_reason")
    clock.advance(timedelta(minutes=5))
    submit(app, "U0LEAD2", modal, choose(modal, {}, reason="No"))
    for action in ("qa_appeal_accept", "qa_appeal_reject"):
        assert press(app, "U0LEAD1", lead1_dm, action).status_code == 200
    app.deliver()
    told = app.fake.ephemerals("U0LEAD1")
    assert len(told) == 2 and all("already *rejected* by <@U0LEAD2>" in e["text"] for e in told)
    text = ephemerals_text(app, "U0LEAD1")
    assert f"<!date^{int((T0 + timedelta(minutes=5)).timestamp())}^" in text
    assert len(views_of(app, "qa_checklist")) == 1  # no correction opened
    [appeal] = app.rows(QaAppeal)
    assert (appeal.status, appeal.decided_by) == ("rejected", "U0LEAD2")


def test_two_leads_deciding_at_once_the_first_wins(app: Harness) -> None:
    lead1_dm = appealed(app)
    press(app, "U0LEAD1", lead1_dm, "qa_appeal_accept")
    correction = wait_view(app, "qa_checklist", 2, ready="What the ticket's history shows")
    press(app, "U0LEAD2", app.fake.dms("U0LEAD2")[-1], "qa_appeal_reject")
    reject = wait_view(app, "qa_appeal_reject_reason")
    assert answer(submit(app, "U0LEAD2", reject, choose(reject, {}, reason="No"))) == {}
    body = answer(submit(app, "U0LEAD1", correction, choose(correction, dict.fromkeys(ALL, "pass"))))
    assert body["response_action"] == "errors"
    assert "Another lead decided this appeal first (rejected" in body["errors"]["qa_comment"]
    assert len(app.rows(QaReview)) == 1  # the correction was not stored
    [appeal] = app.rows(QaAppeal)
    assert (appeal.status, appeal.decided_by, appeal.corrected_review_id) == ("rejected", "U0LEAD2", None)


def test_an_agent_who_is_a_lead_cannot_decide_their_own_appeal(make_harness: Any) -> None:
    app = make_harness(make_config(teams=[{
        "name": "support", "channel": "C0SUPPORT", "leads": ["U0LEAD1", "U0AGENT1"],
        "agents": {"bob@example.com": "U0AGENT1"}}]))
    lead_dm = appealed(app)
    own = {**lead_dm, "channel": "DU0AGENT1"}
    assert press(app, "U0AGENT1", own, "qa_appeal_accept").status_code == 200
    app.deliver()
    assert "another lead decides it" in ephemerals_text(app, "U0AGENT1")
    assert len(views_of(app, "qa_checklist")) == 1


def test_someone_not_a_lead_cannot_decide(app: Harness) -> None:
    lead_dm = appealed(app)
    assert press(app, "U0QA1", {**lead_dm, "channel": "DU0QA1"}, "qa_appeal_accept").status_code == 200
    app.deliver()
    assert "Only the leads of *support* decide" in ephemerals_text(app, "U0QA1")
    assert len(views_of(app, "qa_checklist")) == 1 and app.rows(QaAppeal)[0].status == "open"
    assert json.loads(app.rows(QaReview)[0].signals)  # (the review itself is untouched)
