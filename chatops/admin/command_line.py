"""The slash command's text → one command, or a specific reason why it is not one.

Messages in `CommandError` are mrkdwn with every echoed piece of user text escaped.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from blocks.text import safe
from domain.ratings import VISIBILITIES
from domain.slack_ids import MENTION, is_user_id

MODES: tuple[str, ...] = VISIBILITIES
VERBS: tuple[str, ...] = ("help", "settings", "visibility", "leads", "review", "audit")
CHANGE_VERBS = frozenset({"visibility", "leads", "review"})  # admins only



class CommandError(ValueError):
    """Why a command line gets a warning instead of an effect (mrkdwn, user text escaped)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class ShowSettings:
    pass


@dataclass(frozen=True)
class ShowAudit:
    pass


@dataclass(frozen=True)
class SetVisibility:
    team: str
    mode: str


@dataclass(frozen=True)
class ChangeLead:
    op: Literal["add", "remove"]
    team: str
    user: str


@dataclass(frozen=True)
class PostReview:
    team: str


Command = Help | ShowSettings | ShowAudit | SetVisibility | ChangeLead | PostReview


def verb_of(text: str | None) -> str:
    """The first word, lower-cased; an empty line means `help`."""
    words = (text or "").split()
    return words[0].lower() if words else "help"


def usage(command: str) -> dict[str, str]:
    return {
        "help": f"`{command} help`",
        "settings": f"`{command} settings`",
        "visibility": f"`{command} visibility <team> <mode>`",
        "leads": f"`{command} leads add|remove <team> <@user>`",
        "review": f"`{command} review <team>`",
        "audit": f"`{command} audit`",
    }


def _quote(word: str) -> str:
    return f"`{safe(word, 80).replace('`', chr(39))}`"


def parse_user(token: str) -> str:
    """`<@U123|bob>`, `<@U123>` (what Slack sends for a picked mention) or `U123` → `U123`."""
    match = MENTION.fullmatch(token)
    if match:
        return match.group(1)
    if is_user_id(token):
        return token
    raise CommandError(
        f"{_quote(token)} is not a Slack user: type @ and pick the person from the list, so "
        "that Slack sends their user id (or give the id itself, like U012AB3CD).")


def parse(text: str | None, command: str = "/chatops") -> Command:
    words = (text or "").split()
    verb = verb_of(text)
    args = words[1:]
    use = usage(command)
    if verb not in VERBS:
        raise CommandError(f"I don't know {_quote(words[0])}. Commands: "
                           f"{', '.join(VERBS)}. See `{command} help`.")
    if verb in ("help", "settings", "audit"):
        if args:
            raise CommandError(f"`{verb}` takes nothing more. Usage: {use[verb]}")
        return Help() if verb == "help" else ShowSettings() if verb == "settings" else ShowAudit()
    if verb == "visibility":
        if len(args) != 2:
            raise CommandError(f"Usage: {use['visibility']}, mode one of {_modes()}.")
        mode = args[1].lower()
        if mode not in MODES:
            raise CommandError(f"{_quote(args[1])} is not a visibility mode. Modes: {_modes()}.")
        return SetVisibility(team=args[0], mode=mode)
    if verb == "leads":
        if len(args) != 3 or args[0].lower() not in ("add", "remove"):
            raise CommandError(f"Usage: {use['leads']}")
        op: Literal["add", "remove"] = "add" if args[0].lower() == "add" else "remove"
        return ChangeLead(op=op, team=args[1], user=parse_user(args[2]))
    if len(args) != 1:
        raise CommandError(f"Usage: {use['review']}")
    return PostReview(team=args[0])


def _modes() -> str:
    return ", ".join(f"`{m}`" for m in MODES)
