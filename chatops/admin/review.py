"""`review <team>`: post the weekly review now. The weekly review is its own feature; until it
lands, the command answers that it is not available. It plugs in as a `ReviewTrigger`
(given to `SlashCommands`, from `Runtime.weekly_review` when set)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ReviewOutcome:
    posted: bool
    message: str  # mrkdwn for the admin's ephemeral answer


class ReviewTrigger(Protocol):
    def __call__(self, team: str, actor: str) -> ReviewOutcome:
        """Post `team`'s weekly review now (through the outbox) on behalf of `actor`."""
        ...


def review_not_available(team: str, actor: str) -> ReviewOutcome:
    return ReviewOutcome(False, ":hourglass: The weekly review is not available yet: it comes "
                                "with the weekly-review feature. Nothing was posted.")
