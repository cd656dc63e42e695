"""What the page shows, as one JSON document it polls: the workspace, every message of every
conversation (threads, DMs, uploaded files), the ephemeral messages, each person's open
modal, the Teams cards, the helpdesk's tickets and the log of requests sent to the app."""
from __future__ import annotations

from typing import Any

from chatops.sandbox.actions import SandboxActions
from chatops.sandbox.fake_state import BOT_USER_ID
from chatops.sandbox.helpdesk_desk import PRIORITIES, SCORES, STATUSES


def version(actions: SandboxActions) -> int:
    """Changes whenever anything the page shows may have changed."""
    return actions.fake.version + actions.log_version


def snapshot(actions: SandboxActions) -> dict[str, Any]:
    fake, workspace = actions.fake, actions.workspace
    messages = fake.messages()
    for message in messages:
        for file in message.get("files") or []:
            file["url"] = f"{fake.base}/files/{file['id']}"
            file["image"] = str(file.get("name", "")).lower().endswith((".png", ".jpg", ".jpeg", ".gif"))
    modals = {}
    for user in workspace.users:
        top = actions.modals.top(user.id)
        if top is not None:
            view_id, errors, depth = top
            modals[user.id] = {"view": fake.view(view_id), "errors": errors, "depth": depth}
    cards = fake.teams_cards()
    return {
        "version": version(actions),
        "workspace": workspace.to_json() | {"bot_user": BOT_USER_ID},
        "messages": messages,
        "ephemerals": fake.ephemerals(),
        "modals": modals,
        "teams": [{"team": t.name, "env": t.teams_webhook_env, "cards": cards.get(t.name, [])}
                  for t in workspace.teams if t.teams_webhook_env],
        "helpdesk": {"tickets": actions.desk.listing(), "priorities": list(PRIORITIES),
                     "statuses": list(STATUSES), "scores": list(SCORES)},
        "jobs": list(actions.jobs),
        "log": list(actions.log),
    }
