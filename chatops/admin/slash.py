"""The slash command service: one line of text from a Slack user → one answer (a message).

Who may change what is decided before this runs (the Bolt middleware); this parses, reads or
changes the settings in one transaction, and says what happened.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from blocks import admin as admin_blocks
from blocks import slash_answers as answers
from blocks.slash_answers import VERBS
from chatops.admin import audit
from chatops.admin.changes import Refused, change_lead, resolve_team, set_visibility
from chatops.admin.command_line import (
    ChangeLead,
    CommandError,
    Help,
    PostReview,
    SetVisibility,
    ShowAudit,
    ShowSettings,
    parse,
    verb_of,
)
from chatops.admin.review import ReviewTrigger
from chatops.clock import Clock
from chatops.config import AppConfig
from chatops.team_settings import LEADS, VISIBILITY, effective_all
from db.session import one_read
from domain.ratings import VISIBILITIES

Message = dict[str, Any]
WARM_UP = "U0WARMUP"  # the actor of warm()'s changes, which are rolled back
log = logging.getLogger("chatops.admin")


@dataclass(frozen=True)
class Answer:
    verb: str  # for metrics: one of VERBS, or "unknown"
    message: Message
    sent: bool = False  # something was queued in the outbox


def metric_verb(text: str | None) -> str:
    verb = verb_of(text)
    return verb if verb in VERBS else "unknown"


class SlashCommands:
    def __init__(self, sessions: sessionmaker[Session], config: AppConfig, clock: Clock,
                 review: ReviewTrigger) -> None:
        self.sessions = sessions
        self.config = config
        self.clock = clock
        self.review = review
        self.command = config.slash_command

    def run(self, actor: str, text: str | None) -> Answer:
        verb = metric_verb(text)
        try:
            command = parse(text)
        except CommandError as exc:
            return self._warning(verb, exc.reason)
        if isinstance(command, Help):
            return Answer(verb, admin_blocks.help_message(self.command))
        if isinstance(command, ShowSettings):
            return Answer(verb, self._settings())
        if isinstance(command, ShowAudit):
            with self.sessions() as session:
                lines = audit.latest(one_read(session))
            return Answer(verb, admin_blocks.audit_message(lines))
        if isinstance(command, PostReview):
            return self._review(verb, command.team, actor)
        if isinstance(command, SetVisibility):
            c = command
            return self._change(verb, lambda s: set_visibility(
                s, self.config, c.team, c.mode, actor, self.clock.now()))
        assert isinstance(command, ChangeLead)
        lead = command
        return self._change(verb, lambda s: change_lead(
            s, self.config, lead.op, lead.team, lead.user, actor, self.clock.now()))

    def warm(self) -> None:
        """Run the commands' statements once, before the first request (`chatops serve`'s
        app process), so that SQLAlchemy compiles them then, and not during the first
        admin's change, while it holds the database's write lock and every other change
        waits for it. The changes are made in a transaction that is rolled back: nothing is
        stored, no audit row either. A failure (the database not up yet) only leaves the
        compiling to the first commands."""
        try:
            self._settings()
            with self.sessions() as session:
                audit.latest(one_read(session))
            team, now = self.config.teams[0].name, self.clock.now()
            with self.sessions() as session:
                try:  # each twice: an override's first write inserts it, the next updates it
                    for mode in VISIBILITIES[:2]:
                        set_visibility(session, self.config, team, mode, WARM_UP, now)
                    for user in (f"{WARM_UP}1", f"{WARM_UP}2"):
                        change_lead(session, self.config, "add", team, user, WARM_UP, now)
                finally:
                    session.rollback()
        except Exception as exc:
            log.warning("slash command warm-up skipped: %s", str(exc).splitlines()[0][:200])

    def _settings(self) -> Message:
        with self.sessions() as session:
            values = effective_all(one_read(session), self.config,
                                   (team.name for team in self.config.teams))
        views = []
        for team in self.config.teams:
            vis, leads = values[team.name, VISIBILITY], values[team.name, LEADS]
            views.append(admin_blocks.TeamSettingsView(
                name=team.name, channel=team.channel, visibility=vis.value,
                leads=list(leads.value),
                visibility_origin=admin_blocks.Origin(vis.changed_by, vis.changed_at),
                leads_origin=admin_blocks.Origin(leads.changed_by, leads.changed_at)))
        return admin_blocks.settings_message(views, list(self.config.admins))

    def _review(self, verb: str, team_name: str, actor: str) -> Answer:
        try:
            team = resolve_team(self.config, team_name)
        except Refused as exc:
            return self._warning(verb, exc.reason)
        try:
            outcome = self.review(team.name, actor)
        except Exception:  # all or nothing: nothing was written; the user is told, not a 500
            log.exception("weekly review of %s asked by %s failed", team.name, actor)
            return self._warning(verb, answers.ReviewFailed(team.name))
        return Answer(verb, admin_blocks.notice(answers.review_text(outcome)), sent=True)

    def _change(self, verb: str, change: Callable[[Session], answers.Change]) -> Answer:
        for _ in range(3):
            try:
                with self.sessions.begin() as session:
                    result = change(session)
                return Answer(verb, admin_blocks.notice(answers.change_text(result)))
            except Refused as exc:
                return self._warning(verb, exc.reason)
            except IntegrityError:  # another admin created the same override first: again
                continue
        return self._warning(verb, answers.Busy())

    def _warning(self, verb: str, reason: answers.Reason) -> Answer:
        return Answer(verb, admin_blocks.notice(answers.refusal_text(reason, self.command)))
