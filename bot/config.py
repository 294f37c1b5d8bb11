"""Configuration: YAML file plus ``MULIN_<SECTION>__<KEY>`` environment overrides.

Validated once at start; every problem is reported as a single line naming the key, so an
operator never has to read a traceback to find a typo.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

ENV_PREFIX = "MULIN_"
MODES = ("plain", "compatible", "safe")
TEMPLATE_PURPOSES = ("order_assigned", "order_update", "reminder", "survey", "broadcast")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


class ConfigError(ValueError):
    """A configuration problem; ``str()`` is the one line shown to the operator."""


def parse_duration(value: object, key: str) -> timedelta:
    if isinstance(value, bool):
        raise ConfigError(f"{key}: expected a duration like 90s, 30m, 2h or 3d, got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        m = _DURATION.match(str(value))
        if not m:
            raise ConfigError(f"{key}: expected a duration like 90s, 30m, 2h or 3d, got {value!r}")
        seconds = float(m.group(1)) * _UNITS[m.group(2)]
    if seconds <= 0:
        raise ConfigError(f"{key}: duration must be positive, got {value!r}")
    return timedelta(seconds=seconds)


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    webhook_path: str = "/wechat"
    public_url: str | None = None
    # WeChat's request timestamp may differ from ours by at most this much.
    timestamp_window: timedelta = timedelta(minutes=5)
    # WeChat waits 5 s; past this budget we answer "success" and deliver the reply later.
    reply_budget: timedelta = timedelta(seconds=4)
    max_body_bytes: int = 64 * 1024
    # Where messages wait while the database is away (see bot/wechat/spool.py); None: beside
    # the SQLite file, or ./data/spool/<database name> for PostgreSQL.
    spool_dir: str | None = None

    def spool_path(self, database_url: str) -> Path:
        if self.spool_dir:
            return Path(self.spool_dir).expanduser()
        from sqlalchemy.engine import make_url

        url = make_url(database_url)
        name = url.database or "default"
        if url.get_backend_name() == "sqlite" and name != ":memory:":
            db = Path(name).expanduser()
            return db.parent / f"{db.stem}-spool"
        return Path("data") / "spool" / Path(name).name


@dataclass(frozen=True)
class WeChatConfig:
    appid: str = "wx0000000000000000"
    secret: str = ""
    token: str = ""
    encoding_aes_key: str = ""
    mode: str = "safe"
    api_base: str = "https://api.weixin.qq.com"
    templates: Mapping[str, str] = field(default_factory=dict)
    api_timeout: timedelta = timedelta(seconds=10)
    send_rate: float = 0.0  # messages per second per account; 0 = unlimited


@dataclass(frozen=True)
class DatabaseConfig:
    url: str = "sqlite+aiosqlite:///./data/mulin.db"


@dataclass(frozen=True)
class RedisConfig:
    url: str | None = None


@dataclass(frozen=True)
class SlaConfig:
    accept_within: timedelta = timedelta(minutes=30)
    escalate_after: timedelta = timedelta(hours=2)
    resolve_within_urgent: timedelta = timedelta(hours=2)
    resolve_within_default: timedelta = timedelta(days=3)
    survey_after: timedelta = timedelta(hours=24)
    survey_timeout: timedelta = timedelta(days=3)  # no answer by then: closed unrated
    # Non-urgent timers count working time only, when working_hours is set.
    working_hours: tuple[time, time] | None = None
    workdays: frozenset[int] = frozenset(range(5))
    # "mainland": the State Council's public holidays and make-up workdays, under the operator's
    # own holidays / extra_workdays; "none": only the operator's.
    holiday_calendar: str = "mainland"
    holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    # What the operator configured, kept apart to tell whether they cover a year themselves.
    configured_days: frozenset[date] = frozenset()


@dataclass(frozen=True)
class SchedulerConfig:
    tick: timedelta = timedelta(seconds=5)


@dataclass(frozen=True)
class Config:
    server: ServerConfig = field(default_factory=ServerConfig)
    wechat: WeChatConfig = field(default_factory=WeChatConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    redis: RedisConfig = field(default_factory=RedisConfig)
    timezone: str = "Asia/Shanghai"
    sla: SlaConfig = field(default_factory=SlaConfig)
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    menu: Mapping[str, Any] | None = None  # the account's menu, in WeChat's JSON shape

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


# --- loading -------------------------------------------------------------------------------

_KNOWN: dict[str, set[str] | None] = {
    "server": {
        "host",
        "port",
        "webhook_path",
        "public_url",
        "timestamp_window",
        "reply_budget",
        "max_body_bytes",
        "spool_dir",
    },
    "wechat": {
        "appid",
        "secret",
        "token",
        "encoding_aes_key",
        "mode",
        "api_base",
        "templates",
        "api_timeout",
        "send_rate",
    },
    "database": {"url"},
    "redis": {"url"},
    "timezone": None,
    "sla": {
        "accept_within",
        "escalate_after",
        "resolve_within",
        "survey_after",
        "survey_timeout",
        "working_hours",
        "workdays",
        "holidays",
        "extra_workdays",
        "holiday_calendar",
    },
    "scheduler": {"tick"},
    "menu": {"button"},
}


def _env_overrides(raw: dict[str, Any], environ: Mapping[str, str]) -> None:
    """Apply MULIN_SECTION__KEY[__SUBKEY] variables onto the raw mapping."""
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or name.startswith("MULIN_TEST_"):
            continue
        path = [p.lower() for p in name[len(ENV_PREFIX) :].split("__") if p]
        if not path:
            continue
        if path[0] not in _KNOWN:
            continue  # other MULIN_* variables (e.g. tooling) are not configuration
        node = raw
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        node[path[-1]] = yaml.safe_load(value) if value.strip() else ""


def _section(raw: dict[str, Any], name: str) -> dict[str, Any]:
    value = raw.get(name) or {}
    if not isinstance(value, dict):
        raise ConfigError(f"{name}: expected a mapping, got {type(value).__name__}")
    allowed = _KNOWN[name] or set()
    for key in value:
        if key not in allowed:
            raise ConfigError(f"{name}.{key}: unknown key (allowed: {', '.join(sorted(allowed))})")
    return value


def _str(sec: dict[str, Any], name: str, key: str, default: str, *, empty_ok: bool = True) -> str:
    value = sec.get(key, default)
    if value is None:
        value = ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ConfigError(f"{name}.{key}: expected a string, got {value!r}")
    text = str(value)
    if not empty_ok and not text:
        raise ConfigError(f"{name}.{key}: must not be empty")
    return text


def _int(sec: dict[str, Any], name: str, key: str, default: int, lo: int, hi: int) -> int:
    value = sec.get(key, default)
    try:
        number = int(str(value))
    except ValueError:
        raise ConfigError(f"{name}.{key}: expected a whole number, got {value!r}") from None
    if not lo <= number <= hi:
        raise ConfigError(f"{name}.{key}: must be between {lo} and {hi}, got {number}")
    return number


def _dur(sec: dict[str, Any], name: str, key: str, default: timedelta) -> timedelta:
    return parse_duration(sec[key], f"{name}.{key}") if key in sec else default


def build_config(raw: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Config:
    data: dict[str, Any] = dict(raw)
    _env_overrides(data, os.environ if environ is None else environ)
    for key in data:
        if key not in _KNOWN:
            raise ConfigError(f"{key}: unknown section (allowed: {', '.join(sorted(_KNOWN))})")

    s = _section(data, "server")
    path = _str(s, "server", "webhook_path", "/wechat", empty_ok=False)
    if not path.startswith("/"):
        raise ConfigError(f"server.webhook_path: must start with '/', got {path!r}")
    public_url = s.get("public_url")
    server = ServerConfig(
        host=_str(s, "server", "host", "127.0.0.1", empty_ok=False),
        port=_int(s, "server", "port", 8080, 0, 65535),
        webhook_path=path,
        public_url=str(public_url) if public_url else None,
        timestamp_window=_dur(s, "server", "timestamp_window", timedelta(minutes=5)),
        reply_budget=_dur(s, "server", "reply_budget", timedelta(seconds=4)),
        max_body_bytes=_int(s, "server", "max_body_bytes", 64 * 1024, 1024, 16 * 1024 * 1024),
        spool_dir=_str(s, "server", "spool_dir", "") or None,
    )

    w = _section(data, "wechat")
    mode = _str(w, "wechat", "mode", "safe")
    if mode not in MODES:
        raise ConfigError(f"wechat.mode: must be one of {', '.join(MODES)}, got {mode!r}")
    aes = _str(w, "wechat", "encoding_aes_key", "")
    if mode != "plain" and len(aes) != 43:
        raise ConfigError(
            f"wechat.encoding_aes_key: {mode} mode needs the 43-character key"
            f" from the WeChat console (got {len(aes)} characters)"
        )
    if aes and not re.fullmatch(r"[A-Za-z0-9]{43}", aes):
        raise ConfigError("wechat.encoding_aes_key: must be 43 letters and digits")
    token = _str(w, "wechat", "token", "")
    if not token:
        raise ConfigError("wechat.token: must be set (the URL token from the WeChat console)")
    api_base = _str(w, "wechat", "api_base", "https://api.weixin.qq.com", empty_ok=False)
    if not re.match(r"^https?://", api_base):
        raise ConfigError(f"wechat.api_base: must be an http(s) URL, got {api_base!r}")
    templates_raw = w.get("templates") or {}
    if not isinstance(templates_raw, dict):
        raise ConfigError("wechat.templates: expected a mapping of purpose to template id")
    templates: dict[str, str] = {}
    for purpose, tid in templates_raw.items():
        if purpose not in TEMPLATE_PURPOSES:
            raise ConfigError(
                f"wechat.templates.{purpose}: unknown purpose"
                f" (allowed: {', '.join(TEMPLATE_PURPOSES)})"
            )
        templates[purpose] = "" if tid is None else str(tid)
    try:
        send_rate = float(w.get("send_rate", 0) or 0)
    except (TypeError, ValueError):
        raise ConfigError(
            f"wechat.send_rate: expected a number, got {w.get('send_rate')!r}"
        ) from None
    if send_rate < 0:
        raise ConfigError("wechat.send_rate: must not be negative")
    wechat = WeChatConfig(
        appid=_str(w, "wechat", "appid", "wx0000000000000000", empty_ok=False),
        secret=_str(w, "wechat", "secret", ""),
        token=token,
        encoding_aes_key=aes,
        mode=mode,
        api_base=api_base.rstrip("/"),
        templates=templates,
        api_timeout=_dur(w, "wechat", "api_timeout", timedelta(seconds=10)),
        send_rate=send_rate,
    )

    d = _section(data, "database")
    url = _str(d, "database", "url", DatabaseConfig.url, empty_ok=False)
    if not (url.startswith("sqlite+aiosqlite://") or url.startswith("postgresql+asyncpg://")):
        raise ConfigError(
            "database.url: must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
            f", got {url.split('://')[0]!r}"
        )
    r = _section(data, "redis")
    redis_url = r.get("url")
    if redis_url and not str(redis_url).startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError("redis.url: must start with redis://, rediss:// or unix://")

    tz = data.get("timezone", "Asia/Shanghai")
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"timezone: unknown time zone {tz!r}") from None

    sl = _section(data, "sla")
    rw = sl.get("resolve_within") or {}
    if not isinstance(rw, dict):
        raise ConfigError("sla.resolve_within: expected a mapping with urgent and default")
    for key in rw:
        if key not in ("urgent", "default"):
            raise ConfigError(f"sla.resolve_within.{key}: unknown key (allowed: default, urgent)")
    sla = SlaConfig(
        accept_within=_dur(sl, "sla", "accept_within", timedelta(minutes=30)),
        escalate_after=_dur(sl, "sla", "escalate_after", timedelta(hours=2)),
        resolve_within_urgent=_dur(rw, "sla.resolve_within", "urgent", timedelta(hours=2)),
        resolve_within_default=_dur(rw, "sla.resolve_within", "default", timedelta(days=3)),
        survey_after=_dur(sl, "sla", "survey_after", timedelta(hours=24)),
        survey_timeout=_dur(sl, "sla", "survey_timeout", timedelta(days=3)),
        **_working_time(sl),
    )
    sc = _section(data, "scheduler")
    menu = _menu(data.get("menu"))
    return Config(
        server=server,
        wechat=wechat,
        database=DatabaseConfig(url=url),
        redis=RedisConfig(url=str(redis_url) if redis_url else None),
        timezone=str(tz),
        sla=sla,
        scheduler=SchedulerConfig(tick=_dur(sc, "scheduler", "tick", timedelta(seconds=5))),
        menu=menu,
    )


def _working_time(sl: dict[str, Any]) -> dict[str, Any]:
    from bot.orders.calendar import DAY_NAMES, parse_dates, parse_hours

    out: dict[str, Any] = {}
    if sl.get("working_hours"):
        try:
            out["working_hours"] = parse_hours(sl["working_hours"])
        except ValueError as exc:
            raise ConfigError(f"sla.working_hours: {exc}") from None
    if "workdays" in sl:
        days = sl["workdays"]
        if (
            not isinstance(days, list)
            or not days
            or any(str(d).lower() not in DAY_NAMES for d in days)
        ):
            raise ConfigError(
                f"sla.workdays: a list of day names ({', '.join(DAY_NAMES)}), got {days!r}"
            )
        out["workdays"] = frozenset(DAY_NAMES.index(str(d).lower()) for d in days)
    for key in ("holidays", "extra_workdays"):
        if key in sl:
            try:
                out[key] = parse_dates(sl[key])
            except ValueError as exc:
                raise ConfigError(f"sla.{key}: {exc}") from None
    calendar = str(sl.get("holiday_calendar", "mainland")).lower()
    if calendar not in ("mainland", "none"):
        raise ConfigError(f"sla.holiday_calendar: must be mainland or none, got {calendar!r}")
    own_holidays = out.get("holidays", frozenset())
    own_workdays = out.get("extra_workdays", frozenset())
    out["holiday_calendar"] = calendar
    out["configured_days"] = own_holidays | own_workdays
    if calendar == "mainland":
        from bot.orders.holidays import merge

        out["holidays"], out["extra_workdays"] = merge(own_holidays, own_workdays)
    return out


_BUTTON_TYPES = {
    "click": "key",
    "view": "url",
    "miniprogram": "url",
    "scancode_push": "key",
    "scancode_waitmsg": "key",
    "pic_sysphoto": "key",
    "pic_weixin": "key",
    "location_select": "key",
}


def _button(raw: object, where: str, *, top: bool) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping with name and type")
    name = str(raw.get("name") or "")
    if not name or len(name.encode()) > (16 if top else 60):
        raise ConfigError(f"{where}.name: 1-{5 if top else 20} Chinese characters, got {name!r}")
    subs = raw.get("sub_button")
    if subs is not None:
        if not top:
            raise ConfigError(f"{where}.sub_button: only top-level buttons have sub-buttons")
        if not isinstance(subs, list) or not 1 <= len(subs) <= 5:
            raise ConfigError(f"{where}.sub_button: a list of 1 to 5 buttons")
        return {
            "name": name,
            "sub_button": [
                _button(b, f"{where}.sub_button[{i}]", top=False) for i, b in enumerate(subs)
            ],
        }
    kind = str(raw.get("type") or "")
    if kind not in _BUTTON_TYPES:
        raise ConfigError(f"{where}.type: one of {', '.join(sorted(_BUTTON_TYPES))}, got {kind!r}")
    needed = _BUTTON_TYPES[kind]
    if not raw.get(needed):
        raise ConfigError(f"{where}.{needed}: required for a {kind} button")
    return {
        k: str(v)
        for k, v in raw.items()
        if k in ("name", "type", "key", "url", "appid", "pagepath")
    }


def _menu(raw: object) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("button"), list):
        raise ConfigError("menu.button: expected a list of 1 to 3 buttons")
    buttons = raw["button"]
    if not 1 <= len(buttons) <= 3:
        raise ConfigError("menu.button: WeChat menus have 1 to 3 top-level buttons")
    return {"button": [_button(b, f"menu.button[{i}]", top=True) for i, b in enumerate(buttons)]}


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


def load_config(path: str | Path, environ: Mapping[str, str] | None = None) -> Config:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"--config: file not found: {p}") from None
    except OSError as exc:
        raise ConfigError(f"--config: cannot read {p}: {exc.strerror}") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"--config: {p} is not valid YAML{where}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"--config: {p} must contain a mapping of sections")
    return build_config(raw, environ)
