"""The sandbox's fake Slack workspace, made from app.yaml: each team's channel, and as users
its leads, its agents (named from their email), the admins and the QA reviewers, each with a
readable name and what they are. Plain data, dumped to JSON for the app process and the page."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from chatops.config import AppConfig
from chatops.manifest import manifest

WORKSPACE_NAME = "Sandbox"


@dataclass
class User:
    id: str
    name: str
    roles: list[str] = field(default_factory=list)  # "lead of support", "agent of billing", …
    email: str | None = None


@dataclass(frozen=True)
class Channel:
    id: str
    name: str  # shown as #name: the team's name
    teams: tuple[str, ...]


@dataclass(frozen=True)
class TeamDesk:
    """What the helpdesk panel offers for one team."""

    name: str
    channel: str
    agents: dict[str, str]  # email -> the agent's readable name
    teams_webhook_env: str | None


@dataclass(frozen=True)
class Workspace:
    users: list[User]
    channels: list[Channel]
    teams: list[TeamDesk]
    slash_command: str
    shortcuts: list[dict[str, str]]  # message shortcuts: callback_id, name
    name: str = WORKSPACE_NAME

    def user(self, user_id: str) -> User | None:
        return next((u for u in self.users if u.id == user_id), None)

    def channel(self, channel_id: str) -> Channel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def emails(self) -> dict[str, str]:
        """email -> user id: what the fake's users.lookupByEmail knows."""
        return {u.email: u.id for u in self.users if u.email}

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Workspace:
        return cls(users=[User(**u) for u in data["users"]],
                   channels=[Channel(c["id"], c["name"], tuple(c["teams"])) for c in data["channels"]],
                   teams=[TeamDesk(**t) for t in data["teams"]],
                   slash_command=data["slash_command"], shortcuts=list(data["shortcuts"]),
                   name=data.get("name", WORKSPACE_NAME))


def name_from_email(email: str) -> str:
    """`ann.smith@example.com` -> `Ann Smith`."""
    local = email.split("@", 1)[0]
    words = [w for w in re.split(r"[._+\-]+", local) if w]
    return " ".join(w[:1].upper() + w[1:] for w in words) or email


def workspace_from_config(config: AppConfig) -> Workspace:
    users: dict[str, User] = {}

    def add(user_id: str, role: str, name: str, email: str | None = None) -> None:
        user = users.setdefault(user_id, User(user_id, name, email=email))
        if email and not user.email:  # an agent's email names them better than a role
            user.email, user.name = email, name
        if role not in user.roles:
            user.roles.append(role)

    for team in config.teams:
        for email, user_id in team.agents.items():
            add(user_id, f"agent of {team.name}", name_from_email(email), email)
    for team in config.teams:
        for n, user_id in enumerate(team.leads, start=1):
            suffix = f" {n}" if len(team.leads) > 1 else ""
            add(user_id, f"lead of {team.name}", f"{team.name.capitalize()} Lead{suffix}")
    for n, user_id in enumerate(config.qa.reviewers, start=1):
        add(user_id, "QA reviewer", "QA Reviewer" + (f" {n}" if len(config.qa.reviewers) > 1 else ""))
    for n, user_id in enumerate(config.admins, start=1):
        add(user_id, "admin", "Admin" + (f" {n}" if len(config.admins) > 1 else ""))

    channels: dict[str, list[str]] = {}
    for team in config.teams:
        channels.setdefault(team.channel, []).append(team.name)
    shortcuts = [{"callback_id": s["callback_id"], "name": s["name"]}
                 for s in manifest(config, "http://sandbox.invalid")["features"]["shortcuts"]
                 if s.get("type") == "message"]
    return Workspace(
        users=list(users.values()),
        channels=[Channel(cid, "-".join(names), tuple(names)) for cid, names in channels.items()],
        teams=[TeamDesk(t.name, t.channel, {e: name_from_email(e) for e in t.agents},
                        t.teams_webhook_env) for t in config.teams],
        slash_command=config.slash_command, shortcuts=shortcuts)
