"""Reading the configuration: YAML plus ``MULIN_<SECTION>__<KEY>`` environment overrides,
validated against the schema once at start; every problem is one line naming the key."""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from dataclasses import fields, is_dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, cast, get_args, get_origin, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot.config.fields import ConfigError
from bot.config.menu import check_menu
from bot.config.schema import Config, SlaConfig
from bot.config.yamltext import BadScalar, yaml_where

ENV_PREFIX = "MULIN_"


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _readable(cls: type) -> list[Any]:
    return [f for f in fields(cls) if not f.metadata.get("derived")]


def _env_overrides(raw: dict[str, Any], environ: Mapping[str, str]) -> None:
    """Apply MULIN_SECTION__KEY[__SUBKEY] variables onto the raw mapping."""
    top = {f.name for f in fields(Config)}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or name.startswith("MULIN_TEST_"):
            continue
        path = [p.lower() for p in name[len(ENV_PREFIX) :].split("__") if p]
        if not path or path[0] not in top:
            continue  # other MULIN_* variables (e.g. tooling) are not configuration
        node = raw
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        node[path[-1]] = _env_value(name, path, value)


def _env_value(name: str, path: list[str], value: str) -> Any:
    """A variable's value: as written for a text setting (a token 0123456701234567 is not an
    octal number, a secret '@x' or 'a #b' is not YAML), else read as YAML (a number, a list,
    true/false)."""
    if _is_text(path) or not value.strip():
        return value
    try:
        return yaml.safe_load(value)
    except yaml.YAMLError as exc:
        detail = f": {exc.problem}" if isinstance(exc, BadScalar) else ""  # a line means nothing
        raise ConfigError(f"{name}: not a valid value for {'.'.join(path)}{detail}") from None


def _is_text(path: list[str]) -> bool:
    cls: Any = Config
    for part in path:
        if get_origin(cls) in (Mapping, dict):  # templates.<purpose>: an id
            return get_args(cls)[-1] is str
        if not is_dataclass(cls):
            return False
        hint = _hints(cast(type, cls)).get(part)
        if hint is None:
            return False
        cls = hint
    return cls in (str, str | None)


def _section(cls: type, raw: Any, where: str) -> Any:
    """One section (a schema dataclass) from its raw mapping."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(raw).__name__}")
    known = _readable(cls)
    names = {f.name for f in known}
    for key in raw:
        if key not in names:
            raise ConfigError(f"{where}.{key}: unknown key (allowed: {', '.join(sorted(names))})")
    values: dict[str, Any] = {}
    hints = _hints(cls)
    for f in known:
        key = f"{where}.{f.name}" if where else f.name
        if is_dataclass(hints[f.name]):
            values[f.name] = _section(hints[f.name], raw.get(f.name), key)
        elif f.name in raw:
            parse = f.metadata.get("parse")
            values[f.name] = parse(raw[f.name], key) if parse else raw[f.name]
    return cls(**values)


def build_config(raw: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Config:
    data: dict[str, Any] = copy.deepcopy(dict(raw))  # the overrides never touch the caller's
    _env_overrides(data, os.environ if environ is None else environ)
    menu = check_menu(data.pop("menu", None))
    top = {f.name for f in _readable(Config)}
    for key in data:
        if key not in top:
            raise ConfigError(f"{key}: unknown section (allowed: {', '.join(sorted(top))})")
    config: Config = _section(Config, data, "")
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"timezone: unknown time zone {config.timezone!r}") from None
    config.wechat.check()
    return replace(config, sla=with_calendar(config.sla), menu=menu)


def load_config(path: str | Path, environ: Mapping[str, str] | None = None) -> Config:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"--config: file not found: {p}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"--config: {p} is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"--config: cannot read {p}: {exc.strerror}") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"--config: {p} is not valid YAML{yaml_where(exc)}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"--config: {p} must contain a mapping of sections")
    return build_config(raw, environ)


def with_calendar(sla: SlaConfig) -> SlaConfig:
    """The operator's dates on top of the built-in mainland calendar (theirs win)."""
    own_holidays, own_workdays = sla.holidays, sla.extra_workdays
    merged = replace(sla, configured_days=own_holidays | own_workdays)
    if sla.holiday_calendar != "mainland":
        return merged
    from bot.orders.holidays import merge

    holidays, workdays = merge(own_holidays, own_workdays)
    return replace(merged, holidays=holidays, extra_workdays=workdays)
