"""Answers of the slash command (sent as the ephemeral ack): help, settings, audit, notices."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from blocks.dates import slack_date
from blocks.slash_answers import usage
from blocks.text import SECTION_TEXT_MAX, safe
from domain.ratings import VISIBILITIES
from domain.slack_ids import is_user_id

Message = dict[str, Any]

MAX_TEAMS = 45  # + header and footer: under Slack's 50 blocks
SETTING_NAMES = {"rating_visibility": "rating visibility", "leads": "leads"}


@dataclass(frozen=True)
class Origin:
    """Where a setting's value comes from: app.yaml (no one), or an admin's change."""

    changed_by: str | None = None
    changed_at: datetime | None = None


@dataclass(frozen=True)
class TeamSettingsView:
    name: str
    channel: str
    visibility: str
    leads: list[str]
    visibility_origin: Origin = field(default_factory=Origin)
    leads_origin: Origin = field(default_factory=Origin)


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str
    team: str
    setting: str
    old: Any
    new: Any


def user(uid: str) -> str:
    return f"<@{uid}>" if is_user_id(uid) else safe(uid, 40)


def users(uids: list[str]) -> str:
    return ", ".join(user(u) for u in uids) or "_none_"


def _section(text: str) -> dict[str, Any]:
    if len(text) > SECTION_TEXT_MAX:
        text = text[: SECTION_TEXT_MAX - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:SECTION_TEXT_MAX]}]}


def notice(text: str) -> Message:
    """A one-paragraph answer (`text` is mrkdwn, outside text already escaped)."""
    section = _section(text)
    return {"text": section["text"]["text"], "blocks": [section]}


def refusal(verb: str, command: str, admins: list[str]) -> Message:
    who = f" Ask an admin: {users(admins)}." if admins else " No admin is configured in app.yaml."
    return notice(f":no_entry: Only admins can use `{command} {safe(verb, 40)}`; nothing "
                  f"changed.{who}")


def help_message(command: str) -> Message:
    use = usage(command)
    lines = [
        f"{use['help']} – this help",
        f"{use['settings']} – each team's settings and where they come from",
        f"{use['audit']} – the latest settings changes",
        f"{use['visibility']} – what agents see of their ratings (admins); modes: "
        + ", ".join(f"`{m}`" for m in VISIBILITIES),
        f"{use['leads']} – who gets the team's ratings (admins)",
        f"{use['review']} – post the team's weekly review now (admins)",
    ]
    return {"text": f"{command}: help",
            "blocks": [_section(f"*{command}* – support ChatOps settings"),
                       _section("\n".join(f"• {line}" for line in lines)),
                       _context("Settings changed here are kept in the database and take "
                                "precedence over app.yaml.")]}


def _origin(origin: Origin) -> str:
    if origin.changed_by is None or origin.changed_at is None:
        return "_from app.yaml_"
    return f"_changed by {user(origin.changed_by)} {slack_date(origin.changed_at)}_"


def settings_message(teams: list[TeamSettingsView], admins: list[str]) -> Message:
    blocks: list[dict[str, Any]] = [_section(":gear: *Effective settings*")]
    for team in teams[:MAX_TEAMS]:
        blocks.append(_section(
            f"*{safe(team.name, 200)}* · channel <#{safe(team.channel, 40)}>\n"
            f"Rating visibility: `{safe(team.visibility, 40)}` {_origin(team.visibility_origin)}\n"
            f"Leads: {users(team.leads)} {_origin(team.leads_origin)}"))
    footer = f"Admins (app.yaml): {users(admins)}"
    if len(teams) > MAX_TEAMS:
        footer = f"… and {len(teams) - MAX_TEAMS} more teams. " + footer
    blocks.append(_context(footer))
    return {"text": "Effective settings", "blocks": blocks}


def _value(value: Any) -> str:
    if isinstance(value, list):
        return users([str(v) for v in value])
    return f"`{safe(str(value), 80)}`"


def audit_message(lines: list[AuditLine]) -> Message:
    if not lines:
        return notice(":scroll: No settings have been changed yet: everything is as in app.yaml.")
    blocks = [_section(f":scroll: *Latest settings changes* (newest first, {len(lines)})")]
    for line in lines[:MAX_TEAMS]:
        name = SETTING_NAMES.get(line.setting, safe(line.setting, 40))
        blocks.append(_section(
            f"{slack_date(line.at)} · {user(line.actor)} · *{safe(line.team, 200)}* {name}: "
            f"{_value(line.old)} → {_value(line.new)}"))
    return {"text": "Latest settings changes", "blocks": blocks}
