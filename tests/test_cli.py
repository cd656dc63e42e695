"""The command line (CONTRACT §1) as an operator meets it."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def chatops(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "CHATOPS_CONFIG"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "chatops", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=60)


def test_check_config_accepts_the_shipped_example() -> None:
    result = chatops("check-config", "--config", str(ROOT / "app.yaml"), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_check_config_lists_every_error_with_its_place(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(yaml.safe_dump({
        "teams": [{"name": "support", "channel": "C0SUPPORT", "leads": ["U0LEAD1", "bob"]}],
        "sla": {"policies": {"critical": {"first_response": "1h", "resolution": "4h"}}},
    }))
    result = chatops("check-config", cwd=tmp_path)  # ./app.yaml by default
    assert result.returncode == 1
    assert "teams[0].leads[1]:" in result.stderr
    assert "sla.policies" in result.stderr


def test_config_from_environment_variable(tmp_path: Path) -> None:
    result = chatops("check-config", cwd=tmp_path,
                     env={"CHATOPS_CONFIG": str(ROOT / "app.yaml")})
    assert result.returncode == 0, result.stderr


def test_manifest_names_command_scopes_shortcut_and_urls() -> None:
    result = chatops("manifest", "--url", "https://chatops.example.com", "--config",
                     str(ROOT / "app.yaml"), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    manifest = yaml.safe_load(result.stdout)
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/chatops"
    assert command["url"] == "https://chatops.example.com/slack/events"
    assert manifest["settings"]["interactivity"]["request_url"] == command["url"]
    assert manifest["features"]["shortcuts"][0]["callback_id"] == "qa_review"
    assert {"chat:write", "commands", "users:read.email", "files:write"} <= set(
        manifest["oauth_config"]["scopes"]["bot"])
    socket = yaml.safe_load(chatops("manifest", "--socket-mode", "--config",
                                    str(ROOT / "app.yaml"), cwd=ROOT).stdout)
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "url" not in socket["features"]["slash_commands"][0]


def test_processes_other_than_serve_refuse_a_schema_that_is_behind(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    result = chatops("worker", "--config", str(ROOT / "app.yaml"), cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert "chatops db upgrade" in result.stderr
    upgraded = chatops("db", "upgrade", cwd=tmp_path, env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    drained = chatops("jobs", "run", "deliver", "--max-seconds", "1", "--config",
                      str(ROOT / "app.yaml"), cwd=tmp_path, env=env)
    assert drained.returncode == 0, drained.stderr
    assert "outbox: empty" in drained.stdout


# --- bad input at the command line, as a new user makes it ------------------------------
def _one_line_refusal(result: subprocess.CompletedProcess[str], code: int) -> str:
    """The refusal's own line (argparse prints its usage above it)."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines()
             if line and not line.startswith(("usage:", " "))]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_socket_mode_without_its_token_is_refused_before_anything_starts(tmp_path: Path) -> None:
    database = tmp_path / "chatops.db"
    env = {"DATABASE_URL": f"sqlite:///{database}", "SLACK_BOT_TOKEN": "xoxb-1",
           "SLACK_APP_TOKEN": ""}
    line = _one_line_refusal(chatops("serve", "--socket-mode", "--config", str(ROOT / "app.yaml"),
                                     cwd=tmp_path, env=env), 1)
    assert "SLACK_APP_TOKEN" in line
    assert not database.exists()  # nothing started: not even the database was opened
    line = _one_line_refusal(chatops("serve", "--socket-mode", "--config", str(ROOT / "app.yaml"),
                                     cwd=tmp_path, env={**env, "SLACK_APP_TOKEN": "xoxb-2"}), 1)
    assert "xapp-" in line and "xoxb-2" not in line
    assert not database.exists()


@pytest.mark.parametrize("args", [[], ["--url", "chatops.example.com"],
                                  ["--url", "http://chatops.example.com"],
                                  ["--url", "https://"], ["--url", "https://a.example:99999"],
                                  ["--url", "https://a.example/?x=1"]])
def test_manifest_needs_an_https_url(args: list[str]) -> None:
    result = chatops("manifest", *args, "--config", str(ROOT / "app.yaml"), cwd=ROOT)
    line = _one_line_refusal(result, 2)
    assert line.startswith("chatops manifest: error:") and "https://" in line
    assert result.stdout == ""


@pytest.mark.parametrize("args", [["--port", "70000"], ["--port", "0"], ["--port", "http"]])
def test_a_port_that_is_not_one_is_refused(args: list[str], tmp_path: Path) -> None:
    line = _one_line_refusal(chatops("serve", *args, cwd=tmp_path), 2)
    assert "--port" in line and "1-65535" in line


@pytest.mark.parametrize("url", ["sqlite:///{tmp}/no/such/folder/chatops.db", "not a url",
                                 "postgresql+psycopg://chatops:hunter2@127.0.0.1:1/gone"])
def test_a_database_it_cannot_use_is_one_line(url: str, tmp_path: Path) -> None:
    for command in (["db", "upgrade"], ["jobs", "run", "deliver", "--config",
                                        str(ROOT / "app.yaml")],
                    ["worker", "--config", str(ROOT / "app.yaml")],  # checked in a child
                    ["serve", "--config", str(ROOT / "app.yaml"), "--port", str(_free_port())]):
        line = _one_line_refusal(chatops(*command, cwd=tmp_path,
                                         env={"DATABASE_URL": url.format(tmp=tmp_path)}), 1)
        assert "DATABASE_URL" in line and "hunter2" not in line


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_refuses_an_invalid_app_yaml_before_anything_starts(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text("teams:\n  - {name: a, channel: general}\n")
    result = chatops("serve", "--port", str(_free_port()), cwd=tmp_path,
                     env={"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
                          "CHATOPS_WEBHOOK_SECRET": "w", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "app.yaml: configuration is not valid:" in result.stderr
    assert "teams[0].channel" in result.stderr and "(line 2)" in result.stderr
    assert not (tmp_path / "x.db").exists()  # nothing started: not even the database


def test_every_option_of_every_command_says_what_it_does_and_its_default() -> None:
    from chatops.cli import parser

    def commands(p: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
        subs = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        found = [p]
        for sub in subs:
            for child in sub.choices.values():
                found += commands(child)
        return found

    for command in commands(parser()):
        options = command.format_help().split("options:\n", 1)[1]
        entries = {entry.split()[0]: " ".join(entry.split())
                   for entry in ("\n" + options).split("\n  -")[1:]}
        for action in command._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            assert action.help, (command.prog, action.dest)
            if action.option_strings:
                shown = entries[action.option_strings[-1][1:]]  # "--port" is "-port" there
                assert "default" in shown or "required" in shown, (command.prog, shown)
    serve_help = chatops("serve", "--help", cwd=ROOT).stdout
    assert "(default: 3000)" in serve_help and "(default: 127.0.0.1)" in serve_help
