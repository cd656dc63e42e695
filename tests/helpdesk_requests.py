"""Requests to the native helpdesk webhooks (CONTRACT §4a), signed exactly as each helpdesk
signs them, with the documented payloads of tests/fixtures/<helpdesk>/ (their sources in each
SOURCES.md). `valid_requests()` gives one valid signed request per helpdesk (the fuzz suite
starts from them); the secrets are `SECRETS` (Environment fields) or `SECRET_VARIABLES`
(environment variables of `chatops serve`)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"
README = Path(__file__).parent.parent / "README.md"

ZENDESK_SECRET = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="  # Zendesk's own test secret
ZENDESK_CSAT_SECRET = "HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA="  # a second webhook's
JIRA_SECRET = "It's a Secret to Everybody"
INTERCOM_SECRET = "intercom-client-secret-0123456789abcdef"
FRESHDESK_TOKEN = "freshdesk-token-5b2f8a"

SECRETS = {  # Environment(**SECRETS)
    "zendesk_webhook_secret": f"{ZENDESK_SECRET},{ZENDESK_CSAT_SECRET}",
    "jira_webhook_secret": JIRA_SECRET,
    "intercom_client_secret": INTERCOM_SECRET,
    "freshdesk_webhook_token": FRESHDESK_TOKEN,
}
SECRET_VARIABLES = {field.upper(): value for field, value in SECRETS.items()}


@dataclass(frozen=True)
class Signed:
    method: str
    path: str
    body: bytes
    headers: dict[str, str]


def fixture(helpdesk: str, name: str) -> bytes:
    """A payload file, byte for byte (what the helpdesk sends is what is signed)."""
    return (FIXTURES / helpdesk / name).read_bytes()


def zendesk(body: bytes, *, secret: str = ZENDESK_SECRET, at: datetime | None = None,
            invocation: str = "8350205582") -> Signed:
    """developer.zendesk.com/documentation/webhooks/verifying: base64 HMAC-SHA256 over the
    timestamp header's text followed by the body; the timestamp is ISO 8601."""
    stamp = (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    mac = hmac.new(secret.encode(), stamp.encode() + body, hashlib.sha256).digest()
    return Signed("POST", "/webhooks/zendesk", body, {
        "Content-Type": "application/json", "x-zendesk-account-id": "22129848",
        "x-zendesk-webhook-id": "01F1KRFQ6BG29CNWFR60NK5FNY",
        "x-zendesk-webhook-invocation-id": invocation,
        "x-zendesk-webhook-signature": base64.b64encode(mac).decode(),
        "x-zendesk-webhook-signature-timestamp": stamp})


def jira(body: bytes, *, secret: str = JIRA_SECRET, identifier: str | None = None) -> Signed:
    """Jira Cloud admin webhooks with a secret: WebSub's X-Hub-Signature, sha256 of the body."""
    mac = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return Signed("POST", "/webhooks/jira", body, {
        "Content-Type": "application/json", "X-Hub-Signature": f"sha256={mac}",
        "X-Atlassian-Webhook-Identifier": identifier or hashlib.sha1(body).hexdigest()[:10],
        "X-Atlassian-Webhook-Flow": "Primary"})


def intercom(body: bytes, *, secret: str = INTERCOM_SECRET) -> Signed:
    """Intercom's signed notifications: X-Hub-Signature sha1 of the body with the client secret."""
    mac = hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    return Signed("POST", "/webhooks/intercom", body, {
        "Content-Type": "application/json", "User-Agent": "intercom-parrot-service-client/1.0",
        "X-Hub-Signature": f"sha1={mac}"})


def freshdesk(body: bytes, *, token: str = FRESHDESK_TOKEN) -> Signed:
    """Freshdesk signs nothing: the rule's custom header carries the shared token."""
    return Signed("POST", "/webhooks/freshdesk", body, {
        "Content-Type": "application/json", "X-Chatops-Token": token})


# -- the bodies README ships, rendered as the helpdesk renders them ----------------------

def readme_template(name: str) -> str:
    """The body README tells users to paste, after its `<!-- template: name -->` marker."""
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- template: {re.escape(name)} -->\s*```json\n(.*?)```", text, re.S)
    assert found, f"README has no template {name}"
    return found.group(1)


def _rails_json(value: str) -> str:
    """A value as Ruby on Rails writes it in JSON, without the quotes: `to_json[1..-2]`
    (ActiveSupport escapes <, > and & as \\u003c… too)."""
    text = json.dumps(value)[1:-1]
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render(template: str, values: dict[str, str]) -> bytes:
    """Placeholders replaced by their values escaped for a JSON string, as Freshdesk does
    with Encoding JSON (freshconsult lib/va/webhook/helper_methods.rb) and as Zendesk does
    for a JSON webhook; an unknown placeholder renders empty, as both do."""
    return re.sub(r"\{\{\s*([\w.]+)\s*\}\}", lambda m: _rails_json(values.get(m.group(1), "")),
                  template).encode()


def zendesk_csat(score: str = "bad", **values: str) -> bytes:
    body = readme_template("zendesk-csat").replace('"score": "good"', f'"score": "{score}"')
    return render(body, {
        "ticket.id": "5158", "ticket.title": "ticketinfo_2294a6e9ece2",
        "ticket.link": "https://acme.zendesk.com/agent/tickets/5158",
        "ticket.created_at_with_timestamp": "2025-01-08T10:12:07Z",
        "ticket.updated_at_with_timestamp": "2025-01-09T08:00:00Z",
        "ticket.requester.id": "8447388090494", "ticket.requester.name": "Ann Client",
        "ticket.requester.email": "ann@client.example",
        "ticket.assignee.id": "8447388090495", "ticket.assignee.name": "Support Agent",
        "ticket.assignee.email": "bob@example.com",
        "satisfaction.current_comment": "Slow answer", **values})


FRESHDESK_TICKET = {
    "ticket.id": "11", "ticket.subject": "Cannot log in",
    "ticket.url": "https://acme.freshdesk.com/helpdesk/tickets/11",
    "ticket.status": "Open", "ticket.priority": "Urgent", "ticket.group.name": "",
    "ticket.created_on": "2024-06-10 09:30:00 UTC", "ticket.modified_on": "2024-06-10 09:30:00 UTC",
    "ticket.requester.name": "Ann Client", "ticket.requester.email": "ann@client.example",
    "ticket.agent.name": "Bob Agent", "ticket.agent.email": "bob@example.com",
    "ticket.latest_public_comment": "", "ticket.latest_private_comment": "",
}


def freshdesk_rule(rule: str, **values: str) -> bytes:
    """The body of one of README's Freshdesk rules (the *created* body, its lines from
    `"event"` to `"rating"` replaced by the rule's), rendered for ticket 11 (overridden by
    `values`; Freshdesk HTML-escapes the subject before it escapes it for JSON)."""
    body = readme_template("freshdesk-created")
    if rule != "created":
        head = readme_template(f"freshdesk-{rule}")
        body = re.sub(r'  "event":.*?\n  "rating":[^\n]*\n', lambda _: head, body, flags=re.S)
    merged = {**FRESHDESK_TICKET, **values}
    merged["ticket.subject"] = html.escape(merged["ticket.subject"], quote=False)
    return render(body, merged)


def valid_requests() -> dict[str, Signed]:
    """One valid signed request per helpdesk: each creates a ticket."""
    return {
        "zendesk": zendesk(fixture("zendesk", "ticket_created.json")),
        "jira": jira(fixture("jira", "issue_created.json")),
        "intercom": intercom(fixture("intercom", "conversation_user_created.json")),
        "freshdesk": freshdesk(freshdesk_rule("created")),
    }


def loads(signed: Signed) -> Any:
    return json.loads(signed.body)
