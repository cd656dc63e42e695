"""`chatops` command line (CONTRACT §1).

Imports only the standard library at the top: `chatops serve`'s supervisor runs this module
for its whole life, and the configuration's models, SQLAlchemy and the app are loaded by the
commands that use them (for `serve`, in its app process and a short-lived preflight child).
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

from chatops.config_path import default_config_path

if TYPE_CHECKING:
    from chatops.config import AppConfig
    from chatops.environment import Environment

log = logging.getLogger("chatops")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _config(args: argparse.Namespace) -> AppConfig:
    from chatops.config import ConfigError, load_config

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
             long_running: bool = False, **parts: Any):
    """The process's Runtime (`parts`: build_runtime's optional pieces), schema checked. A
    `long_running` process migrates or checks in a child process (it never loads Alembic)."""
    from chatops.app import build_runtime

    rt = build_runtime(_config(args), _environment(args), **parts)
    try:
        _schema_ready(rt.engine, migrate_sqlite=migrate_sqlite, in_child=long_running)
    except BaseException:
        rt.close()
        raise
    return rt


def _schema_ready(engine: Any, *, migrate_sqlite: bool, in_child: bool) -> None:
    """The schema at the code's head, SQLite migrated first (if `migrate_sqlite`); else exit 1
    saying so, as for a database that cannot be reached."""
    migrate = engine.dialect.name == "sqlite" and migrate_sqlite
    try:
        if in_child:
            current, heads = _schema_in_child(engine.url.render_as_string(False), migrate)
        elif migrate:
            from db.migrate import upgrade

            upgrade(engine)
            current = heads = set()
        else:
            from db.migrate import schema_state

            current, heads = schema_state(engine)
        if not migrate and current != heads:
            print(f"The database schema is behind (at {sorted(current) or 'nothing'}, "
                  f"code needs {sorted(heads)}). Run: chatops db upgrade", file=sys.stderr)
            raise SystemExit(1)
    except Exception as exc:
        _unreachable(engine.url.render_as_string(hide_password=True), exc)


def preflight(args: argparse.Namespace) -> None:
    """What `chatops serve` checks before it starts anything: app.yaml, the environment, the
    database (SQLite migrated). Run in a short-lived child (`python -m chatops.preflight`), so
    that the supervisor, which stays, loads none of pydantic, SQLAlchemy or Alembic."""
    from db.session import make_engine

    _config(args)
    engine = make_engine(_environment(args).database_url)
    try:
        _schema_ready(engine, migrate_sqlite=True, in_child=False)
    finally:
        engine.dispose()


def _preflight_in_child(args: argparse.Namespace) -> None:
    """`preflight` in a child process: its refusals are its lines on stderr; then exit 1."""
    import subprocess

    done = subprocess.run([sys.executable, "-m", "chatops.preflight", args.command,
                           *(["--config", args.config] if args.config else []),
                           *(["--socket-mode"] if getattr(args, "socket_mode", False) else [])])
    if done.returncode != 0:
        raise SystemExit(1)


def _schema_in_child(database_url: str, migrate: bool) -> tuple[set[str], set[str]]:
    """`python -m db.migrate [upgrade]`: where the schema stands, after migrating if asked
    (a database it cannot use is its one line on stderr, and exit 1)."""
    import json
    import subprocess

    done = subprocess.run([sys.executable, "-m", "db.migrate", *(["upgrade"] if migrate else [])],
                          env=dict(os.environ, DATABASE_URL=database_url), capture_output=True,
                          text=True)
    if done.returncode != 0:
        print(done.stderr, end="", file=sys.stderr)
        raise SystemExit(1)
    state = json.loads(done.stdout.strip().splitlines()[-1])
    return set(state["current"]), set(state["heads"])


def _environment(args: argparse.Namespace) -> Environment:
    """The environment, or exit 1 naming, one line each, what the command cannot start
    without (before anything starts)."""
    from chatops.environment import Environment

    env = Environment.from_os()
    refused = env.refusals(socket_mode=getattr(args, "socket_mode", False))
    for line in refused:
        print(f"chatops {args.command}: {line}", file=sys.stderr)
    if refused:
        raise SystemExit(1)
    return env


def _unreachable(url: str, exc: Exception) -> NoReturn:
    """A database that cannot be reached is one line and exit 1; anything else is a bug."""
    from db.faults import database_unavailable, unusable_database

    if not database_unavailable(exc):
        raise exc
    print(unusable_database(url, exc), file=sys.stderr)
    raise SystemExit(1)


def cmd_check_config(args: argparse.Namespace) -> int:
    config = _config(args)
    print(f"{default_config_path(args.config)}: OK ({len(config.teams)} team(s): "
          f"{', '.join(t.name for t in config.teams)})")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from db.migrate import schema_state, upgrade
    from db.session import make_engine

    engine = make_engine(_environment(args).database_url)
    try:
        upgrade(engine)
        print(f"database at revision {', '.join(sorted(schema_state(engine)[0]))}")
    except Exception as exc:
        _unreachable(engine.url.render_as_string(hide_password=True), exc)
    finally:
        engine.dispose()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from chatops.serve import serve

    sandbox = None
    if args.sandbox:
        if args.socket_mode:
            print("chatops serve: --sandbox and --socket-mode do not go together: the sandbox "
                  "is its own Slack", file=sys.stderr)
            return 2
        from chatops.sandbox.launch import SandboxLaunch

        sandbox = SandboxLaunch(_config(args))
    return serve(lambda: _preflight_in_child(args), default_config_path(args.config),
                 host=args.host, port=args.port, worker=not args.no_worker,
                 scheduler=not args.no_scheduler, socket_mode=args.socket_mode, sandbox=sandbox)


def cmd_demo(args: argparse.Namespace) -> int:
    """`serve --sandbox` on its own fresh database, with the demo's scenario played in it."""
    from chatops.sandbox.demo import DEMO_CONFIG, demo_scenario
    from chatops.sandbox.launch import SandboxLaunch
    from chatops.serve import serve

    # --config, else $CHATOPS_CONFIG, else ./app.yaml, as every command (CONTRACT §1); run
    # from a folder with none of them, the demo's own workspace (chatops/sandbox/demo.yaml)
    given = args.config or os.environ.get("CHATOPS_CONFIG")
    args.config = given or (default_config_path(None) if os.path.exists(default_config_path(None))
                            else str(DEMO_CONFIG))
    print(f"[sandbox] chatops demo: the workspace of {args.config}", flush=True)
    config = _config(args)
    # On this machine only: the sandbox lets whoever reaches it act as anyone.
    return serve(lambda: _preflight_in_child(args), args.config, host="127.0.0.1",
                 port=args.port, sandbox=SandboxLaunch(config, scenario=demo_scenario(config)))


def cmd_worker(args: argparse.Namespace) -> int:
    import signal
    import threading

    from chatops.processes import fewer_malloc_arenas

    fewer_malloc_arenas()
    rt = _runtime(args, migrate_sqlite=False, long_running=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        rt.worker.run_forever(stop)
    except KeyboardInterrupt:
        pass
    return 0


def cmd_scheduler(args: argparse.Namespace) -> int:
    from chatops.app import run_scheduler_forever
    from chatops.processes import fewer_malloc_arenas

    fewer_malloc_arenas()
    rt = _runtime(args, migrate_sqlite=False, long_running=True)
    return run_scheduler_forever(rt)


def cmd_jobs_run(args: argparse.Namespace) -> int:
    rt = _runtime(args)
    if args.job == "deliver":
        try:
            left = rt.worker.drain(args.max_seconds)
        finally:
            rt.close()  # gives back the claims taken ahead for a channel's next moment
        print(f"outbox: {left} row(s) still pending" if left else "outbox: empty")
        return 0
    from chatops.app import run_job

    return run_job(rt, args)


def cmd_manifest(args: argparse.Namespace) -> int:
    from chatops.manifest import manifest_yaml

    if args.url is None and not args.socket_mode:
        args.subparser.error("--url https://HOST is required: the public address Slack "
                             "will call (or --socket-mode, which needs none)")
    print(manifest_yaml(_config(args), args.url or "", socket_mode=args.socket_mode), end="")
    return 0


def port(value: str) -> int:
    number = int(value) if value.isdigit() else -1
    if not 1 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a TCP port (1-65535)")
    return number


def seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 < number < float("inf"):
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds above 0")
    return number


def https_url(value: str) -> str:
    """A public base URL Slack can call: https://HOST[:PORT][/PATH]."""
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 (raises on a port that is not one)
        valid_port = True
    except ValueError:
        valid_port = False
    if parts.scheme != "https" or not parts.hostname or not valid_port or any(
            c.isspace() for c in value) or parts.query or parts.fragment or parts.username:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not https://HOST (Slack calls only HTTPS URLs; "
            f"e.g. https://chatops.example.com)")
    return value


class _Help(argparse.HelpFormatter):
    """Every option's help ends with its default (a default of None is said in its help)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if isinstance(action, argparse._StoreTrueAction):
            return text + " (default: off)"
        if action.default is None or action.default == argparse.SUPPRESS:
            return text
        return text + " (default: %(default)s)"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="chatops", description="Support-team ChatOps for Slack and Teams",
                                formatter_class=_Help)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH",
                        help="app.yaml path (default $CHATOPS_CONFIG, else ./app.yaml)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, text: str, **kwargs: Any) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text, formatter_class=_Help, **kwargs)

    s = command("serve", "run the web app, and the delivery worker and the scheduler beside it",
                parents=[common])
    s.add_argument("--host", default="127.0.0.1", help="address or name to listen on")
    s.add_argument("--port", type=port, default=3000, help="TCP port to listen on")
    s.add_argument("--no-scheduler", action="store_true",
                   help="do not run the scheduler (SLA scans; run `chatops scheduler` once "
                        "elsewhere)")
    s.add_argument("--no-worker", action="store_true",
                   help="do not deliver the outbox here (run `chatops worker` elsewhere)")
    s.add_argument("--socket-mode", action="store_true",
                   help="take Slack's requests over Socket Mode (needs SLACK_APP_TOKEN) "
                        "instead of on a public URL")
    s.add_argument("--sandbox", action="store_true",
                   help="a fake Slack workspace and helpdesk in a page at /sandbox; no token "
                        "needed")
    s.set_defaults(func=cmd_serve)
    d = command("demo", "the sandbox with a ready scenario, on a fresh database of its own "
                "(and its own workspace where no app.yaml is found)",
                parents=[common])
    d.add_argument("--port", type=port, default=3000, help="TCP port to listen on")
    d.set_defaults(func=cmd_demo)
    command("scheduler", "run the scheduler alone (exactly one per deployment)",
            parents=[common]).set_defaults(func=cmd_scheduler)
    command("worker", "run outbox delivery alone (any number)", parents=[common]).set_defaults(
        func=cmd_worker)

    jobs = command("jobs", "run a job once")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True, metavar="ACTION")
    run = jobs_sub.add_parser("run", parents=[common], help="run one job now, then exit",
                              description="run one job now, then exit", formatter_class=_Help)
    run.add_argument("job", choices=["sla-scan", "weekly-review", "deliver"],
                     help="sla-scan: one SLA scan; weekly-review: post the weekly review; "
                          "deliver: send the outbox until it is empty")
    run.add_argument("--team", help="weekly-review: only this team (default: every team)")
    run.add_argument("--force", action="store_true",
                     help="weekly-review: post even if this week's was posted already")
    run.add_argument("--max-seconds", type=seconds, default=None, metavar="N",
                     help="deliver: stop after N seconds (default: when the outbox is empty)")
    run.set_defaults(func=cmd_jobs_run)

    db = command("db", "the database")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", parents=[common], help="migrate to the newest schema",
                      description="migrate the database at DATABASE_URL to the newest schema",
                      formatter_class=_Help).set_defaults(func=cmd_db_upgrade)

    command("check-config", "validate app.yaml: every error with its place, exit 1 if any",
            parents=[common]).set_defaults(func=cmd_check_config)
    m = command("manifest", "print the Slack app manifest this configuration needs",
                parents=[common])
    m.add_argument("--url", type=https_url, default=None, metavar="https://HOST",
                   help="public base URL of this app, e.g. https://chatops.example.com "
                        "(required, unless --socket-mode)")
    m.add_argument("--socket-mode", action="store_true",
                   help="a manifest for Socket Mode: no request URLs")
    m.set_defaults(func=cmd_manifest, subparser=m)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    configure_logging()
    func: Callable[[argparse.Namespace], int] = args.func
    return func(args)
