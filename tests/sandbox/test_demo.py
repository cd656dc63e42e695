"""`chatops demo` without a browser: run from an empty folder with no secret in its
environment, it fills the sandbox with its scenario through the page's API (tickets at every
SLA stage, the leads' rating DMs, a QA review and its appeal, the forced weekly review), on a
database of its own (no ./chatops.db), every log line marked."""
from __future__ import annotations

from typing import Any

from chatops.sandbox.page_client import messages_with_button
from tests.sandbox.support import NUDGE_COLOURS, Running


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
