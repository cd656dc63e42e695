"""Each signal the checklist shows, from a ticket's history posted through the webhook: a
history that shows it, and one that does not. Events may arrive out of order: the signals
read them in the order they happened."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chatops.clock import FixedClock
from chatops.qa.signals import ticket_signals
from domain.qa import Signals
from tests.conftest import Harness, make_config
from tests.events import comment, event

CREATED = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(CREATED + timedelta(minutes=20))


@pytest.fixture
def app(make_harness: Any, clock: FixedClock) -> Harness:
    return make_harness(make_config(), clock=clock)


def at(minutes: int) -> str:
    return (CREATED + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def said(minutes: int, role: str, *, public: bool = True, status: str = "open") -> dict[str, Any]:
    return comment(event(occurred_at=at(minutes), status=status), f"at {minutes}", role=role,
                   public=public, comment_id=f"c-{minutes}-{role}")


def became(minutes: int, status: str) -> dict[str, Any]:
    kind = "ticket.reopened" if status == "open" else "ticket.updated"
    return event(kind, occurred_at=at(minutes), status=status)


def signals(app: Harness, *history: dict[str, Any], now: int = 20) -> Signals:
    for body in (event(occurred_at=at(0)), *history):
        assert app.post_event(body).status_code == 202
    with app.rt.sessions() as session:
        return ticket_signals(session, app.rt.sla.rules, "1001", CREATED + timedelta(minutes=now))


# -- closed without confirmation ------------------------------------------------------------

def test_solved_right_after_an_agent_reply_shows(app: Harness) -> None:
    found = signals(app, said(5, "agent"), became(10, "solved"))
    assert found.solved_unconfirmed == 1


def test_answered_and_solved_in_one_update_shows(app: Harness) -> None:
    assert signals(app, said(5, "agent", status="solved")).solved_unconfirmed == 1


def test_solved_after_the_customer_confirmed_does_not_show(app: Harness) -> None:
    found = signals(app, said(5, "agent"), said(8, "customer"), became(10, "solved"))
    assert found.solved_unconfirmed == 0


def test_a_confirmation_arriving_after_the_solve_still_counts_where_it_happened(app: Harness) -> None:
    found = signals(app, said(5, "agent"), became(10, "solved"), said(8, "end-user"))
    assert found.solved_unconfirmed == 0


def test_an_internal_note_is_not_a_reply_the_customer_must_confirm(app: Harness) -> None:
    found = signals(app, said(5, "agent"), said(7, "customer"),
                    said(9, "agent", public=False), became(10, "closed"))
    assert found.solved_unconfirmed == 0


# -- had to chase ---------------------------------------------------------------------------

def test_the_customer_writing_twice_without_an_answer_shows(app: Harness) -> None:
    found = signals(app, said(5, "customer"), said(9, "agent", public=False),
                    said(12, "requester"), said(15, "agent"))
    assert found.customer_chased == 2


def test_three_in_a_row_arriving_out_of_order_counts_three(app: Harness) -> None:
    found = signals(app, said(12, "user"), said(5, "customer"), said(9, "end_user"))
    assert found.customer_chased == 3


def test_each_customer_message_answered_does_not_show(app: Harness) -> None:
    found = signals(app, said(5, "customer"), said(6, "agent"), said(9, "customer"),
                    said(10, "agent"), said(11, "system"))
    assert found.customer_chased == 0


# -- SLA breached ---------------------------------------------------------------------------

def test_a_first_response_past_due_shows(app: Harness) -> None:
    found = signals(app, said(10, "customer"), now=45)  # urgent: first response due in 30 min
    assert found.breached == ("first_response",)


def test_a_first_response_met_late_shows(app: Harness) -> None:
    assert signals(app, said(40, "agent"), now=50).breached == ("first_response",)


def test_a_breach_the_scan_recorded_shows_even_if_the_target_moved_since(app: Harness,
                                                                        clock: FixedClock) -> None:
    assert app.post_event(event(occurred_at=at(0))).status_code == 202
    clock.set(CREATED + timedelta(minutes=35))
    with app.rt.sessions.begin() as session:
        assert app.rt.sla.scan(session, clock.now()).sent == 1
    # Now low priority (a day to answer), answered at 36 min: in time for the clock alone.
    reply = comment(event(occurred_at=at(36), status="open", priority="low"), "here",
                    comment_id="c-late")
    assert app.post_event(reply).status_code == 202
    with app.rt.sessions() as session:
        found = ticket_signals(session, app.rt.sla.rules, "1001", CREATED + timedelta(minutes=40))
    assert found.breached == ("first_response",)


def test_targets_met_in_time_do_not_show(app: Harness) -> None:
    found = signals(app, said(10, "agent"), became(60, "solved"), now=600)
    assert found.breached == ()


# -- reopened -------------------------------------------------------------------------------

def test_reopened_after_solved_shows(app: Harness) -> None:
    found = signals(app, said(5, "agent"), became(10, "solved"), became(20, "open"),
                    said(25, "agent"), became(30, "closed"), now=35)
    assert found.reopened == 1 and found.solved_unconfirmed == 2


def test_pending_and_back_is_not_a_reopen(app: Harness) -> None:
    found = signals(app, became(5, "pending"), became(10, "open"), became(12, "on_hold"),
                    became(15, "open"))
    assert found.reopened == 0


# -- the agent's replies ----------------------------------------------------------------------

def test_public_agent_replies_are_counted_internal_notes_are_not(app: Harness) -> None:
    found = signals(app, said(5, "agent"), said(6, "agent", public=False), said(7, "AGENT"))
    assert found.agent_replies == 2
    assert signals(app).agent_replies == 2  # the same ticket: nothing new


def test_every_signal_at_once_in_the_form_a_review_stores(app: Harness) -> None:
    found = signals(app, said(5, "customer"), said(6, "customer"), said(40, "agent"),
                    became(41, "solved"), became(50, "open"), now=60)
    assert found.to_json() == [
        {"signal": "solved_without_confirmation", "times": 1},
        {"signal": "customer_chased", "in_a_row": 2},
        {"signal": "sla_breached", "targets": ["first_response"]},
        {"signal": "reopened", "times": 1},
        {"signal": "agent_replies", "count": 1},
    ]
