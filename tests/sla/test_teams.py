"""The same nudges as cards in the team's Teams channel: Workflows and legacy connector URLs."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from blocks.colours import teams_style
from blocks.teams import teams_text
from chatops.clock import FixedClock
from db.models import OutboxMessage
from tests.events import event
from tests.sla.helpers import BREACH, GREEN, RED, T0, colour, nudges, scan_at

STYLES = {GREEN: "good", RED: "attention", BREACH: "attention"}


def _container(post: dict[str, Any]) -> dict[str, Any]:
    assert post["type"] == "message"
    [attachment] = post["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    [container] = card["body"]
    assert container["type"] == "Container"
    return container


def _ticket(make_harness: Any, **harness: Any) -> Any:
    app = make_harness(clock=FixedClock(T0), **harness)
    app.post_event(event(subject="Login [broken](https://evil.example) *now*"))
    assert app.deliver() == 0
    return app


def test_workflows_url_gets_adaptive_cards_in_the_marks_colours(make_harness: Any) -> None:
    app = _ticket(make_harness)
    for minutes in (20, 28.5, 31):
        scan_at(app, minutes)
    posts = app.fake.teams_posts("support")
    assert len(posts) == 3
    for post, hex_colour in zip(posts, (GREEN, RED, BREACH)):
        container = _container(post)
        assert container["style"] == STYLES[hex_colour]
        texts = " ".join(item["text"] for item in container["items"])
        assert hex_colour in texts
        assert "#1001" in texts and r"\[broken\]" in texts   # outside markdown made inert
    assert "breached" in _container(posts[-1])["items"][0]["text"]


def test_legacy_connector_url_gets_message_cards_with_theme_colour(
        make_harness: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _ticket(make_harness)
    monkeypatch.setenv("TEAMS_WEBHOOK_SUPPORT", app.fake.teams_url("support", workflows=False))
    for minutes in (20, 31):
        scan_at(app, minutes)
    posts = app.fake.teams_posts("support")
    assert [p["themeColor"] for p in posts] == [GREEN, BREACH]
    assert all("attachments" not in p for p in posts)
    assert "First response" in posts[0]["title"]
    assert posts[0]["potentialAction"][0]["target"] == ["https://helpdesk.example.com/tickets/1001"]


def test_failing_teams_is_retried_and_never_holds_up_slack(make_harness: Any) -> None:
    # No pace: the channel's next post is allowed at once after the parent's (a pace, even
    # the harness's 20 ms, could hold the nudge out of the one pass below).
    app = _ticket(make_harness, pace=timedelta(0))
    app.fake.fail_teams("support", 2, status=503)
    app.rt.clock.set(T0 + timedelta(minutes=31))  # type: ignore[attr-defined]
    from jobs.sla_scan import run_sla_scan
    assert run_sla_scan(app.rt).sent == 1

    # One pass, waited for: it expands the nudge and sends everything due, Slack and Teams
    # in parallel by their own senders. Not a loop of passes until Slack has it: a pass half
    # a second later or more would probe Teams again (its pause: 0.5-1 s, then 1-2 s) and
    # could see it answer before the test looked.
    app.rt.worker.run_once()
    assert [colour(n) for n in nudges(app)] == [BREACH]   # Slack went through at once …
    assert len(app.fake.dms("U0LEAD1")) == 1
    assert app.fake.teams_posts("support") == []           # … while Teams answered 503
    assert app.fake.calls_to("teams:support", ok_only=False)
    assert app.deliver(max_seconds=20) == 0                # retried with backoff
    [post] = app.fake.teams_posts("support")
    assert _container(post)["style"] == "attention"
    [row] = [r for r in app.rows(OutboxMessage) if r.transport == "teams"]
    assert row.status == "done" and row.attempts == 3


def test_team_without_teams_webhook_gets_no_card(make_harness: Any) -> None:
    from tests.conftest import make_config

    config = make_config(teams=[{"name": "support", "channel": "C0SUPPORT",
                                 "leads": ["U0LEAD1"]}])
    app = make_harness(config=config, clock=FixedClock(T0))
    app.post_event(event())
    scan_at(app, 31)
    assert len(nudges(app)) == 1
    assert [r for r in app.rows(OutboxMessage) if r.transport == "teams"] == []


def test_styles_and_escaping() -> None:
    assert [teams_style(c) for c in (GREEN, "#ECB22E", RED, BREACH)] == [
        "good", "warning", "attention", "attention"]
    assert teams_style("#1E90FF") == "accent" and teams_style("#777777") == "emphasis"
    assert teams_text("[x](https://a) *b*", 100) == r"\[x\]\(https://a\) \*b\*"
