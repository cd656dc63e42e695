"""`chatops serve --sandbox` and `chatops demo` as real processes, driven over HTTP through the
sandbox page's own API (`chatops.sandbox.page_client`), as the page drives them."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from bench.common import free_port, terminate
from chatops.sandbox.page_client import PageClient

# CONTRACT §5's default nudge colours (50 %, 25 %, 10 %, breached), which the demo keeps
NUDGE_COLOURS = {"#2EB67D", "#ECB22E", "#E01E5A", "#8B0000"}

# No Slack token, signing secret or webhook secret: the sandbox needs none.
SECRETS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL", "SLACK_APP_TOKEN",
           "CHATOPS_WEBHOOK_SECRET", "DATABASE_URL", "CHATOPS_CONFIG")

CONFIG: dict[str, Any] = {
    "timezone": "UTC",
    "admins": ["U0ADMIN1"],
    "teams": [{"name": "support", "channel": "C0SUPPORT", "leads": ["U0LEAD1"],
               "agents": {"bob@example.com": "U0AGENT1"},
               "teams_webhook_env": "TEAMS_WEBHOOK_SUPPORT"}],
    "qa": {"reviewers": ["U0QA1"]},
}


class Running:
    """A chatops command that serves the sandbox, in `workdir`, its output in `log`."""

    def __init__(self, workdir: Path, command: list[str], config: dict[str, Any] | None = CONFIG,
                 ready_timeout: float = 60) -> None:
        self.port = free_port()
        self.dir = workdir
        self.log = workdir / "chatops.log"
        args = [sys.executable, "-m", "chatops", *command, "--port", str(self.port)]
        if config is not None:
            (workdir / "app.yaml").write_text(yaml.safe_dump(config))
            args += ["--config", str(workdir / "app.yaml")]
        env = {k: v for k, v in os.environ.items() if k not in SECRETS}
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(args, cwd=workdir, env=env, stdout=out,
                                         stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        self.page = PageClient(self.url)
        if self.page.wait(lambda state: state, timeout=ready_timeout, every=0.2) is None:
            self.stop()
            raise RuntimeError(f"the sandbox did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        terminate(self.proc)

    def output(self) -> str:
        return self.log.read_text(errors="replace")
