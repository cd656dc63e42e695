"""bench/sla_scan.py keeps working: run at reduced size, every due ticket nudged once."""
from __future__ import annotations

import pytest

from bench import sla_scan


def test_benchmark_runs_at_reduced_size(capsys: pytest.CaptureFixture[str]) -> None:
    result = sla_scan.main(["--open", "3000", "--small", "600", "--due", "100", "--runs", "2"])
    for size in ("large", "small"):
        measured = result[size]
        assert measured["sent"] == 100 and measured["scanned"] == 100
        assert measured["outbox_rows"] == 100        # one small row per nudge …
        assert measured["messages"] == 4 * 100       # … expanded: reply, DM, Teams, parent
    out = capsys.readouterr().out
    # The printed report says what was measured: the ratio of the two medians it returned.
    assert f"median scans: {result['large']['median_s'] / result['small']['median_s']:.2f}" in out
