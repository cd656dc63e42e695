"""People Zendesk's events name by id only, completed from Zendesk's REST API at delivery (a
fake of that API here): names shown, emails matched to Slack, cached; never asked while a
webhook waits; an API that fails leaves the id shown."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chatops.clock import FixedClock
from db.models import HelpdeskPerson
from jobs.sla_scan import run_sla_scan
from tests.conftest import Harness, make_config
from tests.helpdesk_requests import SECRETS, fixture, zendesk
from tests.helpdesks.fake_zendesk_api import EMAIL, TOKEN, FakeZendeskApi
from tests.helpdesks.support import send

T = datetime(2025, 1, 8, 10, 12, 10, tzinfo=UTC)
REQUESTER, AGENT = "8447388090494", "8447388090495"


@pytest.fixture
def api() -> Iterator[FakeZendeskApi]:
    fake = FakeZendeskApi({REQUESTER: {"name": "Ann Client", "email": "ann@client.example"},
                           AGENT: {"name": "Carol Agent", "email": "carol@example.com"}})
    yield fake
    fake.stop()


@pytest.fixture
def app(make_harness: Any, api: FakeZendeskApi) -> Harness:
    return make_harness(make_config(helpdesks={"zendesk": {"subdomain": "acme"}}),
                        clock=FixedClock(T), zendesk_api_email=EMAIL, zendesk_api_token=TOKEN,
                        zendesk_api_url=api.url, **SECRETS)


def fields(app: Harness) -> str:
    [parent] = [m for m in app.fake.messages("C0SUPPORT") if not m["thread_ts"]]
    return json.dumps(parent["attachments"])


def test_names_and_slack_users_come_from_zendesk_at_delivery(app: Harness,
                                                             api: FakeZendeskApi) -> None:
    api.failures = [503] * 10  # Zendesk is down while the webhooks arrive: they do not wait
    assert send(app, zendesk(fixture("zendesk", "ticket_created.json"))).status_code == 202
    assert send(app, zendesk(fixture("zendesk", "ticket_agent_assignment_changed.json"))
                ).status_code == 202
    assert api.requests == []
    api.failures = []
    assert app.deliver(max_seconds=20) == 0
    shown = fields(app)
    assert "*Assignee*\\n<@U0AGENT2>" in shown  # Carol's email, from Zendesk, is U0AGENT2's
    assert "*Requester*\\nAnn Client" in shown
    [assigned] = [m for m in app.fake.messages("C0SUPPORT") if m["thread_ts"]]
    assert assigned["text"].endswith("Assigned to <@U0AGENT2> (was Ann Client)")
    assert sorted(api.requests) == [f"/api/v2/users/{REQUESTER}.json", f"/api/v2/users/{AGENT}.json"]
    cached = {row.ref: (row.name, row.email) for row in app.rows(HelpdeskPerson)}
    assert cached == {f"zendesk:{REQUESTER}": ("Ann Client", "ann@client.example"),
                      f"zendesk:{AGENT}": ("Carol Agent", "carol@example.com")}


def test_a_nudge_dms_the_assignee_zendesk_names_by_email(app: Harness, api: FakeZendeskApi) -> None:
    assert send(app, zendesk(fixture("zendesk", "ticket_created.json"))).status_code == 202
    assert send(app, zendesk(fixture("zendesk", "ticket_agent_assignment_changed.json"))
                ).status_code == 202
    app.deliver()
    clock = app.rt.clock
    assert isinstance(clock, FixedClock)
    clock.set(T + timedelta(hours=12, minutes=30))
    assert run_sla_scan(app.rt).sent == 1
    assert app.deliver(max_seconds=20) == 0
    [dm] = app.fake.dms("U0AGENT2")
    assert "First response" in dm["text"]
    assert len(api.requests) == 2  # each person asked once: the cache answers after that


def test_an_api_that_keeps_failing_leaves_the_id_shown(app: Harness, api: FakeZendeskApi) -> None:
    api.failures = [500] * 3
    assert send(app, zendesk(fixture("zendesk", "ticket_created.json"))).status_code == 202
    assert app.deliver(max_seconds=30) == 0  # three tries, a few seconds of backoff, then out
    assert f"*Requester*\\nzendesk:{REQUESTER}" in fields(app)
    assert len(api.requests) == 3
    assert app.rows(HelpdeskPerson) == []  # not cached: asked again for the next message


def test_a_refused_token_shows_ids_at_once(make_harness: Any, api: FakeZendeskApi) -> None:
    app = make_harness(make_config(), clock=FixedClock(T), zendesk_api_email=EMAIL,
                       zendesk_api_token="wrong-token", zendesk_api_url=api.url, **SECRETS)
    assert send(app, zendesk(fixture("zendesk", "ticket_created.json"))).status_code == 202
    assert app.deliver(max_seconds=5) == 0
    assert f"*Assignee*\\nzendesk:{REQUESTER}" in fields(app)
    assert len(api.requests) == 1  # 401 is not worth retrying


def test_someone_zendesk_does_not_know_is_shown_by_id_and_remembered(app: Harness,
                                                                     api: FakeZendeskApi) -> None:
    api.users.clear()
    assert send(app, zendesk(fixture("zendesk", "ticket_created.json"))).status_code == 202
    app.deliver()
    assert f"*Requester*\\nzendesk:{REQUESTER}" in fields(app)
    [row] = app.rows(HelpdeskPerson)
    assert (row.ref, row.name, row.email) == (f"zendesk:{REQUESTER}", None, None)
