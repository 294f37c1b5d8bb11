"""A month of realistic orders for the demo's console: written straight into the demo
database (never a real one), only when it has no orders yet.

Several hundred reports across categories and both grids, each with a plausible history:
dispatched by the same chain as real reports, accepted, resolved and rated; some reopened after
a low rating, some cancelled, some still open and past their deadline. Seeded orders carry no
pending timers and no pushes, so the sandbox's chats stay quiet.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.orders.dispatch import Place, decide
from bot.orders.lifecycle import OPEN_VALUES
from bot.orders.timers import Due, Sla, plan
from bot.roster.cache import RosterView
from models.orders import Order, OrderEvent

SAMPLES = {
    "repair": [
        "厨房水管漏水了，地上全是水",
        "楼道灯坏了，晚上上楼看不见",
        "家里跳闸了，插座都没电",
        "单元门禁坏了关不上",
        "卫生间下水道堵了",
        "电梯有异响，坐着害怕",
        "暖气片不热，家里很冷",
    ],
    "elderly": [
        "我妈82了一个人住，能不能帮忙买点菜",
        "独居老人需要有人帮忙去医院取药",
        "想给老人订社区食堂的午饭",
        "老人腿脚不便，想请人陪着去复查",
    ],
    "paperwork": [
        "想办敬老卡，需要带什么材料",
        "退休人员年审在哪里办",
        "低保续办要准备什么",
        "开居住证明需要什么手续",
    ],
    "dispute": [
        "楼上装修太吵，晚上十点还在敲",
        "楼上漏水到我家天花板，邻居不管",
        "邻居在楼道堆杂物不肯搬",
    ],
    "sanitation": [
        "垃圾桶满了好几天没人清",
        "绿化带里有死老鼠，味道很大",
        "楼下积水好几天了",
        "楼道里蟑螂很多",
    ],
    "safety": [
        "有人从窗户拉电线给电动车充电",
        "消防通道被车堵住了",
        "楼道里堆了很多纸箱，怕着火",
    ],
    "parking": ["电动车棚满了，能不能再建一个", "充电桩坏了充不了电", "小区门口乱停车进不去"],
    "childcare": ["暑假有没有四点半课堂", "想给孩子报名假期托管"],
    "suggestion": ["建议在3栋加装电梯", "想报名当志愿者", "建议小区多放几个长椅"],
    "other": ["快递柜总是满的", "想问下社区活动室几点开门"],
}
WEIGHTS = {"repair": 30, "elderly": 12, "paperwork": 10, "dispute": 8, "sanitation": 14}
URGENT_TEXTS = {
    "safety": "楼道里有烟味，好像着火了",
    "elderly": "楼上独居老人摔倒了起不来",
    "repair": "水管爆了，水漫到楼道",
}
FEEDBACK = ["已上门处理", "换了新的", "已联系物业解决", "已协调邻居", "已送到老人家里"]


def _when(rng: random.Random, now: datetime, days: int) -> datetime:
    """A report time in the last ``days`` days, mostly in the daytime (UTC+8)."""
    day = now - timedelta(days=rng.uniform(0, days))
    hour = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])  # 08:00-21:00 Beijing
    return day.replace(hour=hour, minute=rng.randrange(60))


class _Story:
    """One order and its history, told step by step."""

    def __init__(self, order: Order) -> None:
        self.order = order
        self.events: list[dict[str, Any]] = []

    def say(self, at: datetime, actor: str, action: str, to: str, note: str) -> None:
        before = self.order.status
        self.order.status, self.order.updated_at = to, at
        self.events.append(
            {
                "at": at,
                "actor": actor,
                "action": action,
                "from_status": before,
                "to_status": to,
                "note": note,
            }
        )


def _order(rng: random.Random, view: RosterView, now: datetime, n: int) -> _Story | None:
    urgent = rng.random() < 0.05
    category = rng.choices(list(SAMPLES), [WEIGHTS.get(c, 4) for c in SAMPLES])[0]
    if urgent:
        category = rng.choice(list(URGENT_TEXTS))
    text = URGENT_TEXTS[category] if urgent else rng.choice(SAMPLES[category])
    building, unit = str(rng.randint(1, 6)), str(rng.randint(1, 2))
    room = f"{rng.randint(1, 18)}0{rng.randint(1, 4)}"
    # the demo is a street: the building of one of the estates that have it
    community, estate = rng.choice(view.candidates(Place(building)) or [(None, None)])
    place = Place(building, unit, room, estate, community)
    where = view.estate_name(community, estate) or ""
    created = _when(rng, now, 30)
    if created >= now:
        return None
    phones = [f"139{rng.randrange(10**8):08d}"] if rng.random() < 0.4 else []
    order = Order(
        resident_openid=f"o_demo_resident_{rng.randrange(120):03d}",
        building=building, unit=unit, room=room, category=category, urgent=urgent,
        community_id=community, estate_code=estate,
        text=f"{where}{building}栋{unit}单元{room}，{text}", summary=text[:30], phones=phones,
        status="received", declined_by=[], escalation_level=0, created_at=created, updated_at=created,
    )  # fmt: skip
    story = _Story(order)
    story.events.append(
        {"at": created, "actor": f"resident:{order.resident_openid}", "action": "receive",
         "from_status": None, "to_status": "received", "note": texts.HISTORY_RECEIVED}
    )  # fmt: skip
    index = view.index_for(community)
    decision = decide(index, place, category, urgent=urgent, cap=1000)
    member = view.by_key.get(decision.member_id) if decision.member_id else None
    if member is None:
        return story
    _live(rng, story, member.id, member.key, member.name, decision.reason, now)
    return story


def _live(
    rng: random.Random, s: _Story, member_id: int, key: str, name: str, why: str, now: datetime
) -> None:
    o = s.order
    age = now - o.created_at
    window = timedelta(hours=2) if o.urgent else timedelta(days=3)
    at = o.created_at + timedelta(minutes=rng.randint(0, 2))
    o.assignee_id, o.assigned_at = member_id, at
    s.say(at, "system", "assign", "assigned", why)
    if age < timedelta(days=1) and rng.random() < 0.4:
        return
    at += timedelta(minutes=rng.randint(5, 90) if not o.urgent else rng.randint(2, 15))
    if at >= now:
        return
    o.accepted_at = at
    s.say(at, f"member:{key}", "accept", "accepted", texts.HISTORY_ACCEPTED.format(name=name))
    roll = rng.random()
    if roll < 0.04:
        s.say(at + timedelta(hours=1), "system", "cancel", "cancelled", texts.HISTORY_CANCELLED)
        o.closed_at = at + timedelta(hours=1)
        return
    took = window * rng.uniform(0.1, 1.6 if roll < 0.2 else 0.9)
    done = at + took
    if done >= now or roll < 0.08:
        o.status = "in_progress"
        if o.created_at + window < now:
            o.overdue_at = o.created_at + window  # still open past its deadline
        return
    o.resolved_at = done
    s.say(done, f"member:{key}", "resolve", "resolved", rng.choice(FEEDBACK))
    _rate(rng, s, key, why, done, now)


def _rate(rng: random.Random, s: _Story, key: str, why: str, done: datetime, now: datetime) -> None:
    """The resident's verdict: mostly satisfied; a low score is done again, then rated."""
    o = s.order
    rated = done + timedelta(hours=rng.randint(1, 30))
    if rated >= now or rng.random() < 0.15:
        return  # waiting for the resident's verdict
    score = rng.choices([5, 4, 3, 2, 1], [55, 25, 10, 6, 4])[0]
    if score <= 2 and rated + timedelta(days=1) >= now:
        score = 3  # a fresh low score would be reopened and open now: keep the story short
    o.rating = score
    if score <= 2 and rated + timedelta(days=1) < now:
        s.say(
            rated,
            f"resident:{o.resident_openid}",
            "rate",
            "resolved",
            texts.HISTORY_RATED_LOW.format(score=score),
        )
        s.say(
            rated,
            f"resident:{o.resident_openid}",
            "reopen",
            "assigned",
            texts.HISTORY_REOPENED + why,
        )
        again = rated + timedelta(hours=rng.randint(2, 20))
        s.say(again, f"member:{key}", "resolve", "resolved", "重新上门处理好了")
        o.resolved_at, rated, score = again, again + timedelta(hours=3), 4
        o.rating = score
    o.closed_at = rated
    s.say(
        rated,
        f"resident:{o.resident_openid}",
        "close",
        "closed",
        texts.HISTORY_RATED.format(score=score),
    )


# what a timer that fell due before the demo began is taken to have done (its pushes are
# history the story does not tell): each field the timer would have set
_DONE = {
    Due.REMIND_ACCEPT: "accept_reminded_at",
    Due.CHASE_UNASSIGNED: "accept_reminded_at",
    Due.REMIND_RESOLVE: "resolve_reminded_at",
    Due.SURVEY: "survey_sent_at",
}


def _settle(o: Order, sla: Sla, now: datetime) -> None:
    """The order's timers as the service would have left them by ``now``: those due already
    marked done (a hand-on and closing an unrated order are left to the first tick), the
    next one scheduled."""
    o.escalation_level = o.escalation_level or 0
    if o.status not in OPEN_VALUES and o.status != "resolved":
        return
    for due in plan(o, sla, now)[0]:
        if due in _DONE:
            setattr(o, _DONE[due], now)
        elif due in (Due.ESCALATE_GRID, Due.ESCALATE_STAFF):
            o.escalation_level = 2 if due == Due.ESCALATE_STAFF else max(o.escalation_level, 1)
        elif due == Due.OVERDUE:
            o.overdue_at = o.overdue_at or now
    found, later = plan(o, sla, now)
    o.next_timer_at = now if found else later


async def seed_month(
    session: AsyncSession, view: RosterView, now: datetime, sla: Sla, count: int = 320
) -> int:
    """Write ``count`` orders of the last month, unless the database has orders already.
    Each open one has its next timer set, as the service sets it: found from outside, the
    seeded orders past their deadline were never reminded nor marked overdue."""
    if (await session.execute(select(func.count(Order.id)))).scalar_one():
        return 0
    rng = random.Random(20261203)
    stories = [s for s in (_order(rng, view, now, i) for i in range(count)) if s is not None]
    stories.sort(key=lambda s: s.order.created_at)
    for s in stories:
        _settle(s.order, sla, now)
    session.add_all(s.order for s in stories)
    await session.flush()
    for s in stories:
        session.add_all(OrderEvent(order_id=s.order.id, data=None, **e) for e in s.events)
    return len(stories)
