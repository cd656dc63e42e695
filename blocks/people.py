"""How a person is written in a message: a mention when known, a placeholder, or a name."""
from __future__ import annotations

from dataclasses import dataclass

from blocks.text import safe, user_token


@dataclass(frozen=True)
class PersonView:
    name: str
    email: str | None = None
    user_id: str | None = None  # known Slack user (e.g. from the team's `agents` map)


def mention(person: PersonView | None, *, nobody: str = "_unassigned_") -> str:
    """`<@U…>` if known; a token the worker resolves by email; else the escaped name."""
    if person is None:
        return nobody
    name = safe(person.name, 200) or "someone"
    if person.user_id:
        return f"<@{person.user_id}>"
    if person.email:
        return user_token(person.email, name)
    return name
