"""Bolt listener middleware: who may do what, decided once, before any listener runs."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import Ack, BoltResponse

from blocks import admin as admin_blocks
from blocks.slash_answers import VERBS
from chatops.admin.command_line import CHANGE_VERBS, verb_of
from chatops.metrics import Metrics

log = logging.getLogger("chatops.slack")

Middleware = Callable[..., Any]


def slash_gate(metrics: Metrics, admins: Iterable[str], command: str) -> Middleware:
    """Before the slash command's listener, in one middleware (each costs Bolt a lookup of
    its arguments): every command line is counted in `chatops_slash_commands_total{verb}`,
    refused ones included; lines that change something (`visibility`, `leads`, `review`) go
    on only for app.yaml's `admins`, anyone else gets an ephemeral refusal as the ack, and
    nothing runs. Read-only lines (`help`, `settings`, `audit`) are open to everyone."""
    allowed = frozenset(admins)

    def gate(body: dict[str, Any], ack: Ack, next_: Callable[[], None]) -> BoltResponse | None:
        verb = verb_of(body.get("text"))
        metrics.slash_commands.labels(verb if verb in VERBS else "unknown").inc()
        user = str(body.get("user_id") or "")
        if verb in CHANGE_VERBS and user not in allowed:
            log.info("refused %s %s from %s: not an admin", command, verb, user)
            message = admin_blocks.refusal(verb, command, sorted(allowed))
            return ack(response_type="ephemeral", text=message["text"], blocks=message["blocks"])
        next_()
        return None

    return gate
