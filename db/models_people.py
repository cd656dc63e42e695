"""Ratings, admin settings and their audit trail."""
from __future__ import annotations

from db.models import Base  # noqa: F401
