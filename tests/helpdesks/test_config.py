"""app.yaml's `helpdesks` section and helpdesk ids in a team's `agents` map: `check-config`
names every mistake with its place and line."""
from __future__ import annotations

from pathlib import Path

import pytest

from chatops.config import ConfigError, load_config
from tests.test_cli import chatops

GOOD = """\
teams:
  - name: support
    channel: C0SUPPORT
    agents:
      bob@example.com: U0AGENT1
      "zendesk:8447388090495": U0AGENT1
      "JIRA:712020:1b2c3d4e-0000-4000-8000-000000000001": U0AGENT2
      intercom:274: U0AGENT3
helpdesks:
  zendesk: {subdomain: acme, teams: {360001234567: support}}
  jira:
    statuses: {"Waiting for vendor": on_hold}
    priorities: {P1: urgent}
    teams: {SUP: support}
  intercom: {teams: {"5432109": support}}
  freshdesk: {statuses: {"Waiting on Engineering": on_hold}, teams: {Billing: support}}
"""


def test_every_setting_of_the_section(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(GOOD)
    config = load_config(tmp_path / "app.yaml")
    assert config.teams[0].agents == {
        "bob@example.com": "U0AGENT1", "zendesk:8447388090495": "U0AGENT1",
        "jira:712020:1b2c3d4e-0000-4000-8000-000000000001": "U0AGENT2", "intercom:274": "U0AGENT3"}
    assert config.helpdesks.zendesk.teams == {"360001234567": "support"}
    assert config.helpdesks.jira.statuses == {"Waiting for vendor": "on_hold"}


def test_the_shipped_example_has_no_helpdesks_section_and_needs_none() -> None:
    config = load_config(Path(__file__).parents[2] / "app.yaml")
    assert config.helpdesks.zendesk.subdomain is None and config.helpdesks.jira.statuses == {}


BAD = """\
teams:
  - name: support
    channel: C0SUPPORT
    agents:
      "zendesk:": U0AGENT1
      "salesforce:42": U0AGENT2
helpdesks:
  zendesk: {subdomain: acme.zendesk.com}
  jira:
    statuses: {"Waiting for vendor": waiting}
    priorities: {P1: critical}
    teams: {SUP: sales}
  freshdesk: {teams: {Billing: billing}}
  zammad: {}
"""


@pytest.mark.parametrize("expected", [
    'teams[0].agents["zendesk:"]: "zendesk:" is neither an email address nor a helpdesk person',
    'teams[0].agents["salesforce:42"]: "salesforce:42" is neither',
    'helpdesks.zendesk.subdomain: "acme.zendesk.com" is not a Zendesk subdomain',
    'helpdesks.jira.statuses["Waiting for vendor"]: "waiting" is not allowed',
    "helpdesks.jira.priorities.P1: \"critical\" is not allowed",
    'helpdesks.zammad: unknown key',
])
def test_mistakes_are_named_with_their_place(tmp_path: Path, expected: str) -> None:
    (tmp_path / "app.yaml").write_text(BAD)
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path / "app.yaml")
    assert any(line.startswith(expected) for line in raised.value.errors), raised.value.errors


def test_a_group_must_go_to_a_known_team(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(GOOD.replace("SUP: support", "SUP: sales"))
    result = chatops("check-config", cwd=tmp_path)
    assert result.returncode == 1
    assert 'helpdesks.jira.teams.SUP: unknown team "sales" (known: support) (line 14)' in result.stderr
