"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

from typing import Any

from bot.config import Config, build_config

TOKEN = "test-token"
AES_KEY = "Q2hhbmdlTWVDaGFuZ2VNZUNoYW5nZU1lQ2hhbmdlTWU"  # 43 characters
APPID = "wx1234567890abcdef"


def make_config(db_url: str, mode: str = "plain", **server: Any) -> Config:
    raw: dict[str, Any] = {
        "server": {"webhook_path": "/wechat", **server},
        "wechat": {
            "appid": APPID,
            "secret": "test-secret",
            "token": TOKEN,
            "encoding_aes_key": AES_KEY,
            "mode": mode,
            "api_base": "http://127.0.0.1:9/",
        },
        "database": {"url": db_url},
    }
    return build_config(raw, environ={})
