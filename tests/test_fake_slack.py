"""Tests for the fake Slack Web API / Teams webhook server used by the test-suite and benchmarks."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from urllib.error import URLError

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from chatops.delivery.teams_sender import is_legacy_connector
from chatops.sandbox import fake_slack
from chatops.sandbox.fake_slack import FakeSlack

TOKEN = "xoxb-test-token"
USERS = {"ana@example.com": "U0ANA", "bo@example.com": "U0BO"}


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(users=USERS) as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(base_url=fake.url, token=TOKEN, retry_handlers=[], timeout=5)


def slack_error(call, *args, **kwargs) -> SlackApiError:
    """Run a WebClient call expected to fail and return the SlackApiError."""
    with pytest.raises(SlackApiError) as info:
        call(*args, **kwargs)
    return info.value


# -- Web API behaviour --------------------------------------------------------------


def test_url_shape_and_auth_test(fake: FakeSlack, client: WebClient) -> None:
    assert fake.url == f"http://127.0.0.1:{fake.port}/api/"
    resp = client.auth_test()
    assert (resp["user_id"], resp["team_id"], resp["bot_id"]) == ("UBOT", "T0FAKE", "B0FAKE")


def test_invalid_auth_and_unknown_method(fake: FakeSlack) -> None:
    bad = WebClient(base_url=fake.url, token="xoxb-wrong", retry_handlers=[])
    err = slack_error(bad.chat_postMessage, channel="C1", text="hi")
    assert err.response.status_code == 200 and err.response["error"] == "invalid_auth"
    assert requests.post(fake.url + "auth.test").json() == {"ok": False, "error": "invalid_auth"}
    good = WebClient(base_url=fake.url, token=TOKEN, retry_handlers=[])
    assert slack_error(good.api_call, "nope.nothing").response["error"] == "unknown_method"
    assert fake.messages() == []


def test_post_update_thread_and_history(fake: FakeSlack, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Ticket 1*"}}]
    meta = {"event_type": "ticket", "event_payload": {"id": 1}}
    parent = client.chat_postMessage(channel="C1", text="Ticket 1", blocks=blocks, metadata=meta)
    assert parent["channel"] == "C1" and parent["message"]["text"] == "Ticket 1"
    r1 = client.chat_postMessage(channel="C1", text="first", thread_ts=parent["ts"])
    r2 = client.chat_postMessage(channel="C1", text="loud", thread_ts=parent["ts"], reply_broadcast=True)
    client.chat_update(channel="C1", ts=parent["ts"], text="Ticket 1 (closed)", blocks=[])

    assert [m["text"] for m in fake.messages("C1")] == ["Ticket 1 (closed)", "first", "loud"]
    top = fake.messages("C1")[0]
    assert top["blocks"] == [] and top["metadata"] == meta and top["thread_ts"] is None
    assert [m["ts"] for m in fake.thread("C1", parent["ts"])] == [r1["ts"], r2["ts"]]
    assert fake.thread("C1", parent["ts"])[1]["reply_broadcast"] is True

    history = client.conversations_history(channel="C1")["messages"]
    assert [m["text"] for m in history] == ["loud", "Ticket 1 (closed)"]  # newest first, broadcast shown
    assert history[1]["metadata"] == meta
    replies = client.conversations_replies(channel="C1", ts=parent["ts"])["messages"]
    assert [m["text"] for m in replies] == ["Ticket 1 (closed)", "first", "loud"]
    link = client.chat_getPermalink(channel="C1", message_ts=r1["ts"])["permalink"]
    assert "/archives/C1/p" in link and parent["ts"] in link


def test_ts_unique_and_strictly_increasing(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel="C1", text=str(i))["ts"] for i in range(20)]
    assert all(len(ts.split(".")[1]) == 6 for ts in stamps)
    assert [float(ts) for ts in stamps] == sorted({float(ts) for ts in stamps})


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_errors(fake: FakeSlack, client: WebClient) -> None:
    assert slack_error(client.chat_postMessage, channel="C1", text="x", thread_ts="1.000001") \
        .response["error"] == "thread_not_found"
    assert slack_error(client.chat_postMessage, channel="C1").response["error"] == "no_text"
    assert slack_error(client.chat_update, channel="C1", ts="1.1", text="x").response["error"] \
        == "message_not_found"
    with FakeSlack(channels={"C1"}) as strict:
        c = WebClient(base_url=strict.url, token=TOKEN, retry_handlers=[])
        assert c.chat_postMessage(channel="C1", text="ok")["ok"]
        assert slack_error(c.chat_postMessage, channel="C2", text="x").response["error"] == "channel_not_found"
        assert c.chat_postMessage(channel="U0ANA", text="dm ok")["ok"]


def test_form_body_with_json_encoded_fields(fake: FakeSlack) -> None:
    blocks = [{"type": "divider"}]
    body = {"channel": "C9", "text": "form", "blocks": json.dumps(blocks), "token": TOKEN}
    resp = requests.post(fake.url + "chat.postMessage", data=body).json()
    assert resp["ok"] and fake.messages("C9")[0]["blocks"] == blocks
    assert fake.calls[-1].args["blocks"] == blocks


def test_dms_lookup_and_users(fake: FakeSlack, client: WebClient) -> None:
    user = client.users_lookupByEmail(email="ana@example.com")["user"]
    assert user["id"] == "U0ANA" and user["profile"]["email"] == "ana@example.com"
    assert slack_error(client.users_lookupByEmail, email="x@example.com").response["error"] == "users_not_found"
    assert client.users_info(user="U0BO")["user"]["profile"]["email"] == "bo@example.com"
    dm = client.conversations_open(users="U0ANA")["channel"]["id"]
    assert dm.startswith("D") and client.conversations_open(users=["U0ANA"])["channel"]["id"] == dm
    direct = client.chat_postMessage(channel="U0ANA", text="via user id")
    assert direct["channel"] == dm
    client.chat_postMessage(channel=dm, text="via D channel")
    assert [m["text"] for m in fake.dms("U0ANA")] == ["via user id", "via D channel"]
    assert fake.dms("U0BO") == []
    client.chat_postEphemeral(channel="C1", user="U0BO", text="only you")
    assert [m["text"] for m in fake.ephemerals("U0BO")] == ["only you"] and fake.messages("C1") == []


def test_delete(fake: FakeSlack, client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C1", text="bye")["ts"]
    client.chat_delete(channel="C1", ts=ts)
    assert fake.messages() == []
    assert slack_error(client.chat_delete, channel="C1", ts=ts).response["error"] == "message_not_found"


def test_views(fake: FakeSlack, client: WebClient) -> None:
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Rate"}, "blocks": []}
    assert slack_error(client.views_open, trigger_id="", view=modal).response["error"] == "invalid_trigger"
    view = client.views_open(trigger_id="t.1", view=modal)["view"]
    assert view["id"].startswith("V") and view["title"]["text"] == "Rate"
    updated = client.views_update(view_id=view["id"], view={**modal, "blocks": [{"type": "divider"}]})
    assert updated["view"]["id"] == view["id"] and updated["view"]["blocks"] == [{"type": "divider"}]
    assert slack_error(client.views_update, view_id="V404", view=modal).response["error"] == "not_found"
    pushed = client.views_push(trigger_id="t.2", view=modal)["view"]
    home = client.views_publish(user_id="U0ANA", view={"type": "home", "blocks": []})["view"]
    assert [v["id"] for v in fake.views()] == [view["id"], pushed["id"], home["id"]]


def test_views_update_with_a_stale_hash_is_refused(fake: FakeSlack, client: WebClient) -> None:
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Rate"}, "blocks": []}
    opened = client.views_open(trigger_id="t.1", view=modal)["view"]
    first = client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal)["view"]
    assert first["hash"] != opened["hash"]
    stale = slack_error(client.views_update, view_id=opened["id"], hash=opened["hash"], view=modal)
    assert stale.response["error"] == "hash_conflict"
    assert client.views_update(view_id=opened["id"], hash=first["hash"], view=modal)["ok"]


# -- recording and fault injection ----------------------------------------------------


def test_calls_are_recorded(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="hello")
    slack_error(client.chat_update, channel="C1", ts="9.9", text="x")
    call = fake.calls[0]
    assert (call.method, call.args["text"], call.status) == ("chat.postMessage", "hello", 200)
    assert call.response is not None and call.response["ok"] and call.headers["Authorization"] == f"Bearer {TOKEN}"
    assert len(fake.calls_to("chat.update")) == 0 and len(fake.calls_to("chat.update", ok_only=False)) == 1
    assert fake.calls[0].at <= fake.calls[1].at <= time.monotonic()


def test_fail_next_429_has_retry_after(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next(status=429, retry_after=7)
    err = slack_error(client.chat_postMessage, channel="C1", text="x")
    assert err.response.status_code == 429 and err.response["error"] == "ratelimited"
    assert err.response.headers["Retry-After"] == "7"
    assert client.chat_postMessage(channel="C1", text="x")["ok"]  # only the next call failed
    assert [c.status for c in fake.calls] == [429, 200] and len(fake.messages()) == 1


def test_fail_next_5xx_is_non_json(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next(2, status=503)
    for _ in range(2):
        assert slack_error(client.auth_test).response.status_code == 503
    assert requests.post(fake.url + "auth.test").json()["error"] == "invalid_auth"  # faults used up
    fake.fail_next(status=502)
    raw = requests.post(fake.url + "auth.test", headers={"Authorization": f"Bearer {TOKEN}"})
    assert raw.status_code == 502 and raw.text == "upstream error"


def test_fail_next_permanent_error_for_one_method(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next(3, method="chat.postMessage", error="not_in_channel")
    assert client.auth_test()["ok"]  # other methods are unaffected
    for _ in range(3):
        err = slack_error(client.chat_postMessage, channel="C1", text="x")
        assert err.response.status_code == 200 and err.response["error"] == "not_in_channel"
    assert client.chat_postMessage(channel="C1", text="x")["ok"]


def test_set_down_drops_connections(fake: FakeSlack, client: WebClient) -> None:
    fake.set_down(True)
    with pytest.raises((ConnectionError, URLError)):
        client.chat_postMessage(channel="C1", text="x")
    with pytest.raises(requests.ConnectionError):
        requests.post(fake.teams_url("ops"), json={"type": "message"}, timeout=5)
    assert [(c.method, c.status, c.response) for c in fake.calls] == [("chat.postMessage", 0, None),
                                                                      ("teams:ops", 0, None)]
    fake.set_down(False)
    assert client.chat_postMessage(channel="C1", text="x")["ok"] and len(fake.messages()) == 1


def test_rate_limit_enforcement(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fake_slack, "RATE_LIMIT_WINDOW", 0.3)
    with FakeSlack(enforce_rate_limit=True) as fake:
        client = WebClient(base_url=fake.url, token=TOKEN, retry_handlers=[])
        client.chat_postMessage(channel="C1", text="1")
        err = slack_error(client.chat_postMessage, channel="C1", text="2")
        assert err.response.status_code == 429 and err.response.headers["Retry-After"] == "1"
        client.chat_postMessage(channel="C2", text="other channel")
        client.chat_update(channel="C1", ts=fake.messages("C1")[0]["ts"], text="updates are not limited")
        assert fake.rate_limit_violations == 1
        time.sleep(0.35)
        client.chat_postMessage(channel="C1", text="3")
        assert [m["text"] for m in fake.messages("C1")] == ["updates are not limited", "3"]
        assert fake.rate_limit_violations == 1


def test_rate_limit_off_by_default(fake: FakeSlack, client: WebClient) -> None:
    for i in range(5):
        client.chat_postMessage(channel="C1", text=str(i))
    assert fake.rate_limit_violations == 0


# -- Teams ----------------------------------------------------------------------------


def test_teams_endpoints(fake: FakeSlack) -> None:
    card = {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive"}]}
    workflows, legacy = fake.teams_url("ops"), fake.teams_url("ops-old", workflows=False)
    # the app sends each URL of the fake the card format its kind takes
    assert not is_legacy_connector(workflows) and is_legacy_connector(legacy)
    assert is_legacy_connector("https://contoso.webhook.office.com/webhookb2/x")
    resp = requests.post(workflows, json=card, timeout=5)
    assert resp.status_code == 202
    resp = requests.post(legacy, json={"@type": "MessageCard", "text": "hi"}, timeout=5)
    assert (resp.status_code, resp.text) == (200, "1")
    assert fake.teams_posts("ops") == [card] and fake.teams_posts("ops-old")[0]["text"] == "hi"
    assert fake.teams_posts("nobody") == []
    assert requests.post(workflows, data="not json", timeout=5).status_code == 400


def test_fail_teams(fake: FakeSlack) -> None:
    fake.fail_teams("ops", n=2, status=502)
    statuses = [requests.post(fake.teams_url("ops"), json={"n": i}, timeout=5).status_code for i in range(3)]
    assert statuses == [502, 502, 202]
    assert fake.teams_posts("ops") == [{"n": 2}]  # only accepted posts
    assert len(fake.calls_to("teams:ops", ok_only=False)) == 3 and len(fake.calls_to("teams:ops")) == 1


# -- helpers and lifecycle ------------------------------------------------------------


def test_wait_for_and_reset(fake: FakeSlack, client: WebClient) -> None:
    timer = threading.Timer(0.1, lambda: client.chat_postMessage(channel="C1", text="later"))
    timer.start()
    assert fake.wait_for(lambda: len(fake.messages("C1")) == 1, timeout=5)
    timer.join()
    assert not fake.wait_for(lambda: False, timeout=0.05)
    fake.fail_next(status=503)
    fake.set_down(True)
    fake.reset()
    assert fake.calls == [] and fake.messages() == []
    assert client.chat_postMessage(channel="C1", text="after reset")["ok"]


def test_concurrent_posts_are_all_recorded(fake: FakeSlack, client: WebClient) -> None:
    threads = [threading.Thread(target=client.chat_postMessage, kwargs={"channel": "C1", "text": str(i)})
               for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(fake.calls_to("chat.postMessage")) == 20
    assert len({m["ts"] for m in fake.messages("C1")}) == 20


def test_stop_releases_port() -> None:
    server = FakeSlack().start()
    url = server.url
    server.stop()
    with pytest.raises(requests.ConnectionError):
        requests.post(url + "auth.test", timeout=2)
    server.stop()  # idempotent


def test_standalone_main_prints_calls() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "chatops.sandbox.fake_slack", "--port", "0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip().split("SLACK_API_URL=")[1]
        proc.stdout.readline()  # Teams URLs
        WebClient(base_url=url, token=TOKEN, retry_handlers=[]).chat_postMessage(channel="C7", text="hi")
        line = proc.stdout.readline()
        assert "chat.postMessage" in line and "C7" in line
    finally:
        proc.terminate()
        proc.wait(timeout=5)
