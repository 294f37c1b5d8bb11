"""One-time invites for grid leaders: sent from the members page or `mulin admin invite`, pushed
to their WeChat through the outbox (to the fake API), used once to set a password; expired,
used and replaced links get a clear page; the token is stored hashed; all of it audited."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.console import accounts
from bot.keys import SESSIONS
from bot.ticks.outbox import deliver_due
from models.console import AuditEntry, ConsoleInvite, ConsoleUser
from tests.console_support import CSRF, PASSWORD, ClientFactory, Console
from tests.photos_support import Photos, ServerFactory, start_photos
from tests.test_console_cli import admin

LINK = re.compile(r"https://mulin\.example\.org/admin/invite/([\w-]+)")
PUBLIC = "https://mulin.example.org"
TEMPLATES = {"reminder": "tpl_reminder"}


async def _console(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, url: str, public: bool = True
) -> Photos:
    p = await start_photos(
        aiohttp_client, aiohttp_server, url, PUBLIC if public else None, TEMPLATES
    )
    async with p.c.app[SESSIONS]() as s, s.begin():
        await accounts.disable(s, "leader2")  # m04, grid G02, has no account now
    return p


async def _invite(c: Console, member_id: int, **form: str) -> object:
    token = await c.csrf("/admin/members")
    data = {"csrf_token": token, "member": str(member_id), **form}
    return await c.client.post("/admin/members/invite", data=data, allow_redirects=False)


async def _member_id(c: Console, key: str) -> int:
    from models.community import Member

    async with c.app[SESSIONS]() as s:
        return int(await s.scalar(select(Member.id).where(Member.key == key)) or 0)


async def _accept(c: Console, token: str, username: str, password: str, again: str = "") -> object:
    c.client.session.cookie_jar.clear()
    page = await c.client.get(f"/admin/invite/{token}")
    found = CSRF.search(await page.text())
    form = {
        "csrf_token": found.group(1) if found else "",
        "username": username,
        "password": password,
        "password_again": again or password,
    }
    return await c.client.post(f"/admin/invite/{token}", data=form, allow_redirects=False)


async def test_an_invite_reaches_their_wechat_and_opens_an_account_once(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, db_url: str
) -> None:
    p = await _console(aiohttp_client, aiohttp_server, db_url)
    c, fake = p.c, p.fake
    await p.say("o_m04", "帮助")  # they wrote lately: inside the 48-hour window, a text message
    assert (await c.login("staff1")).status == 303
    members = await (await c.client.get("/admin/members")).text()
    assert members.count("发送开通邀请") == 1  # m04 (m01 has an account: leader1)
    m04 = await _member_id(c, "m04")
    resp = await _invite(c, m04)
    assert resp.status == 303  # type: ignore[attr-defined]
    shown = await (await c.client.get(resp.headers["Location"])).text()  # type: ignore[attr-defined]
    assert "邀请链接已发到 周杰 的微信，72 小时内有效" in shown and "已邀请" in shown
    assert await deliver_due(c.app) >= 1
    [push] = fake.sent("o_m04")
    text = push.body["text"]["content"]
    assert "周杰您好" in text and "第二网格" in text and "72 小时" in text
    token = LINK.search(text).group(1)  # type: ignore[union-attr]
    async with c.app[SESSIONS]() as s:
        row = (await s.scalars(select(ConsoleInvite))).one()
        audit = [a.action for a in await s.scalars(select(AuditEntry))]
    assert row.token_hash != token and token not in str(vars(row)) and len(row.token_hash) == 64
    assert (row.grid_code, row.created_by, row.used_at) == ("G02", "staff1", None)
    assert "invite_created" in audit

    page = await c.client.get(f"/admin/invite/{token}")
    html = await page.text()
    assert page.status == 200 and "周杰" in html and "第二网格" in html
    assert page.headers["Referrer-Policy"] == "no-referrer"
    bad = await _accept(c, token, "zhoujie", "long-enough-1", "long-enough-2")
    assert bad.status == 400 and "两次输入的密码不一样" in await bad.text()  # type: ignore[attr-defined]
    short = await _accept(c, token, "zhoujie", "short")
    assert short.status == 400 and "8 到 256" in await short.text()  # type: ignore[attr-defined]
    taken = await _accept(c, token, "leader1", "long-enough-1")
    assert taken.status == 400 and "已经有人用了" in await taken.text()  # type: ignore[attr-defined]
    # the form sent twice at once (a double click): one account, the other told the link is used
    c.client.session.cookie_jar.clear()
    form = CSRF.search(await (await c.client.get(f"/admin/invite/{token}")).text())
    assert form is not None

    async def submit(username: str) -> tuple[int, str, str]:
        data = {"csrf_token": form.group(1), "username": username}
        data |= {"password": "long-enough-1", "password_again": "long-enough-1"}
        resp = await c.client.post(f"/admin/invite/{token}", data=data, allow_redirects=False)
        return resp.status, resp.headers.get("Location", ""), await resp.text()

    done, again = sorted(await asyncio.gather(submit("zhoujie"), submit("zhoujie")))
    assert done[0] == 303 and "done=invited" in done[1]
    assert again[0] == 410 and "已经用过了" in again[2], again
    assert "账号已开通" in await (await c.client.get("/admin/login?done=invited")).text()
    async with c.app[SESSIONS]() as s:
        user = (await s.scalars(select(ConsoleUser).where(ConsoleUser.username == "zhoujie"))).one()
        audit = [a.action for a in await s.scalars(select(AuditEntry))]
    assert (user.role, user.grid_code, user.member_key, user.community_code) == (
        "grid_leader", "G02", "m04", "qhj"
    )  # fmt: skip
    assert "invite_accepted" in audit
    assert (await c.login("zhoujie", "long-enough-1")).status == 303
    board = await (await c.client.get("/admin/orders")).text()
    assert f"#{c.numbers['g2']}" in board and f"#{c.numbers['g1']}" not in board

    used = await c.client.get(f"/admin/invite/{token}")
    assert used.status == 410 and "已经用过了" in await used.text()
    unknown = await c.client.get("/admin/invite/not-a-token")
    assert unknown.status == 404 and "邀请链接不对" in await unknown.text()


async def test_expired_and_replaced_links_are_refused_clearly(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, sqlite_url: str
) -> None:
    p = await _console(aiohttp_client, aiohttp_server, sqlite_url)
    c, fake = p.c, p.fake
    assert (await c.login("admin1")).status == 303
    m04 = await _member_id(c, "m04")
    assert (await _invite(c, m04)).status == 303  # type: ignore[attr-defined]
    assert (await _invite(c, m04)).status == 303  # type: ignore[attr-defined]  # a second one
    await deliver_due(c.app)
    # they have not written for a while: template messages, the link as the template's URL
    sent = fake.sent("o_m04")
    assert [(m.kind, m.body["template_id"]) for m in sent] == [("template", "tpl_reminder")] * 2
    first, second = [LINK.fullmatch(m.body["url"]).group(1) for m in sent]  # type: ignore[union-attr]
    replaced = await c.client.get(f"/admin/invite/{first}")
    assert replaced.status == 410 and "已经作废" in await replaced.text()
    opened = CSRF.search(await (await c.client.get(f"/admin/invite/{second}")).text())
    assert opened is not None  # the form is opened in time ...
    async with c.app[SESSIONS]() as s, s.begin():
        past = datetime.now(UTC) - timedelta(minutes=1)
        await s.execute(update(ConsoleInvite).values(expires_at=past))
    expired = await c.client.get(f"/admin/invite/{second}")
    assert expired.status == 410 and "已经过期" in await expired.text()
    form = {"csrf_token": opened.group(1), "username": "zhoujie"}
    form |= {"password": "long-enough-1", "password_again": "long-enough-1"}
    late = await c.client.post(f"/admin/invite/{second}", data=form)  # ... and sent too late
    assert late.status == 410 and "已经过期" in await late.text()
    async with c.app[SESSIONS]() as s:
        assert await s.scalar(select(ConsoleUser).where(ConsoleUser.username == "zhoujie")) is None


async def test_who_may_invite_whom(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, sqlite_url: str
) -> None:
    c = (await _console(aiohttp_client, aiohttp_server, sqlite_url)).c
    m04, m02 = await _member_id(c, "m04"), await _member_id(c, "m02")
    for user, said in (("leader1", "只有管理员和社区干事"), ("viewer1", "只能查看")):
        assert (await c.login(user)).status == 303
        refused = await _invite(c, m04)
        assert refused.status == 403 and said in await refused.text(), user  # type: ignore[attr-defined]
    assert (await c.login("staff1")).status == 303
    not_leader = await _invite(c, m02)
    assert not_leader.status == 409 and "只能邀请花名册上的网格长" in await not_leader.text()  # type: ignore[attr-defined]
    has_account = await _invite(c, await _member_id(c, "m01"))
    assert "已经有工作台账号（leader1）" in await has_account.text()  # type: ignore[attr-defined]
    wrong_grid = await _invite(c, m04, grid="G01")
    assert "不负责这个网格" in await wrong_grid.text()  # type: ignore[attr-defined]
    token = await c.csrf("/admin/members")
    no_csrf = await c.client.post("/admin/members/invite", data={"member": str(m04)})
    assert no_csrf.status == 403 and token
    forged = await c.client.post(f"/admin/invite/{'x' * 40}", data={"username": "a"})
    assert forged.status == 403
    async with c.app[SESSIONS]() as s:
        assert not list(await s.scalars(select(ConsoleInvite)))


async def test_no_invite_without_the_consoles_public_address(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, sqlite_url: str
) -> None:
    c = (await _console(aiohttp_client, aiohttp_server, sqlite_url, public=False)).c
    assert (await c.login("admin1")).status == 303
    resp = await _invite(c, await _member_id(c, "m04"))
    assert resp.status == 409 and "server.public_url" in await resp.text()  # type: ignore[attr-defined]


def test_invite_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    from bot.storage.engine import create_engine, session_factory
    from bot.storage.migrations import upgrade
    from models.outbox import OutboxMessage
    from tests.support import seed_roster

    db = tmp_path / "console.db"
    config = tmp_path / "config.yaml"
    config.write_text(
        f'wechat: {{token: t, mode: plain}}\ndatabase: {{url: "sqlite+aiosqlite:///{db}"}}\n'
        f"server: {{public_url: '{PUBLIC}'}}\n"
    )

    async def prepare() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{db}")
        await upgrade(engine)
        await seed_roster(session_factory(engine), datetime.now(UTC))
        await engine.dispose()

    async def queued() -> list[tuple[str, str]]:
        engine = create_engine(f"sqlite+aiosqlite:///{db}")
        async with session_factory(engine)() as s:
            rows = await s.execute(select(OutboxMessage.recipient, OutboxMessage.payload))
            found = [(r, p["text"]) for r, p in rows.all()]
        await engine.dispose()
        return found

    asyncio.run(prepare())
    code, out, _ = admin(monkeypatch, capsys, "invite", "m04", "--config", str(config))
    assert code == 0 and "invited m04" in out and "G02" in out
    [(to, text)] = asyncio.run(queued())
    assert to == "o_m04" and LINK.search(text)
    code, _, err = admin(monkeypatch, capsys, "invite", "m02", "--config", str(config))
    assert code == 2 and "not an active grid leader" in err and len(err.strip().splitlines()) == 1
    code, _, err = admin(monkeypatch, capsys, "invite", "m99", "--config", str(config))
    assert code == 2 and "no member" in err
    assert PASSWORD  # the console's test password is not involved: the invitee sets theirs
