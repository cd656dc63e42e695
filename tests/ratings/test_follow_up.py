"""The `Followed up` button: who and when, once; the DM rewritten in place; signed only."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chatops.clock import FixedClock
from db.models import OutboxMessage
from db.models_people import RatingFollowUp
from tests.conftest import Harness, make_config
from tests.ratings.support import absolute, press_followed_up, rating_event

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def rated(make_harness: Any, clock: FixedClock) -> Harness:
    app = make_harness(make_config(), clock=clock)
    assert app.post_event(rating_event("bad", "Nobody answered")).status_code == 202
    app.deliver()
    return app


def buttons(dm: dict[str, Any]) -> list[str]:
    return [e["action_id"] for a in dm["attachments"] for b in a["blocks"]
            if b["type"] == "actions" for e in b["elements"]]


def test_followed_up_records_lead_and_time_and_rewrites_the_dm(rated: Harness,
                                                               clock: FixedClock) -> None:
    [dm] = rated.fake.dms("U0LEAD1")
    clock.advance(timedelta(minutes=7))
    assert press_followed_up(rated, "U0LEAD1", dm).status_code == 200
    [follow] = rated.rows(RatingFollowUp)
    assert (follow.by_user, follow.at) == ("U0LEAD1", T0 + timedelta(minutes=7))
    assert rated.deliver() == 0
    [updated] = rated.fake.dms("U0LEAD1")
    assert updated["ts"] == dm["ts"] and "edited" in updated      # the same message, in place
    text = json.dumps(updated, ensure_ascii=False)
    assert "Followed up by <@U0LEAD1>" in text
    assert f"<!date^{int((T0 + timedelta(minutes=7)).timestamp())}^" in text
    assert "Nobody answered" in text                               # still the whole rating
    assert "rating_followed_up" not in buttons(updated)
    [update] = rated.fake.calls_to("chat.update")
    assert update.args["channel"] == "DU0LEAD1" and update.args["ts"] == dm["ts"]


def test_pressing_twice_changes_nothing(rated: Harness, clock: FixedClock) -> None:
    [dm] = rated.fake.dms("U0LEAD1")
    assert press_followed_up(rated, "U0LEAD1", dm).status_code == 200
    rated.deliver()
    rows_before = len(rated.rows(OutboxMessage))
    after_first = rated.fake.dms("U0LEAD1")
    clock.advance(timedelta(hours=1))
    assert press_followed_up(rated, "U0LEAD1", dm).status_code == 200   # a stale double click
    rated.deliver()
    [follow] = rated.rows(RatingFollowUp)
    assert (follow.by_user, follow.at) == ("U0LEAD1", T0)
    assert len(rated.rows(OutboxMessage)) == rows_before
    assert len(rated.fake.calls_to("chat.update")) == 1
    assert rated.fake.dms("U0LEAD1") == after_first


def test_another_lead_pressing_later_only_learns_who_followed_up(rated: Harness,
                                                                 clock: FixedClock) -> None:
    press_followed_up(rated, "U0LEAD1", rated.fake.dms("U0LEAD1")[0])
    clock.advance(timedelta(minutes=5))
    [dm2] = rated.fake.dms("U0LEAD2")
    assert press_followed_up(rated, "U0LEAD2", dm2).status_code == 200
    rated.deliver()
    [follow] = rated.rows(RatingFollowUp)
    assert (follow.by_user, follow.at) == ("U0LEAD1", T0)
    [updated] = rated.fake.dms("U0LEAD2")
    assert "Followed up by <@U0LEAD1>" in json.dumps(updated)
    assert "rating_followed_up" not in buttons(updated)


def test_someone_not_a_lead_cannot_follow_up(rated: Harness) -> None:
    [dm] = rated.fake.dms("U0LEAD1")
    assert press_followed_up(rated, "U0AGENT1", dm).status_code == 200
    rated.deliver()
    assert rated.rows(RatingFollowUp) == []
    assert rated.fake.calls_to("chat.update") == []


@pytest.mark.parametrize("sign", [{"secret": "not-the-secret"},
                                  {"timestamp": -301}, {"timestamp": +310}])
def test_unsigned_or_stale_presses_get_401_and_change_nothing(rated: Harness,
                                                              sign: dict[str, Any]) -> None:
    [dm] = rated.fake.dms("U0LEAD1")
    assert press_followed_up(rated, "U0LEAD1", dm, **absolute(sign)).status_code == 401
    rated.deliver()
    assert rated.rows(RatingFollowUp) == []
    assert rated.fake.calls_to("chat.update") == []


def test_a_press_without_signature_headers_gets_401(rated: Harness) -> None:
    response = rated.client.post("/slack/events", data=b"payload=%7B%7D",
                                 content_type="application/x-www-form-urlencoded")
    assert response.status_code == 401


@pytest.mark.parametrize("value", ["9" * 30, "-1", "1e3", "\u0661", "", " 1", 7, None, {"id": 1},
                                   ["1"]])
def test_a_button_value_that_names_no_rating_changes_nothing_and_is_no_fault(
        rated: Harness, value: Any, caplog: pytest.LogCaptureFixture) -> None:
    """Slack sends the value the button was given; a forged or stale one is no fault of ours."""
    [dm] = rated.fake.dms("U0LEAD1")
    pressed = {**dm, "attachments": [{"blocks": [{"type": "actions", "elements": [
        {"type": "button", "action_id": "rating_followed_up", "value": value}]}]}]}
    rows_before = len(rated.rows(OutboxMessage))
    assert press_followed_up(rated, "U0LEAD1", pressed).status_code == 200
    assert rated.rows(RatingFollowUp) == []
    assert len(rated.rows(OutboxMessage)) == rows_before
    assert not [r for r in caplog.records if r.exc_info]
