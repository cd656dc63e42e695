"""Making outside text safe for Slack mrkdwn, and the placeholders delivery resolves."""
from __future__ import annotations

import re
from urllib.parse import quote, unquote

ELLIPSIS = "…"

# Slack limits (https://api.slack.com/reference/block-kit/blocks)
SECTION_TEXT_MAX = 3000
FIELD_TEXT_MAX = 2000
BUTTON_VALUE_MAX = 2000
URL_MAX = 3000


def escape(text: str) -> str:
    """Escape the three characters Slack reserves, so outside text cannot ping or disguise links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten(text: str, limit: int) -> str:
    """Cut to `limit` characters, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + ELLIPSIS


def safe(text: str | None, limit: int) -> str:
    """Escape, then shorten without ever cutting an escape sequence in half."""
    if not text:
        return ""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS


def safe_url(url: str | None) -> str | None:
    """A http(s) URL usable as a button's url, or None."""
    if not url or len(url) > URL_MAX or not url.lower().startswith(("https://", "http://")):
        return None
    return url


_TOKEN = re.compile(r"<chatops-user:([^|>]*)\|([^>]*)>")


def user_token(email: str, escaped_name: str) -> str:
    """A mention the delivery worker resolves via users.lookupByEmail (name if unmatched)."""
    return f"<chatops-user:{quote(email.lower(), safe='@.+-_')}|{escaped_name}>"


def user_tokens(text: str) -> list[str]:
    return [unquote(m.group(1)) for m in _TOKEN.finditer(text)]


def resolve_user_tokens(text: str, user_ids: dict[str, str | None]) -> str:
    """Replace each token by `<@U…>` when the email is known, else by the (escaped) name."""

    def sub(m: re.Match[str]) -> str:
        uid = user_ids.get(unquote(m.group(1)))
        return f"<@{uid}>" if uid else m.group(2)

    return _TOKEN.sub(sub, text)
