"""`chatops demo` without a browser: run from an empty folder with no secret in its
environment, it fills the sandbox with its scenario through the page's API (tickets at every
SLA stage, the leads' rating DMs, a QA review and its appeal, the forced weekly review), on a
database of its own (no ./chatops.db), every log line marked."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from chatops.sandbox.page_client import messages_with_button
from tests.sandbox.support import CONFIG, NUDGE_COLOURS, Running


def nudge_colours(state: dict[str, Any]) -> set[str]:
    parents = {m["ts"] for m in messages_with_button_any(state)}
    return {a["color"].upper() for m in state["messages"] if m["thread_ts"] in parents
            and m["ts"] != m["thread_ts"] for a in m["attachments"]} & NUDGE_COLOURS


def messages_with_button_any(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for channel in ("C0SUPPORT", "C0BILLING")
            for m, _ in messages_with_button(state, channel, "qa_review")]


def test_the_demo_fills_the_sandbox(demo: Running) -> None:
    page = demo.page
    assert page.wait(lambda s: len(nudge_colours(s)) >= 3 or None, timeout=60)
    assert page.wait(lambda s: messages_with_button(s, "DU0LEAD1", "rating_followed_up") or None)
    assert page.wait(lambda s: messages_with_button(s, "DU0LEAD1", "qa_appeal_accept") or None)
    state = page.wait(lambda s: s if "weekly-review" in str(s["log"]) else None)
    assert state is not None and len(state["helpdesk"]["tickets"]) >= 12
    assert all(entry["status"] in (None, 200, 202) for entry in state["log"]), state["log"]
    demo.stop()
    assert not (demo.dir / "chatops.db").exists()
    output = demo.output()
    assert f"chatops demo is running: open http://127.0.0.1:{demo.port}/sandbox" in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert [line for line in lines if not line.startswith("[sandbox] ")] == []


def test_the_demo_plays_in_the_workspace_of_its_folders_app_yaml(tmp_path: Path) -> None:
    """Like every command (CONTRACT §1), `chatops demo` reads ./app.yaml when neither
    --config nor $CHATOPS_CONFIG says otherwise; its own workspace only when there is none."""
    if os.environ.get("CHATOPS_TEST_DATABASE_URL"):
        pytest.skip("`chatops demo` runs on a SQLite database of its own: the SQLite pass ran it")
    team = {**CONFIG["teams"][0], "name": "helpdesk", "channel": "C0HELPDESK"}
    (tmp_path / "app.yaml").write_text(yaml.safe_dump({**CONFIG, "teams": [team]}))
    demo = Running(tmp_path, ["demo"], config=None)
    try:
        state = demo.page.wait(lambda s: messages_with_button(s, "C0HELPDESK", "qa_review") or None,
                               timeout=60)
        assert state, "no ticket thread in the app.yaml's channel"
        channels = {m["channel"] for m in demo.page.state()["messages"]}
        assert "C0SUPPORT" not in channels and "C0BILLING" not in channels
    finally:
        demo.stop()
    assert "[sandbox] chatops demo: the workspace of ./app.yaml" in demo.output()
