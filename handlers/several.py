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

from bot import texts
from bot.clock import Clock
from bot.config import Config
from bot.intake import ParseResult
from bot.messages import Incoming
from bot.orders.duplicates import things
from bot.orders.service import OrderService
from bot.roster import residents
from handlers.just_telling import ask_need
from handlers.locate import locate
from handlers.reports import in_public_place, parse_here, place_of, report

_NUMBERED = re.compile(
    r"(?:^|(?<=[\s，,。；;!！?？]))(?:[1-9][.、．)）]|[①②③④⑤⑥]|[一二三四五六][、．]|第[一二三四五六][，,、:：]?)"
)
_FIRST = ("1", "①", "一", "第一")
_CONNECTOR = re.compile(
    r"[，,。；;!！\s]+(?:另外|还有(?:就是|一个事|一件事|个事)?|再就是|顺便(?:说一下|反映一下|说下)?|此外)"
    r"[，,：:\s]*"
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


def split_requests(text: str, clock: Clock, config: Config) -> list[tuple[str, ParseResult]]:
    """The message's requests with each one's parse, or [] when it is one request."""
    parts = _numbered(text) or _connected(text)
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
            if not parsed.urgent and not in_public_place(part):
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
    if not parts or not await _settled(orders, message.openid, parts):
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
