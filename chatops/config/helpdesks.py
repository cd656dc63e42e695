"""app.yaml's optional `helpdesks`: what the native helpdesk webhooks (CONTRACT §4a) cannot
know by themselves. Statuses and priorities a helpdesk lets its users rename (Jira's, and
Freshdesk's custom statuses), which helpdesk group goes to which team, and where Zendesk
lives. Each adapter has a default table; these entries override it. Secrets stay in the
environment."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from chatops.config.fields import Model, pattern
from domain.tickets import Priority, Status


def _id_text(value: Any) -> Any:
    """Group ids written without quotes (`360001234567: support`) are text too."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# Names as the helpdesk shows them; the adapters match them whatever their case.
StatusNames = dict[str, Status]
PriorityNames = dict[str, Priority]
# A helpdesk group (a Zendesk group id, a Jira project key, an Intercom team id, a Freshdesk
# group name) → the name of a team of `teams` (checked across sections by AppConfig).
TeamsByGroup = dict[Annotated[str, BeforeValidator(_id_text)], str]


class ZendeskConfig(Model):
    # The account's subdomain: ticket links (https://<subdomain>.zendesk.com/agent/tickets/N)
    # and, with ZENDESK_API_EMAIL and ZENDESK_API_TOKEN set, people's names from its API.
    subdomain: Annotated[str, pattern(r"[a-z0-9][a-z0-9-]{0,62}",
                                      "a Zendesk subdomain (the acme of acme.zendesk.com)")] | None = None
    teams: TeamsByGroup = {}  # group id → team


class JiraConfig(Model):
    statuses: StatusNames = {}  # status name → status; default: by the status's category
    priorities: PriorityNames = {}  # priority name → priority
    teams: TeamsByGroup = {}  # project key → team


class IntercomConfig(Model):
    teams: TeamsByGroup = {}  # team id (the conversation's team_assignee_id) → team


class FreshdeskConfig(Model):
    statuses: StatusNames = {}  # status name (custom statuses too) → status
    teams: TeamsByGroup = {}  # group name → team


class HelpdesksConfig(Model):
    zendesk: ZendeskConfig = Field(default_factory=ZendeskConfig)
    jira: JiraConfig = Field(default_factory=JiraConfig)
    intercom: IntercomConfig = Field(default_factory=IntercomConfig)
    freshdesk: FreshdeskConfig = Field(default_factory=FreshdeskConfig)

    def teams_named(self) -> dict[str, dict[str, str]]:
        """Each helpdesk's group → team map (for the check that every team exists)."""
        return {"zendesk": self.zendesk.teams, "jira": self.jira.teams,
                "intercom": self.intercom.teams, "freshdesk": self.freshdesk.teams}
