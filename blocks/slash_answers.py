"""What the slash command answers after a change or a refusal, as plain data the services
return (`Reason`, `Change`, `ReviewOutcome`), and the one place that writes them as mrkdwn.
Every piece of user-typed text is escaped here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from blocks.text import safe
from domain.ratings import VISIBILITIES

VERBS: tuple[str, ...] = ("help", "settings", "visibility", "leads", "review", "audit")


def usage(command: str) -> dict[str, str]:
    """How each verb is written, e.g. `/chatops visibility <team> <mode>`."""
    return {
        "help": f"`{command} help`",
        "settings": f"`{command} settings`",
        "visibility": f"`{command} visibility <team> <mode>`",
        "leads": f"`{command} leads add|remove <team> <@user>`",
        "review": f"`{command} review <team>`",
        "audit": f"`{command} audit`",
    }


# -- why a line does nothing -----------------------------------------------------------
@dataclass(frozen=True)
class UnknownVerb:
    word: str


@dataclass(frozen=True)
class TakesNothing:
    verb: str


@dataclass(frozen=True)
class Usage:
    verb: str


@dataclass(frozen=True)
class NotAMode:
    word: str


@dataclass(frozen=True)
class NotAUser:
    token: str


@dataclass(frozen=True)
class NoSuchTeam:
    name: str
    teams: tuple[str, ...]


@dataclass(frozen=True)
class NotALead:
    user: str
    team: str
    leads: tuple[str, ...]


@dataclass(frozen=True)
class LastLead:
    user: str
    team: str


@dataclass(frozen=True)
class Busy:
    """Other admins' changes kept this one from being stored."""


@dataclass(frozen=True)
class ReviewFailed:
    """The weekly review could not be written (it is all or nothing: nothing was)."""

    team: str


Reason = (UnknownVerb | TakesNothing | Usage | NotAMode | NotAUser | NoSuchTeam | NotALead
          | LastLead | Busy | ReviewFailed)


# -- what a change did -------------------------------------------------------------------
@dataclass(frozen=True)
class VisibilityChange:
    team: str
    old: str
    new: str


@dataclass(frozen=True)
class LeadChange:
    op: Literal["add", "remove"]
    user: str
    team: str
    leads: tuple[str, ...]  # after the change
    changed: bool


Change = VisibilityChange | LeadChange


@dataclass(frozen=True)
class ReviewOutcome:
    """What `review <team>` did: posted the team's weekly review now, as this ISO week's
    review, or as an extra one when this week's was posted already."""

    team: str
    iso_week: str
    extra: bool


def _quote(word: str) -> str:
    return f"`{safe(word, 80).replace('`', chr(39))}`"


def _modes() -> str:
    return ", ".join(f"`{m}`" for m in VISIBILITIES)


def _team(name: str) -> str:
    return f"*{safe(name, 80)}*"


def _mentions(users: tuple[str, ...]) -> str:
    return ", ".join(f"<@{u}>" for u in users) or "_none_"


def refusal_text(reason: Reason, command: str) -> str:
    """Why nothing happened, as the `:warning:` answer says it."""
    use = usage(command)
    match reason:
        case UnknownVerb(word):
            text = f"I don't know {_quote(word)}. Commands: {', '.join(VERBS)}. See `{command} help`."
        case TakesNothing(verb):
            text = f"`{verb}` takes nothing more. Usage: {use[verb]}"
        case Usage("visibility"):
            text = f"Usage: {use['visibility']}, mode one of {_modes()}."
        case Usage(verb):
            text = f"Usage: {use[verb]}"
        case NotAMode(word):
            text = f"{_quote(word)} is not a visibility mode. Modes: {_modes()}."
        case NotAUser(token):
            text = (f"{_quote(token)} is not a Slack user: type @ and pick the person from the list, so "
                    "that Slack sends their user id (or give the id itself, like U012AB3CD).")
        case NoSuchTeam(name, teams):
            names = ", ".join(f"`{safe(t, 80)}`" for t in teams[:30])
            text = f"There is no team `{safe(name, 80)}`. Teams: {names}."
        case NotALead(user, team, leads):
            text = f"<@{user}> is not a lead of {_team(team)}, so cannot be removed. Leads: {_mentions(leads)}."
        case LastLead(user, team):
            text = (f"<@{user}> is the last lead of {_team(team)}: without a lead its ratings "
                    "would reach nobody. Add another lead first.")
        case Busy():
            text = "Too many changes at once; nothing changed. Please try again."
        case ReviewFailed(team):
            text = (f"The weekly review of {_team(team)} could not be posted; nothing was sent. "
                    "The error is in the app's log. Please try again.")
    return f":warning: {text}"


def change_text(change: Change) -> str:
    match change:
        case VisibilityChange(team, old, new) if old == new:
            return f"Rating visibility of {_team(team)} is already `{new}`; nothing changed."
        case VisibilityChange(team, old, new):
            return f":white_check_mark: Rating visibility of {_team(team)}: `{old}` → `{new}`."
        case LeadChange("add", user, team, _, False):
            return f"<@{user}> is already a lead of {_team(team)}; nothing changed."
        case LeadChange(op, user, team, leads, _):
            verb = "added to" if op == "add" else "removed from"
            return (f":white_check_mark: <@{user}> {verb} the leads of {_team(team)}. "
                    f"Leads now: {_mentions(leads)}.")
    raise AssertionError(change)


def review_text(outcome: ReviewOutcome) -> str:
    extra = (f" This week's review ({outcome.iso_week}) was posted already: this is one more."
             if outcome.extra else f" It counts as this week's ({outcome.iso_week}).")
    return (f":white_check_mark: Posted the weekly review of {_team(outcome.team)}: the 7 days "
            f"until now, in its channel, with the leads' and each agent's DMs.{extra}")
