"""The sandbox page's API over HTTP, as a person's browser uses it: the demo scenario (and the
tests) act through it, so whatever they do goes through the same signed requests as a click.
Also: finding a button in a message, and waiting for something to appear."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
Place = tuple[int | None, int, int | None]  # attachment (None: the message's blocks), block, element


class PageClient:
    def __init__(self, app_url: str, timeout: float = 15.0) -> None:
        self.base = app_url.rstrip("/") + "/sandbox"
        self.timeout = timeout

    def state(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.base + "/state", timeout=self.timeout) as answer:
            return dict(json.loads(answer.read()))

    def act(self, action: str, **form: Any) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.base}/act/{action}", data=json.dumps(form).encode(),
            headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return dict(json.loads(answer.read()))
        except urllib.error.HTTPError as refused:
            return dict(json.loads(refused.read() or b"{}"), ok=False, status=refused.code)

    def ready(self) -> bool:
        try:
            self.state()
        except (OSError, ValueError):
            return False
        return True

    def wait(self, find: Callable[[dict[str, Any]], T | None], timeout: float = 90.0,
             every: float = 0.5) -> T | None:
        """The first non-None `find(state)` within `timeout` seconds, else None."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                found = find(self.state())
            except (OSError, ValueError):
                found = None
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                return None
            time.sleep(every)

    def press(self, user: str, message: dict[str, Any], place: Place) -> dict[str, Any]:
        attachment, block, element = place
        return self.act("press", user=user, channel=message["channel"], ts=message["ts"],
                        attachment=attachment, block=block, element=element)


def buttons(message: dict[str, Any]) -> Iterator[tuple[Place, dict[str, Any]]]:
    """Every button of a message with its place: in its blocks, then in its attachments."""
    groups: list[tuple[int | None, list[dict[str, Any]]]] = [(None, message.get("blocks") or [])]
    groups += [(i, a.get("blocks") or []) for i, a in enumerate(message.get("attachments") or [])]
    for attachment, blocks in groups:
        for b, block in enumerate(blocks):
            accessory = block.get("accessory")
            if isinstance(accessory, dict) and accessory.get("type") == "button":
                yield (attachment, b, None), accessory
            for e, element in enumerate(block.get("elements") or []):
                if isinstance(element, dict) and element.get("type") == "button":
                    yield (attachment, b, e), element


def find_button(message: dict[str, Any], action_id: str, value: str | None = None) -> Place | None:
    for place, element in buttons(message):
        if element.get("action_id") == action_id and (value is None or element.get("value") == value):
            return place
    return None


def messages_with_button(state: dict[str, Any], channel: str, action_id: str,
                         value: str | None = None) -> list[tuple[dict[str, Any], Place]]:
    found = []
    for message in state["messages"]:
        if message["channel"] == channel:
            place = find_button(message, action_id, value)
            if place is not None:
                found.append((message, place))
    return found
