"""Shared by the benchmarks: a real `chatops serve` subprocess against the fake Slack."""
from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from chatops.sandbox.fake_slack import FakeSlack
from chatops.tickets.signature import sign

WEBHOOK_SECRET = "bench-webhook-secret"
SIGNING_SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class Server:
    """`python -m chatops serve` on a temp SQLite database, talking to a fake Slack."""

    def __init__(self, teams: int = 50, extra_config: dict[str, Any] | None = None,
                 args: list[str] | None = None, workdir: Path | None = None,
                 fake: FakeSlack | None = None, database_url: str | None = None,
                 env: dict[str, str] | None = None) -> None:
        """`database_url`: a migrated database to use (default: a new SQLite file).
        `env`: more environment variables (a helpdesk's secret, say)."""
        self.dir = workdir or Path(tempfile.mkdtemp(prefix="chatops-bench-"))
        self.own_fake = fake is None
        self.fake = fake or FakeSlack(token=TOKEN).start()
        self.port = free_port()
        config = {"teams": [{"name": f"team{i}", "channel": f"C0BENCH{i:03d}",
                             "leads": ["U0LEAD1"]} for i in range(teams)]}
        config.update(extra_config or {})
        (self.dir / "app.yaml").write_text(yaml.safe_dump(config))
        self.database_url = database_url or f"sqlite:///{self.dir / 'chatops.db'}"
        env = dict(os.environ, SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                   SLACK_API_URL=self.fake.url, CHATOPS_WEBHOOK_SECRET=WEBHOOK_SECRET,
                   DATABASE_URL=self.database_url, CHATOPS_CONFIG=str(self.dir / "app.yaml"),
                   **(env or {}))
        self.log = open(self.dir / "server.log", "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "chatops", "serve", "--port", str(self.port),
             "--no-scheduler", *(args or [])],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 30) -> None:
        if not wait_answering(self.port, "/healthz", lambda status: status == 200, timeout):
            raise RuntimeError(f"server did not start; see {self.dir / 'server.log'}")

    def stop(self) -> None:
        terminate(self.proc)
        self.log.close()
        if self.own_fake:
            self.fake.stop()

    def kill(self) -> None:
        """kill -9: no chance to flush or say goodbye."""
        self.proc.kill()
        self.proc.wait()
        self.log.close()


def wait_answering(port: int, path: str, ready: Callable[[int], bool],
                   timeout: float = 30) -> bool:
    """Whether GET `path` got a status that `ready` accepts before `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", path)
            if ready(conn.getresponse().status):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def terminate(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def helpdesk_request(event: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event).encode()
    ts = int(time.time())
    return body, {"Content-Type": "application/json", "X-Chatops-Timestamp": str(ts),
                  "X-Chatops-Signature": sign(WEBHOOK_SECRET, ts, body)}


def ticket_event(n: int, team: str, prefix: str = "b") -> dict[str, Any]:
    return {
        "id": f"{prefix}-evt-{n}", "type": "ticket.created",
        "occurred_at": "2026-11-23T09:30:00Z",
        "ticket": {"id": f"{prefix}-{n}", "subject": f"Benchmark ticket {n}",
                   "url": f"https://helpdesk.example.com/tickets/{n}", "priority": "normal",
                   "status": "new", "team": team,
                   "requester": {"name": "Ann Client", "email": "ann@client.example"},
                   "assignee": None, "created_at": "2026-11-23T09:30:00Z"},
    }


def table(rows: list[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in rows)
    lines = [f"| {'measure'.ljust(width)} | value |", f"|{'-' * (width + 2)}|-------|"]
    lines += [f"| {k.ljust(width)} | {v} |" for k, v in rows]
    return "\n".join(lines)
