"""Who a DM goes to: a Slack user, an email address, or a helpdesk's own person id, the last
two resolved to a Slack user by delivery.

One parser, one validation, one string form: `U…`/`W…`, `email:<address>`, or a person ref
`<helpdesk>:<id>` (`zendesk:123`, `jira:<account id>`, `intercom:<admin id>`: what the
native helpdesk webhooks know of people, CONTRACT §4a). The string form is the outbox
`target` column and a stored rating's `agent_target`. Resolving an email or a ref to a Slack
user is delivery's job (`chatops.delivery.directory`, `chatops.delivery.people`), not this
type's.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from domain.slack_ids import is_user_id

EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_PREFIX = "email:"
# The helpdesks whose webhooks name people by an id of their own (Freshdesk's name them by
# email). A team's `agents` map may key a person by `<helpdesk>:<id>` besides the email.
PEOPLE_HELPDESKS = ("zendesk", "jira", "intercom")
PERSON_REF = re.compile(rf"({'|'.join(PEOPLE_HELPDESKS)}):[^\s:][^\s]{{0,199}}")


def parse_email(text: str) -> str:
    """An address a Slack user could have, lower-cased; ValueError when it cannot be one."""
    if not EMAIL.fullmatch(text):
        raise ValueError(f'"{text}" is not an email address')
    return text.lower()


def person_ref(helpdesk: str, person_id: object) -> str | None:
    """`<helpdesk>:<id>` for a helpdesk's person id; None when there is no id (None, "",
    0 as Intercom writes "unassigned")."""
    text = str(person_id).strip() if person_id is not None else ""
    if not text or text == "0":
        return None
    ref = f"{helpdesk}:{text}".lower()
    return ref if PERSON_REF.fullmatch(ref) else None


def parse_agent_key(text: str) -> str:
    """A key of a team's `agents` map: an email address or a person ref, lower-cased."""
    key = text.strip().lower()
    if PERSON_REF.fullmatch(key) or EMAIL.fullmatch(key):
        return key
    helpdesks = ", ".join(f"{h}:<id>" for h in PEOPLE_HELPDESKS)
    raise ValueError(f'"{text}" is neither an email address nor a helpdesk person ({helpdesks})')


@dataclass(frozen=True)
class Recipient:
    """A Slack user id, else an email address or a helpdesk person ref to resolve at
    delivery."""

    user_id: str | None = None
    email: str | None = None
    ref: str | None = None

    def __post_init__(self) -> None:
        if sum(x is not None for x in (self.user_id, self.email, self.ref)) != 1:
            raise ValueError("a recipient is a Slack user id, an email address or a helpdesk "
                             "person, one of them")
        if self.user_id is not None and not is_user_id(self.user_id):
            raise ValueError(f'"{self.user_id}" is not a Slack user ID (expected U… or W…)')
        if self.email is not None and parse_email(self.email) != self.email:
            raise ValueError(f'"{self.email}" is not a lower-cased email address')
        if self.ref is not None and not PERSON_REF.fullmatch(self.ref):
            raise ValueError(f'"{self.ref}" is not a helpdesk person (e.g. zendesk:123)')

    @classmethod
    def user(cls, user_id: str) -> Recipient:
        return cls(user_id=user_id)

    @classmethod
    def by_email(cls, address: str) -> Recipient:
        return cls(email=parse_email(address))

    @classmethod
    def parse(cls, target: str) -> Recipient:
        """From the string form (`U…`, `email:<address>` or `<helpdesk>:<id>`); ValueError
        for anything else."""
        if target.startswith(_PREFIX):
            return cls.by_email(target[len(_PREFIX):])
        if PERSON_REF.fullmatch(target):
            return cls(ref=target)
        return cls.user(target)

    @classmethod
    def of(cls, user_id: str | None, email: str | None, ref: str | None = None) -> Recipient | None:
        """A known Slack user, else their email (resolved at delivery), else their helpdesk
        person ref (resolved at delivery through the helpdesk's API, when it has one); None
        when none of them could ever be a Slack user's."""
        if user_id:
            return cls.user(user_id)
        address = agent_key(email)
        if address and EMAIL.fullmatch(address):
            return cls.by_email(address)
        return cls(ref=ref) if ref and PERSON_REF.fullmatch(ref) else None

    @classmethod
    def of_agent(cls, email: str | None, agents: Mapping[str, str],
                 ref: str | None = None) -> Recipient | None:
        """A helpdesk agent: the team's `agents` map gives the Slack user (by their helpdesk
        person ref, else their email), else their email or ref."""
        return cls.of(agent_user_id(email, agents, ref), email, ref)

    def __str__(self) -> str:
        if self.user_id is not None:
            return self.user_id
        return f"{_PREFIX}{self.email}" if self.email is not None else str(self.ref)


def agent_key(email: str | None) -> str | None:
    """An agent's email as a team's `agents` map is keyed (trimmed, lower-cased)."""
    return email.strip().lower() if email else None


def agent_user_id(email: str | None, agents: Mapping[str, str],
                  ref: str | None = None) -> str | None:
    """The Slack user a team's `agents` map gives for this person: by their helpdesk person
    ref (`zendesk:123`) first, else by their email."""
    found = agents.get(ref.lower()) if ref else None
    if found:
        return found
    key = agent_key(email)
    return agents.get(key) if key else None
