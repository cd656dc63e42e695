"""Alembic driven from code: `chatops db upgrade`, and where the schema stands (`schema_state`).

`python -m db.migrate [upgrade]` does the same in a process of its own and prints where the
schema stands as JSON: long-running processes ask it that way, so that they never load Alembic
(with Mako and Pygments, about 10 MB they would keep for nothing).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Migrate to the newest schema (every head)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")


def schema_state(engine: Engine) -> tuple[set[str], set[str]]:
    """(revisions the database is at, revisions the code expects)."""
    script = ScriptDirectory.from_config(alembic_config(engine.url.render_as_string(False)))
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return current, set(script.get_heads())


def main(argv: list[str]) -> int:
    """`DATABASE_URL` from the environment; `upgrade` first migrates to the newest schema."""
    from db.session import DEFAULT_URL, make_engine

    engine = make_engine(os.environ.get("DATABASE_URL") or DEFAULT_URL)
    try:
        if argv[:1] == ["upgrade"]:
            upgrade(engine)
        current, heads = schema_state(engine)
    except Exception as exc:
        from db.faults import database_unavailable, unusable_database

        if not database_unavailable(exc):
            raise
        print(unusable_database(engine.url.render_as_string(hide_password=True), exc),
              file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(json.dumps({"current": sorted(current), "heads": sorted(heads)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
