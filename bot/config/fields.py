"""How one configuration value is read: each parser takes the raw value and its key, returns
the typed value, or raises ConfigError with one line that names the key."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import field
from datetime import timedelta
from typing import Any

Parser = Callable[[Any, str], Any]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w|y)\s*$")
# A year is 365 days: retention periods (privacy.retain_closed: 2y) need no more precision.
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}
DURATION_HELP = "a duration like 90s, 30m, 2h, 3d, 2w or 2y (the unit is required)"


class ConfigError(ValueError):
    """A configuration problem; ``str()`` is the one line shown to the operator."""


class UsageError(Exception):
    """A command used wrongly (a flag, an argument); ``str()`` is the one line shown."""


def setting(default: Any, parse: Parser, **kw: Any) -> Any:
    """A dataclass field read from the file by ``parse`` (the schema lives in the field)."""
    if isinstance(default, dict | list | set):
        return field(default_factory=lambda: type(default)(default), metadata={"parse": parse})
    return field(default=default, metadata={"parse": parse, **kw})


def parse_duration(value: object, key: str) -> timedelta:
    # A bare number is refused: "30" read as seconds once made a 30-minute limit 30 seconds.
    m = _DURATION.match(str(value)) if isinstance(value, str) else None
    if not m:
        raise ConfigError(f"{key}: expected {DURATION_HELP}, got {value!r}")
    seconds = float(m.group(1)) * _UNITS[m.group(2)]
    if seconds <= 0:
        raise ConfigError(f"{key}: duration must be positive, got {value!r}")
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise ConfigError(f"{key}: duration too long, got {value!r}") from None


def text(
    *, empty_ok: bool = True, pattern: str | None = None, hint: str = "", secret: bool = False
) -> Parser:
    """A string setting. ``secret``: an error never repeats the value (it would land in a
    terminal's scrollback or the service's journal), only its length."""

    def shown(value: object) -> str:
        return f"a value of {len(str(value))} characters" if secret else repr(value)

    def parse(value: Any, key: str) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            got = type(value).__name__ if secret else repr(value)
            raise ConfigError(f"{key}: expected a string, got {got}")
        out = str(value)
        if not empty_ok and not out:
            raise ConfigError(f"{key}: must not be empty")
        if pattern and out and not re.fullmatch(pattern, out):
            raise ConfigError(f"{key}: {hint or 'not valid'}, got {shown(out)}")
        return out

    return parse


def optional_text(value: Any, key: str) -> str | None:
    return text()(value, key) or None


def whole(lo: int, hi: int) -> Parser:
    def parse(value: Any, key: str) -> int:
        try:
            number = int(str(value))
        except ValueError:
            raise ConfigError(f"{key}: expected a whole number, got {value!r}") from None
        if not lo <= number <= hi:
            raise ConfigError(f"{key}: must be between {lo} and {hi}, got {number}")
        return number

    return parse


def number(lo: float = 0.0) -> Parser:
    def parse(value: Any, key: str) -> float:
        try:
            out = float(value or 0)
        except (TypeError, ValueError):
            raise ConfigError(f"{key}: expected a number, got {value!r}") from None
        if out < lo:
            raise ConfigError(f"{key}: must not be below {lo:g}")
        return out

    return parse


def choice(*options: str) -> Parser:
    def parse(value: Any, key: str) -> str:
        out = str(value).lower() if value is not None else ""
        if out not in options:
            raise ConfigError(f"{key}: must be one of {', '.join(options)}, got {value!r}")
        return out

    return parse


def flag(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "yes", "on", "1"):
        return True
    if str(value).lower() in ("false", "no", "off", "0"):
        return False
    raise ConfigError(f"{key}: expected true or false, got {value!r}")


def duration(value: Any, key: str) -> timedelta:
    return parse_duration(value, key)


def optional_duration(value: Any, key: str) -> timedelta | None:
    return None if value is None else parse_duration(value, key)


def mapping_of(keys: tuple[str, ...]) -> Parser:
    """A mapping whose keys come from ``keys`` and whose values are strings."""

    def parse(value: Any, key: str) -> dict[str, str]:
        value = value or {}
        if not isinstance(value, dict):
            raise ConfigError(f"{key}: expected a mapping")
        for k in value:
            if k not in keys:
                raise ConfigError(f"{key}.{k}: unknown key (allowed: {', '.join(keys)})")
        return {str(k): "" if v is None else str(v) for k, v in value.items()}

    return parse
