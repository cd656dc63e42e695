"""The slash command (`slash_command` in app.yaml): answered in the ack, as an ephemeral message."""
from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from chatops.admin.slash import SlashCommands
from chatops.runtime import Runtime
from handlers.slack.middleware import slash_gate


def register(app: App, rt: Runtime) -> None:
    config = rt.config
    service = SlashCommands(rt.sessions, config, rt.clock, review=rt.reviews.post_now)
    middleware = [slash_gate(rt.metrics, config.admins, config.slash_command)]

    @app.command(config.slash_command, middleware=middleware)
    def slash_command(ack: Ack, command: dict[str, Any]) -> None:
        # The services are short database calls: the answer itself is the ack (well < 3 s).
        answer = service.run(actor=str(command.get("user_id") or ""), text=command.get("text"))
        ack(response_type="ephemeral", text=answer.message["text"],
            blocks=answer.message["blocks"])
        if answer.sent:
            rt.wakeup.notify()
