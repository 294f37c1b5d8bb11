"""The demo's console, found from outside (pass 6): its only account could not see 东亭 at all
(N13), and a grid leader's invite showed no link in the sandbox, with its expiry and audit time
on the wall clock beside order histories on the demo's (N14)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.keys import CLOCK, CONFIG, SESSIONS
from bot.sandbox.demo import CONSOLE_PASSWORD, STREET_USER
from models.community import Member
from models.console import AuditEntry, ConsoleInvite
from tests.console_support import CSRF, Console
from tests.test_sandbox import CHEN, ClientFactory, chat_of, demo, forward, history


async def test_the_demo_has_a_street_account_that_sees_every_community(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    client = await demo(aiohttp_client, tmp_path)
    c = Console(client, {})
    assert (await c.login(STREET_USER, client.app[CONSOLE_PASSWORD])).status == 303
    members = await (await client.get("/admin/members")).text()
    assert "林志远" in members and "黄海燕" in members and "陈秀英" in members
    # the community's own account is unchanged: 青和居's office only
    assert (await c.login("demo", client.app[CONSOLE_PASSWORD])).status == 303
    assert "林志远" not in await (await client.get("/admin/members")).text()


async def test_a_grid_leaders_invite_shows_its_link_and_runs_on_the_demo_clock(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    client = await demo(aiohttp_client, tmp_path)
    await forward(client, "1d")  # the demo's clock is now a day past the wall clock
    c = Console(client, {})
    assert (await c.login("demo", client.app[CONSOLE_PASSWORD])).status == 303
    async with client.app[SESSIONS]() as s:
        chen = await s.scalar(select(Member.id).where(Member.key == "m01"))
    page = await (await client.get("/admin/members")).text()
    token = CSRF.search(page).group(1)  # type: ignore[union-attr]
    sent = await client.post(
        "/admin/members/invite",
        data={"csrf_token": token, "member": str(chen)},
        allow_redirects=False,
    )
    assert sent.status == 303, await sent.text()
    now = client.app[CLOCK].now()
    await forward(client, "10m")  # runs the outbox: the push arrives
    pushes = [text for kind, text in chat_of(await history(client), CHEN) if kind == "push"]
    invite = next(p for p in pushes if "开通邀请" in p)
    assert "/admin/invite/" in invite, invite
    link = invite[invite.index("http") :].split()[0]
    assert (await client.get(link[link.index("/admin") :])).status == 200
    valid = client.app[CONFIG].admin.invite_valid
    async with client.app[SESSIONS]() as s:
        row = (await s.scalars(select(ConsoleInvite))).one()
        audit = (
            await s.scalars(select(AuditEntry).where(AuditEntry.action == "invite_created"))
        ).one()
    expires = (
        row.expires_at.replace(tzinfo=now.tzinfo)
        if row.expires_at.tzinfo is None
        else row.expires_at
    )
    assert abs(expires - (now + valid)) < timedelta(minutes=5)
    at = audit.at.replace(tzinfo=now.tzinfo) if audit.at.tzinfo is None else audit.at
    assert abs(at - now) < timedelta(minutes=5)
