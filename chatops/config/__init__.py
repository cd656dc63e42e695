"""app.yaml (CONTRACT §5): the models, and loading with errors that name their place.

The models live in modules named for the section they hold (`sla`, `teams`, `qa_ratings`);
what the rest of the app uses is re-exported here.
"""
from __future__ import annotations

from chatops.config.app_config import AppConfig
from chatops.config.errors import ConfigError
from chatops.config.loading import load_config, validate_config_data
from chatops.config.sla import CalendarConfig, MarkConfig, SlaConfig
from chatops.config.teams import TeamConfig
from chatops.config_path import default_config_path

__all__ = ["AppConfig", "CalendarConfig", "ConfigError", "MarkConfig", "SlaConfig", "TeamConfig",
           "default_config_path", "load_config", "validate_config_data"]
