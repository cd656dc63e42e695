"""Hostile requests to every endpoint, as hypothesis strategies: valid signed seeds (helpdesk
events; each native helpdesk's documented payloads, tests/helpdesk_requests.py; Slack's,
tests/slack_requests.py), mutated (tests/fuzz/mutations.py), then signed as the sender signs,
or forged.

A strategy gives a `Hostile`: its body, and either how to forge its headers or None (sign
it). The test signs it when it sends it: the signature must carry the time of sending.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

from bench.common import SIGNING_SECRET, WEBHOOK_SECRET
from chatops.tickets.signature import sign as helpdesk_sign
from tests.events import comment, event
from tests.fuzz.mutations import encode_form, mangled_bytes, mutated_form, mutated_json
from tests.helpdesk_requests import (
    FRESHDESK_TOKEN,
    JIRA_SECRET,
    Signed,
    fixture,
    freshdesk,
    freshdesk_rule,
    intercom,
    jira,
    valid_requests,
    zendesk,
    zendesk_csat,
)
from tests.slack_requests import FORM, SEEDS, Seed

UNIQUE = "@@unique@@"  # in a seed's event id: replaced by a fresh value when sent
CONTENT_TYPES = [FORM, "application/json", "text/plain", "", "application/json; charset=utf-8",
                 "multipart/form-data; boundary=x", FORM + "; charset=latin-1"]


@dataclass(frozen=True)
class Hostile:
    path: str
    body: bytes
    content_type: str
    forgery: tuple[str, Any] | None  # None: signed as the sender signs

    def __repr__(self) -> str:  # what a failure shows: the body cut short
        body = self.body if len(self.body) <= 600 else (
            self.body[:500] + b"...(%d bytes)..." % len(self.body) + self.body[-100:])
        return (f"Hostile({self.path!r}, {body!r}, {self.content_type!r}, "
                f"forgery={self.forgery and self.forgery[0]!r})")

    def headers(self) -> dict[str, str]:
        now = int(time.time())
        kind, value = self.forgery or ("none", None)
        secret = value if kind == "secret" else None
        ts = str(now + value) if kind == "skew" else value if kind == "timestamp" else str(now)
        if self.path in NATIVE:
            return self._native(kind, value)
        if self.path == "/slack/events":
            headers = _slack(self.body, ts, secret or SIGNING_SECRET)
            names = ("X-Slack-Request-Timestamp", "X-Slack-Signature")
        else:
            headers = {"X-Chatops-Timestamp": ts,
                       "X-Chatops-Signature": helpdesk_sign(secret or WEBHOOK_SECRET, ts, self.body)}
            names = ("X-Chatops-Timestamp", "X-Chatops-Signature")
        if kind == "signature":
            headers[names[1]] = value(headers[names[1]])
        elif kind == "missing":
            headers.pop(names[value])
        elif kind == "other body":
            headers = Hostile(self.path, self.body + b" ", self.content_type, None).headers()
        if self.content_type:
            headers["Content-Type"] = self.content_type
        return headers

    def _native(self, kind: str, value: Any) -> dict[str, str]:
        """Signed as the helpdesk signs (tests/helpdesk_requests.py), or forged (NATIVE_FORGERIES)."""
        helpdesk = NATIVE[self.path]
        sign = _NATIVE_SIGNERS[helpdesk]
        if kind == "secret":
            headers = sign(self.body, value).headers
        elif kind == "skew":  # Zendesk's timestamp
            headers = sign(self.body, None, datetime.now(UTC) + timedelta(seconds=value)).headers
        elif kind == "other body":
            headers = sign(self.body + b" ", None).headers
        else:
            headers = sign(self.body, None).headers
        header = _NATIVE_PROOF[helpdesk]
        if kind == "signature":
            headers[header] = value(headers[header])
        elif kind == "timestamp":
            headers["x-zendesk-webhook-signature-timestamp"] = value
        elif kind == "missing":
            headers.pop(header)
        headers.pop("Content-Type", None)
        if self.content_type:
            headers["Content-Type"] = self.content_type
        return headers


def _slack(body: bytes, ts: str, secret: str) -> dict[str, str]:
    mac = hmac.new(secret.encode(), b"v0:" + ts.encode("utf-8", "replace") + b":" + body,
                   hashlib.sha256)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + mac.hexdigest()}


FORGERIES: list[tuple[str, Any]] = [
    ("secret", "not-the-secret"), ("skew", -301), ("skew", 310), ("skew", -10 ** 9),
    ("timestamp", "1e10"), ("timestamp", "12.5"), ("timestamp", ""), ("timestamp", "-5"),
    ("timestamp", "9" * 5000), ("timestamp", "\u0661\u0662"), ("timestamp", "0x10"),
    ("signature", lambda s: s.upper()), ("signature", lambda s: s[:-1]),
    ("signature", lambda s: s + "0"), ("signature", lambda s: ""),
    ("signature", lambda s: s[:3] + "\u00e9" * (len(s) - 3)),
    ("signature", lambda s: ("v0=" if s.startswith("v1=") else "v1=") + s[3:]),
    ("signature", lambda s: s + "," + s),
    ("missing", 0), ("missing", 1), ("other body", None),
]


@st.composite
def _signing(draw: st.DrawFn) -> tuple[str, Any] | None:
    """Mostly signed; one in five forged in one of the ways above."""
    return draw(st.sampled_from(FORGERIES)) if draw(st.integers(0, 4)) == 0 else None


# -- the helpdesk webhook ----------------------------------------------------------------------
def _rated() -> dict[str, Any]:
    rated = {**event(event_id=UNIQUE), "type": "rating.created"}
    rated["rating"] = {"id": "r-1", "score": 2, "comment": "Slow answer",
                       "agent": {"name": "Bob Agent", "email": "bob@example.com"}}
    return rated


WEBHOOK_SEEDS: list[dict[str, Any]] = [
    event(event_id=UNIQUE),
    event("ticket.updated", event_id=UNIQUE, status="pending", assignee=None),
    comment(event(event_id=UNIQUE), "Hello Ann, please try again"),
    comment(event(event_id=UNIQUE), "internal note", public=False, role="customer"),
    event("ticket.closed", event_id=UNIQUE, status="solved"),
    event("ticket.reopened", event_id=UNIQUE, status="open", priority="low"),
    _rated(),
]


@st.composite
def webhook_requests(draw: st.DrawFn) -> Hostile:
    seed = draw(st.sampled_from(WEBHOOK_SEEDS))
    how = draw(st.sampled_from(["json", "json", "json", "json", "bytes", "valid"]))
    body = draw(mutated_json(seed)).encode() if how == "json" else _json(seed)
    if how == "bytes":
        body = draw(mangled_bytes(body))
    content_type = draw(st.sampled_from(["application/json"] * 4 + CONTENT_TYPES))
    return Hostile("/webhooks/helpdesk", body, content_type, draw(_signing()))


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data).encode()


# -- the native helpdesk webhooks (CONTRACT §4a) --------------------------------------------------
NATIVE = {"/webhooks/zendesk": "zendesk", "/webhooks/jira": "jira",
          "/webhooks/intercom": "intercom", "/webhooks/freshdesk": "freshdesk"}
_NATIVE_PROOF = {"zendesk": "x-zendesk-webhook-signature", "jira": "X-Hub-Signature",
                 "intercom": "X-Hub-Signature", "freshdesk": "X-Chatops-Token"}
_Signer = Callable[..., Signed]  # (body, secret or None, [when]) -> the signed request


def _zendesk(body: bytes, secret: str | None, at: datetime | None = None) -> Signed:
    # a fresh invocation id each time, as Zendesk gives each call (its retries keep theirs)
    return zendesk(body, at=at, invocation=uuid.uuid4().hex,
                   **({"secret": secret} if secret else {}))


_NATIVE_SIGNERS: dict[str, _Signer] = {
    "zendesk": _zendesk,
    "jira": lambda body, secret, *_: jira(body, secret=secret or JIRA_SECRET,
                                           identifier=uuid.uuid4().hex[:10]),
    "intercom": lambda body, secret, *_: intercom(body, **({"secret": secret} if secret else {})),
    "freshdesk": lambda body, secret, *_: freshdesk(body, token=secret or FRESHDESK_TOKEN),
}


def _native_seeds() -> list[tuple[str, Any]]:
    """(path, JSON) of documented payloads of each helpdesk: tickets, comments, ratings."""
    signed = list(valid_requests().values()) + [
        zendesk(fixture("zendesk", "ticket_comment_added.json")),
        zendesk(fixture("zendesk", "ticket_status_changed.json")),
        zendesk(zendesk_csat("bad")),
        jira(fixture("jira", "comment_created.json")),
        jira(fixture("jira", "issue_updated_status.json")),
        intercom(fixture("intercom", "conversation_rating_added.json")),
        intercom(fixture("intercom", "conversation_admin_noted.json")),
        freshdesk(freshdesk_rule("agent-reply", **{"ticket.latest_public_comment": "Try again"})),
        freshdesk(freshdesk_rule("rating-bad")),
    ]
    return [(s.path, json.loads(s.body)) for s in signed]


NATIVE_SEEDS = _native_seeds()
NATIVE_FORGERIES: dict[str, list[tuple[str, Any]]] = {
    helpdesk: [("secret", "not-the-secret"), ("missing", None), ("other body", None),
               ("signature", lambda s: s[:-1]), ("signature", lambda s: s + "0"),
               ("signature", lambda s: ""),
               ("signature", lambda s: s[:-1] + ("1" if s.endswith("0") else "0")),
               ("signature", lambda s: s + "," + s)]
    for helpdesk in NATIVE.values()}
NATIVE_FORGERIES["freshdesk"].remove(("other body", None))  # its token signs no body
NATIVE_FORGERIES["zendesk"] += [
    ("skew", -301), ("skew", 310), ("skew", -10 ** 6), ("timestamp", "1e10"),
    ("timestamp", ""), ("timestamp", "2026-02-30T00:00:00Z"), ("timestamp", "9" * 5000)]


@st.composite
def native_requests(draw: st.DrawFn) -> Hostile:
    """A native helpdesk's documented payload, mutated, signed as that helpdesk signs it;
    one in five forged in one of the ways that helpdesk's check must see."""
    path, seed = draw(st.sampled_from(NATIVE_SEEDS))
    how = draw(st.sampled_from(["json", "json", "json", "json", "bytes", "valid"]))
    body = (draw(mutated_json(seed)).encode("utf-8", "surrogatepass") if how == "json"
            else json.dumps(seed).encode())
    if how == "bytes":
        body = draw(mangled_bytes(body))
    content_type = draw(st.sampled_from(["application/json"] * 4 + CONTENT_TYPES))
    forged = draw(st.integers(0, 4)) == 0
    forgery = draw(st.sampled_from(NATIVE_FORGERIES[NATIVE[path]])) if forged else None
    return Hostile(path, body, content_type, forgery)


# -- Slack ---------------------------------------------------------------------------------------
def slack_strategy(seeds: list[Seed]) -> st.SearchStrategy[Hostile]:
    @st.composite
    def slack_requests(draw: st.DrawFn) -> Hostile:
        seed = draw(st.sampled_from(seeds))
        body, content_type = seed.body()
        how = draw(st.sampled_from(["data", "data", "data", "data", "bytes", "payload", "valid"]))
        if how == "data" and seed.form is not None:
            body = draw(mutated_form(seed.form))
        elif how == "data" and seed.payload is not None:
            body = b"payload=" + quote(draw(mutated_json(seed.payload)), safe="",
                                       errors="surrogatepass").encode()
        elif how == "data":
            body = draw(mutated_json(seed.data())).encode("utf-8", "surrogatepass")
        elif how == "bytes":
            body = draw(mangled_bytes(body))
        elif how == "payload":  # the form around a payload, or a payload that is no JSON
            body = encode_form(draw(st.sampled_from([
                [("payload", "{not json")], [("payload", "")], [("payload", '"text"')],
                [("payload", "[1]")], [("payload", "{}"), ("payload", "{}")],
                [("payload", '{"type": "block_actions"}'), ("command", "/chatops")],
                [("ssl_check", "1"), ("token", "x")], [("command", "/chatops")]])))
        if draw(st.integers(0, 9)) == 0:
            content_type = draw(st.sampled_from(CONTENT_TYPES))
        return Hostile("/slack/events", body, content_type, draw(_signing()))

    return slack_requests()


slack_requests = slack_strategy(SEEDS)
