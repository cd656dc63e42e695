"""How often each kind of call may go out: Slack's documented limits, never a 429 of our own.

Every paced call has a *pace key*; a key's next allowed moment is a `channel_pace` row, shared
by every worker through the database. A worker holds the key while its call is in flight and,
when the answer is in, sets it to the moment of the answer plus the key's interval, so the next
call of that key leaves exactly when its allowance comes due (the answer comes after Slack
counted the call, so the gap Slack sees is never shorter than the interval).

- `chat.postMessage`: "1 per second" per channel, short bursts allowed but not guaranteed
  (https://docs.slack.dev/apis/web-api/rate-limits, "Posting messages"; the method's rate
  limit is "Special": https://docs.slack.dev/reference/methods/chat.postMessage). The key is
  the channel. A direct message is a post to the user's DM channel: the same limit, per user.
- `chat.update`: Tier 3, "50+ per minute", counted per method per app per workspace
  (https://docs.slack.dev/reference/methods/chat.update): one key for the whole workspace,
  one call every 1.2 s. DM rewrites are chat.update calls too.
- `chat.postEphemeral`: Tier 4, "100+ per minute", per workspace
  (https://docs.slack.dev/reference/methods/chat.postEphemeral): one key for the workspace,
  one call every 0.6 s. Not the channel's key: an answer to one press never waits behind a
  busy channel's backlog of posts.
- Any other Slack method a row may carry (a file upload into a thread, a kind this module
  does not know) is paced like a post to its target: the most careful limit we know.
- Teams webhooks are not paced ahead; their 429's Retry-After is honoured by the row.
A 429 still pauses its key for the Retry-After Slack asks for.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from chatops.delivery.outbox import EPHEMERAL, UPDATE

POST_INTERVAL = timedelta(seconds=1.0)  # chat.postMessage: 1 per second per channel
UPDATE_INTERVAL = timedelta(seconds=60 / 50)  # chat.update: Tier 3, 50 per minute
EPHEMERAL_INTERVAL = timedelta(seconds=60 / 100)  # chat.postEphemeral: Tier 4, 100 per minute
# The methods paced once for the whole workspace: each is its own key (the method's name,
# which no channel or user id looks like).
UPDATE_KEY = UPDATE
EPHEMERAL_KEY = EPHEMERAL
WORKSPACE_KEYS = frozenset({UPDATE_KEY, EPHEMERAL_KEY})


def pace_key(transport: str, method: str, target: str) -> str | None:
    """The key a call is paced by, or None when it is not paced ahead (Teams)."""
    if transport != "slack":
        return None
    return method if method in WORKSPACE_KEYS else target


@dataclass(frozen=True)
class Pacing:
    """The intervals a worker keeps; tests shorten them."""

    post: timedelta = POST_INTERVAL
    update: timedelta = UPDATE_INTERVAL
    ephemeral: timedelta = EPHEMERAL_INTERVAL

    @classmethod
    def every(cls, gap: timedelta) -> Pacing:
        return cls(post=gap, update=gap, ephemeral=gap)

    def interval(self, key: str) -> timedelta:
        if key == UPDATE_KEY:
            return self.update
        return self.ephemeral if key == EPHEMERAL_KEY else self.post
