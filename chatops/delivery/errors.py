"""Sorting send failures into what to do next: retry, wait, give up (as Sentry does)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from slack_sdk.errors import SlackApiError

Kind = Literal["ok", "retry", "ratelimited", "permanent", "skipped"]

# Slack answers that no retry will fix: the row is marked failed with the reason.
PERMANENT_SLACK_ERRORS = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "channel_is_archived",
    "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
    "no_permission", "missing_scope", "restricted_action", "ekm_access_denied",
    "msg_too_long", "no_text", "invalid_blocks", "invalid_blocks_format", "invalid_attachments",
    "too_many_attachments", "invalid_arguments", "invalid_arg_name", "message_not_found",
    "cant_update_message", "edit_window_closed", "thread_not_found", "user_not_found",
    "users_not_found", "user_disabled", "cannot_dm_bot", "invalid_metadata_format",
    "method_deprecated", "unknown_method", "team_access_not_granted", "as_user_not_supported",
})

BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 60.0


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    reason: str = ""
    delay: float = 0.0  # seconds before the next attempt (retry / ratelimited)
    channel: str | None = None  # where Slack put it (posts)
    ts: str | None = None


def backoff(attempts: int) -> float:
    """Capped exponential backoff: 1, 2, 4 … 60 s."""
    return min(BACKOFF_BASE_SECONDS * 2.0 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)


def classify_slack_error(exc: SlackApiError, attempts: int) -> Outcome:
    response = exc.response
    status = getattr(response, "status_code", 200)
    error = ""
    if isinstance(response.data, dict):
        error = str(response.data.get("error", ""))
    if status == 429 or error == "ratelimited":
        headers = {k.lower(): v for k, v in (response.headers or {}).items()}
        try:
            wait = float(headers.get("retry-after", "1"))
        except ValueError:
            wait = 1.0
        return Outcome("ratelimited", f"rate limited by Slack (Retry-After {wait:g}s)", max(wait, 0.0))
    if status >= 500:
        return Outcome("retry", f"Slack answered HTTP {status}", backoff(attempts))
    if error in PERMANENT_SLACK_ERRORS:
        return Outcome("permanent", error)
    # Unknown errors (fatal_error, internal_error, request_timeout, service_unavailable …)
    return Outcome("retry", error or f"HTTP {status}", backoff(attempts))


def transient(reason: str, attempts: int) -> Outcome:
    """A dropped connection, timeout or unreadable answer: try again later."""
    return Outcome("retry", reason, backoff(attempts))
