"""Sorting send failures into what to do next: retry, wait, give up (as Sentry does), or pause
the whole transport (an outage, or credentials Slack refuses: no row could get through)."""
from __future__ import annotations

import http.client
from dataclasses import dataclass
from typing import Literal

from slack_sdk.errors import SlackApiError

# `outage` and `credentials` are about the transport, not the row: the transport pauses as a
# whole (chatops.delivery.pauses) and the row waits, its place kept, without a retry of its own.
Kind = Literal["ok", "retry", "ratelimited", "permanent", "skipped", "outage", "credentials"]
TRANSPORT_WIDE: frozenset[str] = frozenset({"outage", "credentials"})

# The app's own token is missing, wrong or revoked: every call would fail the same way until a
# working token is configured (and the process restarted with it).
CREDENTIAL_SLACK_ERRORS = frozenset({
    "not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired",
})

# Slack's own "not now" answers (HTTP 200, ok: false): as a 5xx.
OUTAGE_SLACK_ERRORS = frozenset({"service_unavailable", "request_timeout"})

# Slack answers about one message or one target that no retry will fix: that row is failed.
PERMANENT_SLACK_ERRORS = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "channel_is_archived",
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
    # False when the transport was never asked (a DM never delivered, a parent never posted,
    # a helpdesk API failing): such an outcome says nothing of a paused transport's health.
    heard: bool = True

    @property
    def transport_wide(self) -> bool:
        return self.kind in TRANSPORT_WIDE


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
        return Outcome("outage", f"Slack answered HTTP {status}")
    if error in CREDENTIAL_SLACK_ERRORS:
        return Outcome("credentials", error)
    if error in OUTAGE_SLACK_ERRORS:
        return Outcome("outage", error)
    if error in PERMANENT_SLACK_ERRORS:
        return Outcome("permanent", error)
    # Unknown errors (fatal_error, internal_error …): this row tries again later by itself.
    return Outcome("retry", error or f"HTTP {status}", backoff(attempts))


def is_unreachable(exc: BaseException) -> bool:
    """A refused, reset or dropped connection, a timeout, a name that does not resolve."""
    return isinstance(exc, (OSError, http.client.HTTPException))


def unreachable(reason: str) -> Outcome:
    """The endpoint could not be reached or gave no answer: the transport pauses."""
    return Outcome("outage", reason)


def transient(reason: str, attempts: int) -> Outcome:
    """An odd answer or an unexpected error while sending this row: it tries again later."""
    return Outcome("retry", reason, backoff(attempts))
