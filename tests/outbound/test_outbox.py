"""The outbox: enqueue in the caller's transaction, channel choice, retries, leases, limits."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.outbox import enqueue
from bot.outbox.limits import SqlSendLimits
from bot.outbox.worker import OutboxSettings, OutboxWorker
from bot.sandbox.fake_wechat import FakeWeChat, Fault
from bot.wechat.api import WeChatClient
from models.inbound import WeChatUser
from models.outbox import OutboxMessage
from tests.outbound.support import APPID, MakeClient, OutboxDB

SEND = "/cgi-bin/message/custom/send"
TEMPLATES = {"order_update": "TPL_UPDATE", "survey": "TPL_SURVEY"}
FIELDS = {
    "character_string1": "#12",
    "thing2": "三栋二单元五零一厨房水管漏水已修好，请您确认是否满意",
}

Sessions = async_sessionmaker[AsyncSession]


def worker(
    sessions: Sessions,
    client: WeChatClient,
    *,
    clock: FakeClock | None = None,
    templates: dict[str, str] | None = None,
    rate: float = 0.0,
    quotas: dict[str, int] | None = None,
    **settings: Any,
) -> OutboxWorker:
    return OutboxWorker(
        sessions,
        client,
        templates=TEMPLATES if templates is None else templates,
        limits=SqlSendLimits(sessions, APPID, rate, quotas),
        clock=clock,
        settings=OutboxSettings(**settings),
    )


async def add_user(
    sessions: Sessions, openid: str, last: datetime, window_sends: int = 0, following: bool = True
) -> None:
    async with sessions.begin() as s:
        s.add(
            WeChatUser(
                openid=openid,
                following=following,
                first_seen_at=last,
                last_interaction_at=last,
                window_sends=window_sends,
            )
        )


async def put(sessions: Sessions, now: datetime | None = None, **kw: Any) -> int | None:
    kw.setdefault("purpose", "order_update")
    kw.setdefault("recipient", "oResident")
    async with sessions.begin() as s:
        return await enqueue(s, now=now, **kw)


async def row(sessions: Sessions, key: str) -> OutboxMessage:
    async with sessions() as s:
        return (
            await s.execute(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))
        ).scalar_one()


async def statuses(sessions: Sessions) -> Counter[str]:
    async with sessions() as s:
        rows = await s.execute(select(OutboxMessage.status, func.count()).group_by("status"))
        return Counter({status: n for status, n in rows.all()})


# --- enqueue ---------------------------------------------------------------------------------


async def test_one_dedupe_key_is_sent_once(
    sessions: Sessions, client: WeChatClient, fake: FakeWeChat
) -> None:
    first = await put(sessions, text="工单 #12 已派给李建国", dedupe_key="order:12:assigned")
    again = await put(sessions, text="工单 #12 已派给李建国", dedupe_key="order:12:assigned")
    assert first is not None and again is None
    await add_user(sessions, "oResident", datetime.now().astimezone())
    w = worker(sessions, client)
    await w.drain()
    await w.drain()
    assert [m.body["text"]["content"] for m in fake.sent("oResident")] == ["工单 #12 已派给李建国"]


async def test_enqueue_vanishes_with_the_callers_rollback(sessions: Sessions) -> None:
    with pytest.raises(RuntimeError):
        async with sessions.begin() as s:
            await enqueue(
                s, purpose="reminder", recipient="oX", text="提醒", dedupe_key="rolled-back"
            )
            raise RuntimeError("the state change failed")
    assert await statuses(sessions) == Counter()


def test_enqueue_refuses_an_empty_message() -> None:
    from bot.outbox.write import build_payload

    with pytest.raises(ValueError, match="needs text"):
        build_payload(text=None, news=None, template_fields=None, template_url=None)


# --- channel choice ----------------------------------------------------------------------------


async def test_inside_the_window_goes_as_customer_service(
    sessions: Sessions, client: WeChatClient, fake: FakeWeChat
) -> None:
    now = datetime.now().astimezone()
    await add_user(sessions, "oResident", now - timedelta(hours=47))
    await put(sessions, text="师傅 10 点到", template_fields=FIELDS, dedupe_key="k1")
    await worker(sessions, client).drain()
    [msg] = fake.sent("oResident")
    assert msg.kind == "custom" and msg.body["text"]["content"] == "师傅 10 点到"
    sent = await row(sessions, "k1")
    assert (sent.status, sent.channel, sent.attempts) == ("sent", "custom", 1)
    async with sessions() as s:
        user = await s.get(WeChatUser, "oResident")
        assert user is not None and user.window_sends == 1


async def test_outside_the_window_goes_as_template_with_short_fields(
    sessions: Sessions, client: WeChatClient, fake: FakeWeChat
) -> None:
    now = datetime.now().astimezone()
    await add_user(sessions, "oResident", now - timedelta(hours=49))
    await put(sessions, text="师傅 10 点到", template_fields=FIELDS, dedupe_key="k1")
    await worker(sessions, client).drain()
    [msg] = fake.sent("oResident")
    assert msg.kind == "template" and msg.body["template_id"] == "TPL_UPDATE"
    value = msg.body["data"]["thing2"]["value"]
    assert len(value) == 20 and value.endswith("…")
    assert (await row(sessions, "k1")).channel == "template"


async def test_sixth_message_in_the_window_goes_as_template(
    sessions: Sessions, client: WeChatClient, fake: FakeWeChat
) -> None:
    await add_user(sessions, "oResident", datetime.now().astimezone(), window_sends=3)
    for i in range(4):
        await put(sessions, text=f"消息 {i}", template_fields=FIELDS, dedupe_key=f"k{i}")
    await worker(sessions, client).drain()
    kinds = [m.kind for m in fake.sent("oResident")]
    assert kinds == ["custom", "custom", "template", "template"]


async def test_no_window_and_no_template_is_undeliverable_with_reason(
    sessions: Sessions, client: WeChatClient, fake: FakeWeChat
) -> None:
    await put(sessions, purpose="broadcast", recipient="oNew", text="周三议事会", dedupe_key="b1")
    await worker(sessions, client).drain()
    r = await row(sessions, "b1")
    assert r.status == "undeliverable"
    assert r.last_error is not None
    assert "48-hour window" in r.last_error and "wechat.templates.broadcast" in r.last_error
    assert fake.messages == []


async def test_45015_falls_back_to_the_template_once(
    sessions: Sessions, client: WeChatClient, fake: FakeWeChat
) -> None:
    await add_user(sessions, "oResident", datetime.now().astimezone())
    fake.add_user("oResident", subscribe=True)
    fake.fail(45015, path=SEND, times=None)
    await put(sessions, text="进度更新", template_fields=FIELDS, dedupe_key="k1")
    await put(sessions, purpose="reminder", text="无模板", dedupe_key="k2")
    await worker(sessions, client).drain()
    assert [m.kind for m in fake.sent()] == ["template"]
    assert (await row(sessions, "k1")).channel == "template"
    r2 = await row(sessions, "k2")
    assert r2.status == "undeliverable" and r2.last_error and "45015" in r2.last_error


@pytest.mark.parametrize("code", [43004, 43101])
async def test_recipient_refusals_are_undeliverable_not_retried(
    code: int, sessions: Sessions, client: WeChatClient, fake: FakeWeChat
) -> None:
    fake.fail(code, path="/cgi-bin/message/template/send", times=None)
    await put(sessions, template_fields=FIELDS, dedupe_key="k1")
    await worker(sessions, client).drain()
    r = await row(sessions, "k1")
    assert r.status == "undeliverable" and str(code) in (r.last_error or "")
    assert fake.requests["/cgi-bin/message/template/send"] == 1


# --- retries, quota, leases -------------------------------------------------------------------


async def test_transient_failure_backs_off_then_delivers(
    sessions: Sessions, client: WeChatClient, fake: FakeWeChat
) -> None:
    clock = FakeClock()
    fake.fail(-1, path="/cgi-bin/message/template/send", times=None)
    await put(sessions, clock.now(), template_fields=FIELDS, dedupe_key="k1")
    w = worker(sessions, client, clock=clock)
    await w.drain()
    r = await row(sessions, "k1")
    assert r.status == "pending" and r.attempts == 1 and "busy" in (r.last_error or "")
    # one exchange per attempt: the client no longer retries inside the call
    assert fake.requests["/cgi-bin/message/template/send"] == 1
    assert timedelta(seconds=4) < r.next_attempt_at - clock.now() < timedelta(seconds=6)
    fake.clear_faults()
    assert await w.drain() == 0  # not due yet
    clock.advance(timedelta(seconds=10))
    await w.drain()
    r = await row(sessions, "k1")
    assert (r.status, r.attempts) == ("sent", 2) and len(fake.messages) == 1
    assert [e["result"] for e in r.attempt_log or []] == ["pending", "sent"]


async def test_gives_up_after_max_attempts(
    sessions: Sessions, client: WeChatClient, fake: FakeWeChat
) -> None:
    clock = FakeClock()
    fake.fail(-1, path="/cgi-bin/message/template/send", times=None)
    await put(sessions, clock.now(), template_fields=FIELDS, dedupe_key="k1")
    w = worker(sessions, client, clock=clock, max_attempts=3)
    for _ in range(4):
        await w.drain()
        clock.advance(timedelta(hours=2))
    r = await row(sessions, "k1")
    assert (r.status, r.attempts) == ("failed", 3)
    assert "gave up after 3 attempts" in (r.last_error or "")


async def test_quota_45009_waits_for_beijing_midnight(
    sessions: Sessions, make_client: MakeClient, fake: FakeWeChat
) -> None:
    clock = FakeClock()  # 10:00 in Beijing
    client = make_client(clock=clock)
    fake.quota_after = 0
    await put(sessions, clock.now(), template_fields=FIELDS, dedupe_key="k1")
    await worker(sessions, client, clock=clock).drain()
    r = await row(sessions, "k1")
    assert r.status == "pending" and r.attempts == 0
    assert r.next_attempt_at.isoformat() == "2026-11-20T16:00:00+00:00"
    assert "retry at next 00:00 Asia/Shanghai" in (r.last_error or "")


async def test_daily_quota_shared_by_two_workers(
    db: OutboxDB, make_client: MakeClient, fake: FakeWeChat
) -> None:
    clock = FakeClock()
    quotas = {"template": 3, "custom": 3}
    a = worker(db.sessions(), make_client(), clock=clock, quotas=quotas, batch_size=2)
    b = worker(db.sessions(), make_client(), clock=clock, quotas=quotas, batch_size=2)
    for i in range(5):
        await put(db.sessions(), clock.now(), template_fields=FIELDS, dedupe_key=f"k{i}")
    await asyncio.gather(a.drain(), b.drain())
    assert len(fake.messages) == 3
    assert await statuses(db.sessions()) == Counter({"sent": 3, "pending": 2})


async def test_expired_lease_redelivers_a_crashed_workers_rows(
    sessions: Sessions, client: WeChatClient, fake: FakeWeChat
) -> None:
    clock = FakeClock()
    for i in range(5):
        await put(sessions, clock.now(), template_fields=FIELDS, dedupe_key=f"k{i}")
    crashed = worker(sessions, client, clock=clock)
    assert len(await crashed.claim(10)) == 5  # claimed, then the process "dies"
    survivor = worker(sessions, client, clock=clock)
    assert await survivor.drain() == 0  # leased rows are not touched before the lease ends
    clock.advance(timedelta(seconds=61))
    assert await survivor.drain() == 5
    assert await statuses(sessions) == Counter({"sent": 5})
    assert len(fake.messages) == 5


async def test_two_workers_on_separate_engines_never_send_a_row_twice(
    db: OutboxDB, make_client: MakeClient, fake: FakeWeChat
) -> None:
    sessions = db.sessions()
    now = FakeClock().now()
    async with sessions.begin() as s:
        for i in range(1000):
            await enqueue(
                s,
                purpose="order_update",
                recipient=f"o{i % 300}",
                template_fields={"thing1": f"m{i}"},
                dedupe_key=f"k{i}",
                now=now,
            )
    workers = [
        worker(db.sessions(), make_client(), batch_size=50, concurrency=16) for _ in range(2)
    ]
    done = await asyncio.gather(*(w.drain() for w in workers))
    assert sum(done) == 1000 and min(done) > 0  # both took part
    values = [m.body["data"]["thing1"]["value"] for m in fake.messages]
    assert len(values) == 1000 and len(set(values)) == 1000
    assert fake.token_fetches <= 2
    assert await statuses(sessions) == Counter({"sent": 1000})


async def test_send_rate_is_held_across_two_workers(
    db: OutboxDB, make_client: MakeClient, fake: FakeWeChat
) -> None:
    rate = 40.0
    for i in range(40):
        await put(db.sessions(), template_fields={"thing1": f"m{i}"}, dedupe_key=f"k{i}")
    clients = [make_client(), make_client()]
    for c in clients:  # the first send's token fetch would delay it and shorten the span
        await c.access_token()
    workers = [worker(db.sessions(), c, rate=rate, batch_size=10) for c in clients]
    await asyncio.gather(*(w.drain() for w in workers))
    times = sorted(m.at for m in fake.messages)
    assert len(times) == 40
    span = (times[-1] - times[0]).total_seconds()
    # 39 intervals at 40/s: 0.975 s. The first message may leave a few ms after its slot
    # (the slot is reserved before the database answers), hence 10% slack below.
    assert span >= 39 / rate * 0.9
    assert span < 39 / rate * 1.6


# --- a lost answer: each kind's rule (docs/security.md, "Delivery") ---------------------------
async def test_lost_answer_to_a_customer_service_message_is_not_resent(
    sessions: Sessions, client: WeChatClient, fake: FakeWeChat
) -> None:
    clock = FakeClock()
    await add_user(sessions, "oResident", clock.now())
    fake.inject(Fault("lose_answer", path=SEND, times=4))
    for n in range(4):
        await put(sessions, clock.now(), text=f"第{n}条", dedupe_key=f"k{n}")
    w = worker(sessions, client, clock=clock)
    for _ in range(5):
        await w.drain()
        clock.advance(timedelta(hours=1))
    assert len(fake.sent("oResident")) == 4  # each went out once, none twice
    for n in range(4):
        r = await row(sessions, f"k{n}")
        assert (r.status, r.attempts) == ("unconfirmed", 1)
        assert [e["result"] for e in r.attempt_log or []] == ["unconfirmed"]


async def test_lost_answer_to_a_template_is_resent_and_wechat_keeps_one(
    sessions: Sessions, client: WeChatClient, fake: FakeWeChat
) -> None:
    clock = FakeClock()
    fake.inject(Fault("lose_answer", path="/cgi-bin/message/template/send", times=1))
    await put(sessions, clock.now(), template_fields=FIELDS, dedupe_key="t1")
    w = worker(sessions, client, clock=clock)
    await w.drain()
    r = await row(sessions, "t1")
    assert (r.status, r.attempts) == ("pending", 1)
    clock.advance(timedelta(minutes=1))
    await w.drain()
    r = await row(sessions, "t1")
    assert (r.status, r.attempts) == ("sent", 2)
    assert fake.requests["/cgi-bin/message/template/send"] == 2
    assert len(fake.messages) == 1  # the resend carried the same client_msg_id


async def test_lost_answer_to_an_urgent_alert_is_resent(
    sessions: Sessions, client: WeChatClient, fake: FakeWeChat
) -> None:
    clock = FakeClock()
    await add_user(sessions, "oMember", clock.now())
    fake.inject(Fault("lose_answer", path=SEND, times=1))
    await put(
        sessions,
        clock.now(),
        recipient="oMember",
        purpose="order_assigned",
        text="紧急工单",
        dedupe_key="u1",
        at_least_once=True,
    )
    w = worker(sessions, client, clock=clock)
    await w.drain()
    clock.advance(timedelta(minutes=1))
    await w.drain()
    r = await row(sessions, "u1")
    assert (r.status, r.attempts) == ("sent", 2)
    assert len(fake.sent("oMember")) == 2  # documented: a duplicate rather than a miss


async def test_a_worker_that_died_mid_send_leaves_customer_service_messages_unconfirmed(
    sessions: Sessions, client: WeChatClient, fake: FakeWeChat
) -> None:
    clock = FakeClock()
    await add_user(sessions, "oResident", clock.now())
    await put(sessions, clock.now(), text="你好", dedupe_key="d1")
    await put(sessions, clock.now(), template_fields=FIELDS, dedupe_key="d2", recipient="oOther")
    # A worker claimed both and marked them in flight, then died (nothing recorded).
    dead = worker(sessions, client, clock=clock)
    rows = await dead.claim(10)
    jobs = await dead._plan(rows)
    await dead._mark_in_flight(jobs)
    clock.advance(timedelta(minutes=2))  # the lease runs out
    await worker(sessions, client, clock=clock).drain()
    r1, r2 = await row(sessions, "d1"), await row(sessions, "d2")
    assert r1.status == "unconfirmed" and fake.sent("oResident") == []
    assert r2.status == "sent" and len(fake.sent("oOther")) == 1  # templates are safe to resend


class _BrokenLimits(SqlSendLimits):
    broken = True

    async def take_quota(self, channel: str, n: int, now: datetime) -> int:
        if self.broken:
            raise ConnectionError("redis is away")
        return await super().take_quota(channel, n, now)


async def test_limits_store_away_sends_nothing_and_retries_in_seconds(
    sessions: Sessions, client: WeChatClient, fake: FakeWeChat
) -> None:
    clock = FakeClock()
    await put(sessions, clock.now(), template_fields=FIELDS, dedupe_key="r1")
    limits = _BrokenLimits(sessions, APPID, 0.0)
    w = OutboxWorker(sessions, client, templates=TEMPLATES, limits=limits, clock=clock)
    await w.drain()
    r = await row(sessions, "r1")
    assert (r.status, r.attempts) == ("pending", 0)  # not left leased, attempt given back
    assert r.next_attempt_at - clock.now() <= timedelta(seconds=5)
    limits.broken = False
    clock.advance(timedelta(seconds=6))
    await w.drain()
    assert (await row(sessions, "r1")).status == "sent"


class _Deadlock(Exception):
    sqlstate = "40P01"


async def test_a_deadlock_victim_is_retried_quietly_and_counted(
    sessions: Sessions, client: WeChatClient
) -> None:
    from sqlalchemy.exc import DBAPIError

    w = worker(sessions, client)
    calls = 0

    async def claim_once_a_victim() -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise DBAPIError("UPDATE outbox …", None, _Deadlock("deadlock detected"))
        return "claimed"

    assert await w._with_deadlock_retry(claim_once_a_victim) == "claimed"
    assert calls == 2 and w.totals["deadlock_retries"] == 1

    async def always_broken() -> None:
        raise DBAPIError("UPDATE outbox …", None, ValueError("not a deadlock"))

    with pytest.raises(DBAPIError):
        await w._with_deadlock_retry(always_broken)
