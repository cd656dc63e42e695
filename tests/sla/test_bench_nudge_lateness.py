"""bench/nudge_lateness.py keeps working: a tiny run against a real `chatops serve`."""
from __future__ import annotations

import pytest

from bench import nudge_lateness


def test_every_mark_of_a_tiny_run_is_nudged_within_seconds(
        capsys: pytest.CaptureFixture[str]) -> None:
    result = nudge_lateness.main(["--tickets", "4", "--target", "6", "--stagger", "0.5",
                                  "--channels", "4"])
    assert (result["nudges"], result["expected"], result["skipped"]) == (16, 16, 0)
    assert 0 <= result["p50_s"] <= result["p99_s"] <= result["max_s"] < 5
    assert f"| 16 of 16 | 0 | {result['p50_s']:.2f} s |" in capsys.readouterr().out
