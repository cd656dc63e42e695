"""`POST /webhooks/helpdesk` (CONTRACT §3) as a Flask route: the checks and answers are
`answers.py`'s, shared with the event-loop route of `chatops serve`'s web front."""
from __future__ import annotations

import logging

from flask import Blueprint, Flask, Response, request

from chatops.runtime import Runtime
from chatops.tickets.schema import MAX_BODY, HelpdeskEvent
from handlers.webhook.answers import PATH, SIGNATURE, TIMESTAMP, Answer, answers_for

log = logging.getLogger("chatops.webhook")


def register(flask_app: Flask, rt: Runtime) -> None:
    if not rt.env.webhook_secret:
        log.warning("CHATOPS_WEBHOOK_SECRET is not set: every helpdesk webhook gets 401")
    answers = answers_for(rt)
    bp = Blueprint("helpdesk", __name__)

    def _store(event: HelpdeskEvent) -> Answer:
        try:
            return answers.stored(rt.event_writer.handle(event))
        except Exception as exc:
            return answers.failed(exc)

    @bp.post(PATH)
    def helpdesk() -> Response:
        length = request.content_length
        answer = answers.too_large(length)  # refused before reading a byte
        if answer is None:
            # Without a Content-Length (chunked), read no more than one byte past the limit.
            body = request.stream.read(MAX_BODY + 1) if length is None else request.get_data(
                cache=False)
            admitted = answers.admit(body, request.headers.get(TIMESTAMP),
                                     request.headers.get(SIGNATURE))
            answer = admitted if isinstance(admitted, Answer) else _store(admitted)
        return Response(answer.body, answer.status, mimetype=answer.content_type)

    flask_app.register_blueprint(bp)
