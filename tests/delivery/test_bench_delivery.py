"""bench/delivery.py and bench/backlog.py keep working: tiny runs against a real
`chatops serve` and a fake Slack that refuses a second post to a channel within a second."""
from __future__ import annotations

import pytest

from bench import backlog, delivery


def test_a_tiny_delivery_run_gets_every_parent_through_at_slacks_rate(
        capsys: pytest.CaptureFixture[str]) -> None:
    [run] = delivery.main(["--channels", "2", "--per-channel", "3", "--runs", "1"])
    assert run["parents"] == 6 and run["refused_429"] == 0
    assert run["first_to_last_s"] >= 2.0  # three posts into a channel take two seconds at least
    assert "429s received: 0" in capsys.readouterr().out


def test_a_tiny_backlog_completes_every_thread_in_fewer_messages(
        capsys: pytest.CaptureFixture[str]) -> None:
    result = backlog.main(["--tickets", "3"])
    assert result["complete_threads"] == 3 and result["drained_s"] is not None
    assert result["refused_429"] == 0
    assert 3 * 2 <= result["posts"] < 3 * 4  # a parent and at least one reply message each
    assert result["posts"] + result["merged_rows"] == 3 * 4  # every event's post, sent or merged
    assert "| 429s received | 0 |" in capsys.readouterr().out
