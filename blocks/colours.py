"""The one colour map. A configured SLA mark may use any colour (app.yaml); its defaults are here."""
from __future__ import annotations

from domain.tickets import DONE_STATUSES, PAUSED_STATUSES

GREEN = "#2EB67D"
YELLOW = "#ECB22E"
RED = "#E01E5A"
DARK_RED = "#8B0000"
BLUE = "#439FE0"
GREY = "#A0A0A0"

# app.yaml's default `sla.nudges` colours, most relaxed mark first (50 %, 25 %, 10 %, breached)
DEFAULT_MARK_COLOURS = (GREEN, YELLOW, RED, DARK_RED)
TICKET_OPEN = BLUE      # no SLA pressure yet
TICKET_PAUSED = GREY    # clock stopped (pending / on hold)
TICKET_DONE = GREEN     # solved or closed with targets met
RATING_NEGATIVE = RED
RATING_NEUTRAL = YELLOW
RATING_POSITIVE = GREEN

PRIORITY_EMOJI = {"urgent": ":red_circle:", "high": ":large_orange_circle:",
                  "normal": ":large_blue_circle:", "low": ":white_circle:"}


def ticket_colour(status: str, sla_colour: str | None) -> str:
    """Parent colour: the SLA mark's colour when one applies, else by status."""
    if sla_colour:
        return sla_colour
    if status in DONE_STATUSES:
        return TICKET_DONE
    if status in PAUSED_STATUSES:
        return TICKET_PAUSED
    return TICKET_OPEN


# Adaptive Card container styles (Teams): the nearest named style to a "#RRGGBB" colour.
TEAMS_STYLES = {GREEN: "good", YELLOW: "warning", RED: "attention", DARK_RED: "attention",
                BLUE: "accent", GREY: "emphasis"}


def teams_style(colour: str) -> str:
    """`good`, `warning`, `attention`, `accent` or `emphasis` for any hex colour, by hue."""
    known = TEAMS_STYLES.get(colour.upper())
    if known:
        return known
    import colorsys

    red, green, blue = (int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    if saturation < 0.2 or lightness < 0.08 or lightness > 0.95:
        return "emphasis"
    degrees = hue * 360
    if degrees < 20 or degrees >= 300:
        return "attention"
    if degrees < 70:
        return "warning"
    if degrees < 170:
        return "good"
    return "accent"
