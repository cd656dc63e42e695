"""The slash command's text → one command, or a specific reason why it is not one (plain
data: `blocks.slash_answers` writes it)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from blocks.slash_answers import VERBS, NotAMode, NotAUser, Reason, TakesNothing, UnknownVerb, Usage
from domain.ratings import VISIBILITIES
from domain.slack_ids import MENTION, is_user_id

CHANGE_VERBS = frozenset({"visibility", "leads", "review"})  # admins only



class CommandError(ValueError):
    """Why a command line gets a warning instead of an effect."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(repr(reason))
        self.reason = reason


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


def parse_user(token: str) -> str:
    """`<@U123|bob>`, `<@U123>` (what Slack sends for a picked mention) or `U123` → `U123`."""
    match = MENTION.fullmatch(token)
    if match:
        return match.group(1)
    if is_user_id(token):
        return token
    raise CommandError(NotAUser(token))


def parse(text: str | None) -> Command:
    words = (text or "").split()
    verb = verb_of(text)
    args = words[1:]
    if verb not in VERBS:
        raise CommandError(UnknownVerb(words[0]))
    if verb in ("help", "settings", "audit"):
        if args:
            raise CommandError(TakesNothing(verb))
        return Help() if verb == "help" else ShowSettings() if verb == "settings" else ShowAudit()
    if verb == "visibility":
        if len(args) != 2:
            raise CommandError(Usage(verb))
        mode = args[1].lower()
        if mode not in VISIBILITIES:
            raise CommandError(NotAMode(args[1]))
        return SetVisibility(team=args[0], mode=mode)
    if verb == "leads":
        if len(args) != 3 or args[0].lower() not in ("add", "remove"):
            raise CommandError(Usage(verb))
        op: Literal["add", "remove"] = "add" if args[0].lower() == "add" else "remove"
        return ChangeLead(op=op, team=args[1], user=parse_user(args[2]))
    if len(args) != 1:
        raise CommandError(Usage(verb))
    return PostReview(team=args[0])
