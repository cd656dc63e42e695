"""The whole QA flow through signed Slack payloads against the fake Slack: the parent's
button → the checklist → submitted → the agent's and the leads' DMs → the agent appeals →
a lead decides → the agent is told, their result DM following the appeal's status."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from chatops.clock import FixedClock
from db.models import OutboxMessage
from db.models_qa import QaAnswer, QaAppeal, QaReview
from tests.conftest import Harness
from tests.events import comment, event
from tests.qa.conftest import T0
from tests.qa.support import (
    answer,
    buttons,
    choose,
    dm_text,
    press,
    submit,
    ticket,
    views_of,
    wait_view,
)

FAILING = {"knowledge": "pass", "attentive": "pass", "efficient": "fail", "composure": "na",
           "closure": "pass"}  # 2 + 2 + 2 of 2 + 2 + 1 + 2 applicable: 6/7 → 85


def review(app: Harness, results: dict[str, str], comment_text: str | None = None,
           reviewer: str = "U0QA1") -> dict[str, Any]:
    """Open the checklist from the parent's button and submit it; returns the opened view."""
    parent = ticket(app) if not app.fake.messages("C0SUPPORT") else app.fake.messages("C0SUPPORT")[0]
    before = len(views_of(app, "qa_checklist"))
    assert press(app, reviewer, parent, "qa_review").status_code == 200
    view = wait_view(app, "qa_checklist", before + 1, ready="What the ticket's history shows")
    assert answer(submit(app, reviewer, view, choose(view, results, comment_text))) == {}
    app.deliver()
    return view


def test_button_opens_the_checklist_then_shows_the_signals(app: Harness) -> None:
    parent = ticket(app)
    assert app.post_event(comment(event(occurred_at="2026-11-23T09:40:00Z", status="open"),
                                  "Any news?", role="customer", comment_id="c-1")).status_code == 202
    assert app.post_event(comment(event(occurred_at="2026-11-23T09:50:00Z", status="open"),
                                  "Hello?", role="end-user", comment_id="c-2")).status_code == 202
    assert press(app, "U0QA1", parent, "qa_review").status_code == 200
    view = wait_view(app, "qa_checklist", ready="What the ticket's history shows")
    [opened] = app.fake.calls_to("views.open")
    assert "Looking at the ticket's history" in json.dumps(opened.args["view"])
    [updated] = app.fake.calls_to("views.update")
    assert updated.args["view_id"] == view["id"] and updated.args["hash"]
    text = json.dumps(view)
    assert "Had to chase" in text and "wrote 2 times in a row" in text
    items = [b for b in view["blocks"] if b["type"] == "input" and b["block_id"].startswith("qa_item:")]
    assert [b["block_id"] for b in items] == [f"qa_item:{i}" for i in
                                             ("knowledge", "attentive", "efficient", "composure", "closure")]
    assert [o["value"] for o in items[0]["element"]["options"]] == ["pass", "fail", "na"]
    assert items[-1]["label"]["text"].startswith("[Critical] ") and "Critical" in items[-1]["hint"]["text"]
    assert "Critical" not in items[0]["label"]["text"]
    meta = json.loads(view["private_metadata"])
    assert meta == {"ticket": "1001", "agent_name": "Bob Agent", "agent_email": "bob@example.com",
                    "agent": "U0AGENT1"}
    assert app.rows(QaReview) == []  # opening stores nothing


def test_a_quiet_ticket_shows_no_warning_in_the_modal(app: Harness) -> None:
    parent = ticket(app, priority="low")  # a day to answer: nothing is late at T0
    press(app, "U0QA1", parent, "qa_review")
    view = wait_view(app, "qa_checklist", ready="What the ticket's history shows")
    text = json.dumps(view)
    assert "No warning signs" in text and ":warning:" not in text
    assert "0 public agent replies" in text


def test_submission_stores_the_review_and_dms_the_agent_and_the_leads(app: Harness) -> None:
    review(app, FAILING, "Ask for the logs <b>first</b> & then")
    [stored] = app.rows(QaReview)
    assert (stored.ticket_id, stored.team, stored.reviewer) == ("1001", "support", "U0QA1")
    assert (stored.score, stored.passed, stored.critical_failed) == (85, True, False)
    assert stored.agent_target == "U0AGENT1" and stored.source.startswith("view:V")
    assert json.loads(stored.signals)[-1] == {"signal": "agent_replies", "count": 0}
    answers = {a.item_id: (a.result, a.weight, a.critical) for a in app.rows(QaAnswer)}
    assert answers["efficient"] == ("fail", 1, False) and answers["closure"] == ("pass", 2, True)
    [agent_dm] = app.fake.dms("U0AGENT1")
    text = json.dumps(agent_dm)
    assert "85/100" in text and "Drove the ticket without customer reminders" in text
    assert "Ask for the logs &lt;b&gt;first&lt;/b&gt; &amp; then" in text  # escaped
    assert [b["action_id"] for b in buttons(agent_dm)] == ["qa_appeal"]
    assert "You can appeal until" in text
    for lead in ("U0LEAD1", "U0LEAD2"):
        [lead_dm] = app.fake.dms(lead)
        assert "85/100" in json.dumps(lead_dm) and buttons(lead_dm) == []
    assert app.fake.dms("U0QA1") == []  # the reviewer wrote it
    channel_posts = [c for c in app.fake.calls_to("chat.postMessage")
                     if not c.args["channel"].startswith(("U", "D"))]
    assert len(channel_posts) == 1  # only the ticket's parent: no QA in a channel or thread
    assert app.fake.teams_posts("support") == []


def test_the_appeal_then_a_rejection_reaches_everyone(app: Harness, clock: FixedClock) -> None:
    review(app, {**FAILING, "closure": "fail"})
    [agent_dm] = app.fake.dms("U0AGENT1")
    assert "a critical item failed" in json.dumps(agent_dm)
    clock.advance(timedelta(days=3))
    assert press(app, "U0AGENT1", agent_dm, "qa_appeal").status_code == 200
    modal = wait_view(app, "qa_appeal")
    assert answer(submit(app, "U0AGENT1", modal, choose(modal, {}, reason="I waited for the "
                                                                          "customer's OK"))) == {}
    app.deliver()
    [appeal] = app.rows(QaAppeal)
    assert (appeal.agent, appeal.status, appeal.opened_at) == ("U0AGENT1", "open", T0 + timedelta(days=3))
    [updated] = app.fake.dms("U0AGENT1")  # the result DM, rewritten in place
    assert updated["ts"] == agent_dm["ts"] and "Appeal sent" in json.dumps(updated)
    assert buttons(updated) == []
    lead_dms = {lead: app.fake.dms(lead)[-1] for lead in ("U0LEAD1", "U0LEAD2")}
    for dm in lead_dms.values():
        assert "I waited for the customer's OK" in json.dumps(dm)
        assert [b["action_id"] for b in buttons(dm)] == ["qa_appeal_accept", "qa_appeal_reject"]

    clock.advance(timedelta(hours=2))
    assert press(app, "U0LEAD2", lead_dms["U0LEAD2"], "qa_appeal_reject").status_code == 200
    reject = wait_view(app, "qa_appeal_reject_reason")
    assert answer(submit(app, "U0LEAD2", reject, choose(reject, {}, reason="No OK in the "
                                                                           "ticket"))) == {}
    app.deliver()
    [appeal] = app.rows(QaAppeal)
    assert (appeal.status, appeal.decided_by, appeal.decision_reason) == (
        "rejected", "U0LEAD2", "No OK in the ticket")
    assert appeal.decided_at == T0 + timedelta(days=3, hours=2)
    for lead, dm in lead_dms.items():  # both leads' appeal DMs show the outcome, in place
        [now] = [m for m in app.fake.dms(lead) if m["ts"] == dm["ts"]]
        assert "Appeal rejected by <@U0LEAD2>" in json.dumps(now) and buttons(now) == []
    result, outcome = app.fake.dms("U0AGENT1")
    assert result["ts"] == agent_dm["ts"] and "Appeal rejected by <@U0LEAD2>" in json.dumps(result)
    assert "was rejected by <@U0LEAD2>" in json.dumps(outcome) and "No OK in the ticket" in json.dumps(outcome)
    [stored] = app.rows(QaReview)
    assert stored.superseded_by_id is None  # the review stands


def test_an_accepted_appeal_is_corrected_and_the_correction_counts(app: Harness,
                                                                   clock: FixedClock) -> None:
    review(app, {**FAILING, "closure": "fail"}, "Closed too early")
    [agent_dm] = app.fake.dms("U0AGENT1")
    press(app, "U0AGENT1", agent_dm, "qa_appeal")
    modal = wait_view(app, "qa_appeal")
    submit(app, "U0AGENT1", modal, choose(modal, {}, reason="The customer confirmed by phone"))
    app.deliver()
    lead_dm = app.fake.dms("U0LEAD1")[-1]
    clock.advance(timedelta(hours=1))
    assert press(app, "U0LEAD1", lead_dm, "qa_appeal_accept").status_code == 200
    correction = wait_view(app, "qa_checklist", 2, ready="What the ticket's history shows")
    text = json.dumps(correction)
    assert "Correcting the review by <@U0QA1> (0/100)" in text
    assert "The customer confirmed by phone" in text
    closure = next(b for b in correction["blocks"] if b.get("block_id") == "qa_item:closure")
    assert closure["element"]["initial_option"]["value"] == "fail"  # pre-filled
    assert app.rows(QaAppeal)[0].status == "open"  # pressing Accept decides nothing yet
    fixed = {**FAILING, "closure": "pass"}
    assert answer(submit(app, "U0LEAD1", correction, choose(correction, fixed, "Fair"))) == {}
    app.deliver()
    original, corrected = sorted(app.rows(QaReview), key=lambda r: r.id)
    assert (corrected.corrects_id, corrected.score, corrected.reviewer) == (original.id, 85, "U0LEAD1")
    assert original.superseded_by_id == corrected.id and corrected.superseded_by_id is None
    [appeal] = app.rows(QaAppeal)
    assert (appeal.status, appeal.decided_by, appeal.corrected_review_id) == (
        "accepted", "U0LEAD1", corrected.id)
    result, outcome = app.fake.dms("U0AGENT1")
    assert result["ts"] == agent_dm["ts"]
    assert "Appeal accepted by <@U0LEAD1>" in json.dumps(result) and "corrected to 85/100" in json.dumps(result)
    assert "was accepted by <@U0LEAD1>" in json.dumps(outcome) and "85/100" in json.dumps(outcome)
    assert buttons(outcome) == []  # a correction is final
    [lead2] = [m for m in app.fake.dms("U0LEAD2") if "appeals" in json.dumps(m)]
    assert "Appeal accepted by <@U0LEAD1>" in json.dumps(lead2) and buttons(lead2) == []


def test_a_decision_before_the_leads_dms_went_out_rewrites_them_once_sent(app: Harness) -> None:
    review(app, FAILING)
    [agent_dm] = app.fake.dms("U0AGENT1")
    press(app, "U0AGENT1", agent_dm, "qa_appeal")
    modal = wait_view(app, "qa_appeal")
    submit(app, "U0AGENT1", modal, choose(modal, {}, reason="Please look again"))
    # Not delivered yet: a lead decides from a DM another lead's client showed early.
    appeal_dm = {"channel": "DU0LEAD1", "ts": "1.000001", "text": "appeal", "blocks": [
        {"type": "actions", "elements": [{"type": "button", "action_id": "qa_appeal_reject",
                                          "value": str(app.rows(QaAppeal)[0].id),
                                          "text": {"type": "plain_text", "text": "Reject"}}]}]}
    press(app, "U0LEAD1", appeal_dm, "qa_appeal_reject")
    reject = wait_view(app, "qa_appeal_reject_reason")
    assert answer(submit(app, "U0LEAD1", reject, choose(reject, {}, reason="No"))) == {}
    pending = {r.role for r in app.rows(OutboxMessage) if r.status == "pending"}
    assert {"dm", "dm_rewrite"} <= pending
    app.deliver()
    [lead2_dm] = [m for m in app.fake.dms("U0LEAD2") if "appeals" in json.dumps(m)]
    assert "edited" in lead2_dm and "Appeal rejected by <@U0LEAD1>" in json.dumps(lead2_dm)
    assert buttons(lead2_dm) == []
    assert dm_text(app, "U0AGENT1").count("Appeal rejected by <@U0LEAD1>") == 1
    assert not [r for r in app.rows(OutboxMessage) if r.status != "done"]


def test_a_ticket_reviewed_again_keeps_both_and_the_latest_counts(app: Harness,
                                                                  clock: FixedClock) -> None:
    review(app, FAILING)
    clock.advance(timedelta(days=1))
    review(app, {**FAILING, "efficient": "pass"}, reviewer="U0LEAD1")
    first, second = sorted(app.rows(QaReview), key=lambda r: r.id)
    assert (first.score, second.score) == (85, 100)
    assert first.superseded_by_id == second.id and second.superseded_by_id is None
    old_dm, new_dm = app.fake.dms("U0AGENT1")
    assert "100/100" in json.dumps(new_dm)
    assert [m for m in app.fake.dms("U0LEAD1") if "100/100" in json.dumps(m)] == []  # its author
    assert len([m for m in app.fake.dms("U0LEAD2") if "100/100" in json.dumps(m)]) == 1
    # The replaced review cannot be appealed any more; the one that counts can.
    press(app, "U0AGENT1", old_dm, "qa_appeal")
    app.deliver()
    assert "A newer review of this ticket replaced this one" in json.dumps(app.fake.ephemerals("U0AGENT1"))
    press(app, "U0AGENT1", new_dm, "qa_appeal")
    assert wait_view(app, "qa_appeal")["private_metadata"] == json.dumps({"review": second.id},
                                                                         separators=(",", ":"))
