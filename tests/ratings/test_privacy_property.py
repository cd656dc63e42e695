"""Property: whatever the team set-up, visibility mode, admin changes, agent and score, a
rating's comment reaches only DMs of the team's leads and of the rated agent (when the mode
lets the agent see comments): never a channel, a thread, Teams or an ephemeral."""
from __future__ import annotations

import json
import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.models import OutboxMessage
from tests.conftest import make_config
from tests.events import event
from tests.ratings.support import calls_containing, slash

MODES = ("leads_only", "after_review", "score_only", "score_and_comment")
LEAD_POOL = ("U0LEAD1", "U0LEAD2", "U0LEAD3", "U0AGENT1")   # an agent may lead too
AGENTS: dict[str, tuple[dict[str, Any], str | None]] = {
    "mapped": ({"name": "Bob", "email": "bob@example.com"}, "U0AGENT1"),       # agents map
    "looked_up": ({"name": "Carol", "email": "carol@example.com"}, "U0AGENT2"),  # by email
    "unmatched": ({"name": "Zed", "email": "zed@nowhere.example"}, None),
    "nameless": ({"name": "Nobody", "email": None}, None),
}
DECOY = {"name": "Dave", "email": "dave@example.com"}   # an assignee who is not the rated agent

ops = st.lists(st.tuples(
    st.sampled_from(["U0ADMIN1", "U0LEAD1", "U0AGENT1"]),
    st.one_of(st.tuples(st.just("visibility"), st.sampled_from(MODES)),
              st.tuples(st.sampled_from(["add", "remove"]), st.sampled_from(LEAD_POOL)))),
    max_size=4)


def apply(model: dict[str, Any], actor: str, op: tuple[str, str]) -> None:
    """What an accepted command does, written independently of the app."""
    if actor != "U0ADMIN1":
        return
    kind, value = op
    if kind == "visibility":
        model["mode"] = value
    elif kind == "add" and value not in model["leads"]:
        model["leads"].append(value)
    elif kind == "remove" and value in model["leads"] and len(model["leads"]) > 1:
        model["leads"].remove(value)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(mode=st.sampled_from(MODES),
       leads=st.lists(st.sampled_from(LEAD_POOL), unique=True, max_size=3),
       agent=st.sampled_from(sorted(AGENTS)), on_rating=st.booleans(),
       score=st.sampled_from(["good", "neutral", "bad", 1, 2, 3, 4, 5]),
       changes=ops, with_teams=st.booleans(), noise=st.text(max_size=40))
def test_a_rating_reaches_only_its_leads_and_agent(make_harness: Any, mode: str,
                                                   leads: list[str], agent: str,
                                                   on_rating: bool, score: Any,
                                                   changes: list[Any], with_teams: bool,
                                                   noise: str) -> None:
    ids, token = uuid.uuid4().hex, uuid.uuid4().hex   # token: only in the comment
    team = f"team-{ids[:8]}"
    channel = f"C{ids[:10].upper()}"
    team_config: dict[str, Any] = {"name": team, "channel": channel, "leads": leads,
                                   "agents": {"bob@example.com": "U0AGENT1"},
                                   "rating_visibility": mode}
    if with_teams:
        team_config["teams_webhook_env"] = "TEAMS_WEBHOOK_SUPPORT"
    app = make_harness(make_config(teams=[team_config]))
    try:
        model = {"mode": mode, "leads": list(leads)}
        for actor, op in changes:
            text = (f"visibility {team} {op[1]}" if op[0] == "visibility"
                    else f"leads {op[0]} {team} <@{op[1]}|someone>")
            assert slash(app, actor, text).status_code == 200
            apply(model, actor, op)
        person, agent_uid = AGENTS[agent]
        ticket_id = f"T-{ids}"
        assignee = DECOY if on_rating else person
        assert app.post_event(event(ticket_id=ticket_id, team=team,
                                    assignee=assignee)).status_code == 202
        rating = event("rating.created", ticket_id=ticket_id, team=team, assignee=assignee,
                       occurred_at="2026-11-23T11:00:00Z")
        rating["rating"] = {"id": f"r-{ids}", "score": score, "comment": f"{token} {noise}"}
        if on_rating:
            rating["rating"]["agent"] = person
        assert app.post_event(rating).status_code == 202
        assert app.deliver() == 0

        agent_sees = (model["mode"] == "score_and_comment" and agent_uid is not None)
        allowed = set(model["leads"]) | ({agent_uid} if agent_sees else set())
        dm_channels = allowed | {f"D{u}" for u in allowed}
        for call in calls_containing(app, token):
            assert call.method in ("chat.postMessage", "chat.update"), call.method
            assert call.args["channel"] in dm_channels, (call.args["channel"], allowed)
            assert not call.args.get("thread_ts")
        for row in app.rows(OutboxMessage):
            if token in row.payload:
                assert row.role in ("dm", "dm_update"), row.role
        assert token not in json.dumps(app.fake.teams_posts("support"), ensure_ascii=False)
        assert token not in json.dumps(app.fake.ephemerals(), ensure_ascii=False)
        assert token not in json.dumps(app.fake.messages(channel), ensure_ascii=False)
        # … and it does reach every lead, and the agent exactly as the mode says.
        for lead in model["leads"]:
            assert token in json.dumps(app.fake.dms(lead), ensure_ascii=False), lead
        agent_dms = [m for m in app.fake.dms(agent_uid or "nobody")
                     if ticket_id in json.dumps(m) and "A customer rated" in m["text"]]
        expected = (agent_uid is not None and agent_uid not in model["leads"]
                    and model["mode"] in ("score_only", "score_and_comment"))
        assert len(agent_dms) == (1 if expected else 0)
        assert not [m for m in app.fake.dms("U0AGENT3") if ticket_id in json.dumps(m)]
    finally:
        app.rt.close()
