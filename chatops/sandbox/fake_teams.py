"""Fake Microsoft Teams incoming webhooks, served by `chatops.sandbox.fake_slack.FakeSlack`.

Two kinds of endpoint exist, mirroring real Teams:

* ``/teams/workflows/<name>`` - Power Automate "Workflows" webhook: the app posts an Adaptive
  Card envelope; the fake answers ``202 Accepted`` with an empty body.
* ``/teams/legacy/<name>`` - retired Office 365 connector: the app posts a MessageCard; the
  fake answers ``200`` with body ``1``.

The app chooses the payload format from the URL: see `chatops.delivery.teams_sender.is_legacy_connector`.
"""

from __future__ import annotations

from typing import Any

KINDS = ("workflows", "legacy")
class TeamsEndpoints:
    """Posts received and failures pending per endpoint name (not thread-safe by itself)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget posts and pending failures."""
        self._posts: dict[str, list[dict[str, Any]]] = {}
        self._faults: dict[str, list[int]] = {}

    def fail(self, name: str, n: int, status: int) -> None:
        """Answer the next ``n`` posts to ``name`` with HTTP ``status``."""
        self._faults.setdefault(name, []).extend([status] * n)

    def posts(self, name: str) -> list[dict[str, Any]]:
        """Accepted JSON bodies of endpoint ``name``, oldest first."""
        return list(self._posts.get(name, []))

    def handle(self, kind: str, name: str, payload: dict[str, Any] | None) -> tuple[int, str]:
        """Process one post (``payload`` None when the body was not a JSON object): (status, body)."""
        if kind not in KINDS:
            return 404, "not found"
        pending = self._faults.get(name)
        if pending:
            return pending.pop(0), "upstream error"
        if payload is None:
            return 400, "Bad payload: body must be a JSON object"
        self._posts.setdefault(name, []).append(payload)
        return (200, "1") if kind == "legacy" else (202, "")
