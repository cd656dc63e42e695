"""The rating mailbox can only address DMs of the team's leads and of the rated agent."""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from chatops.ratings.mailbox import NotARecipient, RatingMailbox

RATINGS = Path(__file__).resolve().parents[2] / "chatops" / "ratings"


class FakeSession:
    def __init__(self) -> None:
        self.added: list[Any] = []


@pytest.mark.parametrize("target", ["C0SUPPORT", "G0PRIVATE", "#general", "email:nobody",
                                    "DU0LEAD1", "", "U0LEAD1 "])
def test_a_mailbox_refuses_anything_but_a_person(target: str) -> None:
    with pytest.raises(NotARecipient):
        RatingMailbox(FakeSession(), leads=[target], agent=None)  # type: ignore[arg-type]
    with pytest.raises(NotARecipient):
        RatingMailbox(FakeSession(), leads=[], agent=target)  # type: ignore[arg-type]


def test_a_mailbox_refuses_someone_it_was_not_built_for() -> None:
    box = RatingMailbox(FakeSession(), leads=["U0LEAD1"], agent="email:bob@example.com")  # type: ignore[arg-type]
    with pytest.raises(NotARecipient):
        box.to_lead("U0LEAD2", {"text": "x"})
    with pytest.raises(NotARecipient):
        box.rewrite_lead_dm("U0LEAD1", "C0SUPPORT", "1.2", {"text": "x"})
    with pytest.raises(NotARecipient):
        box.rewrite_lead_dm("U0LEAD2", "DU0LEAD2", "1.2", {"text": "x"})


def test_only_the_mailbox_uses_the_outbox_in_the_ratings_package() -> None:
    for path in RATINGS.glob("*.py"):
        tree = ast.parse(path.read_text())
        imported = {node.module for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                     for alias in node.names}
        names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                 for alias in node.names}
        touches = any(m.startswith("chatops.delivery") for m in imported) or "outbox" in names \
            or "OutboxMessage" in names
        assert touches == (path.name == "mailbox.py"), path.name
    source = (RATINGS / "mailbox.py").read_text()
    calls = {node.func.attr for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and isinstance(node.func.value, ast.Name) and node.func.value.id == "outbox"}
    assert calls == {"add", "direct_message", "direct_message_update"}  # DMs, nothing else
