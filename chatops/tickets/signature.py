"""The helpdesk webhook signature (CONTRACT §3): v1=HMAC-SHA256(secret, "<ts>.<body>")."""
from __future__ import annotations

import hashlib
import hmac

from chatops.outside_input import unix_seconds

MAX_SKEW_SECONDS = 300


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def check(secret: str, timestamp: str | None, signature: str | None, body: bytes,
          now: float) -> str | None:
    """None when valid, else why not (for the log; the caller answers a bare 401)."""
    if not secret:
        return "CHATOPS_WEBHOOK_SECRET is not configured"
    if not timestamp or not signature:
        return "missing X-Chatops-Timestamp or X-Chatops-Signature"
    ts = unix_seconds(timestamp)
    if ts is None:
        return f"timestamp {timestamp[:20]!r} is not a whole number of seconds"
    if abs(now - ts) > MAX_SKEW_SECONDS:
        return f"timestamp is {int(now - ts)} s off (more than {MAX_SKEW_SECONDS} s)"
    if not signature.isascii() or not hmac.compare_digest(sign(secret, timestamp, body), signature):
        return "signature does not match"
    return None
