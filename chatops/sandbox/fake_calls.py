"""What the fake Slack records of each request (`Call`), and how it reads a request's arguments."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

# Fields that slack_sdk JSON-encodes when it sends a form (x-www-form-urlencoded) body.
JSON_FIELDS = frozenset({"blocks", "attachments", "metadata", "view", "user_auth_blocks"})
TRUE_VALUES = frozenset({True, "1", "true", "True", "TRUE"})



@dataclass
class Call:
    """One request received by the fake (Slack method or ``teams:<name>``)."""

    method: str
    args: dict[str, Any]
    at: float  # time.monotonic() when received
    status: int = 0  # HTTP status sent back; 0 when the connection was dropped
    response: dict[str, Any] | None = None  # JSON body sent back, None if non-JSON/dropped
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True for a 2xx answer whose JSON body (if any) did not say ``ok: false``."""
        if not 200 <= self.status < 300:
            return False
        return self.response is None or bool(self.response.get("ok", True))


def decode_args(args: dict[str, Any]) -> dict[str, Any]:
    """Copy of ``args`` with JSON-encoded form fields (``blocks``, ``attachments``, ...) decoded."""
    out = dict(args)
    for key in JSON_FIELDS & out.keys():
        value = out[key]
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            try:
                out[key] = json.loads(value)
            except ValueError:
                pass
    return out


def parse_args(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    """Merge query-string and body (JSON or form) arguments; raises ValueError on bad JSON."""
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    if body:
        if "json" in content_type:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise ValueError("JSON body must be an object")
            args.update(data)
        else:
            args.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return decode_args(args)
