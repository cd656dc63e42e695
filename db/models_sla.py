"""SLA models: per-ticket target clocks and the nudges sent (at most once each)."""
from __future__ import annotations

from db.models import Base  # noqa: F401
