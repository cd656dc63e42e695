"""The helpdesk webhook (CONTRACT §3): size, signature, schema, then one service call."""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, Flask, Response, request

from chatops.tickets.ingest import IngestResult
from chatops.tickets.schema import MAX_BODY, HelpdeskEvent
from handlers.webhook.answers import PATH, SIGNATURE, TIMESTAMP, Answer, HelpdeskAnswers


def register(flask_app: Flask, answers: HelpdeskAnswers,
             store: Callable[[HelpdeskEvent], IngestResult]) -> None:
    """`store`: the event into the database (returns once committed)."""
    bp = Blueprint("helpdesk", __name__)

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
            answer = admitted if isinstance(admitted, Answer) else answers.stored(store(admitted))
        return Response(answer.body, answer.status, mimetype=answer.content_type)

    flask_app.register_blueprint(bp)
