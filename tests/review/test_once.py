"""Once per team per ISO week (a database key, across runtimes), `--force`, a crash while
writing or delivering, and the three ways to post now: `jobs run`, the CLI, `/chatops review`."""
from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from chatops import cli
from chatops.clock import FixedClock
from chatops.delivery import outbox
from db.models import OutboxMessage
from db.models_people import Rating
from db.models_review import WeeklyReview
from jobs.registry import run_job
from tests import signing
from tests.ratings.support import answer_text, slash
from tests.review.support import END, harness_with_week, review_config, review_data
from tests.review.test_thread import post_and_deliver
from tests.sla.helpers import clock_of


def parents(app: Any) -> list[dict[str, Any]]:
    return [m for m in app.fake.messages("C0SUPPORT") if not m["thread_ts"]]


def test_once_per_iso_week_unless_forced(make_harness: Any) -> None:
    app = harness_with_week(make_harness)
    first = post_and_deliver(app)
    rows = len(app.rows(OutboxMessage))
    again = app.rt.reviews.post("support")
    assert first.posted and not first.extra and not again.posted
    assert len(app.rows(OutboxMessage)) == rows                  # nothing written
    clock_of(app).set(END + timedelta(days=3))
    assert not app.rt.reviews.post("support").posted             # still ISO week 49
    forced = post_and_deliver(app, force=True)
    assert forced.posted and forced.extra
    assert len(parents(app)) == 2
    assert [(r.iso_week, r.once_per_week) for r in app.rows(WeeklyReview)] == [
        ("2026-W49", "2026-W49"), ("2026-W49", None)]


def test_another_runtime_finds_the_week_taken_by_the_database(make_harness: Any) -> None:
    app = harness_with_week(make_harness)
    replica = make_harness(review_config(), clock=FixedClock(END))     # same database
    assert app.rt.reviews.post("support").posted
    assert not replica.rt.reviews.post("support").posted
    # Even when both looked before either wrote (the look-up is only a shortcut):
    replica.rt.reviews._taken = lambda team, week: False  # type: ignore[method-assign]
    assert not replica.rt.reviews.post("support").posted
    assert replica.rt.reviews.post("support", force=True).posted
    assert app.deliver(max_seconds=60) == 0
    assert len(parents(app)) == 2 and len(app.rows(WeeklyReview)) == 2


def test_a_crash_while_writing_leaves_nothing_and_the_retry_posts_once(
        make_harness: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    app = harness_with_week(make_harness, mode="after_review")
    real_add = outbox.add

    class Killed(Exception):
        pass

    def crash(session: Any, *messages: Any) -> None:
        real_add(session, *messages[:3])
        raise Killed("the process dies in the middle of the transaction")

    monkeypatch.setattr(outbox, "add", crash)
    with pytest.raises(Killed):
        app.rt.reviews.post("support")
    assert app.rows(WeeklyReview) == [] and app.rows(OutboxMessage) == []
    assert sum(r.delivered_to_agent_at is None for r in app.rows(Rating)) == 11
    monkeypatch.setattr(outbox, "add", real_add)
    assert post_and_deliver(app).posted
    assert not app.rt.reviews.post("support").posted
    assert len(parents(app)) == 1 and len(app.fake.dms("U0AGENT1")) == 1


def test_a_review_cut_off_while_delivering_completes_once_after_a_restart(make_harness: Any) -> None:
    app = harness_with_week(make_harness)
    assert app.rt.reviews.post("support").posted
    for _ in range(3):                                           # the parent and a reply or two
        app.rt.worker.run_once()
    assert len(parents(app)) == 1
    restarted = make_harness(review_config(), clock=FixedClock(END))
    assert not restarted.rt.reviews.post("support").posted      # run again: nothing twice
    assert restarted.deliver(max_seconds=60) == 0
    [parent] = parents(app)
    replies = app.fake.thread("C0SUPPORT", parent["ts"])
    assert len(replies) == 4 and len(app.fake.uploads()) == 1   # 3 ratings + the chart
    for user in ("U0AGENT1", "U0AGENT2", "U0AGENT3", "U0AGENT4", "U0LEAD1", "U0LEAD2"):
        assert len(app.fake.dms(user)) == 1


def test_jobs_run_weekly_review_once_then_force(make_harness: Any,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    app = harness_with_week(make_harness)

    def run(**args: Any) -> tuple[int, str]:
        code = run_job(app.rt, argparse.Namespace(job="weekly-review", **args))
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    code, out = run(team="support", force=False)
    assert code == 0 and "support: posted the review of 2026-W49" in out
    code, out = run(team=None, force=False)                     # every team
    assert "support: this week's review (2026-W49) was posted already" in out
    assert "other: posted the review of 2026-W49" in out
    code, out = run(team="support", force=True)
    assert code == 0 and "support: posted one more review" in out
    code, out = run(team="nope", force=False)
    assert code == 2 and "no team 'nope'" in out
    assert len(app.rows(WeeklyReview)) == 3


def test_the_cli_posts_the_review(make_harness: Any, database_url: str, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    app = make_harness()
    config = tmp_path / "app.yaml"
    config.write_text(yaml.safe_dump(review_data()))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", signing.BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", app.fake.url)
    args = ["jobs", "run", "weekly-review", "--team", "support", "--config", str(config)]
    assert cli.main(args) == 0 and "support: posted the review of" in capsys.readouterr().out
    assert cli.main(args) == 0 and "posted already" in capsys.readouterr().out
    assert cli.main(args + ["--force"]) == 0 and "one more" in capsys.readouterr().out
    assert app.deliver(max_seconds=60) == 0
    assert len(parents(app)) == 2


def test_slash_review_posts_now_for_admins(make_harness: Any) -> None:
    app = harness_with_week(make_harness)
    answer = answer_text(slash(app, "U0ADMIN1", "review Support"))
    assert "Posted the weekly review of *support*" in answer and "this week's (2026-W49)" in answer
    answer = answer_text(slash(app, "U0ADMIN1", "review support"))
    assert "was posted already: this is one more" in answer
    assert "Only admins" in answer_text(slash(app, "U0LEAD1", "review support"))
    assert app.deliver(max_seconds=60) == 0
    assert len(parents(app)) == 2
    assert [(r.trigger, r.actor) for r in app.rows(WeeklyReview)] == [("slash", "U0ADMIN1")] * 2


def test_a_failing_review_is_a_warning_not_a_server_error(make_harness: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    app = harness_with_week(make_harness)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(app.rt.reviews, "post", broken)
    response = slash(app, "U0ADMIN1", "review support")
    assert response.status_code == 200
    assert "could not be posted; nothing was sent" in answer_text(response)
    assert app.rows(WeeklyReview) == [] and app.deliver() == 0 and app.fake.messages() == []
