"""``mulin serve`` refuses example, placeholder and weak secrets (docs/security.md)."""

from __future__ import annotations

from bot.config.fields import ConfigError
from bot.config.schema import Config

# Values published in this repository or commonly used as placeholders. A live service with
# one of them accepts messages anybody can sign.
_PLACEHOLDER_TOKENS = frozenset(
    {
        "change-me",
        "changeme",
        "token",
        "test",
        "test-token",
        "demo",
        "mulin-demo-token",
        "your-token",
        "weixin",
        "wechat",
        "123456",
        "mulin",
    }
)
_PLACEHOLDER_SECRETS = frozenset({"change-me", "changeme", "secret", "test-secret", "demo-secret"})
_PUBLISHED_AES_KEYS = frozenset(
    {
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",  # config.example.yaml and the sandbox
        "Q2hhbmdlTWVDaGFuZ2VNZUNoYW5nZU1lQ2hhbmdlTWU",  # the test suite's
    }
)


def require_real_secrets(config: Config) -> None:
    """``mulin serve`` only: refuse example, placeholder and weak secrets (one line naming the
    key). The sandbox (``mulin demo``) is the only thing that runs on demo values."""
    w = config.wechat
    token = w.token
    if token.lower() in _PLACEHOLDER_TOKENS or len(token) < 8 or len(set(token)) < 4:
        raise ConfigError(
            "wechat.token: a placeholder or weak token (at least 8 characters, not the example's);"
            " set the token from the WeChat console, e.g. in MULIN_WECHAT__TOKEN"
        )
    aes = w.encoding_aes_key
    if aes and (aes in _PUBLISHED_AES_KEYS or len(set(aes)) < 12):
        raise ConfigError(
            "wechat.encoding_aes_key: this key is published or too regular; generate a new"
            " EncodingAESKey in the WeChat console and set it (MULIN_WECHAT__ENCODING_AES_KEY)"
        )
    if not w.secret or w.secret.lower() in _PLACEHOLDER_SECRETS:
        raise ConfigError(
            "wechat.secret: the AppSecret is empty or a placeholder; replies and pushes need it"
            " (set MULIN_WECHAT__SECRET)"
        )
