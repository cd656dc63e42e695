"""Helpdesk events for tests (CONTRACT §4)."""
from __future__ import annotations

import copy
import itertools
from typing import Any

_ids = itertools.count(1)


def event(type_: str = "ticket.created", *, ticket_id: str = "1001", occurred_at: str =
          "2026-11-23T09:30:00Z", event_id: str | None = None, **ticket: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": event_id or f"evt-{next(_ids):06d}",
        "type": type_,
        "occurred_at": occurred_at,
        "ticket": {
            "id": ticket_id, "subject": "Cannot log in",
            "url": f"https://helpdesk.example.com/tickets/{ticket_id}",
            "priority": "urgent", "status": "new", "team": "support",
            "requester": {"name": "Ann Client", "email": "ann@client.example"},
            "assignee": {"name": "Bob Agent", "email": "bob@example.com"},
            "created_at": "2026-11-23T09:30:00Z",
        },
    }
    body["ticket"].update(ticket)
    return body


def comment(base: dict[str, Any], body: str, *, public: bool = True, role: str = "agent",
            comment_id: str = "c-1") -> dict[str, Any]:
    e = copy.deepcopy(base)
    e["type"] = "ticket.commented"
    e["comment"] = {"id": comment_id, "author": {"name": "Bob Agent", "email": "bob@example.com"},
                    "author_role": role, "public": public, "body": body}
    return e
