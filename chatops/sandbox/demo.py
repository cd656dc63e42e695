"""`chatops demo`: the sandbox with a ready scenario, played through the page's API (so through
the same signed webhooks and Slack requests as a click): about a dozen tickets at every SLA
stage (one crosses its first mark within the first minute), comments public and internal,
ratings good and bad (one followed up), a QA review with an appeal, and the weekly review
posted (forced) with its chart."""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from blocks.ids import ActionId, ViewId
from chatops.config import AppConfig
from chatops.sandbox.demo_tickets import FIRST_MARK_IN, OTHER_TICKETS, SLA_SUBJECTS, DemoTicket
from chatops.sandbox.fake_state import dm_channel_id
from chatops.sandbox.page_client import PageClient, messages_with_button
from chatops.sandbox.slack_requests import block_id_of
from chatops.sandbox.workspace import Workspace

log = logging.getLogger("chatops.sandbox.demo")

DEMO_CONFIG = Path(__file__).with_name("demo.yaml")
ALWAYS_OPEN = "24x7"
BREACHED_BY = 0.3  # the breached ticket is this share of its target late
T = TypeVar("T")


def demo_scenario(config: AppConfig) -> Callable[[str, Workspace], None]:
    def play(app_url: str, workspace: Workspace) -> None:
        try:
            Demo(config, workspace, PageClient(app_url)).play()
        except Exception:
            log.exception("the demo scenario stopped; the sandbox goes on")
    return play


def sla_ages(config: AppConfig) -> tuple[str, list[float]]:
    """The priority whose first response runs round the clock (the shortest), and a ticket
    age in minutes for each nudge mark: past that mark, short of the next one."""
    policies: dict[str, Any] = {str(p): policy for p, policy in config.sla.policies.items()}
    always = [p for p, policy in policies.items() if policy.calendar == ALWAYS_OPEN]
    priority = min(always or ["urgent"], key=lambda p: policies[p].first_response)
    target = policies[priority].first_response / timedelta(minutes=1)
    marks = [m.remaining for m in config.sla.nudges]
    bounds = [*marks, marks[-1] - BREACHED_BY if marks[-1] <= 0 else 0.0]
    ages = [target * (1 - (bounds[i] + bounds[i + 1]) / 2) for i in range(len(marks))]
    # and one ticket that crosses the first mark a little after the first scan
    ages.append(target * (1 - marks[0]) - FIRST_MARK_IN / timedelta(minutes=1))
    return priority, ages


def _first(found: list[T]) -> T | None:
    return found[0] if found else None


class Demo:
    def __init__(self, config: AppConfig, workspace: Workspace, page: PageClient) -> None:
        self.config = config
        self.workspace = workspace
        self.page = page
        self.teams = workspace.teams
        self.numbers: dict[str, str] = {}  # demo ticket key -> helpdesk ticket id

    def play(self) -> None:
        if self.page.wait(lambda state: state, timeout=120, every=0.3) is None:
            log.error("demo: the sandbox page did not answer; no scenario")
            return
        print(f"[sandbox] chatops demo is running: open {self.page.base}\n"
              "[sandbox] a fake Slack workspace and helpdesk; nothing leaves this machine. It "
              "fills in over the next minute; Ctrl-C stops it.", flush=True)
        priority, ages = sla_ages(self.config)
        for n, (subject, age) in enumerate(zip(SLA_SUBJECTS, ages)):
            self.ticket(DemoTicket(f"sla{n}", subject, priority, age, agent=n))
        self.job("sla-scan")
        for ticket in OTHER_TICKETS:
            self.ticket(ticket)
        self.slash()
        self.qa_review_and_appeal("sso")
        self.follow_up("refund")
        self.job("weekly-review")
        log.info("demo: the scenario is in; the page keeps showing what the app sends")

    # -- the helpdesk ----------------------------------------------------------------------

    def ticket(self, ticket: DemoTicket) -> None:
        team = self.teams[ticket.team if ticket.team < len(self.teams) else 0]
        agents = list(team.agents) or ["alex.agent@example.com"]
        assignee = agents[ticket.agent % len(agents)]
        created = self.page.act("helpdesk", kind="create", subject=ticket.subject,
                                priority=ticket.priority, team=team.name, assignee=assignee,
                                age_minutes=round(ticket.age_minutes, 2))
        if not created.get("ok"):
            log.warning("demo: ticket %r not created: %s", ticket.subject, created)
            return
        number = str(created["ticket"])
        self.numbers[ticket.key] = number
        for step in ticket.steps:
            answer = self.page.act("helpdesk", ticket=number, **step)
            if not answer.get("ok"):
                log.warning("demo: %s on ticket %s refused: %s", step, number, answer)

    def job(self, name: str) -> None:
        answer = self.page.act("job", job=name)
        log.info("demo: %s: %s", name, answer.get("summary") or answer)

    # -- Slack, as the people of the workspace --------------------------------------------

    def role(self, role: str) -> str | None:
        return next((u.id for u in self.workspace.users if role in u.roles), None)

    def slash(self) -> None:
        admin = self.role("admin")
        if admin is not None:
            self.page.act("command", user=admin, channel=self.teams[0].channel, text="settings")

    def _modal(self, user: str, callback_id: str) -> dict[str, Any] | None:
        def find(state: dict[str, Any]) -> dict[str, Any] | None:
            modal = state["modals"].get(user)
            view = modal and modal["view"]
            return view if view and view.get("callback_id") == callback_id else None
        return self.page.wait(find, timeout=30)

    def qa_review_and_appeal(self, key: str) -> None:
        number, team = self.numbers.get(key), self.teams[0]
        reviewer = self.role(f"lead of {team.name}") or self.role("QA reviewer")
        if number is None or reviewer is None:
            return
        found = self.page.wait(lambda s: _first(messages_with_button(s, team.channel,
                                                                     ActionId.QA_REVIEW, number)))
        if found is None:
            log.warning("demo: the parent of ticket %s did not appear; no QA review", number)
            return
        self.page.press(reviewer, *found)
        view = self._modal(reviewer, ViewId.QA_CHECKLIST)
        if view is None:
            return
        radios = [(block_id_of(b, i), b) for i, b in enumerate(view["blocks"])
                  if b.get("type") == "input" and b["element"].get("type") == "radio_buttons"]
        inputs: dict[str, Any] = {block_id: "pass" for block_id, _ in radios}
        if radios:
            inputs[radios[-1][0]] = "fail"
        for i, block in enumerate(view["blocks"]):
            if block.get("type") == "input" and block["element"].get("type") == "plain_text_input":
                inputs[block_id_of(block, i)] = "Closed before the customer confirmed the fix."
        self.page.act("submit", user=reviewer, view_id=view["id"], inputs=inputs)
        agent = self.workspace.emails().get(next(iter(team.agents), ""))
        if agent is not None:
            self.appeal(agent)

    def appeal(self, agent: str) -> None:
        found = self.page.wait(lambda s: _first(messages_with_button(s, dm_channel_id(agent),
                                                                     ActionId.QA_APPEAL)))
        if found is None:
            return
        self.page.press(agent, *found)
        view = self._modal(agent, ViewId.QA_APPEAL)
        if view is None:
            return
        inputs = {block_id_of(b, i): "The customer confirmed the fix by phone before I closed it."
                  for i, b in enumerate(view["blocks"]) if b.get("type") == "input"}
        self.page.act("submit", user=agent, view_id=view["id"], inputs=inputs)

    def follow_up(self, key: str) -> None:
        number, team = self.numbers.get(key), self.teams[0]
        lead = self.role(f"lead of {team.name}")
        if number is None or lead is None:
            return

        def rating_dm(state: dict[str, Any]) -> Any:
            return next(((m, place) for m, place in messages_with_button(
                state, dm_channel_id(lead), ActionId.RATING_FOLLOWED_UP)
                if f"#{number}" in json.dumps(m)), None)

        found = self.page.wait(rating_dm)
        if found is not None:
            self.page.press(lead, *found)
