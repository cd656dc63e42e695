"""The tickets of `chatops demo` and what happens to each in the helpdesk (the panel's forms:
comment, update, rate). Ages are minutes before the demo starts."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

FIRST_MARK_IN = timedelta(seconds=40)  # one ticket crosses its first mark this long after start

# One ticket per nudge mark (most relaxed first), then the one that crosses a mark live.
SLA_SUBJECTS = (
    "Cannot log in after the password reset",
    "Checkout answers 500 for cards issued in the EU",
    "Data export stuck at 99 %",
    "API answers 429 since this morning's upgrade",
    "Two-factor codes arrive ten minutes late",
)

HOUR = 60.0
DAY = 24 * HOUR


def _agent(body: str, public: bool = True) -> dict[str, Any]:
    return {"kind": "comment", "role": "agent", "public": public, "body": body}


def _customer(body: str) -> dict[str, Any]:
    return {"kind": "comment", "role": "customer", "body": body}


def _status(status: str) -> dict[str, Any]:
    return {"kind": "update", "status": status}


def _rate(score: str, comment: str | None = None) -> dict[str, Any]:
    return {"kind": "rate", "score": score, "comment": comment}


@dataclass(frozen=True)
class DemoTicket:
    key: str
    subject: str
    priority: str
    age_minutes: float
    team: int = 0  # index in app.yaml's teams (the first when there are fewer)
    agent: int = 0  # index in the team's agents
    steps: tuple[dict[str, Any], ...] = field(default_factory=tuple)


OTHER_TICKETS = (
    DemoTicket("vat", "Invoice PDF shows the wrong VAT rate", "high", 50, agent=1, steps=(
        _agent("Thanks for the report! Which country is the invoice for?"),
        _customer("Germany. It says 16 % instead of 19 %."),
        _agent("Tax table for DE is outdated; asked finance to confirm.", public=False),
    )),
    DemoTicket("teammate", "How do I add a teammate?", "normal", 3 * HOUR, agent=1, steps=(
        _agent("Settings → Team → Invite. Anything else I can help with?"),
        _customer("Found it, thank you!"),
        _status("solved"),
        _rate("good", "Quick and clear, thanks!"),
    )),
    DemoTicket("refund", "Refund not received after 10 days", "normal", 2 * DAY, steps=(
        _customer("Any news? It has been ten days."),
        _agent("Sorry for the wait, the refund went out today."),
        _status("solved"),
        _rate("bad", "Took three days to answer and I had to ask twice."),
    )),
    DemoTicket("darkmode", "Feature request: a dark mode", "low", 5 * HOUR, agent=1, steps=(
        _agent("Noted for the product team. I'll keep this open until they answer."),
        _status("pending"),
    )),
    DemoTicket("sso", "SSO login loops on Safari", "high", 6 * HOUR, steps=(
        _customer("Still looping, any update?"),
        _customer("Hello? This blocks our whole team."),
        _agent("Clearing the site's cookies fixes it; a patch ships tomorrow."),
        _status("solved"),
        _customer("It is back after the patch."),
        _status("open"),
        _agent("Patched again, it should hold now."),
        _status("solved"),
    )),
    DemoTicket("timezone", "Reports show the wrong time zone", "normal", 3 * DAY, agent=1, steps=(
        _agent("Fixed in your workspace settings."),
        _status("closed"),
        _rate("2", "Still wrong for me."),
    )),
    DemoTicket("csv", "Export to CSV drops accents", "normal", 7 * HOUR, steps=(
        _agent("Use the UTF-8 option in the export dialog; it keeps them."),
        _status("solved"),
        _rate("4"),
    )),
    DemoTicket("charge", "Card charged twice for one order", "high", 40, team=1, steps=(
        _customer("I can see both charges on my statement."),
    )),
    DemoTicket("email", "Change the billing email", "normal", 4 * HOUR, team=1, steps=(
        _agent("Done: invoices now go to the new address."),
        _status("solved"),
        _rate("5", "Perfect, thank you."),
    )),
)
