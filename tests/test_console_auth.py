"""The console's sign-in: passwords, lockouts, sessions, CSRF, and the answers to bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.keys import SESSIONS
from models.console import AuditEntry, ConsoleSession
from tests.console_support import PASSWORD, ClientFactory, Console, make_console


async def test_sign_in_and_out(aiohttp_client: ClientFactory, db_url: str) -> None:
    c = await make_console(aiohttp_client, db_url)
    resp = await c.client.get("/admin/orders", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/admin/login"
    page = await (await c.client.get("/admin/login")).text()
    assert "社区工作台登录" in page
    resp = await c.login("admin1")
    assert resp.status == 303 and resp.headers["Location"] == "/admin/orders"
    cookie = resp.headers.getall("Set-Cookie")
    session_cookie = next(h for h in cookie if h.startswith("mulin_console="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Secure" not in session_cookie
    board = await c.client.get("/admin/orders")
    assert board.status == 200 and "工单看板" in await board.text()
    token = await c.csrf()
    resp = await c.client.post("/admin/logout", data={"csrf_token": token}, allow_redirects=False)
    assert resp.status == 303
    resp = await c.client.get("/admin/orders", allow_redirects=False)
    assert resp.status == 303


async def test_secure_cookie_when_configured(aiohttp_client: ClientFactory, db_url: str) -> None:
    c = await make_console(aiohttp_client, db_url, secure_cookies=True)
    resp = await c.client.get("/admin/login")  # behind TLS every console cookie is Secure
    cookie = resp.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


async def test_wrong_password_is_401_in_chinese(aiohttp_client: ClientFactory, db_url: str) -> None:
    c = await make_console(aiohttp_client, db_url)
    resp = await c.login("admin1", "wrong-password")
    assert resp.status == 401
    assert "用户名或密码不对" in await resp.text()
    resp = await c.login("nobody", "wrong-password")
    assert resp.status == 401
    # too long is said as too long, not as "please fill in"
    resp = await c.login("a" * 5000, "b" * 5000)
    assert resp.status == 400 and "太长" in await resp.text()
    resp = await c.login("", "")
    assert resp.status == 400 and "请填写" in await resp.text()


async def test_account_locks_after_repeated_failures(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await make_console(aiohttp_client, db_url)
    statuses = [(await c.login("staff1", "wrong-password")).status for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 403]
    resp = await c.login("staff1")  # the right password does not help while locked
    assert resp.status == 403 and "暂时锁定" in await resp.text()
    assert (await c.login("admin1")).status == 303  # another account from this address is fine
    async with c.app[SESSIONS]() as s:
        actions = list((await s.execute(select(AuditEntry.action))).scalars())
    assert actions.count("login_failed") == 6 and "login" in actions


async def test_address_locks_after_many_failures(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await make_console(aiohttp_client, db_url)
    for i in range(20):
        await c.login(f"guess{i}", "wrong-password")
    resp = await c.login("admin1")
    assert resp.status == 403 and "暂时锁定" in await resp.text()


async def test_login_without_csrf_is_refused(aiohttp_client: ClientFactory, db_url: str) -> None:
    c = await make_console(aiohttp_client, db_url)
    resp = await c.client.post(
        "/admin/login", data={"username": "admin1", "password": PASSWORD}, allow_redirects=False
    )
    assert resp.status == 403 and "校验码" in await resp.text()


async def test_post_without_session_is_401_and_without_csrf_403(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await make_console(aiohttp_client, db_url)
    n = c.numbers["g1"]
    resp = await c.client.post(f"/admin/orders/{n}/note", data={"text": "x", "version": "0"})
    assert resp.status == 401 and "重新登录" in await resp.text()
    await c.login("staff1")
    for data in ({"text": "x", "version": "1"}, {"text": "x", "version": "1", "csrf_token": "no"}):
        resp = await c.client.post(f"/admin/orders/{n}/note", data=data)
        assert resp.status == 403 and "校验码" in await resp.text()
    assert not [h for h in await Console.history(c, n) if h[1] == "note"]


async def test_idle_session_expires(aiohttp_client: ClientFactory, db_url: str) -> None:
    c = await make_console(aiohttp_client, db_url)
    await c.login("admin1")
    async with c.app[SESSIONS]() as s, s.begin():
        past = datetime.now(UTC) - timedelta(minutes=1)
        await s.execute(update(ConsoleSession).values(expires_at=past))
    resp = await c.client.get("/admin/orders", allow_redirects=False)
    assert resp.status == 303
    resp = await c.client.get("/admin/orders/rows", headers={"X-Requested-With": "fetch"})
    assert resp.status == 401


async def test_disabled_account_cannot_sign_in(aiohttp_client: ClientFactory, db_url: str) -> None:
    from bot.console import accounts

    c = await make_console(aiohttp_client, db_url)
    await c.login("viewer1")
    async with c.app[SESSIONS]() as s, s.begin():
        await accounts.disable(s, "viewer1")
    assert (await c.client.get("/admin/orders", allow_redirects=False)).status == 303
    resp = await c.login("viewer1")
    assert resp.status == 403 and "停用" in await resp.text()


async def test_console_can_be_switched_off(aiohttp_client: ClientFactory, db_url: str) -> None:
    c = await make_console(aiohttp_client, db_url, enabled=False)
    assert (await c.client.get("/admin/login")).status == 404
    assert (await c.client.get("/healthz")).status == 200


async def test_unknown_console_page_is_a_chinese_404(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await make_console(aiohttp_client, db_url)
    await c.login("admin1")
    resp = await c.client.get("/admin/nothing-here")
    assert resp.status == 404 and "没有找到" in await resp.text()


async def test_behind_a_proxy_lockouts_follow_the_forwarded_address(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    from tests.console_support import CSRF

    c = await make_console(aiohttp_client, db_url, behind_proxy=True)

    async def attempt(ip: str, name: str, password: str) -> int:
        c.client.session.cookie_jar.clear()
        page = await (await c.client.get("/admin/login")).text()
        token = CSRF.search(page).group(1)  # type: ignore[union-attr]
        resp = await c.client.post(
            "/admin/login",
            data={"username": name, "password": password, "csrf_token": token},
            headers={"X-Forwarded-For": f"1.2.3.4, {ip}"},
            allow_redirects=False,
        )
        return resp.status

    for i in range(20):
        await attempt("10.0.0.9", f"guess{i}", "wrong-password")
    assert await attempt("10.0.0.9", "admin1", PASSWORD) == 403
    assert await attempt("10.0.0.7", "admin1", PASSWORD) == 303  # the office is not locked out
    async with c.app[SESSIONS]() as s:
        ips = set((await s.execute(select(AuditEntry.ip))).scalars())
    assert ips == {"10.0.0.9", "10.0.0.7"}
