"""Block actions: button presses in messages the app sent."""
from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from blocks.ids import ActionId
from chatops.ratings.follow_up import FollowUps
from chatops.runtime import Runtime


def register(app: App, rt: Runtime) -> None:
    follow_ups = FollowUps(rt.sessions, rt.config, rt.clock)

    @app.action(ActionId.RATING_FOLLOWED_UP.value)
    def rating_followed_up(ack: Ack, body: dict[str, Any]) -> None:
        action = (body.get("actions") or [{}])[0]
        container = body.get("container") or {}
        result = follow_ups.press(action.get("value"), str((body.get("user") or {}).get("id")),
                                  container.get("channel_id"), container.get("message_ts"))
        ack()
        if result.sends:
            rt.wakeup.notify()

    @app.action(ActionId.OPEN_TICKET.value)
    def open_ticket(ack: Ack) -> None:
        """A link button: Slack opens the URL itself, but still tells us; just ack."""
        ack()
