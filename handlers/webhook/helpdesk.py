"""`POST /webhooks/helpdesk` (CONTRACT §3) as a Flask route, and the way every helpdesk route
is served by Flask (`serve`): the checks and answers are `answers.py`'s, shared with the
event-loop routes of `chatops serve`'s web front."""
from __future__ import annotations

import logging

from flask import Blueprint, Flask, Response, request

from chatops.runtime import Runtime
from chatops.tickets.schema import MAX_BODY
from handlers.webhook.answers import EMPTY, PATH, Admitted, Answer, RouteAnswers, answers_for

log = logging.getLogger("chatops.webhook")


def register(flask_app: Flask, rt: Runtime) -> None:
    if not rt.env.webhook_secret:
        log.warning("CHATOPS_WEBHOOK_SECRET is not set: every helpdesk webhook gets 401")
    serve(flask_app, "helpdesk", PATH, answers_for(rt), rt)


def serve(flask_app: Flask, name: str, path: str, answers: RouteAnswers, rt: Runtime,
          head: bool = False) -> None:
    """POST `path` checked and answered by `answers`, its events stored by the group-commit
    writer (in order); with `head`, a HEAD request gets 200 too."""
    bp = Blueprint(name, __name__)

    def _store(admitted: Admitted) -> Answer:
        try:
            queued = [rt.event_writer.submit(event) for event in admitted.events]
            return answers.answer(admitted, [done.result() for done in queued])
        except Exception as exc:
            return answers.failed(exc)

    @bp.post(path)
    def webhook() -> Response:
        length = request.content_length
        answer = answers.too_large(length)  # refused before reading a byte
        if answer is None:
            # Without a Content-Length (chunked), read no more than one byte past the limit.
            body = request.stream.read(MAX_BODY + 1) if length is None else request.get_data(
                cache=False)
            headers = {key.lower(): value for key, value in request.headers.items()}
            admitted = answers.check(body, headers)
            answer = admitted if isinstance(admitted, Answer) else _store(admitted)
        return Response(answer.body, answer.status, mimetype=answer.content_type)

    if head:
        bp.route(path, methods=["HEAD"], endpoint="head")(
            lambda: Response(EMPTY.body, EMPTY.status, mimetype=EMPTY.content_type))
    flask_app.register_blueprint(bp)
