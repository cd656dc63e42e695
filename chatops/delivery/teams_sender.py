"""Posts a card to a team's Microsoft Teams webhook (URL from the env var app.yaml names)."""
from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from chatops.delivery.errors import Outcome, transient, unreachable
from chatops.delivery.outbox import Job

if TYPE_CHECKING:
    import requests

TIMEOUT_SECONDS = 5  # Teams runs in its own delivery thread; a hung endpoint only holds Teams


def is_legacy_connector(url: str) -> bool:
    """Office 365 connector URLs (retired by Microsoft) take MessageCards; Workflows take
    Adaptive Cards."""
    return "webhook.office.com" in url or "/teams/legacy/" in url or "outlook.office" in url


class TeamsSender:
    def __init__(self, webhook_env_of: Callable[[str], str | None],
                 environ: Mapping[str, str] | None = None) -> None:
        self.webhook_env_of = webhook_env_of  # team name -> env var name (or None)
        self.environ: Mapping[str, str] = environ if environ is not None else os.environ
        self._http: requests.Session | None = None
        self._lock = threading.Lock()

    @property
    def http(self) -> requests.Session:
        """The HTTP session, made (and `requests` loaded) when a Teams card is first sent."""
        with self._lock:
            if self._http is None:
                import requests

                self._http = requests.Session()
            return self._http

    def send(self, job: Job) -> Outcome:
        env_name = self.webhook_env_of(job.target)
        url = self.environ.get(env_name, "") if env_name else ""
        if not url:
            return Outcome("skipped", f"team {job.target} has no Teams webhook URL "
                                      f"(env {env_name or 'teams_webhook_env unset'})")
        import requests

        cards = json.loads(job.payload)
        body = cards["legacy"] if is_legacy_connector(url) else cards["adaptive"]
        try:
            response = self.http.post(url, json=body, timeout=TIMEOUT_SECONDS)
        except (requests.ConnectionError, requests.Timeout) as exc:
            return unreachable(f"Teams webhook: {exc!r}")
        except requests.RequestException as exc:
            return transient(f"Teams webhook: {exc!r}", job.attempts)
        status = response.status_code
        if 200 <= status < 300:
            return Outcome("ok")
        if status == 429:
            try:
                wait = float(response.headers.get("Retry-After", "5"))
            except ValueError:
                wait = 5.0
            return Outcome("ratelimited", f"Teams rate limited (Retry-After {wait:g}s)", wait)
        if status >= 500 or status == 408:
            return Outcome("outage", f"Teams webhook answered HTTP {status}")
        return Outcome("permanent", f"Teams webhook answered HTTP {status}: {response.text[:200]}")
