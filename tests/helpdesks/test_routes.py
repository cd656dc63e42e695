"""The four native routes as a whole (CONTRACT §4a): off (404) until their secret is set;
through a real `chatops serve` (its event loop answers them, as it does /webhooks/helpdesk)
each helpdesk's documented payload reaches Slack, Intercom's URL check and ping get 200, and
every answer is byte for byte the Flask route's."""
from __future__ import annotations

import http.client
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from bench.common import Server
from tests.handlers.test_webhook import assert_nothing_changed
from tests.helpdesk_requests import (
    SECRET_VARIABLES,
    SECRETS,
    Signed,
    fixture,
    freshdesk,
    intercom,
    jira,
    valid_requests,
    zendesk,
)
from tests.helpdesks.support import send

HELPDESKS = ("zendesk", "jira", "intercom", "freshdesk")


def test_a_route_whose_secret_is_unset_answers_404(make_harness: Any) -> None:
    app = make_harness()
    for request in valid_requests().values():
        assert send(app, request).status_code == 404, request.path
    assert app.client.open("/webhooks/intercom", method="HEAD").status_code == 404
    assert_nothing_changed(app)


@pytest.mark.parametrize("enabled", HELPDESKS)
def test_each_secret_opens_its_own_route_only(make_harness: Any, enabled: str) -> None:
    app = make_harness(**{k: v for k, v in SECRETS.items() if k.startswith(enabled)})
    for helpdesk, request in valid_requests().items():
        assert send(app, request).status_code == (202 if helpdesk == enabled else 404)


def the_contracts_rows(helpdesk: str) -> list[tuple[str, Signed]]:
    """Each answer of CONTRACT §3 a native route gives, and "ignored" (in order: the
    duplicate follows the accepted request)."""
    valid = valid_requests()[helpdesk]
    big = b"[" + b" " * (1024 * 1024) + b"]"
    rows: dict[str, list[tuple[str, Signed]]] = {
        "zendesk": [("ignored", zendesk(fixture("zendesk", "user_active_changed.json"))),
                    ("forged", zendesk(valid.body, secret="forged")),
                    ("invalid", zendesk(b'{"type": "zen:event-type:ticket.created"}')),
                    ("not JSON", zendesk(b"{not json")), ("too large", zendesk(big))],
        "jira": [("ignored", jira(fixture("jira", "issue_deleted.json"))),
                 ("forged", jira(valid.body, secret="forged")),
                 ("invalid", jira(b'{"webhookEvent": "jira:issue_created", "timestamp": 1}')),
                 ("not JSON", jira(b"{not json")), ("too large", jira(big))],
        "intercom": [("ignored", intercom(fixture("intercom", "ping.json"))),
                     ("forged", intercom(valid.body, secret="forged")),
                     ("invalid", intercom(b'{"topic": "conversation.admin.closed", "id": "n1"}')),
                     ("not JSON", intercom(b"{not json")), ("too large", intercom(big))],
        "freshdesk": [("forged", freshdesk(valid.body, token="forged")),  # every rule is used
                      ("invalid", freshdesk(b'{"chatops": "freshdesk/1"}')),
                      ("not JSON", freshdesk(b"{not json")), ("too large", freshdesk(big))],
    }
    return [("accepted", valid), ("duplicate", valid), *rows[helpdesk]]


EXPECTED = {"accepted": 202, "duplicate": 200, "ignored": 200, "forged": 401, "invalid": 400,
            "not JSON": 400, "too large": 413}


def over_http(port: int, request: Signed) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    if len(request.body) > 1024 * 1024:
        # Refused from its Content-Length before a byte is read: the headers alone get the
        # answer (sending the rest would race the server closing the connection).
        conn.putrequest(request.method, request.path)
        for name, value in {**request.headers, "Content-Length": str(len(request.body))}.items():
            conn.putheader(name, value)
        conn.endheaders()
    else:
        conn.request(request.method, request.path, body=request.body, headers=request.headers)
    response = conn.getresponse()
    return response.status, response.read()


def test_chatops_serve_answers_each_helpdesk_as_flask_and_mirrors_it(tmp_path: Path,
                                                                     make_harness: Any) -> None:
    flask = make_harness(**SECRETS)
    rows = {helpdesk: the_contracts_rows(helpdesk) for helpdesk in HELPDESKS}
    (tmp_path / "serve").mkdir()
    server = Server(teams=1, workdir=tmp_path / "serve", env=SECRET_VARIABLES)
    try:
        served = {(h, name): over_http(server.port, r) for h in HELPDESKS for name, r in rows[h]}
        head = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        head.request("HEAD", "/webhooks/intercom")
        assert head.getresponse().status == 200  # Intercom checks the URL so
        # One parent per helpdesk in the team's channel, from the event loop's route:
        assert server.fake.wait_for(lambda: len(server.fake.messages("C0BENCH000")) >= 5, 15)
    finally:
        server.stop()
    posted = [m["text"] for m in server.fake.messages("C0BENCH000") if not m["thread_ts"]]
    assert sorted(text.split(":")[0] for text in posted) == [
        "Ticket #SUP-12", "Ticket #freshdesk-11", "Ticket #intercom-1295", "Ticket #zendesk-5158"]
    for (helpdesk, name), (status, body) in served.items():
        assert status == EXPECTED[name], (helpdesk, name, body)
        request = dict(rows[helpdesk])[name]
        through_flask = send(flask, request)
        assert (through_flask.status_code, through_flask.get_data()) == (status, body), (helpdesk, name)
    assert json.loads(served[("intercom", "ignored")][1]) == {"accepted": True, "ignored": "ping"}


def test_a_fault_of_ours_in_an_adapter_is_a_400_logged_once_with_its_traceback(
        make_harness: Any, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from chatops.helpdesks.jira import Jira

    def broken(self: Jira, delivery: Any, data: Any) -> Any:
        raise KeyError("a bug")

    monkeypatch.setattr(Jira, "events", broken)  # a fault injected where a bug would be
    app = make_harness(**SECRETS)
    with caplog.at_level(logging.ERROR):
        response = send(app, valid_requests()["jira"])
    assert response.status_code == 400  # as on /webhooks/helpdesk: Jira need not retry it
    answer = response.get_json()
    assert answer["field"] is None and "not stored" in answer["error"]
    faults = [r for r in caplog.records if r.exc_info]
    assert len(faults) == 1 and faults[0].exc_info[0] is KeyError  # type: ignore[index]
    assert "jira" in faults[0].getMessage()
    assert_nothing_changed(app)
