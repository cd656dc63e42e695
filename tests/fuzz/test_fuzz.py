"""The fuzz suite: thousands of hostile requests, over real HTTP, to a running `chatops serve`
(its app process, against the fake Slack), on every endpoint: Slack's, the helpdesk webhook of
CONTRACT §4 and the four native helpdesk routes of §4a. For every request:

- no 5xx, and an answer within 2 s;
- 401 exactly when it was forged (a request signed as the sender signs is never 401);
- when refused (4xx), nothing changed: no row in any table, no call to Slack.

Afterwards the app is healthy: /healthz is 200, a valid event and a valid command are
answered, everything it accepted is delivered to Slack as valid messages, and its log holds
no traceback.

CI runs a fixed set of examples (hypothesis derandomized). By hand, longer and with other
seeds:

    CHATOPS_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest -p no:cacheprovider tests/fuzz \\
        --hypothesis-seed=12345

(`CHATOPS_FUZZ_EXAMPLES` sets the examples per endpoint and turns derandomizing off, so that
`--hypothesis-seed` chooses them; without it, each run draws new ones.)
"""
from __future__ import annotations

import dataclasses
import http.client
import json
import os
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from bench.common import TOKEN, Server, helpdesk_request, ticket_event
from chatops.app import build_runtime
from chatops.config import validate_config_data
from chatops.environment import Environment
from chatops.sandbox.fake_slack import FakeSlack
from chatops.tickets.schema import MAX_BODY
from db.migrate import upgrade
from db.models import Base, OutboxMessage
from db.session import make_engine
from tests.conftest import BASE_CONFIG, PG_URL, assert_every_message_valid
from tests.fuzz.requests import UNIQUE, Hostile, native_requests, slack_strategy, webhook_requests
from tests.helpdesk_requests import SECRET_VARIABLES, valid_requests
from tests.slack_requests import seeds

EXAMPLES = int(os.environ.get("CHATOPS_FUZZ_EXAMPLES") or 0)
FUZZ = settings(max_examples=EXAMPLES or 2000, derandomize=not EXAMPLES, deadline=None,
                database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])
ANSWER_WITHIN = 2.0  # seconds


class Running:
    """The app under fuzz: a `chatops serve` (web app only: no worker, no scheduler, so
    that nothing moves between two requests but what a request does) and its database."""

    def __init__(self, server: Server, engine: Engine) -> None:
        self.server = server
        self.engine = engine
        counts = ", ".join(f"(SELECT count(*) FROM {t.name})" for t in Base.metadata.sorted_tables)
        self._counts = text(f"SELECT {counts}")
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)

    def snapshot(self) -> tuple[Any, ...]:
        """Rows in each table, and calls Slack received."""
        with self.engine.connect() as conn:
            rows = tuple(conn.execute(self._counts).one())
        return rows, len(self.server.fake.calls)

    def settle(self, quiet: float = 0.05, limit: float = ANSWER_WITHIN) -> None:
        """Wait until the fake Slack has heard nothing new for `quiet` seconds: the work a
        listener left for after its ack (Bolt's lazy listeners) is done, so that it is not
        mistaken for an effect of the next request."""
        deadline = time.monotonic() + limit
        seen = len(self.server.fake.calls)
        calm_since = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.01)
            now = len(self.server.fake.calls)
            if now != seen:
                seen, calm_since = now, time.monotonic()
            elif time.monotonic() - calm_since >= quiet:
                return

    def send(self, request: Hostile) -> tuple[int, float, bytes]:
        body = request.body.replace(UNIQUE.encode(), uuid.uuid4().hex.encode())
        request = dataclasses.replace(request, body=body)
        headers = {k: v.encode("utf-8", "surrogateescape").decode("latin-1")
                   for k, v in request.headers().items()}
        began = time.monotonic()
        for attempt in (1, 2):
            try:
                self.conn.request("POST", request.path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                return response.status, time.monotonic() - began, data
            except (ConnectionError, http.client.HTTPException):
                if attempt == 2:  # the server closed a keep-alive connection: once more
                    raise
                self.conn.close()
                began = time.monotonic()
        raise AssertionError("unreachable")


def _database(tmp: Path) -> str:
    if PG_URL:  # the session's migrated PostgreSQL (tests/conftest.py), emptied
        engine = make_engine(PG_URL)
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return PG_URL
    url = f"sqlite:///{tmp / 'chatops.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory, _pg_engine: Any) -> Iterator[Running]:
    tmp = tmp_path_factory.mktemp("fuzz")
    fake = FakeSlack(token=TOKEN, users={"bob@example.com": "U0AGENT1"}).start()
    server = Server(teams=0, extra_config=BASE_CONFIG, args=["--no-worker"], workdir=tmp,
                    fake=fake, database_url=_database(tmp), env=SECRET_VARIABLES)
    engine = make_engine(server.database_url)
    try:
        yield Running(server, engine)
    finally:
        server.stop()
        engine.dispose()
        fake.stop()


def _check(app: Running, request: Hostile) -> None:
    # Over 1 MiB the server answers 413 and closes before the body is sent: tests/test_serve.py
    assume(len(request.body) <= MAX_BODY)
    before = app.snapshot()
    status, took, answer = app.send(request)
    if status < 400 and request.path == "/slack/events":
        app.settle()  # an accepted Slack request's lazy listener (a modal opening) may still run
    what = repr(request)
    assert status < 500, f"{status} {answer[:300]!r} for {what}"
    assert took < ANSWER_WITHIN, f"{took:.2f} s for {what}"
    if request.forgery is not None:
        assert status == 401, f"{status} for a forged {what}"
    else:
        assert status != 401, f"401 for a signed {what}"
    if status >= 400:
        assert app.snapshot() == before, f"{status}, yet something changed, for {what}"


@FUZZ
@given(request=webhook_requests())
def test_hostile_webhooks(running: Running, request: Hostile) -> None:
    _check(running, request)


@FUZZ
@given(request=native_requests())
def test_hostile_native_webhooks(running: Running, request: Hostile) -> None:
    _check(running, request)


@FUZZ
@given(data=st.data())
def test_hostile_slack_requests(running: Running, data: st.DataObject) -> None:
    # respond() of a lazy listener reaches the fake Slack (a 404 there), not the internet
    response_url = running.server.fake.url.replace("/api/", "/response/T0FAKE/1/x")
    _check(running, data.draw(slack_strategy(seeds(response_url)), label="request"))


def test_the_app_is_healthy_afterwards(running: Running) -> None:
    server = running.server
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", "/healthz")
    health = conn.getresponse()
    assert health.status == 200
    assert json.loads(health.read())["db"] == "ok"
    valid = Hostile("/webhooks/helpdesk", helpdesk_request(ticket_event(1, "support", "after"))[0],
                    "application/json", None)
    assert running.send(valid)[0] == 202
    for helpdesk, signed in valid_requests().items():  # each native route still takes its own
        conn.request("POST", signed.path, body=signed.body, headers=signed.headers)
        answer = conn.getresponse()
        assert answer.status in (200, 202), (helpdesk, answer.status, answer.read())
        answer.read()
    command = seeds()[0]
    status, _, answer = running.send(Hostile("/slack/events", command.body()[0], command.body()[1],
                                             None))
    assert status == 200 and json.loads(answer)["response_type"] == "ephemeral"
    # Everything accepted reaches Slack as messages it takes (paced 0 here: many events
    # went to one channel).
    env = Environment(slack_bot_token=TOKEN, slack_api_url=server.fake.url,
                      database_url=server.database_url)
    rt = build_runtime(validate_config_data(BASE_CONFIG), env, pace=timedelta(0))
    try:
        assert rt.worker.drain(120) == 0
        with rt.sessions() as session:
            failed = [(row.method, row.last_error) for row in session.query(OutboxMessage)
                      if row.status == "failed"]
    finally:
        rt.close()
    assert failed == []
    assert_every_message_valid(server.fake)


def test_hostile_input_left_no_traceback_in_the_log(running: Running) -> None:
    """A listener's or a service's fault on what a client sent is a bug, even answered well."""
    log = (running.server.dir / "server.log").read_text(errors="replace")
    assert "Traceback" not in log, log[log.index("Traceback") - 2000:][:6000]
