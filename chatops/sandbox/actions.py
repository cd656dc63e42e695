"""What a person does on the sandbox's page, turned into the requests Slack or a helpdesk
would send, signed and sent to the app over HTTP; the app's answer is applied to the fake
workspace as Slack's client would apply it (a modal closes or shows errors, a slash
command's ack appears to its user only). Every request is kept in a short log the page shows.

Runs on the app process's event loop; the blocking HTTP round trip to the app runs on a
thread, so the loop goes on answering the app's own calls to the fake meanwhile."""
from __future__ import annotations

import asyncio
import copy
import secrets
import time
from collections import deque
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from chatops.sandbox import slack_requests
from chatops.sandbox.helpdesk_desk import Change, FormError, HelpdeskDesk
from chatops.sandbox.modals import Modals
from chatops.sandbox.mounted_fake import MountedFake
from chatops.sandbox.signed_sender import Sent, SignedSender
from chatops.sandbox.workspace import User, Workspace

LOG_SIZE = 200
Jobs = Mapping[str, Callable[[], str]]  # job name -> run it once now; what it did


class ActionError(ValueError):
    """The page asked for something that is not there (a user, a message, a view)."""


def _str(form: Mapping[str, Any], key: str) -> str:
    value = form.get(key)
    if not isinstance(value, str) or not value:
        raise ActionError(f"{key} is missing")
    return value


def _index(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class SandboxActions:
    def __init__(self, workspace: Workspace, fake: MountedFake, modals: Modals,
                 desk: HelpdeskDesk, sender: SignedSender, jobs: Jobs) -> None:
        self.workspace = workspace
        self.fake = fake
        self.modals = modals
        self.desk = desk
        self.sender = sender
        self.jobs = jobs
        self.log: deque[dict[str, Any]] = deque(maxlen=LOG_SIZE)
        self.log_version = 0
        self._responses: dict[str, tuple[str, str]] = {}  # response_url token -> (user, channel)

    # -- Slack ----------------------------------------------------------------------------

    async def press(self, form: Mapping[str, Any]) -> dict[str, Any]:
        """A button in a message: `user`, `channel`, `ts`, `attachment` (index or null),
        `block`, `element` (index, or null for a section's accessory)."""
        user, channel, message = self._message(form)
        place = (_index(form.get("attachment")), _index(form.get("block")) or 0,
                 _index(form.get("element")))
        try:
            payload = slack_requests.block_actions(
                self.workspace, user, channel, message, place, self.modals.trigger_for(user.id),
                self._response_url(user.id, channel))
        except slack_requests.NotFound as exc:
            raise ActionError(str(exc)) from None
        action = payload["actions"][0]
        sent = await self._send(self.sender.interaction, payload)
        return self._report(user, f"pressed {action['text'].get('text')!r} "
                                  f"(block_actions {action['action_id']})", sent)

    async def shortcut(self, form: Mapping[str, Any]) -> dict[str, Any]:
        user, channel, message = self._message(form)
        callback_id = _str(form, "callback_id")
        if callback_id not in {s["callback_id"] for s in self.workspace.shortcuts}:
            raise ActionError(f"no message shortcut {callback_id}")
        payload = slack_requests.message_action(
            self.workspace, user, channel, message, callback_id,
            self.modals.trigger_for(user.id), self._response_url(user.id, channel))
        sent = await self._send(self.sender.interaction, payload)
        return self._report(user, f"shortcut {callback_id} (message_action)", sent)

    async def submit(self, form: Mapping[str, Any]) -> dict[str, Any]:
        user, view_id, view = self._view(form)
        inputs = form.get("inputs")
        payload = slack_requests.view_submission(
            user, view, inputs if isinstance(inputs, dict) else {}, self.modals.trigger_for(user.id))
        sent = await self._send(self.sender.interaction, payload)
        outcome = "not sent"
        if sent.status == 200:
            answer = sent.json()
            outcome = self.modals.answered(user.id, view_id, answer)
            if outcome == "update":
                self.fake.store_view(answer["view"], view_id)
            elif outcome == "push":
                self.modals.push(user.id, self.fake.store_view(answer["view"])["id"])
        return self._report(user, f"submitted {view.get('callback_id')} (view_submission): "
                                  f"{outcome}", sent, outcome=outcome)

    async def close(self, form: Mapping[str, Any]) -> dict[str, Any]:
        user, view_id, view = self._view(form)
        self.modals.close(user.id, view_id)
        if not view.get("notify_on_close"):
            return {"ok": True, "outcome": "closed"}
        sent = await self._send(self.sender.interaction, slack_requests.view_closed(user, view))
        return self._report(user, f"closed {view.get('callback_id')} (view_closed)", sent)

    async def command(self, form: Mapping[str, Any]) -> dict[str, Any]:
        user = self._user(form)
        channel = _str(form, "channel")
        text = str(form.get("text") or "").strip()
        fields = slack_requests.slash_command(self.workspace, user, channel, text,
                                              self.modals.trigger_for(user.id),
                                              self._response_url(user.id, channel))
        sent = await self._send(self.sender.slack_form, fields)
        answer = sent.json()
        if sent.status == 200 and isinstance(answer, dict) and (answer.get("text") or answer.get("blocks")):
            self._show(user.id, channel, answer)
        return self._report(user, f"{self.workspace.slash_command} {text}", sent)

    def respond(self, token: str, answer: Any) -> bool:
        """A post to a response_url the sandbox handed out (Bolt's `respond()`)."""
        found = self._responses.get(token)
        if found is None or not isinstance(answer, dict):
            return False
        self._show(found[0], found[1], answer)
        return True

    # -- helpdesk and jobs ----------------------------------------------------------------

    async def helpdesk(self, form: Mapping[str, Any]) -> dict[str, Any]:
        kinds = {"create": self.desk.create, "comment": self.desk.comment,
                 "update": self.desk.update, "rate": self.desk.rate}
        make = kinds.get(str(form.get("kind")))
        if make is None:
            raise ActionError("kind: create, comment, update or rate")
        before = copy.deepcopy(self.desk.tickets)
        try:
            change: Change = make(dict(form), datetime.now(UTC))
        except FormError as exc:
            return {"ok": False, "error": str(exc)}
        sent = await self._send(self.sender.helpdesk, change.event)
        if not 200 <= sent.status < 300:
            self.desk.tickets = before  # the helpdesk's change did not reach the app
        return self._report("helpdesk", f"{change.summary}", sent,
                            ticket=change.event["ticket"]["id"])

    async def job(self, form: Mapping[str, Any]) -> dict[str, Any]:
        name = str(form.get("job"))
        run = self.jobs.get(name)
        if run is None:
            raise ActionError(f"job: one of {', '.join(self.jobs)}")
        summary = await asyncio.get_running_loop().run_in_executor(None, run)
        self._log("scheduler", f"job {name}: {summary}", None, "")
        return {"ok": True, "summary": summary}

    # -- helpers --------------------------------------------------------------------------

    def _user(self, form: Mapping[str, Any]) -> User:
        user = self.workspace.user(_str(form, "user"))
        if user is None:
            raise ActionError("no such user in the sandbox's workspace")
        return user

    def _message(self, form: Mapping[str, Any]) -> tuple[User, str, dict[str, Any]]:
        user = self._user(form)
        channel = _str(form, "channel")
        message = self.fake.message(channel, _str(form, "ts"))
        if message is None:
            raise ActionError("no such message")
        return user, channel, message

    def _view(self, form: Mapping[str, Any]) -> tuple[User, str, dict[str, Any]]:
        user = self._user(form)
        view_id = _str(form, "view_id")
        view = self.fake.view(view_id)
        if view is None or view_id not in self.modals.open_views().values():
            raise ActionError("that modal is not open")
        return user, view_id, view

    def _response_url(self, user_id: str, channel: str) -> str:
        token = secrets.token_urlsafe(12)
        self._responses[token] = (user_id, channel)
        return f"{self.fake.base}/respond/{token}"

    def _show(self, user_id: str, channel: str, answer: dict[str, Any]) -> None:
        if answer.get("response_type") == "in_channel":
            self.fake.post_as_app(channel, answer)
        else:
            self.fake.add_ephemeral(channel, user_id, answer)

    @staticmethod
    async def _send(send: Callable[[Any], Sent], what: Any) -> Sent:
        return await asyncio.get_running_loop().run_in_executor(None, send, what)

    def _report(self, who: User | str, what: str, sent: Sent, **extra: Any) -> dict[str, Any]:
        answer = sent.json()
        self._log(who if isinstance(who, str) else who.id, what, sent.status, sent.path)
        ok = 200 <= sent.status < 300
        result: dict[str, Any] = {"ok": ok, "status": sent.status, "path": sent.path,
                                  "answer": answer if answer is not None else sent.text[:500]}
        if not ok:
            result["error"] = f"{sent.path} answered {sent.status or 'nothing'}"
        result.update(extra)
        return result

    def _log(self, who: str, what: str, status: int | None, path: str) -> None:
        """`who`: a user's id, `helpdesk` or `scheduler`."""
        self.log.append({"at": time.time(), "who": who, "what": what, "path": path,
                         "status": status})
        self.log_version += 1

