"""Bolt listeners by kind; each sub-package has `register(app, rt)`."""
from __future__ import annotations

from slack_bolt import App

from chatops.runtime import Runtime


def register(app: App, rt: Runtime) -> None:
    """Listeners are added here as the features that need them land."""
    from handlers.slack import actions, commands, shortcuts

    commands.register(app, rt)
    actions.register(app, rt)
    shortcuts.register(app, rt)
