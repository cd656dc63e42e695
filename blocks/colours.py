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


# Adaptive Card container styles (Teams): the nearest named style to a "#RRGGBB" colour.
TEAMS_STYLES = {"#2EB67D": "good", "#ECB22E": "warning", "#E01E5A": "attention",
                "#8B0000": "attention", TICKET_OPEN: "accent", TICKET_PAUSED: "emphasis"}


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
