"""`review <team>`: post the weekly review now. The weekly review (`chatops.review`) plugs
in as a `ReviewTrigger`, given to `SlashCommands` by the slash command's listener."""
from __future__ import annotations

from typing import Protocol

from blocks.slash_answers import ReviewOutcome


class ReviewTrigger(Protocol):
    def __call__(self, team: str, actor: str) -> ReviewOutcome:
        """Post `team`'s weekly review now (through the outbox) on behalf of `actor`."""
        ...
