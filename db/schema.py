"""Every model module, imported so `Base.metadata` knows every table (migrations, tests)."""
from __future__ import annotations

from db import models, models_people, models_qa, models_review, models_sla  # noqa: F401
from db.models import Base

metadata = Base.metadata
