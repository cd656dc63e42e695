"""Makes one outbox row's Slack call and says how it went. Nothing here decides retries."""
from __future__ import annotations

import base64
import json
import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from blocks.text import name_tokens, resolve_user_tokens, user_tokens
from chatops.delivery.directory import LookupFailed, UserDirectory
from chatops.delivery.errors import Outcome, classify_slack_error, is_unreachable, transient, unreachable
from chatops.delivery.outbox import FILE_UPLOAD, Job
from chatops.delivery.people import PeopleDirectory, without_sources
from db.models import OutboxMessage, SlackThread
from db.models_review import StreamThread
from db.session import read_only
from domain.recipients import Recipient, agent_key

log = logging.getLogger("chatops.delivery")

UPDATE_ONLY_DROP = ("unfurl_links", "unfurl_media", "reply_broadcast")
_O = OutboxMessage.__table__
# Where the DM a `dm_rewrite` row rewrites was delivered (same ref, same recipient).
_DELIVERED_DM = (select(_O.c.result_channel, _O.c.result_ts)
                 .where(_O.c.ref == bindparam("ref"), _O.c.target == bindparam("target"),
                        _O.c.role == "dm", _O.c.status == "done")
                 .order_by(_O.c.id).limit(1))


def make_client(token: str, base_url: str) -> WebClient:
    """A WebClient that never retries by itself: the outbox owns retries."""
    return WebClient(token=token, base_url=base_url, timeout=15, retry_handlers=[])


class SlackSender:
    def __init__(self, client: WebClient, sessions: sessionmaker[Session],
                 people: PeopleDirectory | None = None) -> None:
        self.client = client
        self.sessions = sessions
        self.directory = UserDirectory(client, sessions)
        self.people = people or without_sources(sessions)  # helpdesk ids → names, emails

    def send(self, job: Job) -> Outcome:
        if not self.client.token:
            return Outcome("credentials", "SLACK_BOT_TOKEN is not set")
        if job.role in ("thread_reply", "thread_file"):
            return self._into_stream_thread(job)
        body = job.payload
        target = job.target
        to = Recipient.parse(target) if job.role == "dm" else None
        try:
            user_ids, names = self._people(body, to, job.attempts)
        except LookupFailed as exc:
            return exc.outcome
        if to is not None and to.user_id is None:
            key = to.email or to.ref
            user_id = user_ids.get(key) if key else None
            if not user_id:
                return Outcome("skipped", f"no Slack user for {key}", heard=False)
            target = user_id
        args: dict[str, Any] = json.loads(resolve_user_tokens(body, user_ids, names)
                                          if "<chatops-" in body else body)
        if job.role == "dm_rewrite":
            sent = self._delivered_dm(job.ref, job.target)
            if sent is None:
                return Outcome("skipped", f"the DM {job.ref} to {job.target} was never delivered",
                               heard=False)
            args = {k: v for k, v in args.items() if k not in UPDATE_ONLY_DROP}
            args.update(channel=sent.result_channel, ts=sent.result_ts)
        elif job.role in ("reply", "parent_update"):
            thread = self._thread(job.ticket_id)
            if thread is None:
                return Outcome("permanent", f"the parent message of ticket {job.ticket_id} "
                                            "was never posted", heard=False)
            if job.role == "reply":
                args.update(channel=thread.channel, thread_ts=thread.ts)
            else:
                args = {k: v for k, v in args.items() if k not in UPDATE_ONLY_DROP}
                args.update(channel=thread.channel, ts=thread.ts)
        else:
            args["channel"] = target
        outcome = self._call(job, args)
        if job.role == "ephemeral" and outcome.kind == "permanent":
            # An answer to one press that cannot be shown there (a shortcut used in a channel
            # the bot is not in): nothing an operator can fix, so not a delivery failure.
            return Outcome("skipped", f"ephemeral not shown: {outcome.reason}")
        return outcome

    def _people(self, body: str, to: Recipient | None, attempts: int
                ) -> tuple[dict[str, str | None], dict[str, str | None]]:
        """Who the message's people are: (Slack user id by email or helpdesk ref, name by
        helpdesk ref). A helpdesk ref is asked of its helpdesk first (its email then of
        Slack). Raises LookupFailed."""
        mentioned = set(user_tokens(body))
        if to is not None:
            mentioned |= {k for k in (to.email, to.ref) if k}
        refs = {k for k in mentioned if "@" not in k}
        found = self.people.resolve(refs | set(name_tokens(body)), attempts)
        emails_of = {ref: agent_key(p.email) for ref, p in found.items()
                     if ref in refs and p is not None and p.email}
        emails = (mentioned - refs) | {e for e in emails_of.values() if e}
        users = self.directory.resolve(emails, attempts) if emails else {}
        user_ids: dict[str, str | None] = dict(users)
        user_ids.update({ref: users.get(email) for ref, email in emails_of.items() if email})
        return user_ids, {ref: p.name for ref, p in found.items() if p is not None}

    def _thread(self, ticket_id: str | None) -> SlackThread | None:
        if ticket_id is None:
            return None
        with self.sessions() as session:
            return read_only(session).get(SlackThread, ticket_id)

    def _delivered_dm(self, ref: str | None, target: str) -> Any:
        """The channel and ts of the DM sent under `ref` to `target`, once delivered."""
        with self.sessions() as session:
            row = read_only(session).execute(_DELIVERED_DM, {"ref": ref, "target": target}).first()
        return row if row is not None and row.result_channel and row.result_ts else None

    def _into_stream_thread(self, job: Job) -> Outcome:
        """A reply or a file in the thread its stream's parent started (no user tokens here:
        these rows name nobody by email)."""
        with self.sessions() as session:
            thread = read_only(session).get(StreamThread, job.stream)
        if thread is None:
            return Outcome("permanent", f"the parent message of {job.stream} was never posted",
                           heard=False)
        args: dict[str, Any] = json.loads(job.payload)
        if job.method != FILE_UPLOAD:
            return self._call(job, dict(args, channel=thread.channel, thread_ts=thread.ts))
        try:
            # slack_sdk's files_upload_v2 is Slack's current flow: files.getUploadURLExternal,
            # the bytes POSTed to the URL it returns, files.completeUploadExternal into the thread.
            self.client.files_upload_v2(
                content=base64.b64decode(args["content_b64"]), filename=args["filename"],
                title=args["title"], alt_txt=args.get("alt_txt"), channel=thread.channel,
                thread_ts=thread.ts)
        except SlackApiError as exc:
            return classify_slack_error(exc, job.attempts)
        except Exception as exc:  # the upload URL refused or dropped the bytes, a timeout …
            if is_unreachable(exc):
                return unreachable(f"{job.method}: {exc!r}")
            return transient(f"{job.method}: {exc!r}", job.attempts)
        return Outcome("ok", channel=thread.channel)

    def _call(self, job: Job, args: dict[str, Any]) -> Outcome:
        try:
            response = self.client.api_call(job.method, json=args)
        except SlackApiError as exc:
            return classify_slack_error(exc, job.attempts)
        except Exception as exc:  # connection refused / reset, timeout, bad body
            if is_unreachable(exc):
                return unreachable(f"{job.method}: {exc!r}")
            return transient(f"{job.method}: {exc!r}", job.attempts)
        return Outcome("ok", channel=response.get("channel"), ts=response.get("ts"))
