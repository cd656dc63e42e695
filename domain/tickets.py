"""A helpdesk ticket's priority and status (CONTRACT §4), the statuses that end or pause work,
and the two SLA targets every ticket has."""
from __future__ import annotations

from typing import Literal, get_args

Priority = Literal["urgent", "high", "normal", "low"]

Status = Literal["new", "open", "pending", "on_hold", "solved", "closed"]
DONE_STATUSES: frozenset[Status] = frozenset({"solved", "closed"})  # resolution met
# Waiting on the customer or a third party: app.yaml's default `sla.pause_on`, and shown grey.
PAUSED_STATUSES: tuple[Status, ...] = ("pending", "on_hold")

Target = Literal["first_response", "resolution"]
TARGETS: tuple[Target, ...] = get_args(Target)
