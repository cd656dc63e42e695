"""One helpdesk's native webhook behind one small interface (CONTRACT §4a).

An adapter `verify`s a request the way its helpdesk signs it (constant-time; a timestamp
window where the helpdesk sends one), then maps its body to the events of CONTRACT §4
(`events`): zero, one or several per request, or "ignored" for a well-formed event of a
kind the app has no use for. What happens next is the same for every helpdesk and for
`/webhooks/helpdesk`: `handlers/webhook/answers.py` answers, the ingest path stores.

The helpers below are what the four adapters share: reading the vendor's JSON into a small
pydantic model whose errors name the vendor's field, building §4 events, event ids that keep
helpdesks apart, HTML to plain text.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from chatops.tickets.schema import NATIVE, EventRejected, HelpdeskEvent, rejected
from domain.recipients import person_ref

MAX_ID = 200  # received_events.id, as the contract's ids


@dataclass(frozen=True)
class Delivery:
    """One request as it arrived: the raw body, headers by lower-case name, and when."""

    body: bytes
    headers: Mapping[str, str]
    received_at: datetime

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class Mapped:
    """What one request means: events to store (in order), or the kind of event that the
    app has no use for (answered 200 `ignored`, and nothing else happens)."""

    events: tuple[HelpdeskEvent, ...] = ()
    ignored: str | None = None

    @classmethod
    def ignore(cls, kind: str) -> Mapped:
        return cls(ignored=kind[:MAX_ID])


class Adapter(Protocol):
    name: str  # `zendesk`: its route is /webhooks/zendesk
    answers_head: bool  # a HEAD request gets 200 (Intercom checks the URL so)

    def verify(self, delivery: Delivery) -> str | None:
        """None when the request is signed as the helpdesk signs, else why not (one line
        for the log; the answer is a bare 401)."""
        ...

    def events(self, delivery: Delivery, data: dict[str, Any]) -> Mapped:
        """The events of a verified request whose body is the JSON object `data`. Raises
        EventRejected (a 400 naming the field)."""
        ...


class Vendor(BaseModel):
    """A helpdesk's own payload: only the fields we read, the rest ignored."""

    model_config = ConfigDict(extra="ignore")


V = TypeVar("V", bound=Vendor)
T = TypeVar("T")


def vendor(model: type[V], data: Any) -> V:
    """The vendor's payload as `model`; EventRejected naming the vendor's field otherwise."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise rejected(exc) from None


def contract_event(data: dict[str, Any]) -> HelpdeskEvent:
    """A CONTRACT §4 event built by an adapter, validated as `/webhooks/helpdesk` validates
    one (with the adapter's own fields kept: people's helpdesk ids, partial snapshots)."""
    try:
        return HelpdeskEvent.model_validate(data, context=NATIVE)
    except ValidationError as exc:
        raise rejected(exc) from None


def event_id(helpdesk: str, dedupe: str, *parts: str) -> str:
    """`<helpdesk>:<dedupe id>[:<part>…]`: ids of different helpdesks never meet, and the
    events one request maps to each have their own. Too long for the column, it is hashed."""
    text = ":".join((helpdesk, dedupe, *parts))
    if len(text) <= MAX_ID:
        return text
    return f"{helpdesk}:sha256:{hashlib.sha256(text.encode()).hexdigest()}"


def ticket_id(helpdesk: str, number: str) -> str:
    """A helpdesk's ticket as chatops keys it (`zendesk-5158`): tickets of two helpdesks never
    share a thread, and `#zendesk-5158` still reads as a ticket number."""
    return f"{helpdesk}-{number}"


def hub_signature_ok(signature: str, secret: str, body: bytes, digest: str) -> bool:
    """WebSub's `X-Hub-Signature: <digest>=<hex HMAC of the body>` (Jira: sha256, Intercom:
    sha1), whatever the case of either part, compared in constant time."""
    scheme, _, given = signature.partition("=")
    expected = f"{digest}={hmac.new(secret.encode(), body, digest).hexdigest()}"
    return same(f"{scheme.lower()}={given.lower()}", expected)


def same(given: str, expected: str) -> bool:
    """Constant-time comparison of a header's value (any bytes) with what it should be."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode())


def pick(table: Mapping[str, T], name: str | None) -> T | None:
    """A mapping table's entry for a helpdesk's name, whatever its case and spaces."""
    return table.get((name or "").strip().lower()) if name else None


def team_of(teams: Mapping[str, str], group: object) -> str | None:
    """The team a helpdesk group goes to: app.yaml's `helpdesks.<helpdesk>.teams` (a
    `lowered` table), else the group itself, which names a team when one is called so (an
    unknown team is the first team, CONTRACT §4)."""
    text = str(group).strip() if group is not None else ""
    return (pick(teams, text) or text) if text else None


def lowered(table: Mapping[str, T]) -> dict[str, T]:
    """A table of app.yaml (names as the helpdesk writes them), for `pick`."""
    return {key.strip().lower(): value for key, value in table.items()}


class _Text(HTMLParser):
    BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "blockquote", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BREAKS and self.parts:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str | None) -> str:
    """What an HTML comment says, as text (tags dropped, entities decoded, blank lines
    squeezed); its escaping for Slack is the blocks' job, as for any outside text."""
    if not html:
        return ""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).splitlines()]
    return "\n".join(line for line in lines if line)


class TemplatePerson(Vendor):
    """A person in a body the admin writes with placeholders (Zendesk's CSAT trigger,
    Freshdesk's rules): an absent one (no assignee) renders as empty strings."""

    id: str = ""
    name: str = ""
    email: str = ""

    def event_person(self, helpdesk: str) -> dict[str, Any] | None:
        """As a CONTRACT §4 person; None when every placeholder rendered empty."""
        ref = person_ref(helpdesk, self.id)
        if not (ref or self.name or self.email):
            return None
        return {"name": self.name, "email": self.email or None, "ref": ref}


class _Moment(Vendor):
    at: datetime


def moment(text: str) -> datetime | None:
    """A date a placeholder rendered (ISO 8601 as pydantic reads it); None when it rendered
    empty or is not a date."""
    if not text.strip():
        return None
    try:
        return vendor(_Moment, {"at": text.strip()}).at
    except EventRejected:
        return None


def rejected_field(field: str, message: str) -> EventRejected:
    """A 400 naming a field of the helpdesk's payload (or a header)."""
    return EventRejected(f"{field}: {message}", field)
