"""Where app.yaml is looked for: a module of its own, so that `chatops serve`'s supervisor
knows the path without loading the configuration's models (pydantic)."""
from __future__ import annotations

import os


def default_config_path(cli_value: str | None) -> str:
    """The --config value, else $CHATOPS_CONFIG, else ./app.yaml."""
    return cli_value or os.environ.get("CHATOPS_CONFIG") or "./app.yaml"
