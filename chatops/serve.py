"""`chatops serve`: the web app with the worker and scheduler in-process (embedded default)."""
from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from chatops.app import Runtime, build_bolt, create_app
from chatops.tickets.schema import MAX_BODY

log = logging.getLogger("chatops")


def serve(rt: Runtime, host: str, port: int, worker: bool = True, scheduler: bool = True,
          socket_mode: bool = False) -> int:
    for problem in rt.env.problems(socket_mode):
        log.warning("%s", problem)
    bolt = build_bolt(rt)
    flask_app = create_app(rt, bolt)
    if worker:
        rt.start_worker()
    if scheduler:
        from chatops.app import start_background_scheduler

        rt.stops.append(start_background_scheduler(rt))
    if socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        handler = SocketModeHandler(bolt, rt.env.slack_app_token)
        threading.Thread(target=handler.start, name="socket-mode", daemon=True).start()
        rt.stops.append(handler.close)
    from waitress.server import create_server

    # waitress buffers a request's body before the app sees it: its own limit is what turns
    # a Content-Length over 1 MiB into 413 before any byte of the body is read.
    server: Any = create_server(flask_app, host=host, port=port, threads=8,
                                ident="chatops", clear_untrusted_proxy_headers=True,
                                max_request_body_size=MAX_BODY)

    def shutdown(signum: int, _frame: Any) -> None:
        log.info("signal %d: shutting down", signum)
        server.close()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    log.info("chatops listening on http://%s:%s (worker %s, scheduler %s, database %s)",
             host, server.effective_port, "on" if worker else "off",
             "on" if scheduler else "off", rt.engine.url.render_as_string(hide_password=True))
    try:
        server.run()
    except (OSError, ValueError):  # closed by the signal handler
        pass
    finally:
        rt.close()
    return 0
