"""The fake Slack's file uploads (`chatops.sandbox.fake_files`): Slack's current three-step
flow works, and each step refuses what Slack refuses."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from chatops.sandbox.fake_slack import FakeSlack

TOKEN = "xoxb-test-token"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(200))


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(base_url=fake.url, token=TOKEN, retry_handlers=[], timeout=5)


def test_files_upload_v2_lands_in_the_thread(fake: FakeSlack, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="parent")["ts"]
    done = client.files_upload_v2(content=PNG, filename="week.png", title="The week",
                                  channel="C1", thread_ts=parent)
    assert done["files"][0]["title"] == "The week"
    assert [c.method for c in fake.calls][1:] == [
        "files.getUploadURLExternal", f"upload:{done['files'][0]['id']}",
        "files.completeUploadExternal"]
    [file] = fake.uploads()
    assert file["content"] == PNG and (file["channel"], file["thread_ts"]) == ("C1", parent)
    [reply] = fake.thread("C1", parent)
    assert reply["files"][0]["name"] == "week.png" and reply["files"][0]["size"] == len(PNG)


def test_each_step_refuses_what_slack_refuses(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as no_length:
        client.api_call("files.getUploadURLExternal", params={"filename": "a.png"})
    assert no_length.value.response["error"] == "invalid_arguments"
    step1 = client.files_getUploadURLExternal(filename="a.png", length=len(PNG))
    with pytest.raises(SlackApiError) as early:       # completed before the bytes arrived
        client.files_completeUploadExternal(files=[{"id": step1["file_id"]}], channel_id="C1")
    assert early.value.response["error"] == "file_not_found"
    short = requests.post(step1["upload_url"], data=PNG[:10], timeout=5)
    assert short.status_code == 400                   # not the announced length
    assert requests.post(step1["upload_url"], data=PNG, timeout=5).status_code == 200
    with pytest.raises(SlackApiError) as no_thread:
        client.files_completeUploadExternal(files=[{"id": step1["file_id"]}], channel_id="C1",
                                            thread_ts="1.000001")
    assert no_thread.value.response["error"] == "invalid_thread_ts"
    assert requests.post(fake.base + "/upload/v1/F404", data=PNG, timeout=5).status_code == 404
    assert fake.messages() == []
