"""The one place that wires config, database, services, handlers, delivery and jobs."""
from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable

from flask import Flask
from slack_bolt import App as BoltApp
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_bolt.authorization import AuthorizeResult
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from chatops.admin.review import ReviewTrigger
from chatops.clock import Clock, SystemClock
from chatops.config import AppConfig, TeamConfig
from chatops.delivery.claims import PACE_INTERVAL
from chatops.delivery.wakeup import Wakeup
from chatops.delivery.slack_sender import SlackSender, make_client
from chatops.delivery.teams_sender import TeamsSender
from chatops.delivery.worker import DeliveryWorker
from chatops.environment import Environment
from chatops.metrics import Metrics
from chatops.ratings.intake import RatingsIntake
from chatops.sla.expand import WORK as NUDGE_WORK
from chatops.sla.service import SlaService
from chatops.tickets.group_commit import GroupCommit
from chatops.tickets.ingest import PARENT, Ingest
from chatops.tickets.schema import MAX_BODY
from db.models import OutboxMessage, Ticket
from db.session import make_engine, make_session_factory, read_only

log = logging.getLogger("chatops")


@dataclass
class Runtime:
    """Everything a process of chatops holds; built once by `build_runtime`."""

    config: AppConfig
    env: Environment
    clock: Clock
    engine: Engine
    sessions: sessionmaker[Session]
    metrics: Metrics
    wakeup: Wakeup
    ingest: Ingest
    events: GroupCommit  # the webhook's way into `ingest`
    worker: DeliveryWorker
    sla: SlaService
    stops: list[Callable[[], None]] = field(default_factory=list)
    worker_thread: threading.Thread | None = None
    weekly_review: ReviewTrigger | None = None  # `review <team>` posts through it when set

    def start_worker(self) -> None:
        thread, stop = self.worker.start_thread()
        self.worker_thread = thread
        self.stops.append(stop.set)

    def close(self) -> None:
        for stop in reversed(self.stops):
            stop()
        if self.worker_thread is not None:
            self.worker_thread.join(timeout=10)
        self.events.close()
        self.wakeup.close()
        self.engine.dispose()


def build_runtime(config: AppConfig, env: Environment, clock: Clock | None = None,
                  engine: Engine | None = None, pace: timedelta = PACE_INTERVAL,
                  metrics: Metrics | None = None, wakeup: Wakeup | None = None) -> Runtime:
    clock = clock or SystemClock()
    engine = engine or make_engine(env.database_url)
    sessions = make_session_factory(engine)
    metrics = metrics or Metrics()
    wakeup = wakeup or Wakeup()
    client = make_client(env.slack_bot_token, env.slack_api_url)

    def teams_env(team: str) -> str | None:
        found = config.team(team)
        return found.teams_webhook_env if found else None

    slack_sender = SlackSender(client, sessions)
    worker = DeliveryWorker(sessions, slack_sender, TeamsSender(teams_env),
                            metrics=metrics, wakeup=wakeup, pace=pace)
    sla = SlaService(config)
    ingest = Ingest(sessions, config, clock, hooks=[sla.on_ticket_event],
                    parent_sla=sla.parent_view)
    ingest.hooks.append(RatingsIntake(config))

    def redraw_parent(session: Session, ticket_id: str, team: TeamConfig) -> None:
        ticket = session.get(Ticket, ticket_id)
        if ticket is not None:
            ingest.refresh_parent(session, ticket, team, clock.now())

    slack_sender.renderers[PARENT] = ingest.render_parent
    worker.expanders[NUDGE_WORK] = lambda session, args: sla.expand(session, args, redraw_parent,
                                                                    clock.now())
    _watch_outbox(metrics, sessions)
    return Runtime(config=config, env=env, clock=clock, engine=engine, sessions=sessions,
                   metrics=metrics, wakeup=wakeup, ingest=ingest, events=GroupCommit(ingest),
                   worker=worker, sla=sla)


def _watch_outbox(metrics: Metrics, sessions: sessionmaker[Session]) -> None:
    def count(status: str) -> Callable[[], float]:
        def read() -> float:
            with sessions() as session:
                return float(read_only(session).scalar(select(func.count()).select_from(OutboxMessage)
                                            .where(OutboxMessage.status == status)) or 0)
        return read

    metrics.watch_outbox(count("pending"), count("failed"))


def build_bolt(rt: Runtime) -> BoltApp:
    """The Bolt app: signed requests only; its WebClient talks to SLACK_API_URL."""
    signing_secret = rt.env.slack_signing_secret
    if not signing_secret:
        log.warning("SLACK_SIGNING_SECRET is not set: every request to /slack/events gets 401")
        signing_secret = secrets.token_hex(32)
    token = rt.env.slack_bot_token

    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        # No auth.test round trip per request: acks must not depend on the Web API being up.
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=token)

    bolt_log = logging.getLogger("chatops.slack")
    bolt_log.setLevel(logging.ERROR)  # Bolt's notice that `token` is unused: we pass a client
    bolt = BoltApp(signing_secret=signing_secret, authorize=authorize,
                   client=make_client(token, rt.env.slack_api_url), logger=bolt_log,
                   request_verification_enabled=True, raise_error_for_unhandled_request=False)
    bolt_log.setLevel(logging.NOTSET)
    from handlers import slack as slack_handlers  # wiring only: handlers never import this module
    slack_handlers.register(bolt, rt)
    return bolt


def create_app(rt: Runtime, bolt: BoltApp | None = None,
               worker_alive: Callable[[], bool | None] | None = None) -> Flask:
    """The Flask app serving /slack/events, the helpdesk webhook, health and metrics.
    `worker_alive` tells /healthz about a worker in another process (default: this one's)."""
    from handlers import web, webhook

    flask_app = Flask("chatops")
    # Bodies of every route (Slack's included) are read to at most 1 MiB: one byte more, so
    # that the webhook can tell a chunked body over the limit from one right at it.
    flask_app.config["MAX_CONTENT_LENGTH"] = MAX_BODY + 1
    bolt = bolt or build_bolt(rt)
    slack_handler = SlackRequestHandler(bolt)

    @flask_app.post("/slack/events")
    def slack_events() -> Any:
        from flask import request
        return slack_handler.handle(request)

    if not rt.env.webhook_secret:
        log.warning("CHATOPS_WEBHOOK_SECRET is not set: every helpdesk webhook gets 401")
    webhook.register(flask_app, _helpdesk_answers(rt), rt.events.handle)

    def own_worker_alive() -> bool | None:
        return None if rt.worker_thread is None else rt.worker_thread.is_alive()

    web.register(flask_app, rt.sessions, rt.metrics, worker_alive or own_worker_alive)
    return flask_app


def native_routes(rt: Runtime) -> dict[tuple[str, str], Any]:
    """(method, path) -> the route that `chatops serve`'s web process answers on its event
    loop, without a thread (chatops/web_front.py); the Flask app answers everything else."""
    from handlers.webhook import answers

    return {("POST", answers.PATH): answers.native_route(_helpdesk_answers(rt), rt.events.submit)}


def _helpdesk_answers(rt: Runtime) -> Any:
    from handlers.webhook.answers import HelpdeskAnswers

    return HelpdeskAnswers(rt.env.webhook_secret,
                           lambda result: rt.metrics.events_received.labels(result).inc(),
                           rt.wakeup.notify)


# -- jobs: wired here too, so nothing else in chatops imports upward ---------------------
def start_background_scheduler(rt: Runtime) -> Callable[[], None]:
    from jobs import scheduler

    return scheduler.start_background_scheduler(rt)


def run_scheduler_forever(rt: Runtime) -> int:
    from jobs import scheduler

    return scheduler.run_scheduler_forever(rt)


def run_job(rt: Runtime, args: Any) -> int:
    from jobs import registry

    return registry.run_job(rt, args)
