"""Helpdesk people (`zendesk:123`) → name and email, from the helpdesk's API, cached in the
database. A native helpdesk webhook may name people by id only (Zendesk's events do): their
messages carry the id, and delivery asks here who it is, so a webhook never waits for a
helpdesk's API. A helpdesk without a configured source, a person the helpdesk does not know,
or an API that keeps failing: the message goes out showing the id (`zendesk:123`)."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from chatops.delivery.directory import FOUND_TTL, MISSING_TTL, LookupFailed
from chatops.delivery.errors import Outcome, backoff
from db.models import HelpdeskPerson
from db.session import read_only
from db.upsert import dialect_insert

log = logging.getLogger("chatops.delivery")

# A message waits for a helpdesk's API at most this many attempts (a few seconds of backoff),
# then goes out showing the id: a helpdesk's outage never holds a ticket's thread for long.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Person:
    name: str | None
    email: str | None


class SourceFailed(Exception):
    """The helpdesk's API did not answer usefully: `transient` failures are worth retrying
    (after `delay` seconds when it said so)."""

    def __init__(self, reason: str, transient: bool, delay: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.delay = delay


class PeopleSource(Protocol):
    def person(self, person_id: str) -> Person | None:
        """The person with this id (the part after `<helpdesk>:`); None when the helpdesk has
        no such person. Raises SourceFailed."""
        ...


def remember(session: Session, ref: str, person: Person | None, now: datetime) -> None:
    """Upsert the cache row (two workers may look the same person up at once)."""
    values = dict(name=person.name if person else None, email=person.email if person else None,
                  looked_up_at=now)
    statement = dialect_insert(session.get_bind().dialect.name,
                               HelpdeskPerson.__table__).values(ref=ref, **values)
    session.execute(statement.on_conflict_do_update(index_elements=["ref"], set_=values))


class PeopleDirectory:
    def __init__(self, sessions: sessionmaker[Session], sources: Mapping[str, PeopleSource]) -> None:
        self.sessions = sessions
        self.sources = dict(sources)  # helpdesk name → its API

    def resolve(self, refs: set[str], attempts: int) -> dict[str, Person | None]:
        """ref → who it is (None: nobody knows). Raises LookupFailed while a helpdesk's API
        fails and the message has been tried fewer than MAX_ATTEMPTS times."""
        wanted = {ref for ref in refs if ref.split(":", 1)[0] in self.sources}
        found: dict[str, Person | None] = {}
        now = datetime.now(UTC)
        if wanted:
            with self.sessions() as session:
                read_only(session)
                for ref in wanted:
                    row = session.get(HelpdeskPerson, ref)
                    ttl = FOUND_TTL if row and (row.name or row.email) else MISSING_TTL
                    if row is not None and now - row.looked_up_at < ttl:
                        found[ref] = Person(row.name, row.email) if row.name or row.email else None
        for ref in sorted(wanted - found.keys()):
            helpdesk, person_id = ref.split(":", 1)
            try:
                found[ref] = self.sources[helpdesk].person(person_id)
            except SourceFailed as exc:
                if exc.transient and attempts + 1 < MAX_ATTEMPTS:
                    reason = f"{helpdesk} API: {exc.reason}"
                    # a retry of this row alone, not Slack's: no pace key is held for it
                    raise LookupFailed(Outcome("retry", reason, exc.delay or backoff(attempts + 1),
                                               heard=False)) from exc
                log.error("%s API: %s; %s is shown by its id", helpdesk, exc.reason, ref)
                continue  # not cached: asked again for the next message
            with self.sessions.begin() as session:
                remember(session, ref, found[ref], now)
        return found


def without_sources(sessions: sessionmaker[Session]) -> PeopleDirectory:
    """No helpdesk API configured: everyone known only by id is shown by it."""
    return PeopleDirectory(sessions, {})


def retry_after(value: str | None) -> float:
    """Seconds from a Retry-After header (1 when it is absent or not a number)."""
    try:
        return max(float(value or "1"), 0.0)
    except ValueError:
        return 1.0
