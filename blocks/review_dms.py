"""The weekly review's DMs: the leads' per-agent breakdown, and each agent's own week (their
figures only; under `after_review`, their ratings with comments, released here)."""
from __future__ import annotations

from typing import Any

from blocks.dates import slack_date
from blocks.people import mention
from blocks.ratings import RatingView, score_label
from blocks.review_format import NONE, percent, week_range
from blocks.review_views import AgentWeek, RatingCounts, ReviewHeader, TargetWeek
from blocks.sla import TARGET_LABEL
from blocks.text import SECTION_TEXT_MAX, safe

Message = dict[str, Any]

MAX_AGENTS = 44  # one section each, under Slack's 50 blocks with the header and notes
MAX_LINES = 20  # QA reviews or open appeals listed in an agent's DM
MAX_RATINGS = 35  # released ratings listed in an agent's DM


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_TEXT_MAX]}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _target(label: str, t: TargetWeek) -> str:
    breaches = f"{t.breaches} breach{'es' if t.breaches != 1 else ''}"
    if not t.met:
        return f"{label}: none met, {breaches}"
    return f"{label}: {t.on_time} of {t.met} met on time ({percent(t.met_share)}), {breaches}"


def _sla(week: AgentWeek) -> str:
    return " · ".join(_target(TARGET_LABEL[k], week.targets[k]) for k in TARGET_LABEL)


def _ratings(r: RatingCounts) -> str:
    if not r.total:
        return "no ratings"
    return (f"{r.total} rating{'s' if r.total != 1 else ''}, {percent(r.good_share)} good, "
            f"{r.negative} negative ({r.followed_up} followed up)")


def _qa(week: AgentWeek) -> str:
    qa = week.qa_counts
    if not qa.reviews:
        return "no reviews"
    average = NONE if qa.average is None else f"{qa.average:.0f}"
    return f"{qa.reviews} review{'s' if qa.reviews != 1 else ''}, average {average}, {percent(qa.pass_rate)} passed"


def leads_breakdown(header: ReviewHeader, agents: list[AgentWeek]) -> Message:
    """Every agent's week, one section each, for the team's leads."""
    blocks: list[dict[str, Any]] = [
        _section(f":bar_chart: *Weekly review · {safe(header.team, 200)}: the week per agent*"),
        _context(f"The 7 days {safe(week_range(header.start, header.end, header.timezone), 200)}. "
                 "Only the team's leads get this breakdown."),
    ]
    for week in agents[:MAX_AGENTS]:
        blocks.append(_section(
            f"*{mention(week.person)}*\n:stopwatch: {_sla(week)}\n"
            f":speech_balloon: {_ratings(week.ratings)}\n:mag: QA: {_qa(week)}\n"
            f":scales: Appeals: {week.appeals_opened} opened this week, "
            f"{len(week.open_appeals)} open"))
    if len(agents) > MAX_AGENTS:
        blocks.append(_context(f"… and {len(agents) - MAX_AGENTS} more agents"))
    if not agents:
        blocks.append(_section("No agent had tickets, ratings or QA reviews this week."))
    return {"text": f"Weekly review of {safe(header.team, 200)}: the week per agent",
            "blocks": blocks, "unfurl_links": False, "unfurl_media": False}


def _ticket(ticket_id: str, subject: str) -> str:
    return f"#{safe(ticket_id, 200)} {safe(subject, 300)}"


def _listed(lines: list[str], more: int) -> str:
    return "".join(f"\n{line}" for line in lines + ([f"… and {more} more"] if more > 0 else []))


def own_week(header: ReviewHeader, week: AgentWeek, with_ratings: bool) -> Message:
    """An agent's private DM of their own week."""
    blocks: list[dict[str, Any]] = [
        _section(f":bar_chart: *Your week in {safe(header.team, 200)}'s weekly review*"),
        _context(f"The 7 days {safe(week_range(header.start, header.end, header.timezone), 200)}. "
                 "Only you get this message."),
        _section("*SLA*\n" + "\n".join(_target(TARGET_LABEL[k], week.targets[k]) for k in TARGET_LABEL)),
    ]
    qa = [f"{_ticket(q.ticket_id, q.subject)}: {q.score} "
          f"{':white_check_mark: passed' if q.passed else ':x: not passed'}"
          for q in week.qa[:MAX_LINES]]
    blocks.append(_section(f"*QA reviews* ({_qa(week)})" + _listed(qa, len(week.qa) - MAX_LINES)))
    appeals = [f"{_ticket(a.ticket_id, a.subject)}: appealed {slack_date(a.opened_at, header.timezone)}"
               for a in week.open_appeals[:MAX_LINES]]
    blocks.append(_section("*Open appeals*" + (_listed(appeals, len(week.open_appeals) - MAX_LINES)
                                               or "\nnone")))
    if with_ratings:
        blocks += _released(list(week.released))
    return {"text": f"Your week in {safe(header.team, 200)}'s weekly review", "blocks": blocks,
            "unfurl_links": False, "unfurl_media": False}


def _released(cards: list[RatingView]) -> list[dict[str, Any]]:
    """Their customer ratings kept since the last review (`after_review`), with comments."""
    if not cards:
        return [_section("*Your customer ratings since the last review*\nnone")]
    blocks = [_section(f"*Your customer ratings since the last review* ({len(cards)})")]
    for card in cards[:MAX_RATINGS]:
        comment = safe(card.comment, 2000) if card.comment else "_No comment_"
        blocks.append(_section(f"{score_label(card.score)} · {_ticket(card.ticket_id, card.subject)}"
                               f"\n{comment}"))
    if len(cards) > MAX_RATINGS:
        blocks.append(_context(f"… and {len(cards) - MAX_RATINGS} more"))
    return blocks
