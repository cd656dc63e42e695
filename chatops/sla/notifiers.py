"""Where a nudge goes: one small interface, a Slack and a Teams implementation behind it.

Both only return outbox messages (the worker writes them when it expands a nudge's deferred
row) and sends them like any other, so retries, pacing and outages behave the same for Slack
and Teams.
"""
from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from blocks import sla as sla_blocks
from blocks.teams import nudge_cards
from chatops.config import AppConfig, TeamConfig
from chatops.delivery import outbox
from chatops.team_settings import leads_of
from domain.recipients import Recipient


class Notifier(Protocol):
    def messages(self, session: Session, team: TeamConfig,
                 nudge: sla_blocks.NudgeView) -> list[outbox.Message]: ...


class SlackNotifier:
    """Thread reply (mentioning the assignee), assignee DM, and lead DMs on a breach."""

    def __init__(self, config: AppConfig, thread: bool, assignee_dm: bool) -> None:
        self.config = config
        self.thread = thread
        self.assignee_dm = assignee_dm

    def messages(self, session: Session, team: TeamConfig,
                 nudge: sla_blocks.NudgeView) -> list[outbox.Message]:
        messages = []
        if self.thread:
            messages.append(outbox.thread_reply(nudge.ticket_id, team.channel,
                                                sla_blocks.nudge_reply(nudge)))
        person = nudge.assignee
        assignee = (Recipient.of(person.user_id, person.email, person.ref)
                    if person is not None else None)
        if self.assignee_dm and assignee is not None:
            messages.append(outbox.direct_message(assignee, sla_blocks.assignee_dm(nudge)))
        if nudge.breach:
            messages += [outbox.direct_message(Recipient.user(lead), sla_blocks.lead_breach_dm(nudge))
                         for lead in leads_of(session, self.config, team.name)]
        return messages


class TeamsNotifier:
    """The same nudge as a card in the team's Teams channel, when it has one."""

    def messages(self, session: Session, team: TeamConfig,
                 nudge: sla_blocks.NudgeView) -> list[outbox.Message]:
        return [outbox.teams_card(team.name, nudge_cards(nudge))] if team.teams_webhook_env else []
