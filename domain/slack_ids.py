"""The shapes of Slack IDs the app checks: users, channels, DM channels, and a picked mention."""
from __future__ import annotations

import re

USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,}")
DM_CHANNEL_ID = re.compile(r"D[A-Z0-9]{2,}")
MENTION = re.compile(rf"<@({USER_ID.pattern})(?:\|[^>]*)?>")  # what Slack sends for a picked @user


def is_user_id(text: str | None) -> bool:
    return bool(text and USER_ID.fullmatch(text))


def is_dm_channel(text: str | None) -> bool:
    return bool(text and DM_CHANNEL_ID.fullmatch(text))
