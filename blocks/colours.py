"""The one colour map. SLA mark colours come from app.yaml; these are the rest."""
from __future__ import annotations

TICKET_OPEN = "#439FE0"      # no SLA pressure yet
TICKET_PAUSED = "#A0A0A0"    # clock stopped (pending / on hold)
TICKET_DONE = "#2EB67D"      # solved or closed with targets met
RATING_NEGATIVE = "#E01E5A"
RATING_NEUTRAL = "#ECB22E"
RATING_POSITIVE = "#2EB67D"

PRIORITY_EMOJI = {"urgent": ":red_circle:", "high": ":large_orange_circle:",
                  "normal": ":large_blue_circle:", "low": ":white_circle:"}


def ticket_colour(status: str, sla_colour: str | None) -> str:
    """Parent colour: the SLA mark's colour when one applies, else by status."""
    if sla_colour:
        return sla_colour
    if status in ("solved", "closed"):
        return TICKET_DONE
    if status in ("pending", "on_hold"):
        return TICKET_PAUSED
    return TICKET_OPEN
