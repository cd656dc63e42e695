"""`chatops serve --sandbox` and `chatops demo`: the same `chatops serve` (its processes, worker,
scheduler, outbox and pacing), with what a workspace would give it made up on the spot:

- random secrets (bot token, Slack signing secret, helpdesk webhook secret) in the environment
  of both processes, so the page's requests are signed and checked on the real path;
- SLACK_API_URL pointing at the fake Slack answered by the app process under /sandbox/api/,
  and each team's `teams_webhook_env` at its fake Teams channel;
- a fresh SQLite database in the run's own folder, deleted when it stops: the fake workspace
  lives in memory, so the database lives as long as it does (and a deployment's database
  never receives a sandbox's tickets or outbox rows);
- every log line marked `[sandbox]`.
"""
from __future__ import annotations

import logging
import os
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chatops.cli import LOG_FORMAT
from chatops.config import AppConfig
from chatops.sandbox.workspace import Workspace, workspace_from_config

log = logging.getLogger("chatops.sandbox")

MARK = "[sandbox] "
WEB_LOGGERS = ("_granian",)  # granian's own logger does not propagate to the root


class SandboxFormatter(logging.Formatter):
    """chatops' log format, every line of a record (a traceback's too) marked `[sandbox]`."""

    def __init__(self, fmt: str = LOG_FORMAT, *args: Any, **kwargs: Any) -> None:
        super().__init__(fmt, *args, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        return MARK + super().format(record).replace("\n", "\n" + MARK)


def mark_logs() -> None:
    """Every handler of this process writes `[sandbox] …` from now on."""
    formatter = SandboxFormatter()
    for name in (None, *WEB_LOGGERS):
        for handler in logging.getLogger(name).handlers:
            handler.setFormatter(formatter)


def loopback_url(host: str, port: int) -> str:
    """How this machine reaches a server listening on `host`."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class SandboxLaunch:
    """What `chatops.serve` asks of the sandbox: its environment before the app is built, the
    settings the app process needs, and (for the demo) a scenario once the app runs."""

    # granian's logging set-up in both processes (chatops.serve.web_server)
    log_formatter = {"()": f"{__name__}.SandboxFormatter"}

    def __init__(self, config: AppConfig,
                 scenario: Callable[[str, Workspace], None] | None = None) -> None:
        self.workspace = workspace_from_config(config)
        self.scenario = scenario
        self.app_url = ""
        self.database = ""
        mark_logs()

    def prepare(self, run_dir: Path, host: str, port: int) -> None:
        self.app_url = loopback_url(host, port)
        if os.environ.get("DATABASE_URL"):
            log.warning("DATABASE_URL is not used by the sandbox: it has a fresh database of its own")
        self.database = str(run_dir / "sandbox.db")
        environment = {
            "SLACK_BOT_TOKEN": "xoxb-sandbox-" + secrets.token_hex(12),
            "SLACK_SIGNING_SECRET": secrets.token_hex(32),
            "CHATOPS_WEBHOOK_SECRET": secrets.token_hex(32),
            "SLACK_API_URL": f"{self.app_url}/sandbox/api/",
            "DATABASE_URL": f"sqlite:///{self.database}",
        }
        for team in self.workspace.teams:
            if team.teams_webhook_env:
                environment[team.teams_webhook_env] = (
                    f"{self.app_url}/sandbox/teams/workflows/{team.name}")
        os.environ.update(environment)  # the preflight child, and the app process

    def web_settings(self) -> dict[str, Any]:
        return {"workspace": self.workspace.to_json(), "app_url": self.app_url}

    def started(self) -> None:
        """Called once the preflight passed, right before the app process starts."""
        log.warning("=" * 72)
        log.warning("SANDBOX: a fake Slack workspace and helpdesk on this machine; nothing here "
                    "reaches Slack, Teams or a real helpdesk")
        log.warning("SANDBOX: open %s/sandbox", self.app_url)
        log.warning("SANDBOX: fresh database %s, deleted when chatops stops", self.database)
        log.warning("=" * 72)
        if self.scenario is not None:
            scenario = self.scenario
            threading.Thread(target=scenario, args=(self.app_url, self.workspace),
                             name="sandbox-demo", daemon=True).start()
