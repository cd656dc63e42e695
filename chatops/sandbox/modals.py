"""Which modal each person of the sandbox has open, as Slack's client keeps it: a stack per
user. A modal opens when the app calls `views.open` (or `views.push`) with a trigger_id the
sandbox handed out with that person's press; the app's answer to a submission then closes
it, shows field errors, updates it, pushes another or clears them all
(https://api.slack.com/surfaces/modals#interactions)."""
from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

MAX_TRIGGERS = 1000


@dataclass
class Stack:
    views: list[str] = field(default_factory=list)  # view ids, the top one last
    errors: dict[str, dict[str, str]] = field(default_factory=dict)  # view id -> block id -> text


class Modals:
    def __init__(self) -> None:
        self._triggers: OrderedDict[str, str] = OrderedDict()  # trigger_id -> user id
        self._stacks: dict[str, Stack] = {}
        self.version = 0  # bumped on every change: the page polls for it

    def trigger_for(self, user_id: str) -> str:
        """A trigger_id shaped like Slack's, remembered as this user's."""
        trigger = f"{int(time.time())}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"
        self._triggers[trigger] = user_id
        while len(self._triggers) > MAX_TRIGGERS:
            self._triggers.popitem(last=False)
        return trigger

    def opened(self, trigger_id: str, view_id: str, push: bool) -> None:
        """The app opened (or pushed) `view_id` with `trigger_id`."""
        user = self._triggers.get(trigger_id)
        if user is None:
            return
        stack = self._stacks.setdefault(user, Stack())
        if not push:
            stack.views.clear()
            stack.errors.clear()
        stack.views.append(view_id)
        self.version += 1

    def top(self, user_id: str) -> tuple[str, dict[str, str], int] | None:
        """The user's top modal: (view id, field errors, depth of the stack)."""
        stack = self._stacks.get(user_id)
        if stack is None or not stack.views:
            return None
        view_id = stack.views[-1]
        return view_id, dict(stack.errors.get(view_id, {})), len(stack.views)

    def open_views(self) -> dict[str, str]:
        """user id -> their top view id."""
        return {user: s.views[-1] for user, s in self._stacks.items() if s.views}

    def close(self, user_id: str, view_id: str) -> None:
        stack = self._stacks.get(user_id)
        if stack is not None and view_id in stack.views:
            stack.views.remove(view_id)
            stack.errors.pop(view_id, None)
            self.version += 1

    def answered(self, user_id: str, view_id: str, answer: Any) -> str:
        """Apply the app's answer to a submission of `view_id`; what happened, for the page.
        An `update` or `push` carries a view: the caller stores it and calls `opened`."""
        stack = self._stacks.setdefault(user_id, Stack())
        action = answer.get("response_action") if isinstance(answer, dict) else None
        if action == "errors":
            errors = answer.get("errors")
            stack.errors[view_id] = {str(k): str(v) for k, v in (errors or {}).items()}
            self.version += 1
            return "errors"
        if action == "clear":
            stack.views.clear()
            stack.errors.clear()
            self.version += 1
            return "cleared"
        if action in ("update", "push"):
            stack.errors.pop(view_id, None)
            self.version += 1
            return str(action)
        self.close(user_id, view_id)
        return "closed"

    def replace(self, user_id: str, old_view_id: str, new_view_id: str) -> None:
        stack = self._stacks.setdefault(user_id, Stack())
        stack.views = [new_view_id if v == old_view_id else v for v in stack.views]
        self.version += 1

    def push(self, user_id: str, view_id: str) -> None:
        self._stacks.setdefault(user_id, Stack()).views.append(view_id)
        self.version += 1
