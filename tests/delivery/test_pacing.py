"""Delivery at Slack's documented rate: one post per second per channel, exactly when due, in
parallel across channels, thread order kept, Retry-After honoured; chat.update and DMs by
their own limits. Real intervals, real time, a fake Slack that refuses a second post to a
channel within a second."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from chatops.delivery import outbox
from chatops.delivery.pacing import Pacing
from chatops.sandbox.fake_calls import Call
from domain.recipients import Recipient
from tests.conftest import Harness, make_config
from tests.delivery.threads import parents, thread_parts
from tests.events import comment, event

CHANNELS = ["C0PACE0", "C0PACE1", "C0PACE2"]
SLACK_POSTS_PER_SECOND = 1.0  # https://docs.slack.dev/apis/web-api/rate-limits
SLACK_UPDATES_PER_MINUTE = 50  # Tier 3: https://docs.slack.dev/reference/methods/chat.update
SLACK_EPHEMERALS_PER_MINUTE = 100  # Tier 4: https://docs.slack.dev/reference/methods/chat.postEphemeral


def _app(make_harness: Any) -> Harness:
    config = make_config(teams=[{"name": f"t{n}", "channel": c, "leads": ["U0LEAD1"]}
                                for n, c in enumerate(CHANNELS)])
    app: Harness = make_harness(config=config, pace=Pacing())
    app.fake.enforce_rate_limit = True
    return app


def _by_channel(calls: list[Call]) -> dict[str, list[float]]:
    seen: dict[str, list[float]] = defaultdict(list)
    for call in calls:
        seen[call.args["channel"]].append(call.at)
    return seen


def _gaps(moments: list[float]) -> list[float]:
    return [b - a for a, b in zip(moments, moments[1:])]


def test_each_channel_gets_a_post_every_second_exactly_and_channels_go_in_parallel(
        make_harness: Any) -> None:
    app = _app(make_harness)
    for n in range(12):  # four new tickets in each of three channels
        assert app.post_event(event(ticket_id=f"p{n}", team=f"t{n % 3}")).status_code == 202
    app.rt.start_worker()
    assert app.fake.wait_for(lambda: len(app.fake.messages()) == 12, timeout=20)
    posts = app.fake.calls_to("chat.postMessage", ok_only=False)
    assert app.fake.rate_limit_violations == 0 and all(c.status == 200 for c in posts)
    per_channel = _by_channel(posts)
    assert sorted(per_channel) == CHANNELS
    assert all(len(moments) == 4 for moments in per_channel.values())
    gaps = sorted(gap for moments in per_channel.values() for gap in _gaps(moments))
    # Never two within Slack's second, and each next one as soon as it is allowed (a busy
    # machine may hold one up now and then: the typical gap is the allowance, to a few ms).
    assert gaps[0] >= 1 / SLACK_POSTS_PER_SECOND, gaps
    assert gaps[len(gaps) // 2] < 1 / SLACK_POSTS_PER_SECOND + 0.05, gaps
    # In parallel: all twelve in about three seconds, not twelve.
    assert max(c.at for c in posts) - min(c.at for c in posts) < 4.5


def test_thread_order_is_kept_at_the_real_pace(make_harness: Any) -> None:
    app = _app(make_harness)
    for t in range(2):
        tid = f"o{t}"
        app.post_event(event(ticket_id=tid, team="t0"))
        for c in range(3):
            app.post_event(comment(event(ticket_id=tid, team="t0",
                                         occurred_at=f"2026-11-23T09:3{c + 1}:00Z"),
                                   f"{tid} comment {c}", comment_id=f"c-{tid}-{c}"))
    assert app.deliver(max_seconds=30) == 0
    assert app.fake.rate_limit_violations == 0
    assert [p["text"].split(":")[0] for p in parents(app.fake, "C0PACE0")] == [
        "Ticket #o0", "Ticket #o1"]
    for parent in parents(app.fake, "C0PACE0"):
        tid = parent["text"].split("#")[1].split(":")[0]
        assert [p.split("\n")[1] for p in thread_parts(app.fake, parent["ts"], "C0PACE0")] == [
            f"{tid} comment {c}" for c in range(3)]


def test_a_429_pauses_its_channel_for_retry_after_and_no_other(make_harness: Any) -> None:
    app = _app(make_harness)
    app.fake.fail_next(method="chat.postMessage", status=429, retry_after=3)
    app.post_event(event(ticket_id="r0", team="t0"))  # its post gets the 429
    assert app.deliver(max_seconds=0.5) == 1
    for n in range(1, 4):
        app.post_event(event(ticket_id=f"r{n}", team=f"t{n % 3}"))
    assert app.deliver(max_seconds=20) == 0
    posts = app.fake.calls_to("chat.postMessage", ok_only=False)
    refused = [c for c in posts if c.status == 429]
    assert len(refused) == 1
    after = [c.at for c in posts if c.args["channel"] == "C0PACE0" and c.status == 200]
    assert min(after) - refused[0].at >= 3.0  # C0PACE0 waited for Retry-After …
    others = [c.at for c in posts if c.args["channel"] != "C0PACE0"]
    assert max(others) - refused[0].at < 2.5  # … while the other channels did not
    assert app.fake.rate_limit_violations == 0


def test_chat_update_goes_at_its_own_workspace_wide_pace(make_harness: Any) -> None:
    app = _app(make_harness)
    for n in range(3):
        app.post_event(event(ticket_id=f"u{n}", team=f"t{n}"))
    assert app.deliver(max_seconds=10) == 0
    for n in range(3):  # each parent redrawn, in three channels at once
        app.post_event(event("ticket.updated", ticket_id=f"u{n}", team=f"t{n}", status="open",
                             occurred_at="2026-11-23T09:40:00Z"))
    assert app.deliver(max_seconds=20) == 0
    updates = [c.at for c in app.fake.calls_to("chat.update")]
    assert len(updates) == 3
    assert min(_gaps(updates)) >= 60 / SLACK_UPDATES_PER_MINUTE
    replies = [c.at for c in app.fake.calls_to("chat.postMessage")][3:]  # the status replies
    assert max(replies) - min(replies) < 1.0  # posts are not held up by updates


def test_direct_messages_are_paced_per_user(make_harness: Any) -> None:
    app = _app(make_harness)
    with app.rt.sessions.begin() as session:
        for n in range(2):
            for user in ("U0LEAD1", "U0LEAD2"):
                outbox.add(session, outbox.direct_message(
                    Recipient.parse(user), {"text": f"dm {n}", "blocks": []}))
    assert app.deliver(max_seconds=10) == 0
    per_user = _by_channel(app.fake.calls_to("chat.postMessage"))
    assert sorted(per_user) == ["U0LEAD1", "U0LEAD2"]
    assert all(_gaps(moments)[0] >= 1.0 for moments in per_user.values())
    firsts = [moments[0] for moments in per_user.values()]
    assert abs(firsts[0] - firsts[1]) < 0.5  # two users at once
    assert app.fake.rate_limit_violations == 0


def test_ephemeral_answers_go_at_their_own_pace_never_behind_a_busy_channel(
        make_harness: Any) -> None:
    """An answer to a press, in a channel with a backlog of posts: it does not wait for the
    channel's posts (one per second), only for chat.postEphemeral's own workspace-wide pace."""
    app = _app(make_harness)
    for n in range(4):  # four seconds of posts queued in one channel …
        assert app.post_event(event(ticket_id=f"b{n}", team="t0")).status_code == 202
    with app.rt.sessions.begin() as session:
        for user in ("U0ONE", "U0TWO", "U0THREE"):  # … then three answers in that channel
            outbox.add(session, outbox.ephemeral("C0PACE0", user, {"text": f"to {user}"}))
    assert app.deliver(max_seconds=20) == 0
    posts = [c.at for c in app.fake.calls_to("chat.postMessage")]
    answers = [c.at for c in app.fake.calls_to("chat.postEphemeral")]
    assert len(posts) == 4 and len(answers) == 3
    assert min(_gaps(answers)) >= 60 / SLACK_EPHEMERALS_PER_MINUTE
    assert max(answers) < max(posts)  # not behind the channel's queue …
    assert max(answers) - min(posts) < 2.5  # … about 1.2 s for the three, not 4 s and more
    assert min(_gaps(posts)) >= 1 / SLACK_POSTS_PER_SECOND  # the channel kept its own pace
    assert app.fake.rate_limit_violations == 0
