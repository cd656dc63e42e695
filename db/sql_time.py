"""`epoch_seconds(column)`: a stored UTC moment as seconds since 1970, in SQL, on SQLite and
PostgreSQL alike (differences of two of them are durations the database can aggregate)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class epoch_seconds(FunctionElement[float]):
    type = Float()
    inherit_cache = True
    name = "epoch_seconds"


@compiles(epoch_seconds, "sqlite")
def _sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    # julianday() reads the stored text; 2440587.5 is 1970-01-01T00:00Z as a Julian day.
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


@compiles(epoch_seconds, "postgresql")
def _postgresql(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    # A timestamp without time zone (how UTCDateTime stores) counts as UTC here.
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS FLOAT)"
