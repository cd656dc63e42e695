"""Zendesk's REST API, for one thing: who a user id is (`GET /api/v2/users/{id}.json`), so
people that Zendesk's webhooks name by id only are shown by name and matched to Slack by
email. Optional: ZENDESK_API_EMAIL and ZENDESK_API_TOKEN (an API token of an agent, Admin
Center → Apps and integrations → Zendesk API), with `helpdesks.zendesk.subdomain` (or
ZENDESK_API_URL). Asked only by the delivery worker (`chatops.delivery.people`), never by a
webhook."""
from __future__ import annotations

import base64
import json
import logging
import urllib.error
import urllib.request

from chatops.delivery.people import Person, SourceFailed, retry_after

log = logging.getLogger("chatops.delivery")

TIMEOUT_SECONDS = 5.0


class ZendeskPeople:
    def __init__(self, base_url: str, email: str, token: str,
                 timeout: float = TIMEOUT_SECONDS) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        login = base64.b64encode(f"{email}/token:{token}".encode()).decode()
        self.headers = {"Authorization": f"Basic {login}", "Accept": "application/json"}
        self.timeout = timeout

    def person(self, person_id: str) -> Person | None:
        if not person_id.isdigit():  # Zendesk's ids are numbers: anything else is nobody
            return None
        request = urllib.request.Request(f"{self.base_url}users/{person_id}.json",
                                         headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                user = json.loads(response.read()).get("user") or {}
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            if exc.code == 429:
                raise SourceFailed("rate limited (429)", True,
                                   retry_after(exc.headers.get("Retry-After"))) from exc
            raise SourceFailed(f"HTTP {exc.code}", exc.code >= 500) from exc
        except (OSError, ValueError) as exc:  # refused, reset, timed out; not JSON
            raise SourceFailed(f"{type(exc).__name__}: {exc}", True) from exc
        if not isinstance(user, dict):
            return None
        name, email = user.get("name"), user.get("email")
        return Person(name if isinstance(name, str) and name else None,
                      email if isinstance(email, str) and email else None)
