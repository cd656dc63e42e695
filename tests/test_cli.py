"""The command line (CONTRACT §1) as an operator meets it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
