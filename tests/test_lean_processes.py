"""Each long-running process imports only what it needs: memory is a target (bench/memory.py).

`chatops serve` is two processes. Its supervisor (granian's, which restarts the app process)
loads neither the app nor pydantic, SQLAlchemy, Flask or Bolt: app.yaml, the environment and
the database are checked in a short-lived child. The app process (web, delivery worker,
scheduler) never loads the migration tool, Teams' HTTP library, the holidays tables,
matplotlib (a weekly review's chart is drawn by a child) or PostgreSQL's dialect on SQLite."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

from bench.common import quiet_review_cron
from tests.conftest import BASE_CONFIG

NOT_IN_THE_SUPERVISOR = ["pydantic", "yaml", "sqlalchemy", "flask", "slack_bolt", "slack_sdk",
                         "alembic", "chatops.app", "chatops.config", "db", "blocks"]
NOT_IN_THE_APP_PROCESS = ["alembic", "requests", "pymsteams", "holidays", "matplotlib", "numpy",
                          "sqlalchemy.dialects.postgresql"]

# `chatops serve` itself, its preflight child included, up to the moment granian would
# spawn the app process (its serve() replaced by a dump of what this process loaded).
SUPERVISOR = """
import json, sys
import granian.server

def loaded(self, *args, **kwargs):
    print(json.dumps(sorted(m for m in sys.modules)))

granian.server.MPServer.serve = loaded
from chatops.cli import main
sys.exit(main(["serve", "--port", sys.argv[1], "--config", sys.argv[2]]))
"""

APP_PROCESS = """
import json, os, sys
from chatops.app_process import build_app_process

front = build_app_process({"config": sys.argv[1], "metrics_dir": sys.argv[2],
                           "listen": "http://127.0.0.1:0", "worker": True, "scheduler": True,
                           "socket_mode": False, "supervisor": os.getppid(), "sandbox": None})
front.on_stop()
from chatops.review.chart import draw
day = {"label": "Mo\\n30", "opened": 3, "solved": 2, "first_response": [1, 2], "resolution": [0, 0],
       "good": 1, "other": 0, "negative": 1}
assert draw([day] * 7).startswith(b"\\x89PNG")
print(json.dumps(sorted(m for m in sys.modules)))
"""


APP_ENV = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "CHATOPS_WEBHOOK_SECRET": "w"}


def _loaded(script: str, *args: str, env: dict[str, str]) -> set[str]:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin", **env})
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def _under(loaded: set[str], names: list[str]) -> list[str]:
    return [name for name in names if any(m == name or m.startswith(name + ".") for m in loaded)]


def _free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def test_the_supervisor_loads_none_of_the_app(tmp_path: Path, database_url: str) -> None:
    (tmp_path / "app.yaml").write_text(json.dumps({**BASE_CONFIG,
                                                   "calendars": {"office": {"country": "RU"}}}))
    loaded = _loaded(SUPERVISOR, _free_port(), str(tmp_path / "app.yaml"), env=APP_ENV | {
        "DATABASE_URL": database_url})
    assert _under(loaded, NOT_IN_THE_SUPERVISOR) == []
    assert "granian.server" in loaded and "chatops.serve" in loaded  # it did get that far


def test_the_app_process_loads_neither_alembic_nor_the_holidays_nor_matplotlib(tmp_path: Path,
                                                                database_url: str) -> None:
    # An idle app process: its team's weekly review fell due six months ago, not within the
    # scheduler's catch-up at start (12 h), which would post one (and load what it needs).
    # A calendar naming a country, as the shipped app.yaml's: its holidays are asked of a child.
    teams = [{**team, "weekly_review": {"cron": quiet_review_cron()}} for team in BASE_CONFIG["teams"]]
    (tmp_path / "app.yaml").write_text(json.dumps({**BASE_CONFIG, "teams": teams,
                                                   "calendars": {"office": {"country": "RU"}}}))
    (tmp_path / "metrics").mkdir()
    loaded = _loaded(APP_PROCESS, str(tmp_path / "app.yaml"), str(tmp_path / "metrics"),
                     env=APP_ENV | {"DATABASE_URL": database_url})
    on_postgresql = database_url.startswith("postgresql")
    expected_absent = [m for m in NOT_IN_THE_APP_PROCESS
                       if not (on_postgresql and m == "sqlalchemy.dialects.postgresql")]
    assert [m for m in expected_absent if m in loaded] == []
    assert {"flask", "slack_bolt", "chatops.delivery.worker", "apscheduler"} <= loaded  # it ran
