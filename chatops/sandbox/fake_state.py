"""In-memory Slack workspace state and Web API method handlers for the fake server.

`SlackState` is transport-free: ``handle(method, args)`` takes decoded arguments and
returns the JSON response body Slack would send. It is not thread-safe by itself;
`chatops.sandbox.fake_slack.FakeSlack` serialises access with a lock.
"""

from __future__ import annotations

import copy
import hashlib
import time
from collections.abc import Callable
from typing import Any

BOT_USER_ID = "UBOT"
BOT_ID = "B0FAKE"
TEAM_ID = "T0FAKE"

TRUE_VALUES = frozenset({True, "1", "true", "True", "TRUE"})

Handler = Callable[[dict[str, Any]], dict[str, Any]]


def dm_channel_id(user_id: str) -> str:
    """Stable direct-message channel id for a user id (``U123`` -> ``DU123``)."""
    return f"D{user_id}"


def _err(error: str) -> dict[str, Any]:
    return {"ok": False, "error": error}


class SlackState:
    """Messages, views and users of one fake workspace."""

    def __init__(self, users: dict[str, str] | None = None, channels: set[str] | None = None) -> None:
        self.users: dict[str, str] = dict(users or {})  # email -> user id
        self.channels: set[str] | None = set(channels) if channels is not None else None
        self.handlers: dict[str, Handler] = {
            "auth.test": self.auth_test,
            "chat.postMessage": self.chat_post_message,
            "chat.update": self.chat_update,
            "chat.delete": self.chat_delete,
            "chat.postEphemeral": self.chat_post_ephemeral,
            "chat.getPermalink": self.chat_get_permalink,
            "conversations.open": self.conversations_open,
            "conversations.history": self.conversations_history,
            "conversations.replies": self.conversations_replies,
            "users.lookupByEmail": self.users_lookup_by_email,
            "users.info": self.users_info,
            "views.open": self.views_open,
            "views.push": self.views_open,
            "views.update": self.views_update,
            "views.publish": self.views_publish,
        }
        self.reset()

    def reset(self) -> None:
        """Forget all messages and views (users/channels configuration is kept)."""
        self.messages: list[dict[str, Any]] = []
        self.ephemerals: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, dict[str, Any]] = {}
        self._last_us = 0
        self._view_seq = 0

    def handle(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """Run one Web API method; unknown methods give ``unknown_method``."""
        handler = self.handlers.get(method)
        return handler(args) if handler else _err("unknown_method")

    # -- helpers -------------------------------------------------------------------

    def next_ts(self) -> str:
        """Unique, strictly increasing ``"<epoch>.<micros>"`` ts based on wall-clock time."""
        us = max(int(time.time() * 1_000_000), self._last_us + 1)
        self._last_us = us
        return f"{us // 1_000_000}.{us % 1_000_000:06d}"

    def resolve_channel(self, channel: str) -> str:
        """Map a user id (U…/W…) to its DM channel; leave channel ids and names alone."""
        return dm_channel_id(channel) if channel[:1] in ("U", "W") else channel

    def find(self, channel: str, ts: str) -> dict[str, Any] | None:
        """The stored message ``ts`` in ``channel`` (channel may be a user id)."""
        channel = self.resolve_channel(channel)
        for msg in self.messages:
            if msg["channel"] == channel and msg["ts"] == ts:
                return msg
        return None

    def _unknown_channel(self, channel: str) -> bool:
        return self.channels is not None and channel[:1] in ("C", "G") and channel not in self.channels

    @staticmethod
    def _has_content(args: dict[str, Any]) -> bool:
        return any(args.get(k) for k in ("text", "blocks", "attachments"))

    @staticmethod
    def public(msg: dict[str, Any]) -> dict[str, Any]:
        """A copy of a stored message as Slack returns it (no ``channel`` key)."""
        out = copy.deepcopy(msg)
        out.pop("channel", None)
        return out

    # -- auth / chat ---------------------------------------------------------------

    def auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://fake.slack.com/", "team": "Fake", "user": "bot",
                "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID}

    def chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        if not channel or self._unknown_channel(channel):
            return _err("channel_not_found")
        if not self._has_content(args):
            return _err("no_text")
        channel = self.resolve_channel(channel)
        thread_ts = args.get("thread_ts") or None
        if thread_ts is not None:
            parent = self.find(channel, str(thread_ts))
            if parent is None:
                return _err("thread_not_found")
            thread_ts = parent["thread_ts"] or parent["ts"]  # replying to a reply joins its thread
            root = self.find(channel, thread_ts)
            if root is not None:
                root["reply_count"] = root.get("reply_count", 0) + 1
        msg: dict[str, Any] = {
            "type": "message", "channel": channel, "ts": self.next_ts(), "thread_ts": thread_ts,
            "text": args.get("text") or "", "blocks": args.get("blocks") or [],
            "attachments": args.get("attachments") or [], "user": BOT_USER_ID, "bot_id": BOT_ID,
            "reply_broadcast": args.get("reply_broadcast") in TRUE_VALUES,
            "metadata": args.get("metadata") or None, "username": args.get("username"),
        }
        self.messages.append(msg)
        return {"ok": True, "channel": channel, "ts": msg["ts"], "message": self.public(msg)}

    def chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        msg = self.find(str(args.get("channel") or ""), str(args.get("ts") or ""))
        if msg is None:
            return _err("message_not_found")
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in args:
                msg[key] = args[key]
        msg["edited"] = {"user": BOT_USER_ID, "ts": self.next_ts()}
        return {"ok": True, "channel": msg["channel"], "ts": msg["ts"], "text": msg["text"],
                "message": self.public(msg)}

    def chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        msg = self.find(str(args.get("channel") or ""), str(args.get("ts") or ""))
        if msg is None:
            return _err("message_not_found")
        self.messages.remove(msg)
        return {"ok": True, "channel": msg["channel"], "ts": msg["ts"]}

    def chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, user = str(args.get("channel") or ""), str(args.get("user") or "")
        if not channel or self._unknown_channel(channel):
            return _err("channel_not_found")
        if not user:
            return _err("user_not_found")
        if not self._has_content(args):
            return _err("no_text")
        ts = self.next_ts()
        self.ephemerals.append({
            "channel": self.resolve_channel(channel), "user": user, "ts": ts,
            "thread_ts": args.get("thread_ts"), "text": args.get("text") or "",
            "blocks": args.get("blocks") or [], "attachments": args.get("attachments") or [],
        })
        return {"ok": True, "message_ts": ts}

    def chat_get_permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        msg = self.find(str(args.get("channel") or ""), str(args.get("message_ts") or ""))
        if msg is None:
            return _err("message_not_found")
        link = f"https://fake.slack.com/archives/{msg['channel']}/p{msg['ts'].replace('.', '')}"
        if msg["thread_ts"]:
            link += f"?thread_ts={msg['thread_ts']}&cid={msg['channel']}"
        return {"ok": True, "channel": msg["channel"], "permalink": link}

    # -- conversations -------------------------------------------------------------

    def conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        raw = args.get("users") or args.get("channel") or ""
        users = raw if isinstance(raw, list) else [u.strip() for u in str(raw).split(",") if u.strip()]
        if not users:
            return _err("users_list_not_supplied")
        if len(users) == 1:
            channel_id = self.resolve_channel(users[0])
        else:
            digest = hashlib.sha1(",".join(sorted(users)).encode()).hexdigest()[:10].upper()
            channel_id = f"G{digest}"
        return {"ok": True, "channel": {"id": channel_id}}

    def conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.resolve_channel(str(args.get("channel") or ""))
        oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or "inf")
        top = [self.public(m) for m in reversed(self.messages)
               if m["channel"] == channel and (not m["thread_ts"] or m["reply_broadcast"])
               and oldest <= float(m["ts"]) <= latest]
        limit = int(args.get("limit") or 100)
        return {"ok": True, "messages": top[:limit], "has_more": len(top) > limit}

    def conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        root = self.find(channel, str(args.get("ts") or ""))
        if root is None:
            return _err("thread_not_found")
        root_ts = root["thread_ts"] or root["ts"]
        thread = [self.public(m) for m in self.messages
                  if m["channel"] == root["channel"] and (m["ts"] == root_ts or m["thread_ts"] == root_ts)]
        return {"ok": True, "messages": thread, "has_more": False}

    # -- users ---------------------------------------------------------------------

    def users_lookup_by_email(self, args: dict[str, Any]) -> dict[str, Any]:
        email = str(args.get("email") or "")
        if email not in self.users:
            return _err("users_not_found")
        return {"ok": True, "user": self._user(self.users[email], email)}

    def users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(args.get("user") or "")
        if not user_id:
            return _err("user_not_found")
        email = next((e for e, uid in self.users.items() if uid == user_id), None)
        return {"ok": True, "user": self._user(user_id, email)}

    @staticmethod
    def _user(user_id: str, email: str | None) -> dict[str, Any]:
        name = email.split("@")[0] if email else user_id.lower()
        profile: dict[str, Any] = {"real_name": name, "display_name": name}
        if email:
            profile["email"] = email
        return {"id": user_id, "team_id": TEAM_ID, "name": name, "real_name": name,
                "is_bot": user_id == BOT_USER_ID, "tz": "UTC", "tz_offset": 0, "profile": profile}

    # -- views ---------------------------------------------------------------------

    def _store_view(self, view: dict[str, Any], view_id: str | None = None) -> dict[str, Any]:
        if view_id is None:
            self._view_seq += 1
            view_id = f"V{self._view_seq:09d}"
        stored = {**copy.deepcopy(view), "id": view_id, "team_id": TEAM_ID,
                  "hash": f"{time.time():.6f}.{view_id}"}
        self.views[view_id] = stored
        return stored

    def views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("trigger_id"):
            return _err("invalid_trigger")
        if not isinstance(args.get("view"), dict):
            return _err("invalid_arguments")
        return {"ok": True, "view": copy.deepcopy(self._store_view(args["view"]))}

    def views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(args.get("view"), dict):
            return _err("invalid_arguments")
        view_id = args.get("view_id")
        if not view_id and args.get("external_id"):
            view_id = next((vid for vid, v in self.views.items()
                            if v.get("external_id") == args["external_id"]), None)
        if not view_id or view_id not in self.views:
            return _err("not_found")
        if args.get("hash") and args["hash"] != self.views[view_id]["hash"]:
            return _err("hash_conflict")  # the view changed since the caller read it
        return {"ok": True, "view": copy.deepcopy(self._store_view(args["view"], str(view_id)))}

    def views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(args.get("user_id") or "")
        if not user_id or not isinstance(args.get("view"), dict):
            return _err("invalid_arguments")
        existing = self.home_views.get(user_id)
        view = self._store_view(args["view"], existing["id"] if existing else None)
        self.home_views[user_id] = view
        return {"ok": True, "view": copy.deepcopy(view)}
