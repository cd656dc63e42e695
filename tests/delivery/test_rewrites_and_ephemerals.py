"""Two outbox kinds: an ephemeral message (chat.postEphemeral to one user in one channel), and
the rewrite of every DM sent under one `ref`, made after each DM itself is delivered."""
from __future__ import annotations

from chatops.delivery import outbox
from db.models import OutboxMessage
from domain.recipients import Recipient
from tests.conftest import Harness


def message(text: str) -> dict[str, object]:
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
            "unfurl_links": False, "unfurl_media": False}


def test_an_ephemeral_reaches_one_user_in_one_channel(app: Harness) -> None:
    with app.rt.sessions.begin() as session:
        outbox.add(session, outbox.ephemeral("C0SUPPORT", "U0QA1", message("only you")))
    app.deliver()
    [call] = app.fake.calls_to("chat.postEphemeral")
    assert (call.args["channel"], call.args["user"]) == ("C0SUPPORT", "U0QA1")
    assert "unfurl_links" not in call.args  # not an argument of chat.postEphemeral
    assert [e["text"] for e in app.fake.ephemerals("U0QA1")] == ["only you"]
    assert app.fake.messages() == []


def test_every_dm_under_a_ref_is_rewritten_in_place_after_it_is_sent(app: Harness) -> None:
    lead, agent = Recipient.user("U0LEAD1"), Recipient.by_email("bob@example.com")
    with app.rt.sessions.begin() as session:
        outbox.add(session, outbox.direct_message(lead, message("v1"), ref="thing:1"),
                   outbox.direct_message(agent, message("v1"), ref="thing:1"),
                   outbox.direct_message(lead, message("other"), ref="thing:2"))
        # Rewritten before anything was delivered: each waits for its DM in its stream.
        outbox.add(session, *outbox.rewrite_dms(session, "thing:1", message("v2")))
    app.deliver()
    lead_dms, agent_dms = app.fake.dms("U0LEAD1"), app.fake.dms("U0AGENT1")
    assert [m["text"] for m in lead_dms] == ["v2", "other"] and "edited" in lead_dms[0]
    assert [m["text"] for m in agent_dms] == ["v2"]  # the email was resolved for the DM
    assert len(app.fake.calls_to("chat.update")) == 2


def test_a_rewrite_of_a_dm_never_delivered_is_skipped(app: Harness) -> None:
    nobody = Recipient.by_email("nobody@example.com")  # no Slack user has it
    with app.rt.sessions.begin() as session:
        outbox.add(session, outbox.direct_message(nobody, message("v1"), ref="thing:3"))
        outbox.add(session, *outbox.rewrite_dms(session, "thing:3", message("v2")))
    app.deliver()
    rows = sorted(app.rows(OutboxMessage), key=lambda r: r.id)
    assert [(r.role, r.status) for r in rows] == [("dm", "skipped"), ("dm_rewrite", "skipped")]
    assert "never delivered" in (rows[1].last_error or "")
    assert app.fake.calls_to("chat.update") == []


def test_no_dm_under_a_ref_means_nothing_to_rewrite(app: Harness) -> None:
    with app.rt.sessions.begin() as session:
        assert outbox.rewrite_dms(session, "thing:none", message("v2")) == []


def test_an_ephemeral_slack_will_not_show_is_skipped_not_failed(app: Harness) -> None:
    app.fake.fail_next(method="chat.postEphemeral", error="not_in_channel")
    with app.rt.sessions.begin() as session:
        outbox.add(session, outbox.ephemeral("C0ELSEWHERE", "U0QA1", message("not here")))
    app.deliver()
    [row] = app.rows(OutboxMessage)
    assert row.status == "skipped" and "not_in_channel" in (row.last_error or "")
    assert app.client.get("/healthz").get_json()["outbox_failed"] == 0
