"""`chatops serve`: the whole app in one command, on two processes.

- This process (the supervisor) checks app.yaml, the environment and the database in a
  short-lived child (`python -m chatops.preflight`, which migrates SQLite), then runs
  granian (its HTTP in Rust), which starts the app process, restarts it if it dies and
  stops it on SIGTERM. The supervisor loads neither the app nor its libraries: it stays
  small.
- The app process (`chatops.app_process`) serves the app: chatops/web_front.py reads each
  request's body on the event loop (so a slow client holds no thread), answers the helpdesk
  webhook there, and runs the Flask app for everything else on a few threads; beside them it
  runs the delivery worker, the scheduler and Socket Mode, woken in-process.
"""
from __future__ import annotations

import json
import logging
import multiprocessing
import os
import shutil
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatops.cli import LOG_FORMAT
from chatops.processes import alive, fewer_malloc_arenas

if TYPE_CHECKING:
    from chatops.sandbox.launch import SandboxLaunch

log = logging.getLogger("chatops")

WEB_SETTINGS_ENV = "CHATOPS_SERVE_APP"  # JSON from the supervisor to its app process
# What one client, or many, can hold in the app process. Connections over the bound wait in
# the kernel's listen queue; each holds at most one body of 1 MiB, so bodies in memory stay
# under MAX_CONNECTIONS MiB.
MAX_CONNECTIONS = 256
HEADERS_SECONDS = 10  # a request's headers, and an idle keep-alive connection's next ones
BODY_SECONDS = 10  # from the end of the headers to the body's last byte; then 408
RUN_DIR_PREFIX = "chatops-serve-"  # then the supervisor's pid


def serve(preflight: Callable[[], None], config_path: str, host: str, port: int,
          worker: bool = True, scheduler: bool = True, socket_mode: bool = False,
          sandbox: SandboxLaunch | None = None) -> int:
    """`preflight`: checks app.yaml, the environment and the database, or exits 1."""
    address, problem = _listen_address(host, port)
    if problem:
        log.error("cannot listen on %s:%s: %s", host, port, problem)
        return 1
    _remove_stale_run_dirs()
    run_dir = Path(tempfile.mkdtemp(prefix=f"{RUN_DIR_PREFIX}{os.getpid()}-"))
    try:
        metrics_dir = run_dir / "metrics"
        metrics_dir.mkdir()
        if sandbox is not None:  # its secrets, fake Slack and database, before the checks
            sandbox.prepare(run_dir, address, port)
        preflight()
        # The app process (and any restart of it) reads the app.yaml checked here, not a
        # version edited since.
        shutil.copyfile(config_path, run_dir / "app.yaml")
        os.environ[WEB_SETTINGS_ENV] = json.dumps({
            "config": str(run_dir / "app.yaml"), "metrics_dir": str(metrics_dir),
            "listen": f"http://{address}:{port}", "worker": worker, "scheduler": scheduler,
            "socket_mode": socket_mode, "supervisor": os.getpid(),
            "sandbox": sandbox.web_settings() if sandbox is not None else None})
        if sandbox is not None:
            sandbox.started()
        fewer_malloc_arenas()  # MALLOC_ARENA_MAX for the app process
        web_server(address, port, log_formatter=sandbox.log_formatter if sandbox else None).serve(
            target_loader=app_process, wrap_loader=False)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    return 0


def app_process() -> Any:
    """granian calls this once at the start of each app process it spawns."""
    from chatops.app_process import build_app_process

    return build_app_process(json.loads(os.environ[WEB_SETTINGS_ENV]))


def _remove_stale_run_dirs() -> None:
    """Run directories of `chatops serve` processes that were killed (kill -9 leaves them)."""
    for stale in Path(tempfile.gettempdir()).glob(f"{RUN_DIR_PREFIX}*-*"):
        pid = stale.name[len(RUN_DIR_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def _listen_address(host: str, port: int) -> tuple[str, str | None]:
    """The IP address to listen on for `host` (granian takes addresses, not names), or why
    host:port cannot be listened on; asked before anything starts."""
    try:
        family, kind, proto, _, sockaddr = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(sockaddr)
    except OSError as exc:  # socket.gaierror included
        return host, exc.strerror or str(exc)
    return str(sockaddr[0]), None


def web_server(host: str, port: int, target: str = "chatops.serve:app_process",
               log_formatter: dict[str, str] | None = None) -> Any:
    """granian, set up to run one app process of `target` (bench/bare_bolt.py serves a bare
    Bolt app with it too, to compare like with like)."""
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.server import MPServer

    # A fresh interpreter for the app process: a fork would copy the supervisor's state,
    # granian's threads and locks included.
    multiprocessing.set_start_method("spawn", force=True)
    _no_resource_tracker()
    return MPServer(
        target, address=host, port=port, interface=Interfaces.RSGI,
        workers=1, backpressure=MAX_CONNECTIONS, http=HTTPModes.http1,
        http1_settings=HTTP1Settings(header_read_timeout=HEADERS_SECONDS * 1000),
        # The app process's stop (worker, Teams loop, event writer) may take 10 s and more.
        websockets=False, respawn_failed_workers=True, workers_kill_timeout=30,
        log_access=False,
        log_dictconfig={
            "formatters": {"generic": log_formatter or {"()": "logging.Formatter",
                                                        "fmt": LOG_FORMAT}},
            "handlers": {"console": {"formatter": "generic", "class": "logging.StreamHandler",
                                     "stream": "ext://sys.stderr"}},
            "loggers": {"_granian": {"handlers": ["console"], "level": "INFO",
                                     "propagate": False}}})


def _no_resource_tracker() -> None:
    """The spawn start method starts a resource tracker, a whole interpreter (about 13 MB),
    to remove the named semaphores and shared memory a child leaves behind. granian starts its
    app process with a pipe and nothing of the sort, so it would track nothing: its end of the
    pipe is /dev/null instead (the child gets that descriptor as it would the tracker's)."""
    from multiprocessing import resource_tracker

    tracker = getattr(resource_tracker, "_resource_tracker", None)
    if tracker is not None and getattr(tracker, "_fd", None) is None:
        tracker._fd = os.open(os.devnull, os.O_WRONLY)
