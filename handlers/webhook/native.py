"""The native helpdesk webhooks (CONTRACT §4a): `POST /webhooks/<helpdesk>` for each helpdesk
whose secret variable is set (the others answer 404), served by Flask and by `chatops
serve`'s event loop exactly as `/webhooks/helpdesk` is, with the same answers. Only the
check differs: the helpdesk's adapter (chatops/helpdesks/) verifies the request as that
helpdesk signs it and maps its body to the events of CONTRACT §4."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from flask import Flask

from chatops.helpdesks import enabled_adapters
from chatops.helpdesks.adapter import Adapter, Delivery
from chatops.runtime import Runtime
from chatops.tickets.schema import load_object
from handlers.webhook import helpdesk
from handlers.webhook.answers import (
    Admitted,
    Answer,
    NativeRoute,
    WebhookAnswers,
    head_ok,
    native_route,
)


def path_of(adapter: Adapter) -> str:
    return f"/webhooks/{adapter.name}"


class AdapterAnswers(WebhookAnswers):
    """A helpdesk's route: its adapter's checks, then the answers of every route (a fault
    of the adapter's is `failed`, as any fault of ours)."""

    def __init__(self, adapter: Adapter, rt: Runtime) -> None:
        super().__init__(adapter.name,
                         lambda result: rt.metrics.events_received.labels(result).inc(),
                         rt.wakeup.notify)
        self.adapter = adapter

    def admit(self, body: bytes, headers: Mapping[str, str]) -> Admitted | Answer:
        delivery = Delivery(body, headers, datetime.now(UTC))
        why = self.adapter.verify(delivery)
        if why:
            return self.unauthorized(why)
        mapped = self.adapter.events(delivery, load_object(body))
        return Admitted(mapped.events, mapped.ignored)


def register(flask_app: Flask, rt: Runtime) -> None:
    for adapter in enabled_adapters(rt.config, rt.env):
        helpdesk.serve(flask_app, adapter.name, path_of(adapter), AdapterAnswers(adapter, rt), rt,
                       head=adapter.answers_head)


def native_routes(rt: Runtime) -> dict[tuple[str, str], NativeRoute]:
    """The same routes for `chatops serve`'s event loop."""
    routes: dict[tuple[str, str], NativeRoute] = {}
    for adapter in enabled_adapters(rt.config, rt.env):
        routes[("POST", path_of(adapter))] = native_route(AdapterAnswers(adapter, rt),
                                                           rt.event_writer.submit)
        if adapter.answers_head:
            routes[("HEAD", path_of(adapter))] = head_ok
    return routes
