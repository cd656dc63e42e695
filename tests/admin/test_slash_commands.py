"""The slash command over signed HTTP: answers are the ephemeral ack; only admins change."""
from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from chatops.team_settings import leads_of, visibility_of
from db.models_people import SettingChange, TeamSetting
from tests.conftest import BASE_CONFIG, Harness, make_config, unique
from tests.ratings.support import absolute, answer_text, dm_text, rating_event, slash


def assert_valid_blocks(body: dict[str, Any]) -> None:
    assert len(body["blocks"]) <= 50
    for block in body["blocks"]:
        parsed = Block.parse(block)
        assert parsed is not None, block
        parsed.validate_json()


def nothing_changed(app: Harness) -> None:
    assert app.rows(SettingChange) == [] and app.rows(TeamSetting) == []


def test_help_lists_every_command(app: Harness) -> None:
    for text in ("help", "", "  HELP  "):
        response = slash(app, "U0AGENT1", text)
        assert response.status_code == 200
        answer = answer_text(response)
        for verb in ("settings", "visibility", "leads add|remove", "review", "audit"):
            assert verb in answer
        assert_valid_blocks(response.get_json())


def test_settings_say_where_each_value_comes_from(app: Harness) -> None:
    answer = answer_text(slash(app, "U0AGENT1", "settings"))
    assert "*support*" in answer and "`leads_only`" in answer
    assert "<@U0LEAD1>, <@U0LEAD2>" in answer and answer.count("from app.yaml") == 2
    assert "<@U0ADMIN1>" in answer


def test_a_non_admin_is_refused_and_the_next_rating_follows_the_old_mode(app: Harness) -> None:
    response = slash(app, "U0LEAD1", "visibility support score_and_comment")
    assert response.status_code == 200
    answer = answer_text(response)
    assert "Only admins" in answer and "nothing changed" in answer
    nothing_changed(app)
    secret = unique()
    app.post_event(rating_event("bad", secret))
    app.deliver()
    assert app.fake.dms("U0AGENT1") == []                     # still leads_only
    assert secret in dm_text(app, "U0LEAD1")
    assert "`leads_only`" in answer_text(slash(app, "U0LEAD1", "settings"))


def test_an_admin_change_shows_in_settings_and_audit_and_survives_a_restart(
        make_harness: Any) -> None:
    app = make_harness()
    answer = answer_text(slash(app, "U0ADMIN1", "visibility support score_and_comment"))
    assert "`leads_only` → `score_and_comment`" in answer
    settings = answer_text(slash(app, "U0AGENT1", "settings"))
    assert "`score_and_comment` _changed by <@U0ADMIN1> <!date^" in settings
    audit = answer_text(slash(app, "U0AGENT1", "audit"))
    assert "<@U0ADMIN1>" in audit and "*support* rating visibility" in audit
    assert "`leads_only` → `score_and_comment`" in audit
    [change] = app.rows(SettingChange)
    assert (change.actor, change.team, change.setting) == ("U0ADMIN1", "support",
                                                           "rating_visibility")
    assert (json.loads(change.old_value), json.loads(change.new_value)) == (
        "leads_only", "score_and_comment")
    app.rt.close()

    restarted = make_harness()                                 # same database, new process
    assert "`score_and_comment` _changed by <@U0ADMIN1>" in answer_text(
        slash(restarted, "U0AGENT1", "settings"))
    secret = unique()
    restarted.post_event(rating_event("bad", secret))
    restarted.deliver()
    assert secret in dm_text(restarted, "U0AGENT1")           # the stored mode wins over app.yaml


def test_leads_add_and_remove_with_slack_mentions(app: Harness) -> None:
    assert "added" in answer_text(slash(app, "U0ADMIN1", "leads add support <@U0LEAD3|carol>"))
    assert "removed" in answer_text(slash(app, "U0ADMIN1", "leads remove support <@U0LEAD1>"))
    assert "already a lead" in answer_text(slash(app, "U0ADMIN1", "leads add support U0LEAD3"))
    with app.rt.sessions() as session:
        assert leads_of(session, app.rt.config, "support") == ["U0LEAD2", "U0LEAD3"]
        assert visibility_of(session, app.rt.config, "support") == "leads_only"
    secret = unique()
    app.post_event(rating_event("bad", secret))
    app.deliver()
    assert secret in dm_text(app, "U0LEAD2") and secret in dm_text(app, "U0LEAD3")
    assert app.fake.dms("U0LEAD1") == []
    blocks = slash(app, "U0ADMIN1", "audit").get_json()["blocks"]
    newest, oldest = (b["text"]["text"] for b in blocks[1:])
    assert "leads: <@U0LEAD1>, <@U0LEAD2>, <@U0LEAD3> → <@U0LEAD2>, <@U0LEAD3>" in newest
    assert "leads: <@U0LEAD1>, <@U0LEAD2> → <@U0LEAD1>, <@U0LEAD2>, <@U0LEAD3>" in oldest
    assert len(app.rows(SettingChange)) == 2


@pytest.mark.parametrize("text, expected", [
    ("visibility nosuchteam score_only", "There is no team `nosuchteam`. Teams: `support`"),
    ("visibility support everyone", "`everyone` is not a visibility mode"),
    ("visibility support", "Usage: `/chatops visibility <team> <mode>`"),
    ("visibility", "Usage: `/chatops visibility <team> <mode>`"),
    ("leads add support @bob", "`@bob` is not a Slack user"),
    ("leads add support <#C0SUPPORT|support>", "is not a Slack user"),
    ("leads promote support <@U0LEAD3>", "Usage: `/chatops leads add|remove <team> <@user>`"),
    ("leads add nosuchteam <@U0LEAD3>", "There is no team `nosuchteam`"),
    ("leads remove support <@U0AGENT1>", "<@U0AGENT1> is not a lead of *support*"),
    ("visibility <!channel> score_only", "There is no team `&lt;!channel&gt;`"),
    ("frobnicate", "I don't know `frobnicate`"),
    ("settings please", "`settings` takes nothing more"),
    ("review", "Usage: `/chatops review <team>`"),
    ("review nosuchteam", "There is no team `nosuchteam`"),
])
def test_bad_lines_get_a_specific_answer_and_change_nothing(app: Harness, text: str,
                                                             expected: str) -> None:
    response = slash(app, "U0ADMIN1", text)
    assert response.status_code == 200
    answer = answer_text(response)
    assert expected in answer, answer
    assert "<!channel>" not in answer
    nothing_changed(app)


def test_the_last_lead_cannot_be_removed(app: Harness) -> None:
    slash(app, "U0ADMIN1", "leads remove support <@U0LEAD1>")
    answer = answer_text(slash(app, "U0ADMIN1", "leads remove support <@U0LEAD2>"))
    assert "last lead" in answer
    assert len(app.rows(SettingChange)) == 1


@pytest.mark.parametrize("text", ["visibility support score_only",
                                  "leads add support <@U0LEAD3>", "leads remove support U0LEAD1",
                                  "review support", "VISIBILITY support score_only"])
def test_only_admins_change_anything(app: Harness, text: str) -> None:
    for user in ("U0LEAD1", "U0AGENT1", "U0QA1"):
        answer = answer_text(slash(app, user, text))
        assert "Only admins" in answer
    nothing_changed(app)
    assert app.fake.calls == []


@pytest.mark.parametrize("sign", [{"secret": "not-the-secret"},
                                  {"timestamp": -301}, {"timestamp": +310}])
def test_unsigned_or_stale_commands_get_401_and_change_nothing(app: Harness,
                                                               sign: dict[str, Any]) -> None:
    response = slash(app, "U0ADMIN1", "visibility support score_only", **absolute(sign))
    assert response.status_code == 401
    nothing_changed(app)


def test_the_command_name_comes_from_app_yaml(make_harness: Any) -> None:
    app = make_harness(make_config(slash_command="/support-ops"))
    answer = answer_text(slash(app, "U0ADMIN1", "visibility support score_only",
                               command="/support-ops"))
    assert "→ `score_only`" in answer
    help_text = answer_text(slash(app, "U0ADMIN1", "help", command="/support-ops"))
    assert "/support-ops visibility" in help_text
    assert slash(app, "U0ADMIN1", "help").status_code != 200   # /chatops is not ours here


def test_settings_and_audit_stay_within_slack_limits(make_harness: Any) -> None:
    base = BASE_CONFIG["teams"][0]
    teams = [{**base, "name": f"team{i:02d}", "channel": f"C0T{i:03d}",
              "leads": [f"U0L{i:03d}{j}" for j in range(40)]} for i in range(60)]
    app = make_harness(make_config(teams=teams))
    for i in range(30):
        slash(app, "U0ADMIN1", f"visibility team{i:02d} score_only")
    for text in ("settings", "audit", "help"):
        body = slash(app, "U0ADMIN1", text).get_json()
        assert_valid_blocks(body)
    assert "… and 15 more teams" in answer_text(slash(app, "U0ADMIN1", "settings"))


def test_every_command_line_is_counted_by_verb(app: Harness) -> None:
    for text in ("help", "settings", "visibility support score_only", "nonsense"):
        slash(app, "U0AGENT1", text)
    metrics = app.client.get("/metrics").get_data(as_text=True)
    for verb in ("help", "settings", "visibility", "unknown"):
        assert f'chatops_slash_commands_total{{verb="{verb}"}} 1.0' in metrics


def test_the_start_up_warm_up_stores_nothing_and_changes_still_work(app: Harness) -> None:
    from chatops.admin.slash import SlashCommands

    rt = app.rt
    SlashCommands(rt.sessions, rt.config, rt.clock, review=rt.reviews.post_now).warm()
    nothing_changed(app)                                       # rolled back: no override, no audit
    assert "`leads_only` → `score_only`" in answer_text(
        slash(app, "U0ADMIN1", "visibility support score_only"))
    [change] = app.rows(SettingChange)
    assert (change.actor, json.loads(change.old_value)) == ("U0ADMIN1", "leads_only")
