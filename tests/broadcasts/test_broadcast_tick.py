"""The tick against a real database: right dates, once per occurrence, restarts, missed
occurrences, eligibility, audiences, and three concurrent tickers."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest

from bot.broadcasts import ops
from bot.clock import FakeClock
from bot.ticks.broadcasts import broadcast_tick
from tests.broadcasts.support import (
    DB,
    SH,
    add_residents,
    add_rule,
    local,
    occurrences,
    outbox,
    rule,
)
from tests.support import seed_roster

COUNCIL = {
    "name": "居民议事会提醒",
    "schedule": {"day": "1st tue", "hour": 19, "minute": 30},
    "text": "本月居民议事会{date}（{weekday}）晚上{time}召开，欢迎参加。",
    "template_fields": {"thing1": "居民议事会", "time2": "{date} {time}"},
}


async def test_first_tuesday_fires_on_the_right_dates_once_each(db: DB) -> None:
    sessions = db.sessions()
    clock = FakeClock(local(2026, 8, 20, 10))
    await add_residents(sessions, {"openid": "oA"}, {"openid": "oB"})
    r = await add_rule(sessions, clock.now(), **COUNCIL)
    assert r.next_run_at == local(2026, 9, 1, 19, 30)
    expected = [local(2026, 9, 1), local(2026, 10, 6), local(2026, 11, 3), local(2026, 12, 1)]
    for day in expected:
        clock.set(day.replace(hour=19, minute=29, second=59))
        assert await broadcast_tick(sessions, clock, db.config) == 0
        clock.set(day.replace(hour=19, minute=30))
        assert await broadcast_tick(sessions, clock, db.config) == 2
        for minutes in (0, 1, 30, 600):  # the ticks that follow send nothing more
            clock.set(day.replace(hour=19, minute=30) + timedelta(minutes=minutes))
            assert await broadcast_tick(sessions, clock, db.config) == 0
        clock.set(day + timedelta(days=1))  # the Wednesday: nothing
        assert await broadcast_tick(sessions, clock, db.config) == 0
    occ = await occurrences(sessions, r.id)
    assert [(o.scheduled_for.astimezone(SH), o.status, o.recipients) for o in occ] == [
        (d.replace(hour=19, minute=30), "sent", 2) for d in expected
    ]
    assert all(o.scheduled_for.astimezone(SH).weekday() == 1 for o in occ)
    rows = await outbox(sessions)
    assert len(rows) == 8
    first = rows[0]
    assert first.purpose == "broadcast"
    assert first.dedupe_key == f"bc:{r.id}:2026-09-01T11:30Z:oA"
    assert first.payload["text"] == "本月居民议事会9月1日（星期二）晚上19:30召开，欢迎参加。"
    assert first.payload["template"]["fields"] == {"thing1": "居民议事会", "time2": "9月1日 19:30"}
    assert (await rule(sessions, r.id)).next_run_at == local(2027, 1, 5, 19, 30)


async def test_restart_with_a_new_engine_does_not_resend(db: DB) -> None:
    clock = FakeClock(local(2026, 8, 31, 12))
    first = db.sessions()
    await add_residents(first, {"openid": "oA"})
    r = await add_rule(first, clock.now(), **COUNCIL)
    clock.set(local(2026, 9, 1, 19, 30, 5))
    assert await broadcast_tick(first, clock, db.config) == 1
    await db.close()  # the process goes away
    second = db.sessions()
    for _ in range(3):
        assert await broadcast_tick(second, clock, db.config) == 0
    clock.advance(timedelta(hours=2))
    assert await broadcast_tick(second, clock, db.config) == 0
    assert [o.dedupe_key for o in await outbox(second)] == [f"bc:{r.id}:2026-09-01T11:30Z:oA"]


async def test_missed_while_down_latest_sent_late_older_skipped(db: DB) -> None:
    sessions = db.sessions()
    clock = FakeClock(local(2026, 11, 7, 8))  # a Saturday
    await add_residents(sessions, {"openid": "oA"})
    weekly = await add_rule(
        sessions, clock.now(), name="周六问候", schedule={"day_of_week": "sat", "hour": 9}
    )
    # down from Saturday 8:00 for two weeks; back at 15:00 on the third Saturday (6 h late)
    clock.set(local(2026, 11, 21, 15))
    for _ in range(3):
        assert await broadcast_tick(sessions, clock, db.config) in (1, 0)
    occ = await occurrences(sessions, weekly.id)
    assert [(o.scheduled_for.astimezone(SH).day, o.status, o.recipients) for o in occ] == [
        (7, "skipped", 0),
        (14, "skipped", 0),
        (21, "sent", 1),
    ]
    rows = await outbox(sessions)
    assert [o.dedupe_key for o in rows] == [f"bc:{weekly.id}:2026-11-21T01:00Z:oA"]
    assert "11月21日" in rows[0].payload["text"]
    assert (await rule(sessions, weekly.id)).next_run_at == local(2026, 11, 28, 9)


async def test_missed_beyond_late_within_is_skipped_not_sent(db: DB) -> None:
    sessions = db.sessions()
    clock = FakeClock(local(2026, 11, 7, 8))
    await add_residents(sessions, {"openid": "oA"})
    weekly = await add_rule(
        sessions,
        clock.now(),
        schedule={"day_of_week": "sat", "hour": 9},
        late_within="2h",
    )
    clock.set(local(2026, 11, 14, 11, 1))  # 2 h 1 min after the second Saturday
    assert await broadcast_tick(sessions, clock, db.config) == 0
    assert [o.status for o in await occurrences(sessions, weekly.id)] == ["skipped", "skipped"]
    assert await outbox(sessions) == []
    clock.set(local(2026, 11, 21, 10, 59))  # the next one, within 2 h: sent
    assert await broadcast_tick(sessions, clock, db.config) == 1
    assert await broadcast_tick(sessions, clock, db.config) == 0
    assert [o.status for o in await occurrences(sessions, weekly.id)] == [
        "skipped",
        "skipped",
        "sent",
    ]


SENIOR = {
    "name": "敬老卡",
    "kind": "eligibility",
    "condition": {"turns_age": 65},
    "schedule": {"hour": 9},
    "text": "您好！您今年满{age}周岁了，可以申请敬老卡。",
}


async def test_eligibility_turning_65_today_only_and_never_twice(db: DB) -> None:
    sessions = db.sessions()
    clock = FakeClock(local(2026, 11, 20, 12))
    await add_residents(
        sessions,
        {"openid": "o65", "born": "1961-11-21"},
        {"openid": "o64", "born": "1962-11-21"},
        {"openid": "o66", "born": "1960-11-21"},
        {"openid": "oTomorrow", "born": "1961-11-22"},
        {"openid": "oNone"},
    )
    r = await add_rule(sessions, clock.now(), **SENIOR)
    clock.set(local(2026, 11, 21, 9))
    assert await broadcast_tick(sessions, clock, db.config) == 1
    assert await broadcast_tick(sessions, clock, db.config) == 0
    assert await ops.run_rule_now(sessions, r.id, clock.now(), SH) == 0  # already reminded
    clock.set(local(2026, 11, 22, 9, 0, 30))
    assert await broadcast_tick(sessions, clock, db.config) == 1
    rows = await outbox(sessions)
    assert [o.recipient for o in rows] == ["o65", "oTomorrow"]
    assert rows[0].payload["text"] == "您好！您今年满65周岁了，可以申请敬老卡。"
    assert rows[0].dedupe_key == f"bc:{r.id}:2026-11-21:o65"
    occ = await occurrences(sessions, r.id)
    assert [(o.key, o.status, o.recipients) for o in occ if o.status != "manual"] == [
        ("2026-11-21", "sent", 1),
        ("2026-11-22", "sent", 1),
    ]


async def test_29_february_births_in_non_leap_and_leap_years(db: DB) -> None:
    sessions = db.sessions()
    await add_residents(
        sessions,
        {"openid": "oLeap60", "born": "1964-02-29"},
        {"openid": "oFeb28_60", "born": "1964-02-28"},
        {"openid": "oLeap65", "born": "1960-02-29"},
    )
    clock = FakeClock(local(2024, 2, 27, 12))
    sixty = await add_rule(sessions, clock.now(), **{**SENIOR, "condition": {"turns_age": 60}})
    five = await add_rule(sessions, clock.now(), **SENIOR)
    for day in range(28, 32):  # 2024 is a leap year: 28 Feb, 29 Feb, 1 Mar, 2 Mar
        clock.set(local(2024, 2, 1, 9) + timedelta(days=day - 1))
        await broadcast_tick(sessions, clock, db.config)
    clock.set(local(2025, 2, 27, 12))  # 2025 is not: 28 Feb, 1 Mar
    for day in range(27, 31):
        clock.set(local(2025, 2, 1, 9) + timedelta(days=day - 1))
        await broadcast_tick(sessions, clock, db.config)
    got = [
        (o.recipient, o.dedupe_key.split(":")[1], o.dedupe_key.split(":")[2])
        for o in await outbox(sessions)
    ]
    assert got == [
        ("oFeb28_60", str(sixty.id), "2024-02-28"),
        ("oLeap60", str(sixty.id), "2024-02-29"),
        ("oLeap65", str(five.id), "2025-02-28"),
    ]


async def test_eligibility_catch_up_within_late_within(db: DB) -> None:
    sessions = db.sessions()
    clock = FakeClock(local(2026, 11, 18, 12))
    await add_residents(
        sessions,
        {"openid": "oMon", "born": "1961-11-19"},
        {"openid": "oTue", "born": "1961-11-20"},
        {"openid": "oOld", "born": "1961-11-15"},
    )
    r = await add_rule(sessions, clock.now(), **SENIOR, late_within="3d")
    clock.set(local(2026, 11, 21, 10))  # down for the 19th and 20th
    assert await broadcast_tick(sessions, clock, db.config) == 2
    clock.set(local(2026, 11, 22, 9))
    assert await broadcast_tick(sessions, clock, db.config) == 0  # never twice
    assert sorted(o.recipient for o in await outbox(sessions)) == ["oMon", "oTue"]
    statuses = [(o.key, o.status) for o in await occurrences(sessions, r.id)]
    assert statuses == [
        ("2026-11-19", "skipped"),
        ("2026-11-20", "skipped"),
        ("2026-11-21", "sent"),
        ("2026-11-22", "sent"),
    ]


async def test_audiences(db: DB) -> None:
    sessions = db.sessions()
    clock = FakeClock(local(2026, 11, 20, 12))
    await seed_roster(sessions, clock.now())
    await add_residents(
        sessions,
        {"openid": "r1", "building": "1", "unit": "2", "room": "301", "tags": ["独居"]},
        {"openid": "r2", "building": "4", "tags": ["独居"], "following": False},
        {"openid": "r3", "building": "3", "tags": ["低保"]},
        {"openid": "r4", "building": "5", "following": True},
        {"openid": "r5", "building": "2", "following": False},
        {"openid": "r6"},
    )
    expected = {
        "community": ["r1", "r3", "r4", "r6"],
        "grid:G01": ["r1", "r3"],
        "grid:G02": ["r4"],
        "building:3": ["r3"],
        "building:5": ["r4"],
        "tag:独居": ["r1"],
        "role:representative": ["o_m02", "o_m05", "o_m07"],
        "role:网格长": ["o_m01", "o_m04"],
    }
    for audience, openids in expected.items():
        r = await add_rule(
            sessions, clock.now(), schedule={"day_of_week": "mon", "hour": 9}, audience=audience
        )
        preview = await ops.preview_rule(sessions, r.id, clock.now(), SH)
        assert preview.count == len(openids), audience
        assert await ops.run_rule_now(sessions, r.id, clock.now(), SH) == len(openids)
        sent = sorted(o.recipient for o in await outbox(sessions) if f"bc:{r.id}:" in o.dedupe_key)
        assert sent == openids, audience
    assert (await ops.preview_rule(sessions, 1, clock.now(), SH)).first[0] == "1栋2单元301"


@pytest.mark.slow
async def test_three_concurrent_tickers_send_each_occurrence_once(db: DB) -> None:
    setup = db.sessions()
    clock = FakeClock(local(2026, 11, 1, 8))
    await add_residents(
        setup,
        *({"openid": f"o{i:03d}", "born": "1961-11-0" + str(1 + i % 9)} for i in range(60)),
    )
    schedules = [
        {"day_of_week": "mon", "hour": 19, "minute": 30},
        {"day": "1st tue", "hour": 19, "minute": 30},
        {"day_of_week": "sat,sun", "hour": 9},
        {"day_of_week": "wed", "hour": 9},
        {"day": "last fri", "hour": 20},
    ]
    rules = [await add_rule(setup, clock.now(), schedule=s) for s in schedules]
    senior = await add_rule(setup, clock.now(), **SENIOR)
    tickers = [db.sessions() for _ in range(3)]
    returned = 0
    step = timedelta(hours=2)
    while clock.now() < local(2026, 12, 1, 8):
        clock.advance(step)
        results = await asyncio.gather(*(broadcast_tick(t, clock, db.config) for t in tickers))
        returned += sum(results)
    rows = await outbox(setup)
    keys = Counter(o.dedupe_key for o in rows)
    assert max(keys.values()) == 1
    occ = await occurrences(setup)
    assert Counter((o.rule_id, o.key) for o in occ).most_common(1)[0][1] == 1
    assert all(o.status == "sent" for o in occ)
    per_rule = Counter(o.rule_id for o in occ)
    # November 2026 from 1 Nov 09:00 to 1 Dec 08:00 (Asia/Shanghai)
    assert [per_rule[r.id] for r in rules] == [5, 1, 9, 4, 1]
    assert per_rule[senior.id] == 30
    assert len(rows) == returned == 60 * (5 + 1 + 9 + 4 + 1) + 60
    assert sum(o.recipients for o in occ) == len(rows)


async def test_a_crashed_claimer_is_taken_over_after_its_lease(db: DB) -> None:
    from bot.ticks.broadcasts import LEASE, claim_due

    sessions = db.sessions()
    clock = FakeClock(local(2026, 8, 31, 12))
    await add_residents(sessions, {"openid": "oA"})
    r = await add_rule(sessions, clock.now(), **COUNCIL)
    clock.set(local(2026, 9, 1, 19, 30))
    async with sessions() as s, s.begin():  # claims, then dies (kill -9) before sending
        assert await claim_due(s, clock.now(), "dead-process", 10) == [r.id]
    assert await broadcast_tick(sessions, clock, db.config) == 0  # still leased
    clock.advance(LEASE + timedelta(seconds=1))
    assert await broadcast_tick(sessions, clock, db.config) == 1  # 5 min late, still sent
    assert await broadcast_tick(sessions, clock, db.config) == 0
    assert len(await outbox(sessions)) == 1
