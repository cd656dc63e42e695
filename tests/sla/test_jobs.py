"""`chatops jobs run sla-scan`, the job registry and the scheduler's set-up."""
from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from chatops import cli
from chatops.clock import FixedClock
from db.models_sla import SlaNudge
from jobs.registry import run_job
from jobs.scheduler import SLA_SCAN, make_scheduler, start_background_scheduler
from tests import signing
from tests.conftest import BASE_CONFIG, make_config
from tests.events import event
from tests.sla.helpers import T0, iso


def test_registry_runs_sla_scan_and_prints_a_summary(make_harness: Any,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    app = make_harness(clock=FixedClock(T0 + timedelta(minutes=31)))
    app.post_event(event())
    assert run_job(app.rt, argparse.Namespace(job="sla-scan")) == 0
    assert capsys.readouterr().out.strip() == "sla-scan: 1 ticket(s) scanned, 1 nudge(s) sent"
    assert b'chatops_sla_nudges_total{mark="breach"} 1.0' in app.rt.metrics.render()
    assert run_job(app.rt, argparse.Namespace(job="sla-scan")) == 0
    assert "0 nudge(s) sent" in capsys.readouterr().out


def test_scheduler_scans_every_scan_every_coalescing_with_generous_grace(make_harness: Any) -> None:
    app = make_harness(config=make_config(sla={"scan_every": "90s"}))
    scheduler = make_scheduler(app.rt)
    scheduler.start(paused=True)
    try:
        job = scheduler.get_job(SLA_SCAN)
        assert job is not None
        assert job.trigger.interval == timedelta(seconds=90)
        assert job.coalesce is True and job.max_instances == 1
        assert job.misfire_grace_time >= 600
    finally:
        scheduler.shutdown(wait=False)


def test_background_scheduler_scans_right_after_start(make_harness: Any) -> None:
    app = make_harness(clock=FixedClock(T0 + timedelta(minutes=31)))
    app.post_event(event())
    stop = start_background_scheduler(app.rt)
    try:
        assert app.fake.wait_for(lambda: len(app.rows(SlaNudge)) > 0, timeout=10)
    finally:
        stop()
    assert app.deliver() == 0
    # T0 + 31 min is a minute after the default weekly review (Monday 10:00): the scheduler's
    # start also posts that review, missed while it was not running; its DM is not a nudge.
    assert len([m for m in app.fake.dms("U0LEAD1") if "Breach" in m["text"]]) == 1


def test_cli_jobs_run_sla_scan(make_harness: Any, database_url: str, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    created = datetime.now(UTC) - timedelta(minutes=45)   # the CLI runs on real time
    app = make_harness(clock=FixedClock(created))
    app.post_event(event(occurred_at=iso(created), created_at=iso(created)))
    config = tmp_path / "app.yaml"
    config.write_text(yaml.safe_dump(BASE_CONFIG))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", signing.BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", app.fake.url)
    assert cli.main(["jobs", "run", "sla-scan", "--config", str(config)]) == 0
    assert "1 ticket(s) scanned, 1 nudge(s) sent" in capsys.readouterr().out
