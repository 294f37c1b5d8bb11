"""The configuration's schema, declared once: every section is a dataclass whose fields carry
their default and how they are read (``setting``). The loader walks these fields; nothing else
lists the keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.config.fields import (
    choice,
    duration,
    flag,
    mapping_of,
    number,
    optional_duration,
    optional_text,
    setting,
    text,
    whole,
)
from bot.config.working_time import dates, day_names, hours, quiet

MODES = ("plain", "compatible", "safe")
TEMPLATE_PURPOSES = ("order_assigned", "order_update", "reminder", "survey", "broadcast")


@dataclass(frozen=True)
class ServerConfig:
    host: str = setting("127.0.0.1", text(empty_ok=False))
    port: int = setting(8080, whole(0, 65535))
    webhook_path: str = setting("/wechat", text(pattern=r"/.*", hint="must start with '/'"))
    public_url: str | None = setting(None, optional_text)
    # WeChat's request timestamp may differ from ours by at most this much.
    timestamp_window: timedelta = setting(timedelta(minutes=5), duration)
    # WeChat waits 5 s; past this budget we answer "success" and deliver the reply later.
    reply_budget: timedelta = setting(timedelta(seconds=4), duration)
    max_body_bytes: int = setting(64 * 1024, whole(1024, 16 * 1024 * 1024))
    # Where messages wait while the database is away (bot/wechat/spool.py); None: beside
    # the SQLite file, or ./data/spool/<database name> for PostgreSQL.
    spool_dir: str | None = setting(None, optional_text)

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
    appid: str = setting("wx0000000000000000", text(empty_ok=False))
    secret: str = setting("", text(secret=True))
    token: str = setting("", text(secret=True))
    encoding_aes_key: str = setting(
        "", text(pattern=r"[A-Za-z0-9]{43}", hint="must be 43 letters and digits", secret=True)
    )
    mode: str = setting("safe", choice(*MODES))
    api_base: str = setting(
        "https://api.weixin.qq.com", text(pattern=r"https?://.*", hint="must be an http(s) URL")
    )
    templates: Mapping[str, str] = setting({}, mapping_of(TEMPLATE_PURPOSES))
    api_timeout: timedelta = setting(timedelta(seconds=10), duration)
    send_rate: float = setting(0.0, number(0.0))  # messages per second; 0 = unlimited

    def check(self) -> None:
        from bot.config.fields import ConfigError

        if self.mode != "plain" and len(self.encoding_aes_key) != 43:
            raise ConfigError(
                f"wechat.encoding_aes_key: {self.mode} mode needs the 43-character key"
                f" from the WeChat console (got {len(self.encoding_aes_key)} characters)"
            )
        if not self.token:
            raise ConfigError("wechat.token: must be set (the URL token from the WeChat console)")


@dataclass(frozen=True)
class DatabaseConfig:
    url: str = setting(
        "sqlite+aiosqlite:///./data/mulin.db",
        text(
            empty_ok=False,
            pattern=r"(sqlite\+aiosqlite|postgresql\+asyncpg)://.*",
            hint="must start with sqlite+aiosqlite:// or postgresql+asyncpg://",
        ),
    )


@dataclass(frozen=True)
class RedisConfig:
    url: str | None = setting(
        None,
        lambda v, k: optional_text(
            text(
                pattern=r"(redis|rediss|unix)://.*",
                hint="must start with redis://, rediss:// or unix://",
            )(v, k),
            k,
        ),
    )


@dataclass(frozen=True)
class ResolveWithin:
    urgent: timedelta = setting(timedelta(hours=2), duration)
    default: timedelta = setting(timedelta(days=3), duration)


@dataclass(frozen=True)
class SlaConfig:
    accept_within: timedelta = setting(timedelta(minutes=30), duration)
    escalate_after: timedelta = setting(timedelta(hours=2), duration)
    # Shorter windows for urgent orders (a person in a lift cannot wait 30 minutes for the
    # first reminder); unset: the same as every order.
    accept_within_urgent: timedelta | None = setting(None, optional_duration)
    escalate_after_urgent: timedelta | None = setting(None, optional_duration)
    resolve_within: ResolveWithin = field(default_factory=ResolveWithin)
    survey_after: timedelta = setting(timedelta(hours=24), duration)
    survey_timeout: timedelta = setting(timedelta(days=3), duration)  # then closed unrated
    # Non-urgent timers count working time only, when working_hours is set.
    working_hours: tuple[time, time] | None = setting(None, hours)
    # The night (local): non-urgent timers ping nobody then; their accept and escalation
    # windows do not run, other pushes wait for the morning. null: none. Urgent: never held.
    quiet_hours: tuple[time, time] | None = setting((time(22), time(7)), quiet)
    workdays: frozenset[int] = setting(frozenset(range(5)), day_names)
    # "mainland": the State Council's public holidays and make-up workdays, under the
    # operator's own holidays / extra_workdays; "none": only the operator's.
    holiday_calendar: str = setting("mainland", choice("mainland", "none"))
    holidays: frozenset[date] = setting(frozenset(), dates)
    extra_workdays: frozenset[date] = setting(frozenset(), dates)
    # What the operator configured, kept apart to tell whether they cover a year themselves.
    configured_days: frozenset[date] = field(default=frozenset(), metadata={"derived": True})

    @property
    def resolve_within_urgent(self) -> timedelta:
        return self.resolve_within.urgent

    @property
    def resolve_within_default(self) -> timedelta:
        return self.resolve_within.default


@dataclass(frozen=True)
class ReportsConfig:
    # The same problem again (same resident, or a neighbour at the same building, same
    # category, similar words) within this window joins the open order.
    duplicate_window: timedelta = setting(timedelta(hours=24), duration)
    # Reports a resident may open per hour; an urgent report is never held back.
    per_hour: int = setting(10, whole(1, 1000))
    # Open orders a member may hold before dispatch passes them over for the next in the chain.
    max_open_per_member: int = setting(20, whole(1, 10000))


@dataclass(frozen=True)
class SchedulerConfig:
    tick: timedelta = setting(timedelta(seconds=5), duration)


@dataclass(frozen=True)
class AdminConfig:
    enabled: bool = setting(True, flag)
    path: str = setting("/admin", text(pattern=r"/[\w/-]*", hint="must be a path like /admin"))
    session_idle: timedelta = setting(timedelta(hours=8), duration)
    secure_cookies: bool = setting(False, flag)
    # Behind a reverse proxy (nginx terminating TLS): the address a sign-in came from is the
    # last one the proxy added to X-Forwarded-For, not the proxy's own (lockouts and the audit
    # log are per address). Leave false when clients reach the service directly.
    behind_proxy: bool = setting(False, flag)
    # How long a grid leader's one-time invite link works (mulin admin invite, the members
    # page). The link is server.public_url + path; without public_url no invite can be sent.
    invite_valid: timedelta = setting(timedelta(hours=72), duration)


@dataclass(frozen=True)
class MediaConfig:
    # Photos residents send are fetched from WeChat's temporary media (kept there 3 days) and
    # stored in the database. WeChat itself takes images up to 10 MB; anything larger, or
    # anything that is not a JPEG, PNG, GIF or WebP image, is refused and noted on the order.
    max_bytes: int = setting(10 * 1024 * 1024, whole(1024, 64 * 1024 * 1024))
    per_order: int = setting(20, whole(1, 200))  # photos and places one order may carry


@dataclass(frozen=True)
class PrivacyConfig:
    # Inbound message bodies (text, raw XML, our reply) older than this are removed daily;
    # the row stays (time, type, who) so counts and duplicate checks still hold.
    retain_messages: timedelta = setting(timedelta(days=365), duration)
    # Closed or cancelled orders older than this lose their text, phones and room;
    # category, building, grid and times stay, so the figures stay correct.
    retain_closed: timedelta = setting(timedelta(days=730), duration)


@dataclass(frozen=True)
class LoggingConfig:
    format: str = setting("text", choice("text", "json"))
    level: str = setting("info", choice("debug", "info", "warning", "error"))


@dataclass(frozen=True)
class Config:
    server: ServerConfig = field(default_factory=ServerConfig)
    wechat: WeChatConfig = field(default_factory=WeChatConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    redis: RedisConfig = field(default_factory=RedisConfig)
    timezone: str = setting("Asia/Shanghai", text(empty_ok=False))
    sla: SlaConfig = field(default_factory=SlaConfig)
    reports: ReportsConfig = field(default_factory=ReportsConfig)
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    admin: AdminConfig = field(default_factory=AdminConfig)
    media: MediaConfig = field(default_factory=MediaConfig)
    privacy: PrivacyConfig = field(default_factory=PrivacyConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    menu: Mapping[str, Any] | None = field(default=None, metadata={"raw": True})

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
