"""Keep secrets, tokens and phone numbers out of logs."""

from __future__ import annotations

from typing import Any

from bot.observability.logs import mask_phone_numbers

_SECRET_KEYS = frozenset({"secret", "access_token", "appsecret", "token"})


def mask_secret(value: str) -> str:
    """``abcd…(64)``: enough to tell two tokens apart in a log, never enough to use one."""
    if not value:
        return ""
    return f"{value[:4]}…({len(value)})"


def mask_phones(text: str) -> str:
    return mask_phone_numbers(text)


def mask_payload(value: Any) -> Any:
    """A copy of a JSON-like value with secret fields masked and phone numbers hidden."""
    if isinstance(value, dict):
        return {
            k: mask_secret(str(v)) if k in _SECRET_KEYS and v else mask_payload(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [mask_payload(v) for v in value]
    if isinstance(value, str):
        return mask_phones(value)
    return value


def mask_params(params: dict[str, str]) -> dict[str, str]:
    return {k: mask_secret(v) if k in _SECRET_KEYS else mask_phones(v) for k, v in params.items()}
