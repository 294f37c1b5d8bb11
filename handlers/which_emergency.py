"""Which of the resident's open emergencies a follow-up is about. Found from outside: with a
fall, a man with a knife and an e-bike fire open, 救护车来了 was added to the fire and
刚才那个拿刀的是看错了 made the fire an ordinary order — every follow-up went to the newest.

A follow-up goes to the emergency it names: by number, by the kind of danger its words
belong to (救护车 is the fall's, 拿刀 the knife's), else by the words it shares with one. When
none of that settles it among several, the resident is asked which one; the newest is never
taken by default."""

from __future__ import annotations

import re
from datetime import datetime

from bot import texts
from bot.chat import conversation
from bot.orders import queries
from bot.orders.duplicates import content_chars
from bot.orders.lifecycle import OPEN_VALUES
from bot.orders.service import OrderService
from models.orders import Order

WHICH_EMERGENCY = "await_which_emergency"  # the follow-up waits for the order it is about

# the kinds that are all "a person in trouble": more about one may name another
PERSON = frozenset({"medical", "welfare", "trapped", "missing", "self_harm", "drowning"})
_N = r"(?<![\d#＃])"  # an emergency number on its own, not part of an order number
# the words that belong to one kind of danger, whatever the message says of it
_KIND_WORDS: tuple[tuple[frozenset[str], re.Pattern[str]], ...] = (
    (
        PERSON,
        re.compile(
            rf"救护车|{_N}120(?!\d)|急救|医院|医生|送医|抢救|醒|血|摔|晕|昏|呼吸|心跳|老人|孩子"
            # someone hurt (砸到人了，头破了): what follows is about that person
            r"|(?:砸|撞|压|烫|烧|咬)(?:到|伤|中)了?人|受伤|伤到|伤着|头破|骨折"
        ),
    ),
    (frozenset({"fire", "electric"}), re.compile(rf"消防|{_N}119(?!\d)|火|烟|烧")),
    (
        frozenset({"violence"}),
        re.compile(rf"警察|民警|{_N}110(?!\d)|派出所|刀|棍|打架|打人|追人|吵架|动手|小偷|贼"),
    ),
    (frozenset({"gas"}), re.compile(r"煤气|燃气|天然气|液化气|漏气|气味")),
    (frozenset({"lift", "trapped"}), re.compile(r"电梯|96333|困")),
    (frozenset({"flood"}), re.compile(r"漏水|水管|爆管|淹|积水")),
)
# where a person in danger is: one at another of these than the emergency's is someone else
# (found from outside: a child locked in a car and one in a manhole were added to the
# emergency of a child fallen from a balcony)
_SETTINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("height", re.compile(r"阳台|窗台|窗户|窗外|楼顶|天台|屋顶|护栏|栏杆|从[^，,。]{0,6}[楼层]")),
    ("water", re.compile(r"河|湖|(?<!电)池|塘|江|水库|水沟|冰面|冰窟窿|水里|落水|溺水")),
    ("car", re.compile(r"车里|车内|车窗|(?:锁|关|困)在[^，,。]{0,4}车")),
    ("hole", re.compile(r"窨井|(?<!电梯)井(?:里|下|口|底)|坑里|下水道|地洞")),
    ("lift", re.compile(r"电梯|轿厢|井道")),
)
_PEOPLE = PERSON | {"child"}


def elsewhere(text: str, hazard: str | None, order: Order) -> bool:
    """``text`` tells of a person in danger at another setting than ``order``'s (a balcony,
    then a car): another incident, though the kind of danger is the same."""
    if hazard not in _PEOPLE or order.hazard not in _PEOPLE:
        return False
    mine = {name for name, words in _SETTINGS if words.search(text)}
    theirs = {name for name, words in _SETTINGS if words.search(order.text)}
    return bool(mine) and bool(theirs) and mine.isdisjoint(theirs)


_NUMBER = re.compile(r"[#＃]?\s*(\d{1,9})")
_SERVICE_NUMBERS = frozenset({"110", "119", "120", "122", "12356", "96333"})
_WORDS_NEEDED = 2  # content characters shared with one emergency and not the others


async def open_emergencies(orders: OrderService, openid: str, since: datetime) -> list[Order]:
    """The resident's open emergencies reported after ``since``, newest first — also when a
    calm report came after them (电梯里有人抽烟 after a fall): what a follow-up is about is
    told by its words (handlers/about_emergency.py), not by which report was last."""
    return await queries.open_urgent_since(orders.session, openid, since)


def kinds_named(text: str, hazard: str | None = None) -> frozenset[str]:
    """The kinds of danger ``text`` speaks of (its own reading ``hazard`` included)."""
    kinds: set[str] = set()
    if hazard is not None:
        kinds |= PERSON if hazard in PERSON else {hazard}
    for group, words in _KIND_WORDS:
        if words.search(text):
            kinds |= group
    return frozenset(kinds)


async def after_a_calm_report(orders: OrderService, openid: str, since: datetime) -> bool:
    """The resident's newest report since ``since`` is not an open emergency: a bare word
    (搞错了) is then about that report, and an emergency must be named to be meant."""
    latest = await queries.latest_since(orders.session, openid, since)
    return latest is not None and not (latest.urgent and latest.status in OPEN_VALUES)


def spoken_of(text: str, candidates: list[Order]) -> list[Order]:
    """The ``candidates`` that ``text`` names: by number or by its kind of danger's words."""
    kinds = kinds_named(text)
    numbered = _by_number(text, candidates)
    return [o for o in candidates if o is numbered or o.hazard in kinds]


def _by_number(text: str, candidates: list[Order]) -> Order | None:
    for m in _NUMBER.finditer(text):
        digits = m.group(1)
        if digits in _SERVICE_NUMBERS and not m.group(0).lstrip().startswith(("#", "＃")):
            continue  # 120来了: the ambulance, not order #120
        found = next((o for o in candidates if o.id == int(digits)), None)
        if found is not None:
            return found
    return None


def _by_words(text: str, candidates: list[Order]) -> Order | None:
    """The one emergency sharing the most words with ``text``, when it shares enough."""
    mine = content_chars(text)
    scored = sorted(((len(mine & content_chars(o.text)), o) for o in candidates), key=_score)
    best, runner_up = scored[-1][0], (scored[-2][0] if len(scored) > 1 else 0)
    return scored[-1][1] if best >= _WORDS_NEEDED and best > runner_up else None


def _score(pair: tuple[int, Order]) -> int:
    return pair[0]


def emergency_meant(text: str, hazard: str | None, candidates: list[Order]) -> Order | None:
    """The one of ``candidates`` (newest first) ``text`` is about; None when it cannot be
    told which (then the resident is asked). One candidate is the one meant."""
    if len(candidates) == 1:
        return candidates[0]
    if (numbered := _by_number(text, candidates)) is not None:
        return numbered
    kinds = kinds_named(text, hazard)
    fits = [o for o in candidates if o.hazard in kinds] if kinds else []
    if len(fits) == 1:
        return fits[0]
    return _by_words(text, fits or candidates)


def named_in_answer(text: str, candidates: list[Order]) -> Order | None:
    """The emergency an answer to "which one?" names (a number, its kind, its words)."""
    if not candidates:
        return None
    if (numbered := _by_number(text, candidates)) is not None:
        return numbered
    kinds = kinds_named(text)
    fits = [o for o in candidates if o.hazard in kinds]
    return fits[0] if len(fits) == 1 else _by_words(text, fits or candidates)


async def ask_which(
    orders: OrderService, openid: str, text: str, action: str, candidates: list[Order]
) -> str:
    """Keep the follow-up (``action``: "detail" or "calm") and ask which emergency it is
    about; the answer is read by handlers/later_answers.py."""
    data = {"text": text, "action": action, "orders": [o.id for o in candidates]}
    now = orders.clock.now()
    await conversation.remember(orders.session, openid, WHICH_EMERGENCY, data, now)
    lines = "\n".join(
        texts.WHICH_EMERGENCY_LINE.format(number=o.id, summary=o.summary) for o in candidates
    )
    return texts.WHICH_EMERGENCY.format(number=candidates[0].id, orders=lines)
