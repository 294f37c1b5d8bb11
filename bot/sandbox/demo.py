"""``mulin demo``: the service on SQLite under ./data, a sandbox page, a fake WeChat API."""

from __future__ import annotations

import secrets
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from aiohttp import web

from bot.app import create_app
from bot.config import (
    TEMPLATE_PURPOSES,
    Config,
    DatabaseConfig,
    ServerConfig,
    SlaConfig,
    WeChatConfig,
)
from bot.console import accounts
from bot.keys import CLOCK, CONFIG, ENGINE, ROSTER, SESSIONS
from bot.orders.dispatch import ROLE_NAMES
from bot.orders.sla import sla_of
from bot.roster.apply import import_rosters
from bot.roster.files import Roster
from bot.roster.files.street import read_rosters
from bot.sandbox import routes
from bot.sandbox.fake_wechat import FakeWeChat, SentMessage
from bot.sandbox.fake_wechat import create_app as create_fake_api
from bot.sandbox.fast_forward import DemoClock
from bot.sandbox.platform import WeChatPlatform
from bot.sandbox.seed_orders import seed_month
from bot.sandbox.transcript import Transcript, push_text

# Fixed, public demo credentials: the sandbox is never exposed beyond loopback.
DEMO_TOKEN = "mulin-demo-token"
DEMO_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
DEMO_APPID = "wx00demo00000000"


def demo_config(host: str, port: int, data_dir: str) -> Config:
    db_path = Path(data_dir).resolve() / "demo.db"
    return Config(
        server=ServerConfig(host=host, port=port, public_url=f"http://{host}:{port}"),
        wechat=WeChatConfig(
            appid=DEMO_APPID,
            secret="demo-secret",
            token=DEMO_TOKEN,
            encoding_aes_key=DEMO_AES_KEY,
            mode="safe",
            api_base=f"http://{host}:{port}/_wechat",
            # Members who have not written yet are outside the 48-hour window: as on a real
            # account, they get template messages.
            templates={p: f"demo_tpl_{p}" for p in TEMPLATE_PURPOSES},
        ),
        database=DatabaseConfig(url=f"sqlite+aiosqlite:///{db_path}"),
        # as config.example.yaml: an urgent order is chased sooner than an ordinary one
        sla=SlaConfig(
            accept_within_urgent=timedelta(minutes=10), escalate_after_urgent=timedelta(minutes=15)
        ),
    )


DEMO_ROSTER = Path(__file__).resolve().parent / "demo_roster.yaml"
TRANSCRIPT_FILE = "sandbox-chat.jsonl"
CONSOLE_USER = "demo"  # 青和居社区's office (the console's browser test signs in as it)
# the street office's account, which sees every community of the street (README: 街道办的账号
# 看全部); found from outside: with only ``demo``, 东亭's orders could not be seen at all
STREET_USER = "jiedao"
CONSOLE_PASSWORD = web.AppKey("demo_console_password", str)
CLOCK_FILE = "demo-clock.json"


def demo_users(rosters: list[Roster]) -> list[routes.SandboxUser]:
    users = list(routes.DEFAULT_USERS)
    for m in (m for roster in rosters for m in roster.members):
        if m.openid:
            role = "、".join(ROLE_NAMES.get(r, r) for r in m.roles)
            users.append(routes.SandboxUser(m.openid, m.name, role))
    return users


async def prepare_console(
    app: web.Application, password: str, seed: bool, street: str | None = None
) -> None:
    """The demo's console accounts, 青和居社区's and (``street``: its code) the street
    office's, with a fresh password each start, and, on a fresh demo database, a month of
    orders for the board."""
    wanted = [(CONSOLE_USER, "qhj")] + ([(STREET_USER, street)] if street else [])
    async with app[SESSIONS]() as s, s.begin():
        for user, community in wanted:
            if await accounts.find_user(s, user) is None:
                await accounts.add_user(s, user, password, role="admin", community_code=community)
            else:
                await accounts.set_password(s, user, password)
        if seed:
            await seed_month(s, await app[ROSTER].get(s), app[CLOCK].now(), sla_of(app[CONFIG]))


def build_demo_app(
    config: Config, data_dir: Path | None = None, *, password: str | None = None, seed: bool = False
) -> web.Application:
    """The service on a clock the visitor may fast-forward, the sandbox page with each user's
    chat kept under ``data_dir`` (beside the demo database when not given), the fake API, and
    the console with a demo admin (``password``: random when not given); ``seed``: a month of
    orders on a fresh database."""
    if data_dir is None:
        data_dir = Path(config.database.url.split("///", 1)[-1]).parent
    clock = DemoClock(data_dir / CLOCK_FILE)
    app = create_app(config, clock=clock)
    app[CONSOLE_PASSWORD] = password or secrets.token_urlsafe(9)
    rosters = read_rosters(DEMO_ROSTER)
    transcript = Transcript(data_dir / TRANSCRIPT_FILE)

    async def load_demo_community(app: web.Application) -> AsyncIterator[None]:
        # Idempotent: restarting the demo keeps its orders and changes nothing here.
        await import_rosters(app[ENGINE], rosters)
        app[ROSTER].invalidate()
        street = next((r.street[0] for r in rosters if r.street), None)
        await prepare_console(app, app[CONSOLE_PASSWORD], seed, street)
        app[ROSTER].invalidate()
        yield

    app.cleanup_ctx.insert(1, load_demo_community)
    platform = WeChatPlatform(
        token=config.wechat.token,
        appid=config.wechat.appid,
        encoding_aes_key=config.wechat.encoding_aes_key,
        mode=config.wechat.mode,
    )
    routes.setup(app, platform, demo_users(rosters), transcript, clock)
    fake = FakeWeChat(clock=clock, appid=config.wechat.appid, secret=config.wechat.secret)

    def show_push(message: SentMessage) -> None:
        transcript.add(message.touser, "push", push_text(message.body), message.at)

    fake.listeners.append(show_push)
    app[routes.MEDIA] = fake.media
    app.add_subapp("/_wechat", create_fake_api(fake))
    return app


def run_demo(host: str, port: int, data_dir: str, seed: bool = True) -> int:
    from bot.observability import logs as logsetup

    logsetup.configure()
    config = demo_config(host, port, data_dir)
    url = f"http://{host}:{port}/sandbox"
    console = f"http://{host}:{port}{config.admin.path}"
    app = build_demo_app(config, Path(data_dir), seed=seed)
    said = (
        f"睦邻 sandbox: {url}  (Ctrl+C to stop)\n"
        f"社区工作台 console: {console}  用户名 user: {CONSOLE_USER}  密码 password: {app[CONSOLE_PASSWORD]}"
        f"  （青和居社区）\n"
        f"街道办 street office（看全部社区 every community）: 用户名 user: {STREET_USER}  同一密码 same password"
    )
    try:
        web.run_app(app, host=host, port=port, print=lambda _msg: print(said, flush=True))
    except OSError as exc:
        print(
            f"mulin: cannot start the demo on {host}:{port}: {exc.strerror or exc}", file=sys.stderr
        )
        return 1
    return 0
