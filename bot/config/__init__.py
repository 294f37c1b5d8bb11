"""Configuration: YAML plus ``MULIN_<SECTION>__<KEY>`` environment overrides.

The schema is declared once (bot/config/schema.py); the loader walks it. Validated once at
start; every problem is reported as a single line naming the key, so an operator never has to
read a traceback to find a typo.
"""

from bot.config.fields import ConfigError, UsageError, parse_duration
from bot.config.loading import build_config, load_config
from bot.config.schema import (
    MODES,
    TEMPLATE_PURPOSES,
    AdminConfig,
    Config,
    DatabaseConfig,
    MediaConfig,
    RedisConfig,
    SchedulerConfig,
    ServerConfig,
    SlaConfig,
    WeChatConfig,
)
from bot.config.secrets import require_real_secrets
from bot.config.yamltext import yaml_where

__all__ = [
    "MODES",
    "TEMPLATE_PURPOSES",
    "AdminConfig",
    "Config",
    "ConfigError",
    "DatabaseConfig",
    "MediaConfig",
    "RedisConfig",
    "SchedulerConfig",
    "ServerConfig",
    "SlaConfig",
    "UsageError",
    "WeChatConfig",
    "build_config",
    "load_config",
    "parse_duration",
    "require_real_secrets",
    "yaml_where",
]
