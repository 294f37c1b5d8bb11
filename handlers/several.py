"""Several requests in one message (1. 4栋楼下的路灯坏了 2. 小区门口有个井盖松了; 厨房水管漏水了，
另外楼道里的灯也坏了): one order each, each with its own category, place and member. Found
from outside: they became one order, the second need buried in the first's summary and sent
to the first's member (a loose manhole cover at the estate gate inside a 4栋 streetlight).

Split only where the resident clearly lists things: numbered items, or 另外/还有/顺便 between
two reports of different things. Each part is then a report of its own, as if sent alone;
a part with no address of its own takes the one an earlier part gave (the stairwell light of
the flat whose kitchen leaks), unless it names a shared place (小区门口)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from bot import texts
from bot.clock import Clock
from bot.config import Config
from bot.intake import ParseResult
from bot.messages import Incoming
from bot.orders.dispatch import Place
from bot.orders.duplicates import things
from bot.orders.service import OrderService
from bot.roster import residents
from bot.roster.cache import RosterView
from handlers.doorless import below_home
from handlers.just_telling import ask_need
from handlers.locate import locate
from handlers.reports import (
    STAIRWELL,
    create,
    file_waiting,
    in_public_place,
    new_order,
    parse_here,
    place_of,
    report,
)

_NUMBERED = re.compile(
    r"(?:^|(?<=[\s，,。；;!！?？]))(?:[1-9][.、．)）]|[①②③④⑤⑥]|[一二三四五六][、．]|第[一二三四五六][，,、:：]?)"
)
_FIRST = ("1", "①", "一", "第一")
_CONNECTOR = re.compile(
    r"[，,。；;!！\s]+(?:另外|还有(?:就是|一个事|一件事|个事)?|再就是|顺便(?:说一下|反映一下|说下)?|此外)"
    r"[，,：:\s]*"
    r"|\s*[&＆]\s*"  # 厨房水管漏水 & 楼道灯坏了
)
# 厨房水管漏水，楼道灯也坏了: a clause that names another place and says its thing is "also"
# broken is a second matter (found from outside: read as one leak reaching a light)
_PLACES = r"楼道|楼梯|走廊|过道|楼下|楼上|单元门|电梯|小区|门口|大门|地下室|车库|厨房|卫生间|厕所|客厅|卧室|阳台"
_ALSO = re.compile(
    rf"[，,；;]\s*(?=(?:我们|我家|家里|那个)?(?:{_PLACES})[^，,。；;！!？?]{{0,8}}(?:也|还)[^是])"
)
_MIN_PART = 5  # characters: less is no report of its own
_MAX_PARTS = 5


def _numbered(text: str) -> list[str]:
    marks = list(_NUMBERED.finditer(text))
    if len(marks) < 2 or not marks[0].group(0).startswith(_FIRST):
        return []
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return [text[m.end() : end].strip(" ，,。；;") for m, end in zip(marks, ends, strict=True)]


def _connected(text: str) -> list[str]:
    parts = [p.strip(" ，,。；;") for p in _CONNECTOR.split(text)]
    return parts if len(parts) >= 2 else []


def _also(text: str) -> list[str]:
    """厨房水管漏水，楼道灯也坏了: two places, each with a thing of its own (not 马桶堵了，
    卫生间的水也漫出来了, the one matter told on)."""
    parts = [p.strip(" ，,。；;") for p in _ALSO.split(text)]
    named = [things(p) for p in parts]
    if len(parts) < 2 or not all(named) or len(set().union(*named)) < sum(map(len, named)):
        return []
    return parts


def split_requests(text: str, clock: Clock, config: Config) -> list[tuple[str, ParseResult]]:
    """The message's requests with each one's parse, or [] when it is one request."""
    parts = _numbered(text) or _connected(text) or _also(text)
    if not 2 <= len(parts) <= _MAX_PARTS or any(len(p) < _MIN_PART for p in parts):
        return []
    read = [(p, parse_here(p, clock, config)) for p in parts]
    if any(r.intent != "order" for _, r in read):
        return []  # 1. 我家3栋 2. 电话138…: the parts of one report, not several
    named = [things(p) for p in parts]
    if all(named[0] == n for n in named[1:]) and len({r.category for _, r in read}) == 1:
        return []  # the same thing told twice
    return _with_addresses(read, clock, config)


def _with_addresses(
    read: list[tuple[str, ParseResult]], clock: Clock, config: Config
) -> list[tuple[str, ParseResult]]:
    given = next((p for p, r in read if r.address is not None and r.address.building), None)
    label = ""
    if given is not None:
        a = next(r.address for p, r in read if p == given)
        assert a is not None
        label = f"{a.building}栋" + (f"{a.unit}单元" if a.unit else "")
    out = []
    for part, parsed in read:
        if label and parsed.address is None and not in_public_place(part):
            part = f"{label} {part}"  # the stairwell light of the same building
            parsed = parse_here(part, clock, config)
        out.append((part, parsed))
    return out


async def _settled(orders: OrderService, openid: str, parts: list[tuple[str, ParseResult]]) -> bool:
    """Every part can be filed now: none would wait on a question (which building, which
    estate) — a conversation holds one waiting report, so such a message stays one order."""
    home = await residents.home_of(orders.session, openid)
    view = await orders.roster()
    for part, parsed in parts:
        place = place_of(parsed, home, part)
        if place is None:
            if not parsed.urgent and (not in_public_place(part) or below_home(part)):
                return False
        elif locate(view, place, part, home)[1] and not parsed.urgent:
            return False
    return True


async def report_each(
    orders: OrderService,
    message: Incoming,
    parsed: ParseResult,
    clock: Clock,
    inbound_id: int | None,
    asked: bool = False,
) -> str:
    """File the message's requests one order each, or the message as one report — or,
    for something over told for the record, nothing yet (the resident is asked, unless
    ``asked``: they said it is needed)."""
    if not asked and (told := await ask_need(orders, message, parsed, inbound_id)):
        return told
    parts = split_requests(message.text, clock, orders.config)
    if parts and not await _settled(orders, message.openid, parts):
        # asked where first; each part is filed on its own once answered (file_waiting_each),
        # so a danger only the parts run together suggest (水管漏水 … 灯) is no danger
        if not parsed.urgent and all(read.danger is None for _, read in parts):
            parsed = replace(parsed, danger=None, hazard=None)
        return await report(orders, message, parsed, clock, inbound_id)
    if not parts:
        return await report(orders, message, parsed, clock, inbound_id)
    said = [
        texts.SEVERAL_ITEM.format(
            mark=mark,
            what=_short(read.summary or part),
            reply=await report(orders, replace(message, content=part), read, clock, inbound_id),
        )
        for mark, (part, read) in zip(texts.SEVERAL_MARKS, parts, strict=False)
    ]
    return texts.SEVERAL_FILED.format(count=len(parts)) + "\n" + "\n".join(said)


_SHORT = 12  # characters of a part's summary that name it in the reply


def _short(summary: str) -> str:
    """The part as the reply names it (① 家里没热水：#334 …): its summary, cut short."""
    summary = summary.strip(" ，,。；;")
    return summary if len(summary) <= _SHORT else summary[:_SHORT] + "…"


async def file_waiting_each(
    orders: OrderService,
    message: Incoming,
    data: dict[str, Any],
    place: Place,
    clock: Clock,
    inbound_id: int | None,
) -> str:
    """The report a question kept waiting, filed at the ``place`` answered: one order per
    matter when it told several (found from outside: 厨房水管漏水了，另外楼道灯也坏了 asked for
    its address, and 1. 4栋楼下路灯坏了 2. 小区门口井盖松了 for its estate, each became one
    order for one member once answered). The reply, as for several matters told at once."""
    parts = split_requests(str(data.get("text") or ""), clock, orders.config)
    if not parts:
        reply, _ = await file_waiting(
            orders, message, data, place, clock, orders.config, inbound_id
        )
        return reply
    source = data.get("inbound_id")
    inbound = int(source) if source else inbound_id
    view = await orders.roster()
    said = []
    for mark, (part, read) in zip(texts.SEVERAL_MARKS, parts, strict=False):
        where = _part_place(view, place, part, read)
        reply, _ = await create(orders, message, new_order(part, read, where), inbound)
        said.append(
            texts.SEVERAL_ITEM.format(mark=mark, what=_short(read.summary or part), reply=reply)
        )
    return texts.SEVERAL_FILED.format(count=len(parts)) + "\n" + "\n".join(said)


def _part_place(view: RosterView, answered: Place, part: str, read: ParseResult) -> Place:
    """Where one matter of a waiting report is, the report's place being ``answered``: the
    building it names (in the estate answered when that estate has it), the estate alone for
    a shared place (小区门口), the answered building's stairwell for 楼道灯 or 楼下路灯."""
    a = read.address
    if a is not None and a.building:
        own = Place(a.building, a.unit, a.room)
        if (answered.community, answered.estate) in view.candidates(own):
            return replace(own, community=answered.community, estate=answered.estate)
        return locate(view, own, part, None)[0]
    if answered.building is None:
        return answered
    if below_home(part) or STAIRWELL.search(part):
        return replace(answered, room=None)
    if in_public_place(part):
        return Place(None, None, None, answered.estate, answered.community)
    return answered
