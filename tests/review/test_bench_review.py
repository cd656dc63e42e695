"""bench/review.py keeps working: at reduced size, its SQL figures equal the generator's own
count (correctness only: its timing is for the README, never asserted here)."""
from __future__ import annotations

from pathlib import Path

import pytest

from bench import review


def test_benchmark_figures_match_the_generated_data(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    result = review.main(["--tickets", "6000", "--ratings", "20000", "--runs", "1",
                          "--folder", str(tmp_path)])
    assert result["wrong"] == []
    week = result["figures"].week
    assert week.opened == result["expect"]["opened"] > 0
    assert week.ratings.total == result["expect"]["ratings"] > 0
    assert "figures: match the generator's count" in capsys.readouterr().out
    again = review.main(["--tickets", "6000", "--ratings", "20000", "--runs", "1",
                         "--folder", str(tmp_path)])           # the kept database
    assert again["expect"] == result["expect"] and "generated" not in capsys.readouterr().out
