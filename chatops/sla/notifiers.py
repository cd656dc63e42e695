"""Where a nudge goes: one small interface, a Slack and a Teams implementation behind it.

Both only write outbox rows in the scan's transaction; the delivery worker sends them, so
retries, pacing and outages behave the same for Slack and Teams.
"""
from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from blocks import sla as sla_blocks
from blocks.teams import nudge_cards
from chatops.config import AppConfig, TeamConfig
from chatops.delivery import outbox
from chatops.team_settings import leads_of


class Notifier(Protocol):
    def nudge(self, session: Session, team: TeamConfig, nudge: sla_blocks.Nudge) -> None: ...


class SlackNotifier:
    """Thread reply (mentioning the assignee), assignee DM, and lead DMs on a breach."""

    def __init__(self, config: AppConfig, thread: bool, assignee_dm: bool) -> None:
        self.config = config
        self.thread = thread
        self.assignee_dm = assignee_dm

    def nudge(self, session: Session, team: TeamConfig, nudge: sla_blocks.Nudge) -> None:
        if self.thread:
            outbox.reply_in_thread(session, nudge.ticket_id, team.channel,
                                   sla_blocks.nudge_reply(nudge))
        person = nudge.assignee
        if self.assignee_dm and person is not None and (person.user_id or person.email):
            user = person.user_id or f"email:{(person.email or '').lower()}"
            outbox.direct_message(session, user, sla_blocks.assignee_dm(nudge))
        if nudge.breach:
            for lead in leads_of(session, self.config, team.name):
                outbox.direct_message(session, lead, sla_blocks.lead_breach_dm(nudge))


class TeamsNotifier:
    """The same nudge as a card in the team's Teams channel, when it has one."""

    def nudge(self, session: Session, team: TeamConfig, nudge: sla_blocks.Nudge) -> None:
        if team.teams_webhook_env:
            outbox.teams_card(session, team.name, nudge_cards(nudge))
