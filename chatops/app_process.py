"""The app process of `chatops serve`: granian's one worker process, which serves the app and
runs, beside it, the delivery worker, the scheduler and Socket Mode (chatops/serve.py starts
it; granian restarts it if it dies, stops it on SIGTERM and restarts it on SIGHUP)."""
from __future__ import annotations

import gc
import logging
import os
import signal
import threading
import time
from typing import Any

from chatops.admin.slash import SlashCommands
from chatops.app import Runtime, build_bolt, build_runtime, create_app, native_routes, start_background_scheduler
from chatops.cli import configure_logging
from chatops.config import load_config
from chatops.environment import Environment
from chatops.metrics import Metrics
from chatops.public_holidays import holiday_dates
from chatops.serve import BODY_SECONDS
from chatops.web_front import BufferedFront, FrontLimits

log = logging.getLogger("chatops")

# Threads that run the Flask app's requests (Slack's, /healthz, /metrics). Few: the work is
# interpreter time and short SQLite writes, so more threads only queue on the interpreter lock
# and the writer lock, and hand them back more slowly (bench/slash_ack.py: the p99 of 20
# concurrent clients' commands is about a third lower on 3 threads than on 8).
WEB_THREADS = 3
_PR_SET_PDEATHSIG = 1  # prctl(2)


def build_app_process(settings: dict[str, Any]) -> Any:
    """The app, its worker, scheduler and Socket Mode started; returns the RSGI app granian
    serves. `settings`: what chatops/serve.py's supervisor checked and decided."""
    configure_logging()
    if settings.get("sandbox"):
        from chatops.sandbox.launch import mark_logs

        mark_logs()  # before the worker's and the scheduler's first lines
    _exit_with_supervisor(settings["supervisor"])
    rt = build_runtime(load_config(settings["config"]), Environment.from_os(),
                       metrics=Metrics(shared_dir=settings["metrics_dir"]))
    try:
        for problem in rt.env.problems(settings["socket_mode"]):
            log.warning("%s", problem)
        _warm_public_holidays(rt)
        app = create_app(rt, build_bolt(rt))
        front = BufferedFront(app, native_routes(rt), FrontLimits(
            max_body=app.config["MAX_CONTENT_LENGTH"], body_seconds=BODY_SECONDS), WEB_THREADS,
            on_stop=rt.close)
        served = _sandboxed(front, settings["sandbox"], rt) if settings.get("sandbox") else front
        SlashCommands(rt.sessions, rt.config, rt.clock, review=rt.reviews.post_now).warm()
        freeze_startup_heap()
        # Last, once nothing else can fail: what runs beside the web app.
        if settings["worker"]:
            rt.start_worker()
        if settings["scheduler"]:
            rt.stops.append(start_background_scheduler(rt))
        if settings["socket_mode"]:
            _start_socket_mode(rt)
    except BaseException:
        rt.close()
        raise
    log.info("chatops listening on %s (worker %s, scheduler %s, database %s)", settings["listen"],
             "on" if settings["worker"] else "off", "on" if settings["scheduler"] else "off",
             rt.engine.url.render_as_string(hide_password=True))
    return served


def _warm_public_holidays(rt: Runtime) -> None:
    """The public holidays of every calendar's country, around this year, asked of their
    child process now rather than by the first webhook or scan that needs them."""
    year = rt.clock.now().year
    for name, calendar in rt.config.calendars.items():
        if calendar.country:
            holiday_dates(calendar.country, year)
            log.info("calendar %s: %s's public holidays loaded", name, calendar.country)


def freeze_startup_heap() -> None:
    """What the app process built at its start (modules, the config, Flask, Bolt,
    SQLAlchemy's tables: some 110,000 objects) lives as long as the process. Collect once
    now, before the first request, and move it out of the cyclic collector's sight
    (gc.freeze): otherwise the first full collection falls on the first requests (75-80 ms
    under bench/slash_ack.py, holding every request in flight), and each later one scans
    it all again."""
    gc.collect()
    gc.freeze()


def _start_socket_mode(rt: Runtime) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(build_bolt(rt), rt.env.slack_app_token)
    threading.Thread(target=handler.start, name="socket-mode", daemon=True).start()
    rt.stops.append(handler.close)


def _sandboxed(front: BufferedFront, settings: dict[str, Any], rt: Runtime) -> Any:
    """`--sandbox`: the sandbox's page and fake Slack answer /sandbox/…, the app the rest."""
    from chatops.app import jobs_now
    from chatops.sandbox.front import sandbox_front

    return sandbox_front(front, settings, rt.env, jobs_now(rt))


def _exit_with_supervisor(supervisor: int) -> None:
    """If the supervisor dies without a word (kill -9), even while this process was still
    starting, stop serving (and delivering) instead of lingering unsupervised: at once on
    Linux (the kernel's parent-death signal), else within a second."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the watch below does it
        pass
    if os.getppid() != supervisor:  # it died before the signal was asked for
        os._exit(1)

    def watch() -> None:
        while os.getppid() == supervisor:
            time.sleep(1.0)
        log.error("the chatops supervisor (pid %d) is gone; the app process stops", supervisor)
        os._exit(1)

    threading.Thread(target=watch, name="supervisor-watch", daemon=True).start()
