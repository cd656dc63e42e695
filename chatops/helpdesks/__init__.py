"""The native helpdesk webhooks (CONTRACT §4a): one adapter per helpdesk behind one
interface (`adapter.py`), each enabled by its secret variable, and the helpdesks' APIs that
name people their webhooks know only by id."""
from __future__ import annotations

from chatops.config import AppConfig
from chatops.delivery.people import PeopleSource
from chatops.environment import Environment
from chatops.helpdesks.adapter import Adapter
from chatops.helpdesks.freshdesk import Freshdesk
from chatops.helpdesks.intercom import Intercom
from chatops.helpdesks.jira import Jira
from chatops.helpdesks.zendesk import Zendesk
from chatops.helpdesks.zendesk_api import ZendeskPeople


def enabled_adapters(config: AppConfig, env: Environment) -> list[Adapter]:
    """The helpdesks whose secret variable is set; the others' routes answer 404."""
    helpdesks = config.helpdesks
    found: list[Adapter] = []
    if env.zendesk_webhook_secret.strip(" ,"):
        found.append(Zendesk(env.zendesk_webhook_secret, helpdesks.zendesk))
    if env.jira_webhook_secret:
        found.append(Jira(env.jira_webhook_secret, helpdesks.jira))
    if env.intercom_client_secret:
        found.append(Intercom(env.intercom_client_secret, helpdesks.intercom))
    if env.freshdesk_webhook_token:
        found.append(Freshdesk(env.freshdesk_webhook_token, helpdesks.freshdesk))
    return found


def people_sources(config: AppConfig, env: Environment) -> dict[str, PeopleSource]:
    """The helpdesk APIs configured to name people (today: Zendesk's, optional)."""
    sources: dict[str, PeopleSource] = {}
    subdomain = config.helpdesks.zendesk.subdomain
    url = env.zendesk_api_url or (f"https://{subdomain}.zendesk.com/api/v2/" if subdomain else "")
    if url and env.zendesk_api_email and env.zendesk_api_token:
        sources["zendesk"] = ZendeskPeople(url, env.zendesk_api_email, env.zendesk_api_token)
    return sources
