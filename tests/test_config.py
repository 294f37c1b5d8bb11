"""Configuration: file, environment overrides, and one-line errors naming the key."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError, build_config, load_config, parse_duration

GOOD = {"wechat": {"token": "t", "mode": "plain"}}


def test_defaults_match_the_contract() -> None:
    cfg = build_config(GOOD, environ={})
    assert (cfg.server.host, cfg.server.port, cfg.server.webhook_path) == (
        "127.0.0.1",
        8080,
        "/wechat",
    )
    assert cfg.database.url == "sqlite+aiosqlite:///./data/mulin.db"
    assert cfg.sla.accept_within == timedelta(minutes=30)
    assert cfg.sla.resolve_within_urgent == timedelta(hours=2)
    assert cfg.sla.resolve_within_default == timedelta(days=3)
    assert cfg.scheduler.tick == timedelta(seconds=5)
    assert cfg.timezone == "Asia/Shanghai" and cfg.redis.url is None


def test_environment_overrides_nested_keys() -> None:
    env = {
        "MULIN_WECHAT__SECRET": "s3cret",
        "MULIN_SERVER__PORT": "9090",
        "MULIN_SLA__RESOLVE_WITHIN__URGENT": "90m",
        "MULIN_WECHAT__TEMPLATES__SURVEY": "tpl-1",
        "MULIN_TIMEZONE": "Asia/Urumqi",
        "MULIN_TEST_POSTGRES_URL": "ignored",
    }
    cfg = build_config(GOOD, environ=env)
    assert cfg.wechat.secret == "s3cret" and cfg.server.port == 9090
    assert cfg.sla.resolve_within_urgent == timedelta(minutes=90)
    assert cfg.wechat.templates == {"survey": "tpl-1"}
    assert cfg.timezone == "Asia/Urumqi"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"wechat": {"token": "t", "mode": "loud"}}, "wechat.mode"),
        ({"wechat": {"token": "t", "mode": "safe"}}, "wechat.encoding_aes_key"),
        ({"wechat": {"mode": "plain"}}, "wechat.token"),
        ({**GOOD, "server": {"port": "eighty"}}, "server.port"),
        ({**GOOD, "server": {"port": 70000}}, "server.port"),
        ({**GOOD, "server": {"colour": "red"}}, "server.colour"),
        ({**GOOD, "sla": {"accept_within": "soon"}}, "sla.accept_within"),
        ({**GOOD, "sla": {"resolve_within": {"urgent": "-1h"}}}, "sla.resolve_within.urgent"),
        ({**GOOD, "database": {"url": "mysql://x"}}, "database.url"),
        ({**GOOD, "timezone": "Mars/Olympus"}, "timezone"),
        (
            {**GOOD, "wechat": {"token": "t", "mode": "plain", "templates": {"spam": "x"}}},
            "wechat.templates.spam",
        ),
        ({**GOOD, "colour": {}}, "colour"),
    ],
)
def test_bad_values_name_the_key(raw: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as err:
        build_config(raw, environ={})
    message = str(err.value)
    assert message.startswith(key) and "\n" not in message


def test_durations() -> None:
    assert parse_duration("90s", "k") == timedelta(seconds=90)
    assert parse_duration("3d", "k") == timedelta(days=3)
    assert parse_duration(" 2h ", "k") == timedelta(hours=2)
    for bad in ("", "2 weeks", "0s", True, "h"):
        with pytest.raises(ConfigError):
            parse_duration(bad, "k")


@pytest.mark.parametrize("bare", [30, 1.5, "30"])
def test_a_bare_number_is_not_a_duration(bare: object) -> None:
    # "accept_within: 30" was once read as 30 seconds: a unit is required, and named
    with pytest.raises(ConfigError) as err:
        build_config({**GOOD, "sla": {"accept_within": bare}}, environ={})
    assert str(err.value).startswith("sla.accept_within") and "30m" in str(err.value)


def test_load_config_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.yaml", environ={})
    broken = tmp_path / "broken.yaml"
    broken.write_text("server: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(broken, environ={})
    listy = tmp_path / "list.yaml"
    listy.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="mapping"):
        load_config(listy, environ={})


def test_example_config_is_valid() -> None:
    example = Path(__file__).resolve().parent.parent / "config.example.yaml"
    cfg = load_config(example, environ={"MULIN_WECHAT__TOKEN": "t"})
    assert cfg.wechat.mode in ("plain", "compatible", "safe")


def test_example_config_does_not_share_the_demo_database(tmp_path: Path) -> None:
    """A first `mulin roster import --config config.yaml` must not land in the sandbox's data."""
    from bot.sandbox.demo import demo_config

    example = Path(__file__).resolve().parent.parent / "config.example.yaml"
    cfg = load_config(example, environ={"MULIN_WECHAT__TOKEN": "t"})
    demo = demo_config("127.0.0.1", 8080, "./data")
    assert cfg.database.url != demo.database.url
    assert (
        Path(cfg.database.url.split("///", 1)[1]).resolve()
        != Path(demo.database.url.split("///", 1)[1]).resolve()
    )
    assert cfg.reports.max_open_per_member == 20 and cfg.reports.per_hour == 10


PLAIN = {"wechat": {"mode": "plain", "token": "a-real-token-1"}}


def test_environment_values_of_text_settings_are_taken_as_written() -> None:
    """Found from outside: MULIN_WECHAT__TOKEN=0123456701234567 became the octal number
    5744368105847, and a secret starting with @ crashed with the secret on screen."""
    env = {
        "MULIN_WECHAT__TOKEN": "0123456701234567",
        "MULIN_WECHAT__SECRET": "@TopSecretValue42 #x",
        "MULIN_WECHAT__TEMPLATES__SURVEY": "0123",
        "MULIN_SERVER__PORT": "9000",  # not text: read as a number
    }
    config = build_config(PLAIN, env)
    assert config.wechat.token == "0123456701234567"
    assert config.wechat.secret == "@TopSecretValue42 #x"
    assert config.wechat.templates["survey"] == "0123"
    assert config.server.port == 9000
    with pytest.raises(ConfigError, match="MULIN_SERVER__PORT"):
        build_config(PLAIN, {"MULIN_SERVER__PORT": "{a"})


def test_errors_about_secrets_never_repeat_them() -> None:
    key = "Q" + "x7" * 20 + "k"  # 42 characters: one short
    with pytest.raises(ConfigError) as caught:
        build_config(PLAIN, {"MULIN_WECHAT__ENCODING_AES_KEY": key})
    assert "encoding_aes_key" in str(caught.value) and key not in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        build_config({"wechat": {"mode": "plain", "token": "a-real-token-1", "secret": ["s3"]}})
    assert "s3" not in str(caught.value)


def test_a_huge_duration_and_a_file_not_in_utf8_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"sla\.accept_within"):
        build_config(PLAIN, {"MULIN_SLA__ACCEPT_WITHIN": "99999999999d"})
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("# 配置\nserver: {port: 8080}\n".encode("gb18030"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(gbk)
