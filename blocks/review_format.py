"""The weekly review's figures as words: `87 %`, `15 (▲ 3 from 12)`, and the summary's
labelled lines, shared by the Slack parent and the Teams card (plain text: each renderer
adds its own emphasis)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from blocks.dates import human_duration
from blocks.ratings import score_label
from blocks.review_views import RatingCounts, ReviewFigures, WeekFigures
from blocks.sla import TARGET_LABEL

NONE = "—"
SCORE_ORDER = ("good", "neutral", "bad", "5", "4", "3", "2", "1")
Line = tuple[str, str]  # (label, value)


def percent(value: float | None) -> str:
    return NONE if value is None else f"{round(value * 100)} %"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def count_change(now: int, before: int) -> str:
    """`15 (▲ 3 from 12)`, `12 (same as the week before)`."""
    if now == before:
        return f"{now} (same as the week before)"
    arrow = "▲" if now > before else "▼"
    return f"{now} ({arrow} {abs(now - before)} from {before})"


def share_change(now: float | None, before: float | None, of: str = "") -> str:
    """`87 % (▼ 5 pp from 92 %)`; a share with nothing to compare says so."""
    text = percent(now) + of
    if now is None:
        return text
    if before is None:
        return f"{text} (none the week before)"
    points = round(now * 100) - round(before * 100)
    if points == 0:
        return f"{text} (same as the week before)"
    return f"{text} ({'▲' if points > 0 else '▼'} {abs(points)} pp from {percent(before)})"


def average_change(now: float | None, before: float | None) -> str:
    if now is None:
        return NONE
    if before is None:
        return f"{_number(round(now, 1))} (none the week before)"
    delta = round(now, 1) - round(before, 1)
    if abs(delta) < 0.05:
        return f"{_number(round(now, 1))} (same as the week before)"
    return (f"{_number(round(now, 1))} ({'▲' if delta > 0 else '▼'} {_number(round(abs(delta), 1))} "
            f"from {_number(round(before, 1))})")


def duration(seconds: float | None) -> str:
    return NONE if seconds is None else human_duration(timedelta(seconds=round(seconds)))


def week_range(start: datetime, end: datetime, timezone: str) -> str:
    """`Mon 23 Nov 10:00 – Mon 30 Nov 10:00 CET`, in the team's time zone."""
    zone = ZoneInfo(timezone)
    a, b = start.astimezone(zone), end.astimezone(zone)
    return f"{a:%a %d %b %H:%M} – {b:%a %d %b %Y %H:%M} {b.tzname() or timezone}"


def by_score(ratings: RatingCounts, label: Callable[[str], str] = score_label) -> str:
    """`good: 10 · neutral: 2 · bad: 3` (stars for 1–5), most favourable first."""
    known = [s for s in SCORE_ORDER if ratings.by_score.get(s)]
    known += sorted(s for s in ratings.by_score if s not in SCORE_ORDER and ratings.by_score[s])
    return " · ".join(f"{label(s)}: {ratings.by_score[s]}" for s in known) or "no ratings"


def follow_ups(week: WeekFigures) -> str:
    r = week.ratings
    if not r.negative:
        return "no negative ratings"
    text = f"{r.followed_up} of {r.negative}"
    if week.follow_up_median_s is not None:
        text += f", median {duration(week.follow_up_median_s)} after the rating"
    return text


def summary_lines(figures: ReviewFigures,
                  score_label: Callable[[str], str] = score_label) -> list[list[Line]]:
    """The headline figures in groups (tickets, SLA, ratings, QA and appeals), each value
    with its change against the week before."""
    w, b = figures.week, figures.before
    sla: list[Line] = []
    for target, label in TARGET_LABEL.items():
        now, then = w.targets[target], b.targets[target]
        sla.append((f"{label} met on time",
                    share_change(now.met_share, then.met_share, f" of {now.met}" if now.met else "")))
        sla.append((f"{label} breaches", count_change(now.breaches, then.breaches)))
    sla.append(("Median first response (working time)",
                f"{duration(w.first_response_median_s)} (week before: {duration(b.first_response_median_s)})"))
    ratings: list[Line] = [
        ("Ratings", count_change(w.ratings.total, b.ratings.total)),
        ("Good", share_change(w.ratings.good_share, b.ratings.good_share)),
        ("By score", by_score(w.ratings, score_label)),
        ("Negative", count_change(w.ratings.negative, b.ratings.negative)),
        ("Negative followed up", follow_ups(w)),
    ]
    if w.qa.reviews:
        qa: list[Line] = [("QA reviews", count_change(w.qa.reviews, b.qa.reviews)),
                          ("QA average score", average_change(w.qa.average, b.qa.average)),
                          ("QA pass rate", share_change(w.qa.pass_rate, b.qa.pass_rate))]
    else:
        qa = [("QA reviews", "no reviews"), ("QA average score", "no reviews"),
              ("QA pass rate", "no reviews")]
    decided = w.appeals_accepted + w.appeals_rejected
    qa.append(("Appeals", f"{w.appeals_opened} opened, {decided} decided "
                          f"({w.appeals_accepted} accepted, {w.appeals_rejected} rejected)"))
    return [[("Tickets opened", count_change(w.opened, b.opened)),
             ("Tickets solved", count_change(w.solved, b.solved))], sla, ratings, qa]
