"""An agent a native helpdesk route knows only by their helpdesk's id (Zendesk's events name
the assignee by `assignee_id`): QA and the weekly review know them as the ticket thread does,
whether the team's `agents` map keys them by `zendesk:<id>` or Zendesk's API gives their
email. Their own ticket is refused to them as a reviewer; a review of it reaches them; their
week (the ticket, its QA review, its rating) is one DM to them, and the leads' breakdown
names them."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chatops.clock import FixedClock
from db.models_qa import QaReview
from tests.conftest import BASE_CONFIG, Harness, make_config
from tests.helpdesk_requests import SECRETS, fixture, zendesk, zendesk_csat
from tests.helpdesks.fake_zendesk_api import EMAIL, TOKEN, FakeZendeskApi
from tests.helpdesks.support import send
from tests.qa.support import answer, choose, dm_text, ephemerals_text, press, submit, views_of, wait_view
from tests.review.test_thread import post_and_deliver

T = datetime(2025, 1, 8, 10, 12, 10, tzinfo=UTC)  # the fixtures' ticket was created at 10:12:07
AGENT = "8447388090495"  # Zendesk's id of the agent the ticket is assigned to
CAROL = "U0AGENT2"  # carol@example.com in the fake Slack
PASSING = {"knowledge": "pass", "attentive": "pass", "efficient": "pass", "composure": "na",
           "closure": "pass"}


@pytest.fixture(params=["agents map", "zendesk api"])
def app(request: pytest.FixtureRequest, make_harness: Any) -> Iterator[Harness]:
    """Carol as `zendesk:<id>` in the team's `agents` map, or only in Zendesk's API (with
    her email, which Slack knows). She is a QA reviewer, so only her own ticket stops her."""
    team = dict(BASE_CONFIG["teams"][0], rating_visibility="after_review")
    settings: dict[str, str] = dict(SECRETS)
    api = None
    if request.param == "agents map":
        team["agents"] = {**team["agents"], f"zendesk:{AGENT}": CAROL}
    else:
        api = FakeZendeskApi({AGENT: {"name": "Carol Agent", "email": "carol@example.com"}})
        settings.update(zendesk_api_email=EMAIL, zendesk_api_token=TOKEN, zendesk_api_url=api.url)
    config = make_config(teams=[team], qa={"reviewers": ["U0QA1", CAROL]},
                         helpdesks={"zendesk": {"subdomain": "acme"}})
    harness = make_harness(config, clock=FixedClock(T), **settings)
    for name in ("ticket_created.json", "ticket_agent_assignment_changed.json"):
        assert send(harness, zendesk(fixture("zendesk", name))).status_code == 202
    assert harness.deliver(max_seconds=20) == 0
    yield harness
    if api is not None:
        api.stop()


def parent(app: Harness) -> dict[str, Any]:
    [found] = [m for m in app.fake.messages("C0SUPPORT")
               if not m["thread_ts"] and "#zendesk-5158" in m["text"]]
    return found


def qa_review(app: Harness) -> None:
    """U0QA1 reviews the ticket from its parent's button."""
    assert press(app, "U0QA1", parent(app), "qa_review").status_code == 200
    view = wait_view(app, "qa_checklist", ready="What the ticket's history shows")
    assert answer(submit(app, "U0QA1", view, choose(view, PASSING, "Well done"))) == {}
    assert app.deliver(max_seconds=20) == 0


def test_qa_knows_the_agent_of_a_zendesk_ticket(app: Harness) -> None:
    assert f"<@{CAROL}>" in json.dumps(parent(app)["attachments"])  # as the thread shows her
    assert press(app, CAROL, parent(app), "qa_review").status_code == 200
    assert app.deliver() == 0
    assert "is assigned to you" in ephemerals_text(app, CAROL)  # her own ticket
    assert views_of(app, "qa_checklist") == []
    qa_review(app)
    [review] = app.rows(QaReview)
    assert review.ticket_id == "zendesk-5158" and review.agent_email is None
    to_carol = dm_text(app, CAROL)
    assert "#zendesk-5158" in to_carol and "Well done" in to_carol  # the review reached her
    for lead in ("U0LEAD1", "U0LEAD2"):
        assert f"<@{CAROL}>" in dm_text(app, lead)  # the leads' copy names her
        assert f"zendesk:{AGENT}" not in dm_text(app, lead)


def test_the_weekly_review_counts_a_zendesk_agents_week_as_theirs(app: Harness) -> None:
    qa_review(app)
    clock = app.rt.clock
    assert isinstance(clock, FixedClock)
    clock.set(T + timedelta(days=1))  # Ann rates the ticket the next day (Zendesk's CSAT trigger)
    rated = zendesk_csat("bad", **{"ticket.assignee.name": "", "ticket.assignee.email": "",
                                   "satisfaction.current_comment": "Slow answer, Carol"})
    assert send(app, zendesk(rated, secret=SECRETS["zendesk_webhook_secret"].split(",")[1],
                             invocation="77001")).status_code == 202
    assert app.deliver(max_seconds=20) == 0
    assert "Slow answer, Carol" not in dm_text(app, CAROL)  # after_review: kept for her week

    post_and_deliver(app, at=datetime(2025, 1, 13, 9, 0, tzinfo=UTC))
    weeks = [m for m in app.fake.dms(CAROL) if m["text"].startswith("Your week in")]
    assert len(weeks) == 1  # one week, though the rows name her by id alone
    week = json.dumps(weeks[0], ensure_ascii=False)
    assert "#zendesk-5158 ticketinfo_2294a6e9ece2: 100 :white_check_mark: passed" in week
    assert "Slow answer, Carol" in week  # her rating, released to her in that DM
    for lead in ("U0LEAD1", "U0LEAD2"):
        [breakdown] = [m for m in app.fake.dms(lead) if "the week per agent" in m["text"]]
        [hers] = [b["text"]["text"] for b in breakdown["blocks"]
                  if b["type"] == "section" and f"<@{CAROL}>" in b["text"]["text"]]
        assert "1 rating, 0 % good, 1 negative" in hers
        assert "QA: 1 review, average 100, 100 % passed" in hers
    everyone = json.dumps(app.fake.messages(), ensure_ascii=False)
    assert f"zendesk:{AGENT}" not in everyone and f"zendesk%3A{AGENT}" not in everyone
