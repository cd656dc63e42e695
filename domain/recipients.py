"""Who a DM goes to: a Slack user, or an email address that delivery resolves to a user.

One parser, one validation, one string form: `U…`/`W…`, or `email:<address>` (the outbox
`target` column and a stored rating's `agent_target`). Resolving an email to a Slack user is
delivery's job (`chatops.delivery.directory`), not this type's.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from domain.slack_ids import is_user_id

EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_PREFIX = "email:"


def parse_email(text: str) -> str:
    """An address a Slack user could have, lower-cased; ValueError when it cannot be one."""
    if not EMAIL.fullmatch(text):
        raise ValueError(f'"{text}" is not an email address')
    return text.lower()


@dataclass(frozen=True)
class Recipient:
    """A Slack user id, or else an email address to resolve at delivery."""

    user_id: str | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        if (self.user_id is None) == (self.email is None):
            raise ValueError("a recipient is a Slack user id or an email address, one of them")
        if self.user_id is not None and not is_user_id(self.user_id):
            raise ValueError(f'"{self.user_id}" is not a Slack user ID (expected U… or W…)')
        if self.email is not None and parse_email(self.email) != self.email:
            raise ValueError(f'"{self.email}" is not a lower-cased email address')

    @classmethod
    def user(cls, user_id: str) -> Recipient:
        return cls(user_id=user_id)

    @classmethod
    def by_email(cls, address: str) -> Recipient:
        return cls(email=parse_email(address))

    @classmethod
    def parse(cls, target: str) -> Recipient:
        """From the string form (`U…` or `email:<address>`); ValueError for anything else."""
        if target.startswith(_PREFIX):
            return cls.by_email(target[len(_PREFIX):])
        return cls.user(target)

    @classmethod
    def of(cls, user_id: str | None, email: str | None) -> Recipient | None:
        """A known Slack user, else their email (resolved at delivery); None when the email
        could never be a Slack user's."""
        if user_id:
            return cls.user(user_id)
        address = agent_key(email)
        return cls.by_email(address) if address and EMAIL.fullmatch(address) else None

    @classmethod
    def of_agent(cls, email: str | None, agents: Mapping[str, str]) -> Recipient | None:
        """A helpdesk agent: the team's `agents` map gives the Slack user, else their email."""
        return cls.of(agent_user_id(email, agents), email)

    def __str__(self) -> str:
        return self.user_id if self.user_id is not None else f"{_PREFIX}{self.email}"


def agent_key(email: str | None) -> str | None:
    """An agent's email as a team's `agents` map is keyed (trimmed, lower-cased)."""
    return email.strip().lower() if email else None


def agent_user_id(email: str | None, agents: Mapping[str, str]) -> str | None:
    """The Slack user a team's `agents` map gives for this email, if any."""
    key = agent_key(email)
    return agents.get(key) if key else None
