"""A real `chatops demo`, for the tests that watch it (with a browser or without)."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sandbox.support import Running


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Running]:
    if os.environ.get("CHATOPS_TEST_DATABASE_URL"):
        pytest.skip("`chatops demo` runs on a SQLite database of its own: the SQLite pass ran it")
    running = Running(tmp_path, ["demo"], config=None)
    yield running
    running.stop()
