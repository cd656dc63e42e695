"""`chatops demo` in a real browser: Debian's Chromium, headless, driven by Selenium with
Debian's chromedriver. What a person evaluating chatops sees: the ticket threads with nudges of
several colours, a lead's rating DMs, the weekly review's thread with its chart; then a lead
presses `QA review`, fills the modal in, submits it, and the agent finds the result in their DMs.

Screenshots of each step go to test-artifacts/browser/ (git-ignored); the paths are printed.
Without Chromium (the README's plain test command on a bare machine) the test is skipped, unless
CHATOPS_REQUIRE_BROWSER=1 (set by .ci/run, which installs it) makes that a failure."""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from chatops.sandbox.page_client import messages_with_button
from tests.sandbox.support import NUDGE_COLOURS, Running

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1500,1000")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
LEAD, BOB = "U0LEAD1", "U0AGENT1"
T = TypeVar("T")


def _browser_or_skip() -> Any:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(path)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    if missing:
        reason = (f"no headless browser here: {', '.join(missing)} missing "
                  "(apt-get install chromium chromium-driver)")
        if os.environ.get("CHATOPS_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + "; CHATOPS_REQUIRE_BROWSER=1 makes that a failure")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="chatops-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.profile = profile
    return driver



@pytest.fixture
def browser() -> Iterator[Any]:
    driver = _browser_or_skip()
    yield driver
    driver.quit()
    shutil.rmtree(driver.profile, ignore_errors=True)


def wait(find: Callable[[], T | None], timeout: float, what: str) -> T:
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    deadline = time.monotonic() + timeout
    while True:
        try:
            found = find()
        except (StaleElementReferenceException, WebDriverException):
            found = None  # the page redrew what we were reading: read it again
        if found:
            return found
        assert time.monotonic() < deadline, f"the page did not show {what} within {timeout:g} s"
        time.sleep(0.3)


class Page:
    def __init__(self, driver: Any, shots: list[Path]) -> None:
        from selenium.webdriver.common.by import By

        self.driver, self.by, self.shots = driver, By, shots

    def all(self, css: str) -> list[Any]:
        return list(self.driver.find_elements(self.by.CSS_SELECTOR, css))

    def click(self, css: str, timeout: float = 30) -> None:
        """Click the first element `css` finds, as a person would (again if it was redrawn)."""
        def clicked() -> bool:
            found = self.all(css)
            if not found:
                return False
            found[0].click()
            return True
        wait(clicked, timeout, css)

    def be(self, user: str) -> None:
        from selenium.webdriver.support.ui import Select

        wait(lambda: Select(self.all("#you-are")[0]).select_by_value(user) or True, 30, "You are")

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{len(self.shots) + 1:02d}-{name}.png"
        self.driver.save_screenshot(str(path))
        self.shots.append(path)

    def thread_colours(self) -> set[str]:
        """Open each ticket thread of the channel; the colours of the replies shown in it."""
        colours: set[str] = set()
        for index in range(len(self.all("#main [data-thread]"))):
            links = self.all("#main [data-thread]")
            if index < len(links):
                self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", links[index])
                links[index].click()
                colours |= {a.get_attribute("data-colour") for a in self.all("#thread .reply .attachment")}
        return colours


def test_the_demo_in_a_browser(browser: Any, demo: Running, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # only this run's screenshots
    shots: list[Path] = []
    page = Page(browser, shots)
    try:
        browser.get(demo.url + "/sandbox")
        page.be(LEAD)
        wait(lambda: len(page.all("#main .msg button[data-action-id=qa_review]")) >= 5, 60,
             "ticket parents with their QA review button")
        assert "SANDBOX" in page.all("#banner")[0].text
        page.shot("support-channel")

        def three_nudge_colours() -> set[str] | None:
            found = page.thread_colours() & NUDGE_COLOURS
            return found if len(found) >= 3 else None

        nudges = wait(three_nudge_colours, 90, "nudges of three colours in the ticket threads")
        assert len(nudges) >= 3, nudges
        page.shot("ticket-thread-with-a-nudge")

        page.click("#sidebar [data-kind=dm]")
        wait(lambda: page.all("#main .msg button[data-action-id=rating_followed_up]"), 60,
             "a negative rating's DM to the lead, with Followed up")
        assert any("rating" in m.text.lower() for m in page.all("#main .msg"))
        page.shot("lead-rating-dms")

        page.click("#sidebar [data-kind=channel]")
        def review_thread() -> bool:
            parents = [m for m in page.all("#main .msg") if "Weekly review" in m.text
                       and m.find_elements(page.by.CSS_SELECTOR, "[data-thread]")]
            if not parents:
                return False
            link = parents[-1].find_elements(page.by.CSS_SELECTOR, "[data-thread]")[0]
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
            link.click()
            return bool(page.all("#thread .reply img"))
        wait(review_thread, 120, "the weekly review's thread with its chart")
        chart = page.all("#thread .reply img")[0]
        wait(lambda: browser.execute_script("return arguments[0].naturalWidth", chart) > 100, 30,
             "the chart loaded")
        page.shot("weekly-review-thread-with-chart")

        state = demo.page.state()
        reviewed = {m["text"] for m in state["messages"] if m["channel"] == "D" + BOB}
        ticket = next(t["id"] for t in state["helpdesk"]["tickets"]
                      if t["assignee"] and t["assignee"]["email"] == "bob@example.com"
                      and messages_with_button(state, "C0SUPPORT", "qa_review", t["id"])
                      and not any(f"#{t['id']}" in text for text in reviewed))
        parent, _ = messages_with_button(state, "C0SUPPORT", "qa_review", ticket)[0]
        page.click(f'#main .msg[data-ts="{parent["ts"]}"] button[data-action-id=qa_review]')
        wait(lambda: page.all("#modal-layer:not([hidden]) form[data-callback-id=qa_checklist]"), 30,
             "the QA checklist modal")
        wait(lambda: "history shows" in page.all("#modal-layer .modal-body")[0].text, 30,
             "the ticket's signals in the modal")
        for group in page.all("#modal-layer .choices[data-kind=radio]"):
            group.find_element(page.by.CSS_SELECTOR, "input[value=pass]").click()
        page.all("#modal-layer textarea")[0].send_keys("Clear and kind, well done.")
        page.shot("qa-modal-filled")
        page.click("#modal-layer button[type=submit]")
        wait(lambda: not page.all("#modal-layer:not([hidden])"), 30, "the modal closing")

        page.be(BOB)
        page.click("#sidebar [data-kind=dm]")
        result = wait(lambda: [m for m in page.all("#main .msg") if f"#{ticket}" in m.text
                               and "QA review of your ticket" in m.text], 60, "the agent's QA DM")
        assert "100/100" in result[-1].text
        assert result[-1].find_elements(page.by.CSS_SELECTOR, "button[data-action-id=qa_appeal]")
        page.shot("agent-qa-dm")
    finally:
        page.shot("last")
        with capsys.disabled():
            print("\nbrowser screenshots:\n" + "\n".join(f"  {path}" for path in shots))
