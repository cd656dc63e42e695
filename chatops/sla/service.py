"""The SLA engine as the rest of the app sees it: an ingest hook, the parent's SLA view, the scan."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from blocks.sla import NudgeView
from chatops.config import AppConfig
from chatops.delivery import outbox
from chatops.sla.clocks import clocks_of, sync_ticket
from chatops.sla.deferred_nudges import ParentRedraw, expand_nudge
from chatops.sla.notifiers import Notifier, SlackNotifier, TeamsNotifier
from chatops.sla.parent import TargetView, parent_sla
from chatops.sla.rules import SlaRules
from chatops.sla.scan import ScanResult, earliest_mark, scan_batch
from db.models import Ticket
from db.session import read_only

log = logging.getLogger("chatops.sla")

MAX_BATCHES = 1000  # a scan stops after this many full batches; the next one continues


class SlaService:
    def __init__(self, config: AppConfig, notifiers: list[Notifier] | None = None,
                 batch: int = 1000) -> None:
        self.config = config
        self.rules = SlaRules.from_config(config)
        self.notifiers: list[Notifier] = notifiers if notifiers is not None else [
            SlackNotifier(config, self.rules.notify_thread, self.rules.notify_dm),
            TeamsNotifier()]
        self.batch = batch

    # -- inside the helpdesk event's transaction ---------------------------------------
    def on_ticket_event(self, session: Session, ticket: Ticket, event: object,
                        now: datetime) -> bool:
        """Ingest hook: follow the ticket's state; True when the parent must be redrawn."""
        return sync_ticket(session, self.rules, ticket)

    def parent_view(self, session: Session, ticket: Ticket,
                    now: datetime) -> tuple[list[str], str | None]:
        """Due lines and colour for the ticket's parent message."""
        views = [TargetView.of(row) for row in clocks_of(session, ticket.id).values()]
        team = self.config.team_for(ticket.team)
        # Never draw the ticket as of before its newest event (a clock behind the helpdesk's).
        now = max(now, ticket.state_at)
        return parent_sla(views, self.rules, now, self.config.team_timezone(team))

    # -- the delivery worker's half of a nudge -----------------------------------------
    def nudge_messages(self, session: Session, args: dict[str, Any], redraw: ParentRedraw,
                       now: datetime) -> list[outbox.Message]:
        """The messages of one nudge the scan recorded (chatops/sla/deferred_nudges.py),
        unless its target was met or paused in the meantime."""
        return expand_nudge(session, self.config, self.rules, self.notifiers, args, redraw, now)

    # -- the scheduled scan --------------------------------------------------------------
    def next_mark_at(self, sessions: sessionmaker[Session]) -> datetime | None:
        """The moment the scan has something to send next (its timer wakes then)."""
        with sessions() as session:
            return earliest_mark(read_only(session))

    def scan(self, session: Session, now: datetime, limit: int | None = None,
             on_sent: Callable[[NudgeView], None] | None = None) -> ScanResult:
        """One batch in the caller's transaction."""
        return scan_batch(session, self.config, self.rules, now, limit or self.batch, on_sent)

    def scan_due(self, sessions: sessionmaker[Session], now: datetime,
                 on_sent: Callable[[NudgeView], None] | None = None) -> ScanResult:
        """Every due clock, one transaction per batch, so a huge backlog never holds the
        database for long. What one batch commits, a crash cannot undo or repeat."""
        total = ScanResult()
        for _ in range(MAX_BATCHES):
            with sessions.begin() as session:
                part = self.scan(session, now, on_sent=on_sent)
            total.scanned += part.scanned
            total.sent += part.sent
            total.marks += part.marks
            if not part.full:
                break
        else:
            total.full = True
            log.warning("SLA scan stopped after %d batches; the next scan continues", MAX_BATCHES)
        return total
