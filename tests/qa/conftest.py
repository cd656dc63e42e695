"""QA's tests run on a fixed clock: the appeal window and decision times are exact."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chatops.clock import FixedClock
from tests.conftest import Harness, make_config

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def app(make_harness: Any, clock: FixedClock) -> Harness:
    return make_harness(make_config(), clock=clock)
