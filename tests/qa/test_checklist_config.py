"""`chatops check-config` refuses a checklist that could not fit one Slack modal, naming where;
the largest one it accepts makes a modal Slack would take."""
from __future__ import annotations

from pathlib import Path

import yaml
from slack_sdk.models.views import View

from blocks import qa_modals
from blocks.qa import ChecklistForm, CorrectionNote, TicketLine
from chatops.qa.cards import checklist_items
from chatops.qa.metadata import ChecklistMeta
from domain.qa import Signals
from tests.conftest import make_config
from tests.test_cli import chatops


def write(tmp_path: Path, checklist: list[dict[str, object]]) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(yaml.safe_dump({"teams": [{"name": "support", "channel": "C0SUPPORT"}],
                                    "qa": {"checklist": checklist}}), encoding="utf-8")
    return path


def test_too_many_items_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, [{"id": f"i{n}", "text": f"Item {n}"} for n in range(96)])
    result = chatops("check-config", "--config", str(path), cwd=tmp_path)
    assert result.returncode == 1
    assert "qa.checklist: 96 items do not fit one Slack modal: at most 95" in result.stdout + result.stderr


def test_an_item_text_too_long_for_a_label_is_refused_by_its_place(tmp_path: Path) -> None:
    path = write(tmp_path, [{"id": "ok", "text": "Fine"}, {"id": "long", "text": "x" * 1990}])
    result = chatops("check-config", "--config", str(path), cwd=tmp_path)
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert "qa.checklist[1].text: 1990 characters: a Slack modal shows at most 1989" in out
    assert "qa.checklist[0]" not in out


def test_the_largest_checklist_accepted_makes_a_valid_modal() -> None:
    items = [{"id": f"item_{n:02d}", "text": "y" * 1989, "weight": 3, "critical": n % 2 == 0}
             for n in range(95)]
    config = make_config(qa={"checklist": items})
    meta = ChecklistMeta(ticket="t" * 200, agent_name="n" * 200, agent_email="e" * 300 + "@x.io",
                         agent="email:" + "e" * 300 + "@x.io", appeal=2**62)
    form = ChecklistForm(ticket=TicketLine("t" * 200, "s" * 100_000, "https://x.io/" + "p" * 2900),
                         agent=None, items=checklist_items(config), metadata=meta.dump(),
                         signals=Signals(3, 9, ("first_response", "resolution"), 4, 120),
                         prefill={"item_00": "fail"}, comment="c" * 5000,
                         correcting=CorrectionNote(0, "U0QA1", "r" * 10_000))
    view = qa_modals.checklist(form)
    assert len(view["blocks"]) == 100
    View(**view).to_dict()  # raises if Slack's limits are exceeded anywhere
