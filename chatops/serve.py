"""`chatops serve`: the whole app in one command, on two processes.

- This process (the supervisor) migrates the database and runs the delivery worker, the
  scheduler and Socket Mode.
- One web process, which granian (its HTTP in Rust) starts, supervises and restarts if it
  dies, serves the app: chatops/web_front.py reads each request's body on the event loop
  (so a slow client holds no thread), answers the helpdesk webhook there, and runs the
  Flask app for everything else on a few threads.

Each process has its own interpreter lock, so deliveries never slow the webhook down. They
share the database (on SQLite a file lock queues their writes), count metrics into one
directory, and the web process wakes the worker over a loopback UDP port after each event.
"""
from __future__ import annotations

import gc
import json
import logging
import multiprocessing
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatops.admin.slash import SlashCommands
from chatops.app import Runtime, build_bolt, build_runtime, create_app, native_routes, start_background_scheduler
from chatops.cli import LOG_FORMAT, configure_logging
from chatops.config import load_config
from chatops.delivery.wakeup import UdpWakeup, UdpWakeupSender, Wakeup
from chatops.environment import Environment
from chatops.metrics import Metrics
from chatops.processes import alive
from chatops.web_front import BufferedFront, FrontLimits

if TYPE_CHECKING:
    from chatops.sandbox.launch import SandboxLaunch

log = logging.getLogger("chatops")

WEB_SETTINGS_ENV = "CHATOPS_SERVE_WEB"  # JSON from the supervisor to its web process
# Threads that run the Flask app's requests (Slack's, /healthz, /metrics). Few: the work is
# interpreter time and short SQLite writes, so more threads only queue on the interpreter lock
# and the writer lock, and hand them back more slowly (bench/slash_ack.py: the p99 of 20
# concurrent clients' commands is about a third lower on 3 threads than on 8).
WEB_THREADS = 3
# What one client, or many, can hold in the web process. Connections over the bound wait in
# the kernel's listen queue; each holds at most one body of 1 MiB, so bodies in memory stay
# under MAX_CONNECTIONS MiB.
MAX_CONNECTIONS = 256
HEADERS_SECONDS = 10  # a request's headers, and an idle keep-alive connection's next ones
BODY_SECONDS = 10  # from the end of the headers to the body's last byte; then 408
RUN_DIR_PREFIX = "chatops-serve-"  # then the supervisor's pid
HEARTBEAT_EVERY_SECONDS = 2.0
HEARTBEAT_STALE_SECONDS = 10.0

MakeRuntime = Callable[..., Runtime]  # (metrics=, wakeup=) -> a migrated Runtime


def serve(make_runtime: MakeRuntime, config_path: str, host: str, port: int,
          worker: bool = True, scheduler: bool = True, socket_mode: bool = False,
          sandbox: SandboxLaunch | None = None) -> int:
    address, problem = _listen_address(host, port)
    if problem:
        log.error("cannot listen on %s:%s: %s", host, port, problem)
        return 1
    _remove_stale_run_dirs()
    run_dir = Path(tempfile.mkdtemp(prefix=f"{RUN_DIR_PREFIX}{os.getpid()}-"))
    try:
        return _serve(make_runtime, run_dir, config_path, address, port, worker, scheduler,
                      socket_mode, sandbox)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def _serve(make_runtime: MakeRuntime, run_dir: Path, config_path: str, host: str, port: int,
           worker: bool, scheduler: bool, socket_mode: bool,
           sandbox: SandboxLaunch | None = None) -> int:
    metrics_dir = run_dir / "metrics"
    metrics_dir.mkdir()
    if sandbox is not None:  # its secrets, fake Slack and database, before the app is built
        sandbox.prepare(run_dir, host, port)
    heartbeat = run_dir / "worker.alive"
    wakeup: Wakeup = UdpWakeup() if worker else Wakeup()
    try:
        rt = make_runtime(metrics=Metrics(shared_dir=str(metrics_dir)), wakeup=wakeup)
    except BaseException:  # an invalid app.yaml, a schema behind (messages already printed)
        wakeup.close()
        raise
    try:
        for problem in rt.env.problems(socket_mode):
            log.warning("%s", problem)
        if worker:
            rt.start_worker()
            rt.stops.append(_keep_heartbeat(rt, heartbeat))
        if scheduler:
            rt.stops.append(start_background_scheduler(rt))
        if socket_mode:
            _start_socket_mode(rt)
        # The web process (and any restart of it) reads the app.yaml this process read, not
        # a version edited since.
        shutil.copyfile(config_path, run_dir / "app.yaml")
        os.environ[WEB_SETTINGS_ENV] = json.dumps({
            "config": str(run_dir / "app.yaml"), "metrics_dir": str(metrics_dir),
            "wakeup_port": wakeup.port if isinstance(wakeup, UdpWakeup) else None,
            "heartbeat": str(heartbeat) if worker else None, "supervisor": os.getpid(),
            "sandbox": sandbox.web_settings() if sandbox is not None else None})
        log.info("chatops listening on http://%s:%s (worker %s, scheduler %s, database %s)",
                 host, port, "on" if worker else "off", "on" if scheduler else "off",
                 rt.engine.url.render_as_string(hide_password=True))
        if sandbox is not None:
            sandbox.started()
        web_server(host, port, log_formatter=sandbox.log_formatter if sandbox else None).serve(
            target_loader=web_app, wrap_loader=False)
    finally:
        rt.close()
    return 0


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


def web_server(host: str, port: int, target: str = "chatops.serve:web_app",
               log_formatter: dict[str, str] | None = None) -> Any:
    """granian, set up to run one web process of `target` (bench/slash_ack.py serves a bare
    Bolt app with it too, to compare like with like)."""
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.server import MPServer

    # A fresh interpreter for the web process: forking a process that already runs the
    # worker's threads could copy a lock some thread was holding.
    multiprocessing.set_start_method("spawn", force=True)
    _no_resource_tracker()
    return MPServer(
        target, address=host, port=port, interface=Interfaces.RSGI,
        workers=1, backpressure=MAX_CONNECTIONS, http=HTTPModes.http1,
        http1_settings=HTTP1Settings(header_read_timeout=HEADERS_SECONDS * 1000),
        websockets=False, respawn_failed_workers=True, workers_kill_timeout=15,
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
    web process with a pipe and nothing of the sort, so it would track nothing: its end of the
    pipe is /dev/null instead (the child gets that descriptor as it would the tracker's)."""
    from multiprocessing import resource_tracker

    tracker = getattr(resource_tracker, "_resource_tracker", None)
    if tracker is not None and getattr(tracker, "_fd", None) is None:
        tracker._fd = os.open(os.devnull, os.O_WRONLY)


def _keep_heartbeat(rt: Runtime, path: Path) -> Callable[[], None]:
    """Touch `path` while the worker thread lives: the web process's /healthz reads it."""
    stop = threading.Event()
    path.touch()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_EVERY_SECONDS):
            if rt.worker_thread is not None and rt.worker_thread.is_alive():
                path.touch()

    threading.Thread(target=beat, name="worker-heartbeat", daemon=True).start()
    return stop.set


def _start_socket_mode(rt: Runtime) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(build_bolt(rt), rt.env.slack_app_token)
    threading.Thread(target=handler.start, name="socket-mode", daemon=True).start()
    rt.stops.append(handler.close)


# -- the web process -----------------------------------------------------------------------
def web_app() -> Any:
    """Builds the app inside the web process (granian calls this once at its start)."""
    configure_logging()
    settings = json.loads(os.environ[WEB_SETTINGS_ENV])
    port = settings["wakeup_port"]
    rt = build_runtime(load_config(settings["config"]), Environment.from_os(),
                       metrics=Metrics(shared_dir=settings["metrics_dir"]),
                       wakeup=UdpWakeupSender(port) if port else Wakeup())
    app = create_app(rt, build_bolt(rt), worker_alive=_heartbeat_reader(settings["heartbeat"]))
    _exit_with_supervisor(settings["supervisor"])
    front = BufferedFront(app, native_routes(rt), FrontLimits(
        max_body=app.config["MAX_CONTENT_LENGTH"], body_seconds=BODY_SECONDS), WEB_THREADS)
    served = _sandboxed(front, settings["sandbox"], rt) if settings.get("sandbox") else front
    SlashCommands(rt.sessions, rt.config, rt.clock, review=rt.reviews.post_now).warm()
    freeze_startup_heap()
    return served


def freeze_startup_heap() -> None:
    """What the web process built at its start (modules, the config, Flask, Bolt,
    SQLAlchemy's tables: some 110,000 objects) lives as long as the process. Collect once
    now, before the first request, and move it out of the cyclic collector's sight
    (gc.freeze): otherwise the first full collection falls on the first requests (75-80 ms
    under bench/slash_ack.py, holding every request in flight), and each later one scans
    it all again."""
    gc.collect()
    gc.freeze()


def _sandboxed(front: BufferedFront, settings: dict[str, Any], rt: Runtime) -> Any:
    """`--sandbox`: the sandbox's page and fake Slack answer /sandbox/…, the app the rest."""
    from chatops.app import jobs_now
    from chatops.sandbox.front import sandbox_front
    from chatops.sandbox.launch import mark_logs

    mark_logs()
    return sandbox_front(front, settings, rt.env, jobs_now(rt))


def _heartbeat_reader(path: str | None) -> Callable[[], bool | None]:
    def alive() -> bool | None:
        if path is None:
            return None  # `--no-worker`: nothing to report
        try:
            return time.time() - os.stat(path).st_mtime < HEARTBEAT_STALE_SECONDS
        except FileNotFoundError:
            return False
    return alive


def _exit_with_supervisor(supervisor: int) -> None:
    """If the supervisor dies without a word (kill -9), even while this process was still
    starting, stop serving instead of lingering with nobody delivering what it accepts."""

    def watch() -> None:
        while os.getppid() == supervisor:
            time.sleep(1.0)
        log.error("the chatops supervisor (pid %d) is gone; the web process stops", supervisor)
        os._exit(1)

    threading.Thread(target=watch, name="supervisor-watch", daemon=True).start()
