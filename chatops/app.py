"""The one place that wires config, database, services, handlers, delivery and jobs.

Flask and Bolt are imported only by what builds the web app (`build_bolt`, `create_app`): the
process that only delivers and schedules (`chatops serve`'s supervisor, `chatops worker`,
`chatops scheduler`) never loads them.
"""
from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from chatops.clock import Clock, SystemClock
from chatops.config import AppConfig
from chatops.delivery.deferred import DeferredWork
from chatops.delivery.pacing import Pacing
from chatops.delivery.people import PeopleDirectory
from chatops.delivery.slack_sender import SlackSender, make_client
from chatops.delivery.teams_sender import TeamsSender
from chatops.delivery.wakeup import Wakeup
from chatops.delivery.worker import DeliveryWorker
from chatops.environment import Environment
from chatops.helpdesks import people_sources
from chatops.metrics import Metrics
from chatops.ratings.intake import RatingsIntake
from chatops.review.chart import CHART, expand_chart
from chatops.review.service import WeeklyReviews
from chatops.runtime import Runtime
from chatops.sla.deferred_nudges import NUDGE
from chatops.sla.service import SlaService
from chatops.tickets.group_commit import GroupCommit
from chatops.tickets.ingest import Ingest
from chatops.tickets.parent import PARENT, ParentMessage
from chatops.tickets.schema import MAX_BODY
from db.models import OutboxMessage
from db.session import make_engine, make_session_factory, read_only

if TYPE_CHECKING:
    from flask import Flask
    from slack_bolt import App as BoltApp

log = logging.getLogger("chatops")


def build_runtime(config: AppConfig, env: Environment, clock: Clock | None = None,
                  engine: Engine | None = None, pace: Pacing | timedelta | None = None,
                  metrics: Metrics | None = None) -> Runtime:
    """`pace`: Slack's documented intervals by default (chatops.delivery.pacing); one
    interval for every key when a timedelta (tests)."""
    clock = clock or SystemClock()
    engine = engine or make_engine(env.database_url)
    sessions = make_session_factory(engine)
    metrics = metrics or Metrics()
    wakeup = Wakeup()  # the worker runs in this process; `chatops worker` elsewhere polls
    client = make_client(env.slack_bot_token, env.slack_api_url)

    def teams_env(team: str) -> str | None:
        found = config.team(team)
        return found.teams_webhook_env if found else None

    sla = SlaService(config)
    ingest = Ingest(sessions, config, clock, hooks=[sla.on_ticket_event, RatingsIntake(config)])
    parent = ParentMessage(config, clock, parent_sla=sla.parent_view)
    deferred = DeferredWork()  # the one registry of deferred work, filled here only
    deferred.register(PARENT, parent.render_deferred)
    deferred.register(NUDGE, lambda session, args: sla.nudge_messages(
        session, args, lambda s, ticket: parent.render(s, ticket, update=True), clock.now()))
    deferred.register(CHART, expand_chart)
    people = PeopleDirectory(sessions, people_sources(config, env))  # helpdesk ids → names
    worker = DeliveryWorker(sessions, SlackSender(client, sessions, people), TeamsSender(teams_env),
                            metrics=metrics, wakeup=wakeup, deferred=deferred,
                            pacing=Pacing.every(pace) if isinstance(pace, timedelta) else pace)
    _watch_outbox(metrics, sessions)
    return Runtime(config=config, env=env, clock=clock, engine=engine, sessions=sessions,
                   metrics=metrics, wakeup=wakeup, ingest=ingest, event_writer=GroupCommit(ingest),
                   worker=worker, sla=sla, reviews=WeeklyReviews(sessions, config, clock))


def _watch_outbox(metrics: Metrics, sessions: sessionmaker[Session]) -> None:
    def count(status: str) -> Callable[[], float]:
        def read() -> float:
            with sessions() as session:
                return float(read_only(session).scalar(select(func.count()).select_from(OutboxMessage)
                                            .where(OutboxMessage.status == status)) or 0)
        return read

    metrics.watch_outbox(count("pending"), count("failed"))


def _signing_secret(rt: Runtime) -> str:
    if rt.env.slack_signing_secret:
        return rt.env.slack_signing_secret
    log.warning("SLACK_SIGNING_SECRET is not set: every request to /slack/events gets 401")
    return secrets.token_hex(32)


def build_bolt(rt: Runtime, listener_executor: Executor | None = None) -> BoltApp:
    """The Bolt app: signed requests only; its WebClient talks to SLACK_API_URL.
    `listener_executor` runs lazy listeners (Bolt's own thread pool by default)."""
    from slack_bolt import App as BoltApp
    from slack_bolt.authorization import AuthorizeResult

    signing_secret = _signing_secret(rt)
    token = rt.env.slack_bot_token

    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        # No auth.test round trip per request: acks must not depend on the Web API being up.
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=token)

    bolt_log = logging.getLogger("chatops.slack")
    bolt_log.setLevel(logging.ERROR)  # Bolt's notice that `token` is unused: we pass a client
    # process_before_response: a listener runs in the request's own thread and its ack is
    # the answer as soon as it returns (Bolt's default runs it on another thread and looks for
    # the ack every 10 ms). Work that need not hold the answer back is a lazy listener.
    bolt = BoltApp(signing_secret=signing_secret, authorize=authorize,
                   client=make_client(token, rt.env.slack_api_url), logger=bolt_log,
                   request_verification_enabled=True, raise_error_for_unhandled_request=False,
                   process_before_response=True, listener_executor=listener_executor)
    bolt_log.setLevel(logging.NOTSET)

    # Wiring only: handlers never import this module.
    from handlers.slack import actions, commands, qa_actions, shortcuts, views

    for listeners in (commands, actions, shortcuts, qa_actions, views):
        listeners.register(bolt, rt)
    return bolt


def create_app(rt: Runtime, bolt: BoltApp | None = None) -> Flask:
    """The Flask app serving /slack/events, the helpdesk webhook, health and metrics."""
    from flask import Flask

    from handlers import health, home
    from handlers.slack.edge import SlackEdge
    from handlers.webhook import helpdesk, native

    flask_app = Flask("chatops")
    # Bodies of every route (Slack's included) are read to at most 1 MiB: one byte more, so
    # that the webhook can tell a chunked body over the limit from one right at it.
    flask_app.config["MAX_CONTENT_LENGTH"] = MAX_BODY + 1
    bolt = bolt or build_bolt(rt)
    slack_edge = SlackEdge(bolt, _signing_secret(rt))

    @flask_app.post("/slack/events")
    def slack_events() -> Any:
        from flask import request
        return slack_edge.respond(request)

    for routes in (helpdesk, native, health):
        routes.register(flask_app, rt)
    home.register(flask_app, rt)
    return flask_app


def native_routes(rt: Runtime) -> dict[tuple[str, str], Any]:
    """(method, path) -> the route that `chatops serve`'s app process answers on its event
    loop, without a thread (chatops/web_front.py); the Flask app answers everything else."""
    from handlers.webhook import answers, native

    return {("POST", answers.PATH): answers.native_route(answers.answers_for(rt),
                                                         rt.event_writer.submit),
            **native.native_routes(rt)}


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


def jobs_now(rt: Runtime) -> dict[str, Callable[[], str]]:
    """The scheduled jobs, each run once now as `chatops jobs run` runs it, saying what it did:
    the sandbox page's buttons (the weekly review forced, like `--force`)."""
    from jobs.sla_scan import run_sla_scan
    from jobs.weekly_review import run_weekly_review

    def sla_scan() -> str:
        result = run_sla_scan(rt)
        return f"{result.scanned} ticket(s) scanned, {result.sent} nudge(s) sent"

    def weekly_review() -> str:
        return "; ".join(f"{r.team}: review #{r.review_id} posted, {r.messages} message(s) queued"
                         for r in run_weekly_review(rt, force=True))

    return {"sla-scan": sla_scan, "weekly-review": weekly_review}
