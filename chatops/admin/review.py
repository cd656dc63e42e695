"""`review <team>`: post the weekly review now. The weekly review is its own feature; until it
lands, the command answers that it is not available. It plugs in as a `ReviewTrigger`
(given to `SlashCommands`, from `Runtime.weekly_review` when set)."""
from __future__ import annotations

from typing import Protocol

from blocks.slash_answers import ReviewOutcome


class ReviewTrigger(Protocol):
    def __call__(self, team: str, actor: str) -> ReviewOutcome:
        """Post `team`'s weekly review now (through the outbox) on behalf of `actor`."""
        ...


def review_not_available(team: str, actor: str) -> ReviewOutcome:
    return ReviewOutcome(posted=False, team=team)
