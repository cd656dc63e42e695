"""How a person is written in a message: a mention when known, a placeholder, or a name."""
from __future__ import annotations

from dataclasses import dataclass

from blocks.text import name_token, safe, user_token


@dataclass(frozen=True)
class PersonView:
    name: str
    email: str | None = None
    user_id: str | None = None  # known Slack user (e.g. from the team's `agents` map)
    # The helpdesk's own id (`zendesk:123`): delivery may find their email and name through
    # the helpdesk's API. A person known by nothing else has it as their name too.
    ref: str | None = None


def mention(person: PersonView | None, *, nobody: str = "_unassigned_") -> str:
    """`<@U…>` if known; a token the worker resolves by email; else the escaped name."""
    if person is None:
        return nobody
    name = safe(person.name, 200) or "someone"
    if person.user_id:
        return f"<@{person.user_id}>"
    if person.email:
        return user_token(person.email, name)
    if person.ref:
        return user_token(person.ref, name)
    return name


def name_of(person: PersonView, limit: int = 200) -> str:
    """The person's name, escaped, never a mention; one known only by their helpdesk id
    shows the id until delivery finds their name."""
    name = safe(person.name, limit)
    if person.ref and person.name == person.ref:
        return name_token(person.ref, name)
    return name
