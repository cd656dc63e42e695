"""Concurrent twins: the database's constraints and compare-and-sets decide, not an `if`
that both threads could pass at once."""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from chatops.qa.access import QaAccess
from chatops.qa.appeals import QaAppeals
from chatops.qa.metadata import AppealMeta, ChecklistMeta, RejectMeta
from chatops.qa.reviews import QaReviews
from db.models_qa import QaAppeal, QaReview
from tests.conftest import Harness
from tests.qa.support import ticket

PASS_ALL = dict.fromkeys(("knowledge", "attentive", "efficient", "composure", "closure"), "pass")


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def services(app: Harness) -> tuple[QaReviews, QaAppeals]:
    rt = app.rt
    return (QaReviews(rt.sessions, rt.config, rt.clock, rt.sla.rules),
            QaAppeals(rt.sessions, rt.config, rt.clock, QaAccess(rt.sessions, rt.config)))


def test_one_view_submitted_twice_at_once_is_one_review(app: Harness) -> None:
    ticket(app)
    reviews, _ = services(app)
    meta = ChecklistMeta(ticket="1001", agent_name="Bob Agent", agent_email="bob@example.com",
                         agent="U0AGENT1")
    results = at_once(*[lambda: reviews.submit(meta, "view:V1", "U0QA1", PASS_ALL, None)] * 2)
    assert all(r.errors is None for r in results)
    assert sum(r.sends for r in results) == 1
    assert len(app.rows(QaReview)) == 1


def test_two_appeals_and_two_decisions_at_once_each_happen_once(app: Harness) -> None:
    ticket(app)
    reviews, appeals = services(app)
    meta = ChecklistMeta(ticket="1001", agent_name="Bob Agent", agent_email="bob@example.com",
                         agent="U0AGENT1")
    review_id = reviews.submit(meta, "view:V1", "U0QA1", PASS_ALL, None).review_id
    assert review_id is not None
    opened = at_once(lambda: appeals.appeal(AppealMeta(review=review_id), "U0AGENT1", "one"),
                     lambda: appeals.appeal(AppealMeta(review=review_id), "U0AGENT1", "two"))
    assert sorted(r.sends for r in opened) == [False, True]
    [appeal] = app.rows(QaAppeal)
    decided = at_once(lambda: appeals.reject(RejectMeta(appeal=appeal.id), "U0LEAD1", "no"),
                      lambda: appeals.reject(RejectMeta(appeal=appeal.id), "U0LEAD2", "nope"))
    assert sorted(r.sends for r in decided) == [False, True]
    loser = next(r for r in decided if not r.sends)
    assert loser.errors is not None and "Another lead decided" in loser.errors["qa_reject_reason"]
    [appeal] = app.rows(QaAppeal)
    winner = "U0LEAD1" if decided[0].sends else "U0LEAD2"
    assert (appeal.status, appeal.decided_by) == ("rejected", winner)
