"""What a resident says next about an order already open: "hurry up" (pressed on the order
it names), more about an emergency (joined to it), that an emergency is not one (made an
ordinary order), or a short word about an open order (noted on it). Each returns "" when the
message is not that, and it is read as usual (handlers/resident.py)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from bot import texts
from bot.chat import conversation
from bot.clock import Clock
from bot.intake import ParseResult
from bot.messages import Incoming
from bot.orders import queries
from bot.orders.duplicates import content_chars, things
from bot.orders.lifecycle import HELD_VALUES, OPEN_VALUES
from bot.orders.service import OrderService
from bot.orders.settled import tell_more
from bot.orders.wording import who
from handlers.about_emergency import about_emergency
from handlers.reports import ASK_PLACE_FOR, in_public_place
from handlers.safety import safety_lines
from handlers.short_words import only_filler
from handlers.which_emergency import (
    PERSON,
    after_a_calm_report,
    ask_which,
    elsewhere,
    emergency_meant,
    kinds_named,
    open_emergencies,
    spoken_of,
)
from models.orders import Order

# 能不能快点 水越来越多了, 怎么还没人来: the resident presses an order just sent, not a new one
_HURRY = re.compile(
    r"快点|快一点|快些|赶紧|抓紧|尽快|催一下|催催|怎么还没(?:人)?(?:来|到|修|处理)|还没(?:有)?人来"
    r"|越来越(?:多|大|严重|厉害|响)"
    # 我妈摔倒那个事到底有没有人管: asked of the order, not a new report
    r"|有没有人管|没人管|没有人管|有人管吗|管不管|没人理|有没有人理|有人来吗|到底.{0,4}(?:管|来)"
)
_HURRY_WINDOW = timedelta(hours=24)
_HURRY_MAX = 30  # characters: a longer message tells something new


# the words of pressing itself, which say nothing of which order is meant
_PRESSING_CHARS = frozenset(
    "快点些赶紧抓尽催怎么还没人来到修处理回复能不有管到底事情那个什么时候都天啊"
)


def _words_in_common(text: str, order_text: str) -> int:
    return len((content_chars(text) - _PRESSING_CHARS) & content_chars(order_text))


def order_named(text: str, candidates: list[Order]) -> Order | None:
    """The one of ``candidates`` (newest first) that ``text`` is about: the newest naming the
    same thing (厨房灯), else the one sharing most of its words (课堂那个事), if any does."""
    named = things(text)
    if named:
        return next((o for o in candidates if not named.isdisjoint(things(o.text))), None)
    best = max(candidates, key=lambda o: _words_in_common(text, o.text))
    return best if _words_in_common(text, best.text) >= 2 else None


async def pressed_order(openid: str, text: str, orders: OrderService, clock: Clock) -> Order | None:
    """Which open order "hurry up" is about: the one naming the same thing (厨房灯到底什么时候
    来修), else the one sharing its words (孩子课堂那个事能不能快点), else the latest of the
    last day; None when it names a thing no open order has (门也坏了 快点: another thing)."""
    still_open = await queries.open_orders_of(orders.session, openid)
    if not still_open:
        return None
    if things(text):
        return order_named(text, still_open)
    if (named := order_named(text, still_open)) is not None:
        return named
    latest = await queries.latest_since(orders.session, openid, clock.now() - _HURRY_WINDOW)
    return latest if latest is not None and latest.status in OPEN_VALUES else None


async def hurry_up(
    message: Incoming, orders: OrderService, clock: Clock, parsed: ParseResult
) -> str:
    """The resident's open order of the last day that a short "hurry up" is about: the
    message is noted on it and whoever should act is told; "" when there is none. Said of
    an emergency (还没人来啊 烟越来越大了), the emergency's numbers come first again; an
    emergency of another kind is a report of its own."""
    text = message.text.strip()
    if len(text) > _HURRY_MAX or not _HURRY.search(text):
        return ""
    latest = await pressed_order(message.openid, text, orders, clock)
    if latest is None:
        return ""
    if parsed.urgent and (not latest.urgent or parsed.hazard not in (None, latest.hazard)):
        return ""
    # (still waiting for someone: not over, whatever was said before)
    await tell_more(orders, latest, message.openid, text, over=False, detail=False)
    noted = texts.HURRY_NOTED.format(number=latest.id)
    if parsed.urgent:
        return safety_lines(replace(parsed, hazard=latest.hazard), text) + "\n" + noted
    return noted


# 是的 流了很多血, 人还是没醒: more about the emergency just reported, not a new one
_DETAIL_OPENING = re.compile(r"^(?:是的|是啊|对的|对|嗯|恩|还在|还是|现在|刚才|人|他|她|老人|孩子)")
# 阀门关了 窗户打开了, 消防车来了 火灭了, 人送医院了: what has been done since, or how it ended
_SINCE = re.compile(
    r"关了|关掉了|打开了|开窗|(?<![漫溢冒流涌渗喷淌漏])出来了|灭了|扑灭|救出来|送医院|送走|拉走|接走|没事了|醒了|止住"
    r"|(?:消防车|消防队|救护车|120|119|110|警察|民警|医生|物业|保安)(?:已经|也)?(?:来了|到了|走了)"
)
# 火灭了, 人已经出来了，没事了, 送医院了: it is over (no alarm to the resident: bot.orders.settled);
# 又烧起来了: going again
_OVER = re.compile(
    r"没事了|没事儿了|(?<![没未])(?:灭了|扑灭)|救出来了|(?<![漫溢冒流涌渗喷淌漏没])出来了"
    r"|送(?:去|到)?医院|拉走了|接走了|送走了|找到了|平安"
)
_AGAIN = re.compile(r"又|再次|复燃|重新(?:烧|着)")
_DETAIL_MAX = 60  # characters: a longer message is read as a report of its own
_DETAIL_WINDOW = timedelta(hours=2)
_ASKS_WHO = re.compile(
    r"谁|哪位|什么时候|啥时候|几点|到哪|进度|有人管|有人去"
)  # while the emergency is still open


def _over(text: str, parsed: ParseResult) -> bool | None:
    """The message says the emergency is over (火灭了), still going (还在流血, 又烧起来了), or
    neither."""
    if _OVER.search(text) and not _AGAIN.search(text):
        return True
    return False if parsed.urgent or _AGAIN.search(text) else None


def _same_place(parsed: ParseResult, order: Order) -> bool:
    """The message names no place, or only parts that agree with the emergency's (302 for
    an emergency at 4栋1单元302)."""
    if parsed.address is None:
        return True
    given = (parsed.address.building, parsed.address.unit, parsed.address.room)
    held = (order.building, order.unit, order.room)
    # a part the emergency lacks may be added (是302家里 after 3栋2单元楼道里全是烟)
    pairs = zip(given, held, strict=True)
    return any(given) and all(g is None or h is None or g == h for g, h in pairs)


def _another_danger(parsed: ParseResult, order: Order, text: str) -> bool:
    """楼上好像有人在打架 after 我爸从楼梯上摔下来了: a danger of another kind is its own
    emergency, unless the message says what was done since (阀门关了 after a gas smell), or
    the emergency's own report spoke of it (还在流血 after 花盆砸到人了，头破了); so is a person
    in danger somewhere else (a child in a car after a child fallen from a balcony). Any danger
    after the resident said the emergency was over (炒菜锅着火了 after 火灭了) is a new one,
    unless it says the same is going again (又烧起来了)."""
    if order.settled_at is not None and parsed.urgent and not _AGAIN.search(text):
        return not _SINCE.search(text)
    if not parsed.urgent or parsed.hazard is None or _SINCE.search(text):
        return False
    if elsewhere(text, parsed.hazard, order):
        return True  # 小孩被反锁在车里 after 小孩从阳台掉下去了: another child, another place
    if parsed.hazard == order.hazard or parsed.hazard in kinds_named(order.text):
        return False
    return not (parsed.hazard in PERSON and order.hazard in PERSON)


def _more_of(parsed: ParseResult, order: Order, text: str) -> bool:
    """The message may tell more of ``order``: no place of its own, no danger of another
    kind, about it at all (handlers/about_emergency.py), no other thing named calmly
    (楼道灯也坏了)."""
    if not _same_place(parsed, order) or _another_danger(parsed, order, text):
        return False
    news = bool(_SINCE.search(text) or _DETAIL_OPENING.match(text))
    if not about_emergency(text, parsed, order, news):
        return False
    named = things(text)
    return not (
        named
        and named.isdisjoint(things(order.text))
        and not (parsed.danger or _SINCE.search(text))
    )


async def emergency_detail(
    message: Incoming, orders: OrderService, clock: Clock, parsed: ParseResult
) -> str:
    """The resident's open emergency of the last two hours that this short message tells
    more of (what is seen now, what was done, how it ended), with no other place of its own:
    noted on it and pushed to whoever should act; with several open, the one it names, or
    the resident is asked which; "" when there is none, and the message is read as usual."""
    text = message.text.strip()
    if in_public_place(text) or len(text) > _DETAIL_MAX or only_filler(text):
        return ""  # (a bare 嗯 tells nothing: handlers/short_words.py)
    if parsed.address is not None and parsed.address.building is not None:
        return ""  # a building of its own: a report of its own (and no query for it)
    if not (parsed.urgent or parsed.danger or _DETAIL_OPENING.match(text) or _SINCE.search(text)):
        return ""
    since = clock.now() - _DETAIL_WINDOW
    fits = [
        o
        for o in await open_emergencies(orders, message.openid, since)
        if _more_of(parsed, o, text)
    ]
    if not fits:
        return ""
    latest = emergency_meant(text, parsed.hazard, fits)
    if latest is None:
        asked = await ask_which(orders, message.openid, text, "detail", fits)
        return safety_lines(parsed, text) + "\n" + asked if parsed.urgent else asked
    await tell_more(orders, latest, message.openid, text, _over(text, parsed))
    noted = texts.DETAIL_NOTED.format(number=latest.id)
    if parsed.urgent and not _SINCE.search(text):
        # the advice is the emergency's own: 阀门关了 after a gas smell is not a flood; but
        # 还在流血 after 花盆砸到人了 is the injured person's
        own = parsed.hazard in kinds_named(latest.text)
        hazard = parsed.hazard if own else latest.hazard
        return safety_lines(replace(parsed, hazard=hazard), text) + "\n" + noted
    return noted


# 不是打架，是楼上装修; 没那么急; 看错了 不是着火: the emergency just reported is not one
_CALM = re.compile(
    r"^(?:其实|哦|噢|啊|呃|嗯|那个)?[，,\s]*(?:不是|没有|没)(?:在)?(?:打架|打人|着火|失火|火灾|冒烟|煤气|燃气|漏气|爆炸|急事|紧急)"
    r"|(?:不是|没有?)(?:什么)?(?:紧急|急事|危险)|没那么急|不用那么急|不着急的|虚惊|搞错了|看错了|听错了|听岔了|弄错了|误会了?"
)


# the kind of danger a "not that" names: 不是打架 is about a fight, not a fall
_CALMED_KINDS = (
    ("violence", re.compile(r"打架|打人|吵架")),
    ("fire", re.compile(r"着火|失火|火灾|冒烟")),
    ("gas", re.compile(r"煤气|燃气|漏气")),
)


async def calm_emergency(
    message: Incoming, orders: OrderService, clock: Clock, parsed: ParseResult
) -> str:
    """The resident's open emergency of the last two hours, said not to be one: made an
    ordinary order, its holder told why; the place asked when it has none yet. With several
    open, the one the message names (刚才那个拿刀的是看错了), or the resident is asked which —
    never the newest by default. "" when there is none."""
    text = message.text.strip()
    if parsed.urgent or len(text) > _DETAIL_MAX or not _CALM.search(text):
        return ""
    since = clock.now() - _DETAIL_WINDOW
    candidates = await open_emergencies(orders, message.openid, since)
    if candidates and await after_a_calm_report(orders, message.openid, since):
        candidates = spoken_of(text, candidates)  # 搞错了 after 马桶堵了: not the fire
    said = next((kind for kind, words in _CALMED_KINDS if words.search(text)), None)
    if said is not None:  # 不是打架 said of a fall: not that emergency
        candidates = [o for o in candidates if o.hazard in (None, said)]
    if not candidates:
        return ""
    meant = emergency_meant(text, None, candidates)
    if meant is None:
        return await ask_which(orders, message.openid, text, "calm", candidates)
    return await calm_order(orders, message.openid, meant, text)


async def calm_order(orders: OrderService, openid: str, order: Order, text: str) -> str:
    """Make ``order`` an ordinary one, as the resident said; its place asked if it has none."""
    await orders.calm(order, openid, text)
    reply = texts.EMERGENCY_CALMED.format(number=order.id)
    if not order.building and not in_public_place(order.text):
        data = {"order_id": order.id}
        now = orders.clock.now()
        await conversation.remember(orders.session, openid, ASK_PLACE_FOR, data, now)
        reply += texts.EMERGENCY_CALMED_ASK_PLACE
    return reply


# 买菜那个事 谁去, 上次报的那个单子: a word about an order already open
_ABOUT_ORDER = re.compile(r"(?:那个|这个|那件|这件|上次|刚才|之前)(?:的)?(?:事|单子|工单|报的)")
# 还有，我说的那个灯是5楼的: more about what the resident reported, naming it (found from
# outside: it was answered with the list of their orders, and the floor was lost)
_SAID_BEFORE = re.compile(
    r"(?:我|刚才|刚刚|之前|上次|前面)(?:说|报|讲|提|反映)(?:的|过的)(?:那个|这个)"
)
# 我妈说下午三点以后在家: when someone is in, said on its own
_AVAILABLE = re.compile(r"在家|有空|方便|有人|能来|可以来|过来吧|等着")
_WHEN = re.compile(
    r"上午|下午|中午|晚上|早上|傍晚|[点號号]|今天|明天|后天|周[一二三四五六日末]|星期|礼拜"
)
_NOTE_MAX = 40


async def note_on_open_order(
    message: Incoming, orders: OrderService, clock: Clock, parsed: ParseResult
) -> str:
    """A short word about one of the resident's open orders — which one (买菜那个事，谁去？)
    or when they are in (我妈说下午三点以后在家) — noted on it for whoever holds it, not filed
    as a new order; "" when it is not that."""
    text = message.text.strip()
    said_before = _SAID_BEFORE.search(text) is not None
    # (the detector's "possible" danger is no danger of a thing already reported on)
    unsure = parsed.danger and not (said_before and parsed.danger == "possible")
    if len(text) > _NOTE_MAX or parsed.urgent or unsure or parsed.address is not None:
        return ""
    about = said_before or _ABOUT_ORDER.search(text) is not None
    available = _AVAILABLE.search(text) is not None and (
        parsed.preferred_time is not None or _WHEN.search(text) is not None
    )
    if not (about or available) or (available and not about and things(text)):
        return ""  # 明天下午在家 厨房灯坏了: a new report with its time
    order = await pressed_order(message.openid, text, orders, clock)
    if order is None:
        return ""
    await orders.hurry(order, message.openid, text, detail=True)
    said = texts.NOTE_ADDED.format(number=order.id)
    if _ASKS_WHO.search(text):  # 买菜那个单子谁去？: the answer is known, so it is given
        view = await orders.roster()
        holder = view.by_id.get(order.assignee_id) if order.assignee_id else None
        status = texts.STATUS_NAMES.get(order.status, order.status)
        if holder is not None and order.status in HELD_VALUES:
            said += texts.NOTE_STATUS_HELD.format(who=who(holder), status=status)
        else:
            said += texts.NOTE_STATUS_ARRANGING
    return said
