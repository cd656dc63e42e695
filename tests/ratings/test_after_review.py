"""`after_review`: the agent's own ratings wait for the weekly review, then go in one DM."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from chatops.ratings.after_review import release_after_review, waiting_for_review
from db.models_people import Rating
from tests.conftest import unique
from tests.ratings.support import rating_event
from tests.ratings.test_rating_dms import assert_only_dms, config_with

AFTER = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def test_waiting_ratings_are_released_once_after_the_review(make_harness: Any) -> None:
    app = make_harness(config_with("after_review"))
    first, second, stranger = unique(), unique(), unique()
    app.post_event(rating_event("bad", f"late {first}"))
    app.post_event(rating_event(4, f"fine {second}", ticket_id="1002"))
    app.post_event(rating_event(1, stranger, ticket_id="1003",
                                agent={"name": "Zed", "email": None}))
    app.deliver()
    assert app.fake.dms("U0AGENT1") == []
    with app.rt.sessions.begin() as session:
        assert len(waiting_for_review(session, "support")) == 3
        assert release_after_review(session, app.rt.config, "support", AFTER) == 1
    with app.rt.sessions.begin() as session:
        assert waiting_for_review(session, "support") == []
        assert release_after_review(session, app.rt.config, "support", AFTER) == 0
    app.deliver()
    [dm] = app.fake.dms("U0AGENT1")
    text = json.dumps(dm, ensure_ascii=False)
    assert first in text and second in text and stranger not in text
    assert all(r.delivered_to_agent_at == AFTER for r in app.rows(Rating))
    assert_only_dms(app, first, {"U0LEAD1", "U0LEAD2", "U0AGENT1"})
    assert_only_dms(app, stranger, {"U0LEAD1", "U0LEAD2"})
