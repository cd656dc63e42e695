"""Reading a ticket's thread as a reader does, whether its replies came one per message or
several in one (a backlog coalesced: parts separated by a divider)."""
from __future__ import annotations

from typing import Any

from chatops.sandbox.fake_slack import FakeSlack


def parents(fake: FakeSlack, channel: str = "C0SUPPORT") -> list[dict[str, Any]]:
    return [m for m in fake.messages(channel) if not m.get("thread_ts")]


def parts(message: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """A message's parts: its blocks, split at dividers."""
    found: list[list[dict[str, Any]]] = [[]]
    for block in message.get("blocks") or []:
        if block.get("type") == "divider":
            found.append([])
        else:
            found[-1].append(block)
    return [part for part in found if part]


def part_texts(part: list[dict[str, Any]]) -> str:
    return "\n".join(b["text"]["text"] for b in part if b.get("type") == "section")


def thread_parts(fake: FakeSlack, parent_ts: str, channel: str = "C0SUPPORT") -> list[str]:
    """Every reply part of a thread, oldest first, as the text of its sections."""
    return [part_texts(part) for reply in fake.thread(channel, parent_ts) for part in parts(reply)]
