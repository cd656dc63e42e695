"""A transport-wide pause, not a row-wide failure: an outage, a wrong or missing token stop the
transport as a whole; rows wait, in order, and go once each when it answers again."""
from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from chatops.clock import FixedClock
from chatops.delivery import outbox
from chatops.delivery.pauses import PAUSE_CAP_SECONDS, pause_delay
from db.models import DeliveryPause, OutboxMessage
from tests.conftest import Harness, make_config
from tests.delivery.threads import parents, thread_parts
from tests.events import comment, event
from tests.review.support import END, known_week, review_config


def _three_tickets_with_a_comment(app: Harness) -> None:
    for n in range(3):
        tid = f"k{n}"
        assert app.post_event(event(ticket_id=tid)).status_code == 202
        assert app.post_event(comment(event(ticket_id=tid, occurred_at="2026-11-23T09:31:00Z"),
                                      f"{tid} first answer")).status_code == 202


def _assert_delivered_once_each(app: Harness) -> None:
    tops = parents(app.fake)
    assert sorted(p["text"].split(":")[0] for p in tops) == [f"Ticket #k{n}" for n in range(3)]
    for parent in tops:
        tid = parent["text"].split("#")[1].split(":")[0]
        assert [p.split("\n")[1] for p in thread_parts(app.fake, parent["ts"])] == [
            f"{tid} first answer"]
    posted = [c for c in app.fake.calls_to("chat.postMessage")]
    assert len(posted) == len({c.response["ts"] for c in posted if c.response}) == 6


def test_a_wrong_token_keeps_every_message_pending_until_a_good_one_delivers_them_once(
        make_harness: Any) -> None:
    wrong = make_harness(token="xoxb-revoked-long-ago")
    _three_tickets_with_a_comment(wrong)
    assert wrong.deliver(max_seconds=2) > 0
    rows = wrong.rows(OutboxMessage)
    assert {r.status for r in rows} == {"pending"}, "nothing is failed for good"
    assert app_calls(wrong) <= 3, "one probe at a time, not every row"
    health = wrong.client.get("/healthz")
    assert health.status_code == 200
    body = health.get_json()
    assert body["status"] == "degraded" and body["outbox_failed"] == 0
    assert body["paused"]["slack"]["kind"] == "credentials"
    assert body["paused"]["slack"]["reason"] == "invalid_auth"
    assert body["paused"]["slack"]["since"] <= body["paused"]["slack"]["next_probe"]
    wrong.rt.close()  # … the token is fixed, the app restarted:
    fixed = make_harness()
    assert fixed.deliver(max_seconds=20) == 0
    _assert_delivered_once_each(fixed)
    body = fixed.client.get("/healthz").get_json()
    assert body["paused"] == {} and body["status"] == "ok"


def test_no_token_at_all_asks_slack_nothing_and_waits(make_harness: Any) -> None:
    none = make_harness(token="")
    _three_tickets_with_a_comment(none)
    assert none.deliver(max_seconds=1.5) > 0
    assert none.fake.calls == []
    assert {r.status for r in none.rows(OutboxMessage)} == {"pending"}
    paused = none.client.get("/healthz").get_json()["paused"]
    assert paused["slack"]["reason"] == "SLACK_BOT_TOKEN is not set"
    none.rt.close()
    fixed = make_harness()
    assert fixed.deliver(max_seconds=20) == 0
    _assert_delivered_once_each(fixed)


def app_calls(app: Harness) -> int:
    return len(app.fake.calls_to("chat.postMessage", ok_only=False))


def test_a_pause_holds_every_worker_sharing_the_database(make_harness: Any) -> None:
    first, second = make_harness(), make_harness()
    second.rt.worker.run_once()  # started before the outage (a starting worker probes at once)
    first.fake.set_down(True)
    _three_tickets_with_a_comment(first)
    first.rt.worker.run_once()  # finds Slack down: paused for 0.5-1 s at least
    calls = len(first.fake.calls)
    assert calls == 1
    second.rt.worker.run_once()
    second.rt.worker.run_once()
    assert len(first.fake.calls) == calls  # the second worker does not try on its own
    assert {r.attempts for r in first.rows(OutboxMessage)} <= {0, 1}


def test_an_error_about_one_message_fails_that_row_and_pauses_nothing(make_harness: Any) -> None:
    app = make_harness(config=make_config(teams=[
        {"name": "support", "channel": "C0SUPPORT", "leads": ["U0LEAD1"]},
        {"name": "gone", "channel": "C0GONE", "leads": ["U0LEAD1"]}]))
    app.fake.fail_next(method="chat.postMessage", error="channel_not_found")
    app.post_event(event(ticket_id="g1", team="gone"))
    assert app.deliver() == 0
    app.post_event(event(ticket_id="s1"))
    assert app.deliver() == 0
    statuses = {r.ticket_id: r.status for r in app.rows(OutboxMessage)}
    assert statuses == {"g1": "failed", "s1": "done"}
    assert app.client.get("/healthz").get_json()["paused"] == {}


def test_a_teams_endpoint_failing_pauses_only_itself(app: Harness) -> None:
    app.fake.fail_teams("support", n=2, status=503)
    with app.rt.sessions.begin() as session:
        outbox.add(session, outbox.teams_card("support", {"adaptive": {"type": "message"},
                                                          "legacy": {}}))
    app.rt.worker.run_once("teams")  # 503: paused
    assert app.client.get("/healthz").get_json()["paused"]["teams:support"]["kind"] == "outage"
    app.post_event(event())
    app.rt.worker.run_once("slack")  # Slack is not held up (the parent is expanded, then sent)
    app.rt.worker.run_once("slack")
    assert len(parents(app.fake)) == 1
    assert app.deliver(max_seconds=15) == 0
    teams = [c.status for c in app.fake.calls if c.method == "teams:support"]
    assert teams == [503, 503, 202] and len(app.fake.teams_posts("support")) == 1


def test_paused_teams_endpoints_never_take_a_healthy_ones_places(
        make_harness: Any, monkeypatch: Any) -> None:
    """Two teams' Teams webhooks down, their cards the oldest: the Teams loop's two senders
    still get the third team's card (the paused ones' rows are not even looked at)."""
    names = ("support", "billing", "sales")
    teams = [{"name": n, "channel": f"C0{n.upper()}", "leads": ["U0LEAD1"],
              "teams_webhook_env": f"TEAMS_WEBHOOK_{n.upper()}"} for n in names]
    app = make_harness(config=make_config(teams=teams))
    for n in names:
        monkeypatch.setenv(f"TEAMS_WEBHOOK_{n.upper()}", app.fake.teams_url(n))
    for n in ("support", "billing"):
        app.fake.fail_teams(n, n=100, status=503)
    with app.rt.sessions.begin() as session:
        for n in ("support", "billing", "support", "billing", "sales"):
            outbox.add(session, outbox.teams_card(n, {"adaptive": {"type": "message"},
                                                      "legacy": {}}))
    claimer = app.rt.worker.claimer
    first = claimer.due("teams", 2)  # the oldest two: support's and billing's, both 503
    assert sorted(job.target for job in first) == ["billing", "support"]
    for job in first:
        app.rt.worker._send(job, time.monotonic())
    assert set(app.client.get("/healthz").get_json()["paused"]) == {"teams:support",
                                                                    "teams:billing"}
    [healthy] = claimer.due("teams", 2)
    assert healthy.target == "sales"


def test_a_probe_that_never_reached_slack_leaves_the_pause_in_place(make_harness: Any) -> None:
    """Slack refuses the token. The row let through as the probe is a reply whose ticket's
    parent was never posted: the sender fails it without asking Slack, so it says nothing of
    Slack's health: the pause stays (the same one), and another row probes next."""
    wrong = make_harness(token="xoxb-revoked-long-ago")
    with wrong.rt.sessions.begin() as session:  # the orphan is the oldest row, due a bit later
        outbox.add(session, outbox.thread_reply("never-posted", "C0SUPPORT", {"text": "orphan"}))
        session.query(OutboxMessage).update(
            {"next_attempt_at": datetime.now(UTC) + timedelta(seconds=0.3)})
    assert wrong.post_event(event(ticket_id="k0")).status_code == 202
    wrong.rt.worker.run_once("slack")  # the parent: invalid_auth, Slack paused
    wrong.rt.worker.run_once("slack")
    [first] = wrong.rows(DeliveryPause)
    deadline = time.monotonic() + 6  # probes: the orphan, then the parent again
    while time.monotonic() < deadline and wrong.rows(DeliveryPause)[0].failures == first.failures:
        wrong.rt.worker.run_once("slack")
        time.sleep(0.05)
    orphan = [r for r in wrong.rows(OutboxMessage) if r.ticket_id == "never-posted"]
    assert [r.status for r in orphan] == ["failed"]
    [pause] = wrong.rows(DeliveryPause)
    assert pause.since == first.since and pause.failures > first.failures
    assert app_calls(wrong) == 1 + pause.failures - first.failures  # the parent's probes alone


def test_the_pause_backs_off_capped_and_jittered() -> None:
    rng = random.Random(7)
    for failures in range(1, 12):
        step = min(2 ** (failures - 1), PAUSE_CAP_SECONDS)
        waits = [pause_delay(failures, rng) for _ in range(200)]
        assert all(step / 2 <= w <= step for w in waits)
        assert max(waits) - min(waits) > step / 4  # spread: workers do not probe in step
    assert pause_delay(50, rng) <= PAUSE_CAP_SECONDS


def test_deliver_once_stops_when_every_row_waits_for_a_working_token(make_harness: Any) -> None:
    """`chatops jobs run deliver` without a time limit: a token Slack refuses cannot get
    better before a restart, so it stops and says how many wait, instead of looping."""
    import time

    wrong = make_harness(token="xoxb-revoked-long-ago")
    _three_tickets_with_a_comment(wrong)
    started = time.monotonic()
    waiting = len(wrong.rows(OutboxMessage))  # parents, replies and redraws once expanded
    assert wrong.rt.worker.drain() == waiting
    assert time.monotonic() - started < 10
    assert {r.status for r in wrong.rows(OutboxMessage)} == {"pending"}


def test_deferred_work_needs_no_transport_a_chart_is_drawn_while_slack_refuses_the_token(
        make_harness: Any) -> None:
    """A weekly review's chart is deferred work: drawn by the worker while Slack is paused,
    its upload waiting in the review's thread order; Teams (not paused) gets its card."""
    wrong = make_harness(review_config(), clock=FixedClock(END), token="xoxb-revoked-long-ago")
    known_week().write(wrong.rt.engine)
    assert wrong.rt.reviews.post("support").posted
    assert wrong.deliver(max_seconds=5) > 0
    rows = wrong.rows(OutboxMessage)
    assert [r for r in rows if r.transport == outbox.INTERNAL] == []  # all of it expanded
    [upload] = [r for r in rows if r.role == "thread_file"]
    assert upload.status == "pending" and upload.attempts == 0
    assert {r.status for r in rows if r.transport == "slack"} == {"pending"}
    assert len(wrong.fake.teams_posts("support")) == 1
    assert not any(c.method.startswith("files.") for c in wrong.fake.calls)
    wrong.rt.close()  # … the token is fixed, the app restarted:
    fixed = make_harness(review_config(), clock=FixedClock(END))
    assert fixed.deliver(max_seconds=60) == 0
    [parent] = [m for m in fixed.fake.messages("C0SUPPORT") if not m["thread_ts"]]
    replies = fixed.fake.thread("C0SUPPORT", parent["ts"])
    assert [r for r in replies if r.get("files")] == [replies[-1]]  # the chart, last, once
    assert len(fixed.fake.uploads()) == 1
