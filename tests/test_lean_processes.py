"""Each long-running process imports only what it needs: memory is a target (bench/memory.py).
The supervisor of `chatops serve` (delivery worker, scheduler) never loads the web stack, the
migration tool, Teams' HTTP library, the holidays tables, matplotlib (until a weekly review's
chart is drawn) or PostgreSQL's dialect on SQLite."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.common import quiet_review_cron
from tests.conftest import BASE_CONFIG

NOT_IN_THE_SUPERVISOR = ["flask", "slack_bolt", "alembic", "requests", "pymsteams", "holidays",
                         "matplotlib", "numpy", "sqlalchemy.dialects.postgresql"]

SUPERVISOR = """
import json, sys
from chatops.app import build_runtime, start_background_scheduler
from chatops.config import load_config
from chatops.environment import Environment
from chatops.processes import fewer_malloc_arenas
import chatops.serve  # what `chatops serve` imports before it starts anything

fewer_malloc_arenas()
rt = build_runtime(load_config(sys.argv[1]), Environment.from_os())
rt.start_worker()
stop = start_background_scheduler(rt)
assert rt.worker.run_once() == 0
stop()
rt.close()
print(json.dumps(sorted(m for m in sys.modules)))
"""


def test_the_supervisor_loads_neither_the_web_stack_nor_alembic(tmp_path: Path,
                                                                database_url: str) -> None:
    # An idle supervisor: its team's weekly review fell due six months ago, not within the
    # scheduler's catch-up at start (12 h), which would post one (and load what it needs).
    # A calendar naming a country, as the shipped app.yaml's: its holidays are asked of a child.
    teams = [{**team, "weekly_review": {"cron": quiet_review_cron()}} for team in BASE_CONFIG["teams"]]
    (tmp_path / "app.yaml").write_text(json.dumps({**BASE_CONFIG, "teams": teams,
                                                   "calendars": {"office": {"country": "RU"}}}))
    done = subprocess.run([sys.executable, "-c", SUPERVISOR, str(tmp_path / "app.yaml")],
                          capture_output=True, text=True, timeout=60,
                          env={"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    on_postgresql = database_url.startswith("postgresql")
    expected_absent = [m for m in NOT_IN_THE_SUPERVISOR
                       if not (on_postgresql and m == "sqlalchemy.dialects.postgresql")]
    assert [m for m in expected_absent if m in loaded] == []
    assert "sqlalchemy" in loaded and "chatops.delivery.worker" in loaded  # it did run
