"""`chatops` command line (CONTRACT §1)."""
from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from typing import Any

from chatops.config import AppConfig, ConfigError, default_config_path, load_config
from chatops.environment import Environment

log = logging.getLogger("chatops")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _config(args: argparse.Namespace) -> AppConfig:
    path = default_config_path(args.config)
    try:
        return load_config(path)
    except ConfigError as exc:
        print(f"{path}: configuration is not valid:", file=sys.stderr)
        for line in exc.errors:
            print(f"  {line}", file=sys.stderr)
        raise SystemExit(1) from None


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    logging.getLogger("slack_sdk").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def _runtime(args: argparse.Namespace, *, migrate_sqlite: bool = True,  # type: ignore[no-untyped-def]
             **parts: Any):
    """The process's Runtime (`parts`: build_runtime's optional pieces), schema checked."""
    from chatops.app import build_runtime
    from db.migrate import schema_state, upgrade

    config = _config(args)
    env = Environment.from_os()
    rt = build_runtime(config, env, **parts)
    if rt.engine.dialect.name == "sqlite" and migrate_sqlite:
        upgrade(rt.engine)
    else:
        current, heads = schema_state(rt.engine)
        if current != heads:
            print(f"The database schema is behind (at {sorted(current) or 'nothing'}, "
                  f"code needs {sorted(heads)}). Run: chatops db upgrade", file=sys.stderr)
            raise SystemExit(1)
    return rt


def cmd_check_config(args: argparse.Namespace) -> int:
    config = _config(args)
    print(f"{default_config_path(args.config)}: OK ({len(config.teams)} team(s): "
          f"{', '.join(t.name for t in config.teams)})")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from db.migrate import schema_state, upgrade
    from db.session import make_engine

    engine = make_engine(Environment.from_os().database_url)
    upgrade(engine)
    print(f"database at revision {', '.join(sorted(schema_state(engine)[0]))}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from chatops.serve import serve

    sandbox = None
    if getattr(args, "sandbox", False):
        if args.socket_mode:
            print("--sandbox and --socket-mode do not go together: the sandbox is its own "
                  "Slack", file=sys.stderr)
            return 2
        from chatops.sandbox.launch import SandboxLaunch

        sandbox = SandboxLaunch(_config(args))
    return serve(lambda **parts: _runtime(args, **parts), default_config_path(args.config),
                 host=args.host, port=args.port, worker=not args.no_worker,
                 scheduler=not args.no_scheduler, socket_mode=args.socket_mode, sandbox=sandbox)


def cmd_demo(args: argparse.Namespace) -> int:
    """`serve --sandbox` on its own fresh database, with the demo's scenario played in it."""
    from chatops.sandbox.demo import DEMO_CONFIG, demo_scenario
    from chatops.sandbox.launch import SandboxLaunch
    from chatops.serve import serve

    # --config, else $CHATOPS_CONFIG, else the demo's own workspace (not ./app.yaml: the demo
    # runs from any folder, and the shipped app.yaml has too little to show; see demo.yaml)
    args.config = args.config or os.environ.get("CHATOPS_CONFIG") or str(DEMO_CONFIG)
    config = _config(args)
    # On this machine only: the sandbox lets whoever reaches it act as anyone.
    return serve(lambda **parts: _runtime(args, **parts), args.config, host="127.0.0.1",
                 port=args.port, sandbox=SandboxLaunch(config, scenario=demo_scenario(config)))


def cmd_worker(args: argparse.Namespace) -> int:
    import signal
    import threading

    rt = _runtime(args, migrate_sqlite=False)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        rt.worker.run_forever(stop)
    except KeyboardInterrupt:
        pass
    return 0


def cmd_scheduler(args: argparse.Namespace) -> int:
    from chatops.app import run_scheduler_forever

    rt = _runtime(args, migrate_sqlite=False)
    return run_scheduler_forever(rt)


def cmd_jobs_run(args: argparse.Namespace) -> int:
    rt = _runtime(args)
    if args.job == "deliver":
        left = rt.worker.drain(args.max_seconds)
        print(f"outbox: {left} row(s) still pending" if left else "outbox: empty")
        return 0
    from chatops.app import run_job

    return run_job(rt, args)


def cmd_manifest(args: argparse.Namespace) -> int:
    from chatops.manifest import manifest_yaml

    print(manifest_yaml(_config(args), args.url, socket_mode=args.socket_mode), end="")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="chatops", description="Support-team ChatOps for Slack and Teams")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", help="app.yaml path (default $CHATOPS_CONFIG, else ./app.yaml)")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", parents=[common], help="run the web app (+ worker and scheduler)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=3000)
    s.add_argument("--no-scheduler", action="store_true")
    s.add_argument("--no-worker", action="store_true")
    s.add_argument("--socket-mode", action="store_true")
    s.add_argument("--sandbox", action="store_true",
                   help="a fake Slack workspace and helpdesk in a page at /sandbox; no token needed")
    s.set_defaults(func=cmd_serve)
    d = sub.add_parser("demo", parents=[common],
                       help="the sandbox with a ready scenario, on a fresh database of its own")
    d.add_argument("--port", type=int, default=3000)
    d.set_defaults(func=cmd_demo)
    sub.add_parser("scheduler", parents=[common], help="run the scheduler alone").set_defaults(
        func=cmd_scheduler)
    sub.add_parser("worker", parents=[common], help="run outbox delivery alone").set_defaults(
        func=cmd_worker)

    jobs = sub.add_parser("jobs", help="run a job once")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True)
    run = jobs_sub.add_parser("run", parents=[common], help="run one job now, then exit")
    run.add_argument("job", choices=["sla-scan", "weekly-review", "deliver"])
    run.add_argument("--team", help="weekly-review: only this team")
    run.add_argument("--force", action="store_true", help="weekly-review: even if already posted")
    run.add_argument("--max-seconds", type=float, default=None, help="deliver: stop after N s")
    run.set_defaults(func=cmd_jobs_run)

    db = sub.add_parser("db", help="database")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", parents=[common], help="migrate to the newest schema").set_defaults(
        func=cmd_db_upgrade)

    sub.add_parser("check-config", parents=[common], help="validate app.yaml").set_defaults(
        func=cmd_check_config)
    m = sub.add_parser("manifest", parents=[common], help="print the Slack app manifest")
    m.add_argument("--url", required=False, default="https://example.com",
                   help="public base URL of this app, e.g. https://chatops.example.com")
    m.add_argument("--socket-mode", action="store_true")
    m.set_defaults(func=cmd_manifest)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    configure_logging()
    func: Callable[[argparse.Namespace], int] = args.func
    return func(args)
