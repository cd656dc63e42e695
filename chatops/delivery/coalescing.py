"""Fewer messages under a backlog, nothing lost: what the claim of a row may fold in.

A row is claimed when it is the oldest pending row of its stream and its pace key allows a call.
When more rows of that stream queued up behind it meanwhile (Slack takes one post per second
into a channel), two rules shorten the queue, inside the claim's transaction (a crash keeps
either every row as it was, or the merged row and the rows it carries):

- an update (`merge = 'update'`: a ticket's parent redrawn) that a later pending update of the
  same stream rewrites again is not sent: it becomes `skipped`, "superseded";
- a thread reply (`merge = 'reply'`: status changes, assignments, comments) takes the replies
  queued right behind it into one message. Parent updates between them are passed over (they
  are not thread messages, and a later state of the parent is drawn anyway); anything else ends
  the run, so the thread's order is kept. Each part keeps its own blocks, a divider between
  parts, within Slack's 50 blocks per message and a 3,000-character notification text. The
  rows taken become `merged`, naming the row that carries them.

Rows without a merge kind are never merged or dropped: nudges, DMs, anything with a button, and
any kind this module does not know.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, func, or_, select, update
from sqlalchemy.orm import Session

from db.models import OutboxMessage

REPLY, UPDATE = "reply", "update"
MAX_BLOCKS = 50  # Slack's limit per message
MAX_TEXT = 3000  # the merged notification text (Slack advises at most 4,000 characters)
DIVIDER = {"type": "divider"}
_LOOK_AHEAD = 2 * MAX_BLOCKS  # rows of the stream read behind the head, updates included

_O = OutboxMessage.__table__
_C = _O.c
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_BEHIND = (select(_C.id, _C.merge, _C.payload, _C.claimed_until)
           .where(_C.stream == bindparam("b_stream"), _C.status == "pending",
                  _C.id > bindparam("b_id"))
           .order_by(_C.id).limit(_LOOK_AHEAD))
_later = _O.alias("later")
_HAS_LATER_UPDATE = (select(func.count()).where(
    _later.c.stream == bindparam("b_stream"), _later.c.status == "pending",
    _later.c.merge == UPDATE, _later.c.id > bindparam("b_id")))
# Every pending update that a later pending update of its stream rewrites, in one statement.
_SKIP_SUPERSEDED = (update(_O)
                    .where(_C.status == "pending", _C.merge == UPDATE,
                           or_(_C.claimed_until.is_(None), _C.claimed_until < bindparam("b_now")),
                           exists().where(_later.c.stream == _C.stream,
                                          _later.c.status == "pending",
                                          _later.c.merge == UPDATE, _later.c.id > _C.id))
                    .values(status="skipped", last_error="superseded by a later update",
                            claimed_until=None, claimed_by=None))
_TAKE = (update(_O)
         .where(_C.id == bindparam("b_id"), _C.status == "pending",
                or_(_C.claimed_until.is_(None), _C.claimed_until < bindparam("b_now")))
         .values(status="merged", last_error=bindparam("b_note")))
_REWRITE = update(_O).where(_C.id == bindparam("b_id")).values(payload=bindparam("b_payload"))


class _Taken(Exception):
    """A row to fold in was claimed meanwhile: the merge is undone."""


def drop_superseded(session: Session, head: Any, now: datetime) -> bool:
    """True when `head`, an update, is superseded (then it, and every other superseded update,
    is marked skipped)."""
    if head.merge != UPDATE:
        return False
    later = session.connection().execute(_HAS_LATER_UPDATE, {"b_stream": head.stream,
                                                             "b_id": head.id}).scalar()
    if not later:
        return False
    session.connection().execute(_SKIP_SUPERSEDED, {"b_now": now})
    return True


def merge_behind(session: Session, head: Any, now: datetime) -> str | None:
    """Fold the replies queued right behind `head`, a reply, into it; the new payload, or None
    when there is nothing to fold in."""
    if head.merge != REPLY:
        return None
    first = json.loads(head.payload)
    if not _foldable(first):
        return None
    parts, taken = [first], []
    blocks, text = len(first["blocks"]), len(first.get("text") or "")
    for row in session.connection().execute(_BEHIND, {"b_stream": head.stream, "b_id": head.id}):
        if row.merge == UPDATE:
            continue
        if row.merge != REPLY or (row.claimed_until is not None and row.claimed_until >= now):
            break
        part = json.loads(row.payload)
        more_blocks = blocks + 1 + len(part.get("blocks") or [])
        more_text = text + 1 + len(part.get("text") or "")
        if not _foldable(part) or more_blocks > MAX_BLOCKS or more_text > MAX_TEXT:
            break
        parts.append(part)
        taken.append(row.id)
        blocks, text = more_blocks, more_text
    if not taken:
        return None
    payload = _dumps(combine(parts))
    try:
        with session.begin_nested():
            for row_id in taken:
                done = session.connection().execute(_TAKE, {
                    "b_id": row_id, "b_now": now, "b_note": f"sent with #{head.id}"})
                if done.rowcount != 1:
                    raise _Taken
            session.connection().execute(_REWRITE, {"b_id": head.id, "b_payload": payload})
    except _Taken:
        return None
    return payload


def combine(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One message of several replies: each part's blocks, a divider between parts; the
    notification text is the parts' texts, one per line."""
    blocks: list[Any] = []
    for part in parts:
        if blocks:
            blocks.append(dict(DIVIDER))
        blocks += part["blocks"]
    merged = {k: v for k, v in parts[0].items() if k not in ("text", "blocks")}
    return {**merged, "text": "\n".join(p.get("text") or "" for p in parts), "blocks": blocks}


def _foldable(payload: dict[str, Any]) -> bool:
    """Plain blocks only: no attachment (a colour bar), no button, no thread or channel of
    its own."""
    blocks = payload.get("blocks")
    if not isinstance(blocks, list) or not blocks or payload.get("attachments"):
        return False
    if any(k in payload for k in ("thread_ts", "channel", "reply_broadcast", "metadata")):
        return False
    return '"button"' not in _dumps(blocks) and all(
        isinstance(b, dict) and b.get("type") != "actions" for b in blocks)
