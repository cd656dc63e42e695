"""Shared by the benchmarks: a real `chatops serve` subprocess against the fake Slack."""
from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
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
                 env: dict[str, str] | None = None, scheduler: bool = False) -> None:
        """`database_url`: a migrated database to use (default: a new SQLite file).
        `env`: more environment variables (a helpdesk's secret, say). `scheduler`: run the
        scheduler too (else `--no-scheduler`)."""
        self.dir = workdir or Path(tempfile.mkdtemp(prefix="chatops-bench-"))
        self.own_fake = fake is None
        self.fake = fake or FakeSlack(token=TOKEN).start()
        self.port = free_port()
        config = {"teams": [{"name": f"team{i}", "channel": f"C0BENCH{i:03d}",
                             "leads": ["U0LEAD1"], "weekly_review": {"cron": quiet_review_cron()}}
                            for i in range(teams)]}
        config.update(extra_config or {})
        (self.dir / "app.yaml").write_text(yaml.safe_dump(config))
        self.database_url = database_url or f"sqlite:///{self.dir / 'chatops.db'}"
        self.env = dict(os.environ, SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                        SLACK_API_URL=self.fake.url, CHATOPS_WEBHOOK_SECRET=WEBHOOK_SECRET,
                        DATABASE_URL=self.database_url,
                        CHATOPS_CONFIG=str(self.dir / "app.yaml"), **(env or {}))
        self.log = open(self.dir / "server.log", "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "chatops", "serve", "--port", str(self.port),
             *([] if scheduler else ["--no-scheduler"]), *(args or [])],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
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

    def processes(self) -> list[int]:
        """This `chatops serve` and every process it started (its app process, the resource
        tracker that multiprocessing's spawn starts)."""
        return process_tree(self.proc.pid)


def quiet_review_cron(now: datetime | None = None) -> str:
    """A weekly review cron that fell due six months ago and falls due in six months: the
    scheduler's catch-up at start (the last 12 h) posts no review during a benchmark, which
    would add its messages to what is measured."""
    month = ((now or datetime.now(UTC)).month + 5) % 12 + 1
    return f"0 0 1 {month} *"


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


def process_tree(pid: int) -> list[int]:
    found = [pid]
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                children = f.read().split()
        except OSError:
            continue
        for child in children:
            found += process_tree(int(child))
    return found


def memory_mb(pids: list[int]) -> tuple[float, float]:
    """(RSS, PSS) of these processes together, in MB. RSS counts a page shared by two
    processes (the interpreter, shared libraries) twice; PSS splits it between them."""
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, pss / 1024


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time these processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / ticks


def post_all(port: int, events: list[dict[str, Any]], clients: int = 16,
             in_order: bool = False) -> float:
    """Send signed events from `clients` keep-alive connections; returns the seconds it took.
    Every event must be accepted (202). `in_order`: one ticket's events all go through one
    connection, in their order (else round-robin)."""
    requests = [helpdesk_request(event) for event in events]
    if in_order:
        slot: dict[str, int] = {}
        chunks: list[list[tuple[bytes, dict[str, str]]]] = [[] for _ in range(clients)]
        for event, request in zip(events, requests):
            ticket = event["ticket"]["id"]
            chunks[slot.setdefault(ticket, len(slot) % clients)].append(request)
    else:
        chunks = [requests[i::clients] for i in range(clients)]
    failures: list[str] = []
    barrier = threading.Barrier(len(chunks) + 1)

    def client(chunk: list[tuple[bytes, dict[str, str]]]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        barrier.wait()
        for body, headers in chunk:
            conn.request("POST", "/webhooks/helpdesk", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 202:
                failures.append(str(response.status))

    threads = [threading.Thread(target=client, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.monotonic()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"{len(failures)} events not accepted: {failures[:5]}")
    return time.monotonic() - start


def helpdesk_request(event: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event).encode()
    ts = int(time.time())
    return body, {"Content-Type": "application/json", "X-Chatops-Timestamp": str(ts),
                  "X-Chatops-Signature": sign(WEBHOOK_SECRET, ts, body)}


def ticket_event(n: int, team: str, prefix: str = "b",
                 at: str = "2026-11-23T09:30:00Z") -> dict[str, Any]:
    """A new normal-priority ticket. Created `at` (by default a moment long past: its SLA
    targets are breached, which matters only where the scheduler runs; `now_iso()` for none)."""
    return {
        "id": f"{prefix}-evt-{n}", "type": "ticket.created",
        "occurred_at": at,
        "ticket": {"id": f"{prefix}-{n}", "subject": f"Benchmark ticket {n}",
                   "url": f"https://helpdesk.example.com/tickets/{n}", "priority": "normal",
                   "status": "new", "team": team,
                   "requester": {"name": "Ann Client", "email": "ann@client.example"},
                   "assignee": None, "created_at": at},
    }


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def table(rows: list[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in rows)
    lines = [f"| {'measure'.ljust(width)} | value |", f"|{'-' * (width + 2)}|-------|"]
    lines += [f"| {k.ljust(width)} | {v} |" for k, v in rows]
    return "\n".join(lines)
