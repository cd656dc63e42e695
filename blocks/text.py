"""Making outside text safe for Slack mrkdwn, and the placeholders delivery resolves."""
from __future__ import annotations

import json
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
_NAME = re.compile(r"<chatops-name:([^|>]*)\|([^>]*)>")


def user_token(key: str, escaped_name: str) -> str:
    """A mention the delivery worker resolves (name if unmatched). `key`: an email (found
    by users.lookupByEmail), or a helpdesk person ref (`zendesk:123`, whose email and name
    the helpdesk's API may give)."""
    return f"<chatops-user:{quote(key.lower(), safe='@.+-_')}|{escaped_name}>"


def user_tokens(text: str) -> list[str]:
    return [unquote(m.group(1)) for m in _TOKEN.finditer(text)]


def name_token(ref: str, escaped_fallback: str) -> str:
    """A helpdesk person's name, which the delivery worker may find (never a mention)."""
    return f"<chatops-name:{quote(ref.lower(), safe='.+-_')}|{escaped_fallback}>"


def name_tokens(text: str) -> list[str]:
    return [unquote(m.group(1)) for m in _NAME.finditer(text)]


def resolve_user_tokens(text: str, user_ids: dict[str, str | None],
                        names: dict[str, str | None] | None = None) -> str:
    """Replace each mention token by `<@U…>` when its key is a known Slack user, else by
    the name the helpdesk gave (escaped) or the token's own; and each name token by that
    name or its own. `text` is a JSON document: what is put in is JSON-escaped too."""
    found = names or {}

    def named(key: str, fallback: str) -> str:
        name = found.get(key)
        return json.dumps(safe(name, 200))[1:-1] if name else fallback

    def mention(m: re.Match[str]) -> str:
        key = unquote(m.group(1))
        uid = user_ids.get(key)
        return f"<@{uid}>" if uid else named(key, m.group(2))

    return _NAME.sub(lambda m: named(unquote(m.group(1)), m.group(2)), _TOKEN.sub(mention, text))
