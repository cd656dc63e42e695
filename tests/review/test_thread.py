"""The weekly review in the team channel and on Teams, as the fake Slack received it: the
parent's figures, the thread (each negative rating, then the chart's upload), who is named."""
from __future__ import annotations

import io
import json
from typing import Any

import pytest
from PIL import Image

from tests.review.support import AGENT_NAMES, harness_with_week

OPENED_BLUE = (0x1F, 0x6F, 0xD1)
PREVIEW_WIDTH = 480  # about how wide Slack shows an image in a thread


def post_and_deliver(app: Any, **kwargs: Any) -> Any:
    result = app.rt.reviews.post("support", **kwargs)
    assert app.deliver(max_seconds=60) == 0
    return result


def review_thread(app: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    [parent] = [m for m in app.fake.messages("C0SUPPORT") if not m["thread_ts"]]
    return parent, app.fake.thread("C0SUPPORT", parent["ts"])


def text_of(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False)


def test_the_parent_shows_the_weeks_figures_with_their_change(make_harness: Any) -> None:
    app = harness_with_week(make_harness)
    result = post_and_deliver(app)
    assert result.posted and result.iso_week == "2026-W49"
    parent, _ = review_thread(app)
    fields = {f["text"].split("\n", 1)[0].strip("*"): f["text"].split("\n", 1)[1]
              for b in parent["blocks"] if b["type"] == "section" for f in b.get("fields", [])}
    assert fields["Tickets opened"] == "4 (▲ 2 from 2)"
    assert fields["Tickets solved"] == "3 (▲ 2 from 1)"
    assert fields["First response met on time"] == "67 % of 3 (▲ 17 pp from 50 %)"
    assert fields["First response breaches"] == "2 (▲ 1 from 1)"
    assert fields["Resolution met on time"] == "50 % of 2 (▼ 50 pp from 100 %)"
    assert fields["Resolution breaches"] == "1 (▲ 1 from 0)"
    assert fields["Median first response (working time)"] == "30 min (week before: 35 min)"
    assert fields["Ratings"] == "6 (▲ 4 from 2)"
    assert fields["Good"] == "33 % (▼ 17 pp from 50 %)"
    assert fields["Negative"] == "3 (▲ 2 from 1)"
    assert fields["Negative followed up"] == "2 of 3, median 1 h 15 min after the rating"
    assert fields["QA reviews"] == "3 (▲ 2 from 1)"
    assert fields["QA average score"] == "86.7 (▲ 6.7 from 80)"
    assert fields["QA pass rate"] == "67 % (▼ 33 pp from 100 %)"
    assert fields["Appeals"] == "2 opened, 2 decided (1 accepted, 1 rejected)"
    by_score = fields["By score"]
    for label in ("good: 1", "neutral: 1", "bad: 1", "5/5: 1", "2/5: 1", "1/5: 1"):
        assert label in by_score, by_score
    assert "Mon 23 Nov 10:00 – Mon 30 Nov 2026 10:00 CET" in text_of(parent)


def test_the_thread_lists_each_negative_rating_then_the_chart(make_harness: Any) -> None:
    app = harness_with_week(make_harness)
    post_and_deliver(app)
    parent, replies = review_thread(app)
    *ratings, chart = replies
    assert [r["text"] for r in ratings] == [
        "Negative rating :disappointed: bad on ticket #T2",
        "Negative rating ★★☆☆☆ 2/5 on ticket #T3",
        "Negative rating ★☆☆☆☆ 1/5 on ticket #T4"]
    for reply, comment, subject, followed in (
            (ratings[0], "Nobody answered for hours", "Cannot log in", True),
            (ratings[1], "Wrong fix twice", "Invoice wrong", True),
            (ratings[2], "Still broken after update", "App crashes", False)):
        text = text_of(reply)
        assert comment in text and subject in text
        assert ("Followed up" in text) is followed and ("Not followed up yet" in text) is not followed
        [button] = [e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert button["url"].startswith("https://helpdesk.example.com/tickets/T")
    everything = text_of(parent) + "".join(text_of(r) for r in replies)
    for outside in ("Last week complaint", "Too late to count", "Other team rant", "Quick and kind"):
        assert outside not in everything          # not negative, or not this team's week
    assert chart["files"][0]["name"] == "weekly-review-support-2026-W49.png"
    assert not any(m["reply_broadcast"] for m in replies)


def test_the_chart_is_uploaded_into_the_thread_with_slacks_current_flow(make_harness: Any) -> None:
    app = harness_with_week(make_harness)
    post_and_deliver(app)
    parent, _ = review_thread(app)
    steps = [c for c in app.fake.calls if c.method.startswith(("files.", "upload:"))]
    assert [c.method.split(":")[0] for c in steps] == [
        "files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    get_url, upload, complete = steps
    [file] = app.fake.uploads()
    assert upload.method == f"upload:{file['id']}" and upload.ok
    assert int(get_url.args["length"]) == upload.args["length"] == len(file["content"])
    assert get_url.args["filename"].endswith(".png")
    assert complete.args["channel_id"] == "C0SUPPORT" and complete.args["thread_ts"] == parent["ts"]
    assert json.loads(complete.args["files"])[0]["id"] == file["id"]
    assert not app.fake.calls_to("files.upload", ok_only=False)      # the retired method

    image = Image.open(io.BytesIO(file["content"]))
    assert image.format == "PNG" and image.size == (1200, 675)
    preview = image.convert("RGB").resize((PREVIEW_WIDTH, PREVIEW_WIDTH * 675 // 1200))
    bars = _bar_columns(preview, OPENED_BLUE)
    # Opened per day: 2, 1, 0, 0, 0, 0, 1 → three bars, still apart and in proportion at
    # preview size (the first twice as tall as the second and the last).
    assert len(bars) == 3, bars
    (_, first), (_, second), (_, last) = bars
    assert second >= 10 and abs(first / second - 2) < 0.25 and abs(first / last - 2) < 0.25


def _bar_columns(image: Image.Image, colour: tuple[int, int, int]) -> list[tuple[int, int]]:
    """(start x, height) of each run of columns in the tickets panel (left third, below the
    legends) holding `colour`."""
    width, height = image.size
    pixels = image.load()
    assert pixels is not None

    def near(p: Any) -> bool:
        return all(abs(a - b) <= 40 for a, b in zip(p, colour))

    top, bottom = height // 4, height
    counts = [sum(near(pixels[x, y]) for y in range(top, bottom)) for x in range(width // 3)]
    runs: list[tuple[int, int]] = []
    start = None
    for x, n in enumerate(counts + [0]):
        if n >= 3 and start is None:
            start = x
        elif n < 3 and start is not None:
            runs.append((start, max(counts[start:x])))
            start = None
    return runs


@pytest.mark.parametrize("per_agent", [False, True])
def test_agents_are_named_in_the_thread_only_with_per_agent(make_harness: Any,
                                                            per_agent: bool) -> None:
    app = harness_with_week(make_harness, per_agent=per_agent)
    post_and_deliver(app)
    parent, replies = review_thread(app)
    channel = text_of(parent) + "".join(text_of(r) for r in replies)
    teams = json.dumps(app.fake.teams_posts("support"), ensure_ascii=False)
    assert "<@" not in channel and "chatops-user" not in channel   # never a mention
    for name in AGENT_NAMES:
        assert name not in teams
        if not per_agent:
            assert name not in channel
    if per_agent:
        assert "Bob Agent" in text_of(replies[0]) and "Carol Agent" in text_of(replies[1])


def test_teams_gets_the_summary_without_comments(make_harness: Any) -> None:
    app = harness_with_week(make_harness)
    post_and_deliver(app)
    [card] = app.fake.teams_posts("support")
    text = json.dumps(card, ensure_ascii=False)
    assert "Weekly review · support" in text and "Tickets opened**: 4" in text
    assert "QA pass rate**: 67 %" in text
    for comment in ("Nobody answered", "Wrong fix", "Still broken"):
        assert comment not in text


def test_a_failed_upload_is_tried_again_and_shared_once(make_harness: Any) -> None:
    app = harness_with_week(make_harness)
    app.fake.fail_next(method="files.completeUploadExternal", status=500)
    post_and_deliver(app)
    completed = app.fake.calls_to("files.completeUploadExternal", ok_only=False)
    assert [c.ok for c in completed] == [False, True]
    shared = [f for f in app.fake.uploads() if f["channel"]]
    assert len(app.fake.uploads()) == 2 and len(shared) == 1   # a fresh upload URL each try
    _, replies = review_thread(app)
    assert [r for r in replies if r.get("files")] == [replies[-1]]
