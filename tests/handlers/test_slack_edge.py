"""CONTRACT §3 on /slack/events: a forged request of any kind is 401 before anything in its body
is read; a signed one Bolt would choke on is 400 naming the field; a fault of ours is logged
once and answered so that Slack shows nothing broken; nothing gets a 5xx but the database
being unreachable."""
from __future__ import annotations

import json
import logging
import time
from typing import Any
from urllib.parse import quote

import pytest
from slack_bolt import Ack

from chatops.app import build_bolt
from db.models import Base
from tests import signing
from tests.conftest import Harness
from tests.slack_requests import FORM, SEEDS, Seed, block_action, command

BY_NAME = {seed.name: seed for seed in SEEDS}


def nothing_changed(app: Harness) -> None:
    with app.rt.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            assert conn.execute(table.select()).fetchall() == [], table.name
    assert app.fake.calls == []


def send(app: Harness, body: bytes, content_type: str = FORM, **headers: str) -> Any:
    return app.client.post("/slack/events", data=body,
                           headers={"Content-Type": content_type, **headers})


MALFORMED = [b"payload=%7Bnot-json", b"payload=%22a+string%22", b"payload=5", b"payload=%5B%5D",
             b"payload=" + quote(json.dumps({"type": "block_actions", "actions": []})).encode(),
             b"command=/chatops", b"%zz=%ff&=", b"a", b"payload=" + b"%5B" * 5000,
             b"\xff\xfe", b""]


def _forged(body: bytes) -> list[dict[str, str]]:
    now = int(time.time())
    good = signing.slack_headers(body, content_type=FORM)
    wrong = signing.slack_headers(body, content_type=FORM, secret="not-the-secret")
    stale = signing.slack_headers(body, content_type=FORM, timestamp=now - 301)
    return [
        {},  # no signature at all
        {k: v for k, v in good.items() if k != "X-Slack-Signature"},
        wrong, stale,
        signing.slack_headers(body, content_type=FORM, timestamp=now + 310),  # 310: not 300 a second later
        {**good, "X-Slack-Request-Timestamp": "1e10"},
        {**good, "X-Slack-Request-Timestamp": "12.5"},
        {**good, "X-Slack-Request-Timestamp": f" {now}"},
        {**good, "X-Slack-Request-Timestamp": "9" * 5000},
        {**good, "X-Slack-Signature": "v0=" + "\u00e9" * 64},
        {**good, "X-Slack-Signature": "v0=zz"},
        {**good, "X-Slack-Signature": good["X-Slack-Signature"].upper()},
    ]


@pytest.mark.parametrize("body", [seed.body()[0] for seed in SEEDS] + MALFORMED)
def test_a_forged_request_of_any_kind_is_401_before_its_body_is_read(
        app: Harness, body: bytes, caplog: pytest.LogCaptureFixture) -> None:
    for headers in _forged(body):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="chatops"):
            response = send(app, body, **{k: v for k, v in headers.items() if k != "Content-Type"})
        assert response.status_code == 401, headers
        refusals = [r.getMessage() for r in caplog.records]
        assert len(refusals) == 1 and "refused (401)" in refusals[0], refusals
        assert not any(r.exc_info for r in caplog.records)
    nothing_changed(app)


@pytest.mark.parametrize("seed, path, value, field", [
    ("button rating_followed_up", "", None, "user"),  # stands for "every field removed", below
    ("button rating_followed_up", "type", 7, "type"),
    ("button rating_followed_up", "type", "no_such_kind", "type"),
    ("button rating_followed_up", "user", "U0LEAD1", "user"),
    ("button rating_followed_up", "user.id", 5, "user.id"),
    ("button rating_followed_up", "team", [1], "team"),
    ("button rating_followed_up", "actions", [], "actions"),
    ("button rating_followed_up", "actions", {"action_id": "x"}, "actions"),
    ("button rating_followed_up", "actions", ["x"], "actions"),
    ("button rating_followed_up", "response_url", None, "response_url"),
    ("button rating_followed_up", "response_url", "hooks.slack.com/x", "response_url"),
    ("button rating_followed_up", "container", "C0SUPPORT", "container"),
    ("button rating_followed_up", "channel", 12, "channel"),
    ("button rating_followed_up", "authorizations", [3], "authorizations"),
    ("modal qa_checklist", "view", None, "view"),
    ("modal qa_checklist", "view", "V0FAKE0001", "view"),
    ("modal qa_checklist", "view.callback_id", None, "view.callback_id"),
    ("modal qa_checklist", "response_urls", [{"response_url": 5}], "response_urls[0].response_url"),
    ("shortcut qa_review", "callback_id", None, "callback_id"),
    ("shortcut qa_review", "trigger_id", None, "trigger_id"),
    ("shortcut qa_review", "message", None, "message"),
    ("shortcut qa_review", "response_url", None, "response_url"),
    ("url_verification", "challenge", None, "challenge"),
    ("/chatops help", "command", None, None),  # then nothing says it is a slash command
    ("/chatops help", "command", "chatops", "command"),
    ("/chatops help", "user_id", None, "user_id"),
    ("/chatops help", "text", None, "text"),
    ("/chatops help", "response_url", None, "response_url"),
    ("/chatops help", "trigger_id", "", "trigger_id"),
])
def test_a_signed_request_bolt_would_choke_on_is_400_naming_the_field(
        app: Harness, seed: str, path: str, value: Any, field: str | None) -> None:
    data = json.loads(json.dumps(BY_NAME[seed].data()))
    if not path:
        data = {"type": data["type"]}
    else:
        *parents, leaf = path.split(".")
        node = data
        for part in parents:
            node = node[part]
        if value is None:
            del node[leaf]
        else:
            node[leaf] = value
    body, content_type = BY_NAME[seed].body(data)
    response = app.slack(body, content_type)
    assert response.status_code == 400, response.data
    assert response.get_json()["field"] == field
    nothing_changed(app)


@pytest.mark.parametrize("body, content_type", [
    (b"payload=%7Bnot-json", FORM),
    (b"payload=%22a+string%22", FORM),
    (b"payload=5", FORM),
    (b"payload=%7B%7D&command=%2Fchatops", FORM),
    (b"payload=" + b"%5B" * 5000 + b"%5D" * 5000, FORM),
    (b"%ff=1", FORM),
    (b"text=%ff", FORM),
    (b"text", FORM),
    (b"command=%2Fchatops&command=%2Fother", FORM),
    (b"", FORM),
    (b"{\"type\": \"url_verification\"}", "text/plain"),
    (b"{\"type\": \"url_verification\", \"type\": \"event_callback\"}", "application/json"),
    (b"[1, 2]", "application/json"),
])
def test_a_signed_body_that_is_not_a_slack_request_is_400(app: Harness, body: bytes,
                                                          content_type: str) -> None:
    assert app.slack(body, content_type).status_code == 400
    nothing_changed(app)


def test_a_signed_request_no_listener_takes_is_404_in_one_line(
        app: Harness, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="chatops"):
        response = app.slack(block_action("nobody_listens", "1").body()[0])
    assert response.status_code == 404
    lines = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert [r.getMessage().count("\n") for r in lines] == [0]
    nothing_changed(app)


def test_a_listener_gets_its_text_cleaned(make_harness: Any) -> None:
    app = make_harness()
    bolt = build_bolt(app.rt)

    @bolt.command("/echo")
    def echo(ack: Ack, command: dict[str, Any]) -> None:
        ack(text=command["text"])

    app = Harness(app.rt, app.fake, bolt)
    response = app.slack(command("a\x00b", name="/echo").body()[0])
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "a\ufffdb"


@pytest.fixture
def faulty(make_harness: Any) -> Harness:
    """The app, plus listeners with bugs of the kinds a listener can have."""
    app = make_harness()
    bolt = build_bolt(app.rt)

    @bolt.command("/boom")
    def boom(ack: Ack) -> None:
        raise KeyError("a bug before the ack")

    @bolt.command("/late")
    def late(ack: Ack) -> None:
        ack(text="done")
        raise KeyError("a bug after the ack")

    @bolt.view("broken_form")
    def broken_form(ack: Ack) -> None:
        raise KeyError("a bug in a modal's listener")

    @bolt.action("broken_button")
    def broken_button(ack: Ack) -> None:
        raise KeyError("a bug in a button's listener")

    return Harness(app.rt, app.fake, bolt)


@pytest.mark.parametrize("seed, answer", [
    (command("x", name="/boom"), "an ephemeral line"),
    (command("x", name="/late"), "done"),  # what it acked
    (block_action("broken_button", "1"), ""),
])
def test_a_listeners_fault_is_logged_once_and_slack_shows_nothing_broken(
        faulty: Harness, caplog: pytest.LogCaptureFixture, seed: Seed, answer: str) -> None:
    with caplog.at_level(logging.INFO, logger="chatops"):
        response = faulty.slack(seed.body()[0])
    assert response.status_code == 200
    if answer == "an ephemeral line":
        said = response.get_json()
        assert said["response_type"] == "ephemeral" and said["text"]
    else:
        assert response.get_data(as_text=True) == answer
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1 and tracebacks[0].exc_info[0] is KeyError  # type: ignore[index]


def test_a_modal_whose_listener_fails_stays_open_with_an_error(faulty: Harness) -> None:
    form = BY_NAME["modal qa_checklist"].data()
    data = {**form, "view": {**form["view"], "callback_id": "broken_form"}}
    response = faulty.slack(BY_NAME["modal qa_checklist"].body(data)[0])
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == ["qa_item:knowledge"]  # its first input


def test_database_unreachable_is_503_and_says_so(database_gone: Harness) -> None:
    response = database_gone.slack(BY_NAME["/chatops settings"].body()[0])
    assert response.status_code == 503
    assert "database unavailable" in response.get_json()["error"]
