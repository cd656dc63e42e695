"""`bench/slash_ack.py` in a small form, so the benchmark keeps working."""
from __future__ import annotations

from bench.slash_ack import run


def test_slash_commands_are_acked_within_three_seconds_under_concurrency() -> None:
    ok, table = run(commands=20, clients=5, rounds=1)
    assert ok, table
    assert "| all        |  20 |" in table          # every command sent is in the figures
    assert "all 20 answered within 3 s" in table
