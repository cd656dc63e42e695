"""Fixtures: a database (SQLite, or PostgreSQL via CHATOPS_TEST_DATABASE_URL), the fake Slack,
and the app wired to both."""
from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App as BoltApp
from sqlalchemy import Engine, text

from chatops.app import Runtime, build_bolt, build_runtime, create_app
from chatops.clock import Clock
from chatops.config import AppConfig, validate_config_data
from chatops.delivery.pacing import Pacing
from chatops.environment import Environment
from chatops.sandbox.fake_slack import FakeSlack
from db.migrate import upgrade
from db.schema import Base
from db.session import make_engine
from tests import signing

PG_URL = os.environ.get("CHATOPS_TEST_DATABASE_URL")

BASE_CONFIG: dict[str, Any] = {
    "timezone": "UTC",
    "admins": ["U0ADMIN1"],
    "teams": [{"name": "support", "channel": "C0SUPPORT", "leads": ["U0LEAD1", "U0LEAD2"],
               "agents": {"bob@example.com": "U0AGENT1"},
               "teams_webhook_env": "TEAMS_WEBHOOK_SUPPORT"}],
    "qa": {"reviewers": ["U0QA1"]},
}


def make_config(**overrides: Any) -> AppConfig:
    data = json.loads(json.dumps(BASE_CONFIG))
    data.update(overrides)
    return validate_config_data(data)


@pytest.fixture(scope="session")
def _pg_engine() -> Iterator[Engine | None]:
    if not PG_URL:
        yield None
        return
    engine = make_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path, _pg_engine: Engine | None) -> str:
    """A fresh, migrated, empty database for each test."""
    if _pg_engine is None:
        url = f"sqlite:///{tmp_path / 'chatops.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        return url
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with _pg_engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return PG_URL  # type: ignore[return-value]


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(token=signing.BOT_TOKEN,
                     users={"bob@example.com": "U0AGENT1", "carol@example.com": "U0AGENT2",
                            "dave@example.com": "U0AGENT3"})
    fake.start()
    yield fake
    fake.stop()


class LazyWork(ThreadPoolExecutor):
    """Bolt's executor for lazy listeners (the work after an ack), which a test can wait for:
    the ack still comes first, on another thread, exactly as in production."""

    def __init__(self) -> None:
        super().__init__(max_workers=4, thread_name_prefix="lazy-listener")
        self._busy = 0
        self._idle = threading.Condition()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        with self._idle:
            self._busy += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _: Any) -> None:
        with self._idle:
            self._busy -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 10) -> None:
        with self._idle:
            assert self._idle.wait_for(lambda: self._busy == 0, timeout), "lazy work still running"


class Harness:
    """The app under test: signed requests in, the fake Slack's record out. A Slack request
    returns once the work its listener left for after the ack is done."""

    def __init__(self, rt: Runtime, fake: FakeSlack, bolt: BoltApp | None = None) -> None:
        self.rt = rt
        self.fake = fake
        self.lazy = LazyWork()
        rt.stops.append(lambda: self.lazy.shutdown(wait=True))
        self.flask = create_app(rt, bolt or build_bolt(rt, self.lazy))
        self.client = self.flask.test_client()

    def post_event(self, body: dict[str, Any] | bytes, **sign: Any) -> Any:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.client.post("/webhooks/helpdesk", data=raw,
                                headers=signing.helpdesk_headers(raw, **sign))

    def slack(self, body: bytes, content_type: str = "application/x-www-form-urlencoded",
              **sign: Any) -> Any:
        response = self.client.post("/slack/events", data=body,
                                    headers=signing.slack_headers(body, content_type=content_type,
                                                                  **sign))
        self.lazy.wait_idle()
        return response

    def deliver(self, max_seconds: float = 10) -> int:
        return self.rt.worker.drain(max_seconds)

    def rows(self, model: type) -> list[Any]:
        with self.rt.sessions() as session:
            return list(session.query(model).all())


@pytest.fixture
def make_harness(database_url: str, fake_slack: FakeSlack,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    made: list[Runtime] = []
    monkeypatch.setenv("TEAMS_WEBHOOK_SUPPORT", fake_slack.teams_url("support"))

    def make(config: AppConfig | None = None, clock: Clock | None = None,
             pace: Pacing | timedelta = timedelta(milliseconds=20),
             token: str = signing.BOT_TOKEN, **settings: str) -> Harness:
        """`pace` is short here so tests run fast; test_pacing checks the real one.
        `settings`: more Environment fields (a helpdesk's secret, say)."""
        env = Environment(slack_bot_token=token,
                          slack_signing_secret=signing.SLACK_SIGNING_SECRET,
                          slack_api_url=fake_slack.url, database_url=database_url,
                          webhook_secret=signing.WEBHOOK_SECRET, **settings)
        rt = build_runtime(config or make_config(), env, clock=clock, pace=pace)
        made.append(rt)
        return Harness(rt, fake_slack)

    yield make
    for rt in made:
        rt.close()
    assert_every_message_valid(fake_slack)


def assert_every_message_valid(fake: FakeSlack) -> None:
    """Whatever a test made the app send, Slack would accept its blocks (slack_sdk models),
    with at most 50 blocks per message and a top-level text to fall back on; and every modal
    it opened or updated is a valid view (title, blocks, metadata limits, each element)."""
    from slack_sdk.models.blocks import Block
    from slack_sdk.models.views import View

    for call in fake.calls:
        if call.method in ("views.open", "views.update", "views.push"):
            view = call.args.get("view")
            assert isinstance(view, dict), f"{call.method} without a view"
            View(**view).to_dict()  # validates the view and, recursively, every block in it
            for block in view.get("blocks") or []:  # options are kept as given: check them here
                for option in (block.get("element") or {}).get("options") or []:
                    assert len(option["text"]["text"]) <= 75 and len(option["value"]) <= 150
            continue
        if call.method not in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            continue
        blocks = list(call.args.get("blocks") or [])
        for attachment in call.args.get("attachments") or []:
            blocks += attachment.get("blocks", [])
        assert len(blocks) <= 50, f"{call.method}: {len(blocks)} blocks"
        assert call.args.get("text"), f"{call.method} without a top-level text"
        for block in blocks:
            parsed = Block.parse(block)
            assert parsed is not None, block
            parsed.validate_json()


@pytest.fixture
def app(make_harness: Any) -> Harness:
    return make_harness()


UNREACHABLE = {"sqlite": "sqlite:///{tmp}/gone/chatops.db",  # its folder does not exist
               "postgresql": "postgresql+psycopg://chatops@127.0.0.1:1/gone"}  # nobody listens


@pytest.fixture(params=sorted(UNREACHABLE))
def database_gone(request: pytest.FixtureRequest, tmp_path: Path,
                  fake_slack: FakeSlack) -> Iterator[Harness]:
    """The app, its database unreachable (on either kind of database, whichever the suite
    runs on)."""
    env = Environment(slack_bot_token=signing.BOT_TOKEN,
                      slack_signing_secret=signing.SLACK_SIGNING_SECRET,
                      slack_api_url=fake_slack.url,
                      database_url=UNREACHABLE[request.param].format(tmp=tmp_path),
                      webhook_secret=signing.WEBHOOK_SECRET)
    rt = build_runtime(make_config(), env)
    yield Harness(rt, fake_slack)
    rt.close()


def unique() -> str:
    return uuid.uuid4().hex[:8]
