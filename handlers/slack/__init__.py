"""Bolt listeners by kind; each sub-package has `register(app, rt)`."""
from __future__ import annotations

from typing import Any

from slack_bolt import App


def register(app: App, rt: Any) -> None:
    """Listeners are added here as the features that need them land."""
    from handlers.slack import actions, commands, shortcuts

    commands.register(app, rt)
    actions.register(app, rt)
    shortcuts.register(app, rt)
