"""Building / unit / room extraction.

The text is scanned for address tokens (building, unit, floor, room, dashed forms and
bare 3–4 digit numbers); adjacent tokens are chained in the order building → unit →
floor → room.  A bare number only counts as a room inside a chain, or on its own when
the resident says it is home (``我家1502``) or uses it as a noun (``1502的``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .numerals import to_number_string

_CN = "零〇○洞一幺二三四五六七八九十百"
_CN_DIGITS = "零〇○洞一幺二三四五六七八九"
_AR = r"(?<![0-9A-Za-z./\-])[A-Za-z]?\d{1,4}(?![0-9])"
_LET = r"(?<![0-9A-Za-z])[A-Za-z]"
_CNN = rf"(?<![{_CN}这那每整哪几多好两半])[{_CN}]{{1,6}}"
_NUM = rf"(?:{_AR}|{_LET}|{_CNN})"
# 一千零二, 五百零一, 三百一十二: a room said with place values (十 alone is the floor's or the
# building's: 十二栋), read by its value and kept only when it looks like a room
_CN_PLACES = "一二三四五六七八九两"
_ROOM_PLACES = (
    rf"(?<![{_CN}千])[{_CN_PLACES}](?:千(?:零[{_CN_PLACES}]|零?[{_CN_PLACES}]十[{_CN_PLACES}]?"
    rf"|[{_CN_PLACES}]百(?:零[{_CN_PLACES}]|[{_CN_PLACES}]?十[{_CN_PLACES}]?)?)"
    rf"|百(?:零[{_CN_PLACES}]|[{_CN_PLACES}]?十[{_CN_PLACES}]?))(?![{_CN}千])"
)
_ROOMNUM = (
    r"(?:(?<![0-9A-Za-z./\-])\d{3,4}(?![0-9])"
    rf"|(?<![{_CN}])[{_CN_DIGITS}]{{3,4}}(?![{_CN}])|{_ROOM_PLACES})"
)
# a bare 110 / 119 / 120 / 122 is the police, fire, ambulance or traffic line (已报110、120),
# a room only when it follows a building or unit
_SERVICE_NUMBERS = frozenset({"110", "119", "120", "122"})
_NOT_AFTER = "0-9年月日点时分秒岁元块米斤平个次天周%％"

_TOKEN_RE = re.compile(
    # every token starts with a digit, a Chinese numeral or a Latin letter: fail fast elsewhere
    rf"(?=[0-9A-Za-z{_CN}])(?:"
    + "|".join(
        (
            # 5-2-501 (building-unit-room)
            r"(?P<d3>(?<![0-9A-Za-z./\-])(?P<d3b>[A-Za-z]?\d{1,3}|[A-Za-z])#?\s?-\s?(?P<d3u>\d{1,2})"
            r"\s?-\s?(?P<d3r>\d{3,4})(?![0-9\-]))",
            # 8-1单元 (building-unit)
            r"(?P<du>(?<![0-9A-Za-z./\-])(?P<dub>[A-Za-z]?\d{1,3}|[A-Za-z])\s?-\s?(?P<duu>\d{1,2})\s?(?:单元|门))",
            # 5-501 (building-room)
            r"(?P<d2>(?<![0-9A-Za-z./\-])(?P<d2b>[A-Za-z]?\d{1,3}|[A-Za-z])#?\s?-\s?(?P<d2r>\d{3,4})"
            r"(?![0-9\-]))",
            # 12排3号: a row of single-storey houses (平房, 大杂院) and the house in it
            rf"(?P<row>(?<![0-9A-Za-z./\-第])(?P<rwb>\d{{1,3}}|{_CNN})\s?排\s?(?P<rwr>\d{{1,3}}|[{_CN}]{{1,4}})\s?号(?![楼院线单栋]))",
            # 3栋 / 7号楼 / A座 / 12幢 / 5号(302)
            rf"(?P<bld>(?P<bn>{_NUM})\s?(?:号楼|号栋|号幢|#\s?(?:楼|栋|幢)?|栋楼(?![道梯下上顶里])|幢楼(?![道梯下上顶里])|栋(?!次)|幢(?!次)|座(?![机位谈])"
            rf"|号(?=\s?(?:\d{{3,4}}(?![0-9])|\d{{1,2}}\s?单元))))",
            # 2单元 / 3门 (门 only counts after a building)
            # (501 单元门的锁, 601 门没锁: the room, then a door, not a unit 501)
            rf"(?P<unit>(?!\d{{3,4}}\s?(?:单元门|门))(?P<un>{_NUM})\s?(?P<us>单元|门(?![口卫禁铃锁前外面把框窗诊课市店票里内缝边])))",
            # 402室 / 1502户 / 501号房
            rf"(?P<room>(?P<rn>{_ROOMNUM})\s?(?:室|号房|房间|户|房(?![东子租产主贷价])))",
            # 3楼 / 十层 (floors are skipped, never an address part)
            rf"(?P<floor>(?:(?<![0-9A-Za-z./\-])\d{{1,2}}|{_CNN})\s?(?:楼|层)(?![道梯顶上下]))",
            # bare number that may be a room: 1502 / 五零一
            rf"(?P<num>{_ROOMNUM}(?!号(?:单|工单|订单|线|楼|院|床))(?![{_NOT_AFTER}]))",
            # English: building 4 / unit 2 / room 302
            r"(?P<ebld>\b(?i:building|bldg|block|blk)\s?#?\s?(?P<ebn>[A-Za-z]?\d{1,3}|[A-Za-z])\b)",
            r"(?P<eunit>\b(?i:unit)\s?#?\s?(?P<eun>\d{1,2})\b)",
            r"(?P<eroom>\b(?i:room|rm|apt|flat)\s?#?\s?(?P<ern>\d{3,4})\b)",
        )
    )
    + ")"
)
_GAP_RE = re.compile(r"[\s,、]{0,2}")
_HOME_CUE_RE = re.compile(
    r"(?:搬到|搬去|搬进|新地址|新家|现在住|改成|改为|换成|我家|我们家|俺家|我屋|我屋里|屋里|家住|住在|我住|住|本人|我是|我们是|绑定|登记|地址|家里是|家是"
    r"|[住是](?:在)?(?:隔壁|对门|对面|楼上|楼下)"
    r"|房号|门牌号?|房间号?)[是在为:]{0,2}\s?(?:在|是)?\s?$"
)
_BARE_CUE_RE = re.compile(
    r"(?:我家|我们家|俺家|我屋|我屋里|屋里|家住|住在|我住|住|我是|我们是|绑定|登记|地址|房号|门牌号?"
    r"|房间号?|房子|我在|我们在|俺在|俺们在)[是在为:]{0,2}\s?$"
)
_DELIM = " ,.!?;:，。！？；：、()（）\n"
# a bare number right after a neighbour or a relative (隔壁802, 我爸在1003, 阿拉402), or
# opening the message before one (601我妈, 1203楼下), is a flat
_NEIGHBOUR_RE = re.compile(r"(?<![是住])(?:对面|对门|隔壁|楼上|楼下|邻居)(?:家|的)?\s?$")
# 我是3栋的 我妈住在5栋2单元301 她摔倒了: the help is needed where the mother lives
_KIN_HOME_RE = re.compile(
    # (one's own: 楼下奶奶住102 is a neighbour, whose flat is not the address)
    r"(?:我|我家|我们家|俺|俺家|阿拉)(?:的)?"
    r"(?:妈|爸|娘|爹|奶奶|爷爷|外婆|外公|姥姥|姥爷|婆婆|公公|父母|老人|老人家|母亲|父亲|阿嫲|阿婆|阿公)"
    # (an estate name may come between: 我妈住在东亭5栋…)
    r"(?:家)?(?:(?:住在|住)[\u4e00-\u9fff]{0,4}?|在)\s?$"
)
# the flat the resident moved out of (原来是10栋的 现在搬到11栋…): not the address now
_FORMER_RE = re.compile(r"(?:原来|以前|之前|旧地址|老地址|原地址)[是在住的为:]{0,3}\s?$")
_BARE_NEIGHBOUR_RE = re.compile(r"(?:对面|对门|隔壁|楼上|楼下|[爸妈爹娘奶爷婆公]在|阿拉)\s?$")
_BARE_OPENING_RE = re.compile(
    r"(?:我|俺|阿拉|那家|这家|家|楼上|楼下|老太|老头|老人|老爷|老奶|住户|业主|邻居)"
)
# what may follow a message's opening number when it is a count, an amount or a line
_OPENING_NOT_FLAT = re.compile(r"[多万千百路人号楼层公里斤次遍]")
_FLAT_DOOR_RE = re.compile(r"门口|门缝|门前|家门|的门|家里|家的")
# the people of a flat: 801租户, 302那个小伙子
_FLAT_PEOPLE_RE = re.compile(
    r"(?:那|这)(?:个|家|户|位)|租户|住户|业主|房东|房客|老人|老太|大爷|阿姨"
)
_FLAT_THAT_RE = re.compile(r"[那这]")
_ORDER_TALK_RE = re.compile(r"取消|撤销|撤回|不用了|单子|工单|订单|进度")


def _opens_with_flat(text: str, end: int) -> bool:
    """A message opening with a plausible flat number followed by words (1504卫生间门锁坏了,
    601我妈…) names that flat."""
    if _ORDER_TALK_RE.search(text):
        return False  # 1230那个单子取消吧: an order number
    after = text[end : end + 1]
    return bool(_BARE_OPENING_RE.match(text, end)) or (
        "\u4e00" <= after <= "\u9fff" and not _OPENING_NOT_FLAT.match(after)
    )


_NOT_ADDRESS_BEFORE = re.compile(
    r"(?:车位|车库|停车位|车牌|尾号|编号|单号|工单|#)[号是在为:]{0,2}\s?$"
)
_COMMAND_BEFORE = re.compile(
    r"(?:取消|撤销|撤回|删除|删掉|作废|查询|查一下|查|进度|工单|单号|订单|编号|第)[号是为:：\s#]{0,3}$"
)
_COMMAND_AFTER = re.compile(r"\s?(?:号?(?:工单|单子|订单)|的?进度|取消|撤销|撤回|作废|怎么样了)")
_KINDS = ("d3", "du", "d2", "row", "bld", "unit", "room", "floor", "num", "ebld", "eunit", "eroom")
_CANON = {"ebld": "bld", "eunit": "unit", "eroom": "room"}
_ORDER = {"bld": 0, "unit": 1, "floor": 2, "room": 3, "num": 3}


@dataclass(frozen=True)
class Address:
    building: str | None
    unit: str | None
    room: str | None

    def to_dict(self) -> dict[str, str | None]:
        return {"building": self.building, "unit": self.unit, "room": self.room}


@dataclass
class _Chain:
    start: int
    end: int
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    kinds: list[str] = field(default_factory=list)

    def valid(self, text: str) -> bool:
        before = text[max(0, self.start - 8) : self.start]
        if _NOT_ADDRESS_BEFORE.search(text[max(0, self.start - 16) : self.start].replace(" ", "")):
            return False
        if (
            self.building is None
            and self.unit is None
            and (
                _COMMAND_BEFORE.search(text[max(0, self.start - 8) : self.start])
                or _COMMAND_AFTER.match(text, self.end)
            )
        ):
            return False  # 取消 1024, #1024 进度: an order number, not a flat
        if self.building or self.unit or "room" in self.kinds:
            return True
        if self.room and "floor" in self.kinds:
            return True
        if self.kinds == ["num"] and self.room:
            if _BARE_CUE_RE.search(before) or _BARE_NEIGHBOUR_RE.search(before):
                return True
            if self.start == 0 and _opens_with_flat(text, self.end):
                return True
            if _FLAT_DOOR_RE.match(text, self.end):
                return True  # 1201门口, 从602门缝里: a flat's door
            if _FLAT_PEOPLE_RE.match(text, self.end) and (
                self.end - self.start == 3 or not _FLAT_THAT_RE.match(text, self.end)
            ):
                return True  # 801租户, 302那个小伙子 (2024那个时候 is a year)
            after = text[self.end : self.end + 1]
            if after == "的":
                return True
            prev = text[self.start - 1 : self.start]
            return (not prev or prev in _DELIM) and (not after or after in _DELIM)
        return False


def _part(span: str | None) -> str | None:
    if span is None:
        return None
    span = span.strip()
    if len(span) == 1 and span.isascii() and span.isalpha():
        return span.upper()
    if span[:1].isascii() and span[:1].isalpha():
        rest = to_number_string(span[1:])
        return None if rest is None else span[0].upper() + str(int(rest))
    value = to_number_string(span)
    if value is None or not value.isdigit():
        return None
    return str(int(value))


def _plausible_room(value: str | None) -> bool:
    if value is None or not value.isdigit():
        return False
    number = int(value)
    return 101 <= number <= 9999 and 1 <= number % 100 <= 40


@dataclass(frozen=True)
class AddressMatch:
    address: Address
    start: int
    end: int
    home: bool
    neighbour: bool = False  # 对门1802, 楼上1502: someone else's flat
    kin: bool = False  # 我妈住在5栋…: the home of the family member the message is about


class _ChainBuilder:
    """Joins address tokens, in text order, into building → unit → floor → room chains."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.chains: list[_Chain] = []
        self.current: _Chain | None = None
        self.last_order = -1

    def add(self, m: re.Match[str]) -> None:
        kind = next(k for k in _KINDS if m.group(k))
        if kind == "d2" and self._extends_building(m):
            self._unit_room(m)
        elif kind == "du":
            self._building_unit(m)
        elif kind in ("d3", "d2", "row"):
            self._dashed(kind, m)
        else:
            self._token(kind, m)

    def finish(self) -> list[_Chain]:
        self._push()
        return self.chains

    def _push(self) -> None:
        if self.current is not None:
            self.chains.append(self.current)

    def _drop(self) -> None:
        self.current = None
        self.last_order = -1

    def _adjacent(self, m: re.Match[str]) -> bool:
        assert self.current is not None
        return _GAP_RE.fullmatch(self.text[self.current.end : m.start()]) is not None

    def _extends_building(self, m: re.Match[str]) -> bool:
        current = self.current
        return (
            current is not None
            and current.building is not None
            and current.unit is None
            and current.room is None
            and self._adjacent(m)
            and m.group("d2b").isdigit()
        )

    def _unit_room(self, m: re.Match[str]) -> None:
        # 3栋2-501: after a building, the dashed pair is unit-room
        assert self.current is not None
        self.current.unit = _part(m.group("d2b"))
        self.current.room = _part(m.group("d2r"))
        self.current.end = m.end()
        self.current.kinds.append("room")
        self.last_order = _ORDER["room"]

    def _building_unit(self, m: re.Match[str]) -> None:
        # 8-1单元 starts a chain that a room may still join
        self._push()
        self.current = _Chain(m.start(), m.end(), _part(m.group("dub")), _part(m.group("duu")))
        self.current.kinds.extend(["bld", "unit"])
        self.last_order = _ORDER["unit"]

    def _dashed(self, kind: str, m: re.Match[str]) -> None:
        # 5-2-501 / 5-501 / 12排3号 are whole addresses: a chain of their own
        self._push()
        self._drop()
        if kind == "d3":
            chain = _Chain(m.start(), m.end(), _part(m.group("d3b")), _part(m.group("d3u")))
            chain.room = _part(m.group("d3r"))
        elif kind == "row":  # the row is the building, the house its number
            chain = _Chain(m.start(), m.end(), _part(m.group("rwb")))
            chain.room = _part(m.group("rwr"))
        else:
            chain = _Chain(m.start(), m.end(), _part(m.group("d2b")))
            chain.room = _part(m.group("d2r"))
            if not _plausible_room(chain.room):
                return
        chain.kinds.append("bld")
        self.chains.append(chain)

    def _token(self, kind: str, m: re.Match[str]) -> None:
        canon = _CANON.get(kind, kind)
        order = _ORDER[canon]
        if not (self.current is not None and order > self.last_order and self._adjacent(m)):
            self._push()
            self.current = _Chain(m.start(), m.end())
        current = self.current
        if kind == "unit" and m.group("us") == "门" and current.building is None:
            # 门 is a unit only right after a building (7号楼3门402)
            if not current.kinds:
                self._drop()
            return
        if kind == "num":
            value = _part(m.group("num"))
            if not current.kinds and (not _plausible_room(value) or value in _SERVICE_NUMBERS):
                self._drop()
                return
            current.room = value
        elif canon == "bld":
            current.building = _part(m.group("bn") or m.group("ebn"))
        elif canon == "unit":
            current.unit = _part(m.group("un") or m.group("eun"))
        elif canon == "room":
            current.room = _part(m.group("rn") or m.group("ern"))
        current.end = m.end()
        self.last_order = order
        current.kinds.append(canon)


def _chains(text: str) -> list[_Chain]:
    builder = _ChainBuilder(text)
    for m in _TOKEN_RE.finditer(text):
        builder.add(m)
    return builder.finish()


# a numbered list item glued to a building (巡查记录:1.北门正常;2.16栋1单元…): the item's
# number is not a decimal point's integer part
_LIST_MARK_RE = re.compile(
    r"(?:^|(?<=[;:。\s,、!?]))(\d{1,2})\.(?=\d{1,3}\s?(?:栋|号楼|幢|#|单元|座|-))"
)


def find_addresses(text: str) -> list[AddressMatch]:
    """Every address mention in ``text`` (normalised), in order."""
    text = _LIST_MARK_RE.sub(r"\1、", text)  # same length: spans still index the text
    out: list[AddressMatch] = []
    for chain in _chains(text):
        if not chain.valid(text):
            continue
        if chain.building is None and chain.unit is None and chain.room is None:
            continue
        before = text[max(0, chain.start - 8) : chain.start]
        out.append(
            AddressMatch(
                Address(chain.building, chain.unit, chain.room),
                chain.start,
                chain.end,
                home=bool(_HOME_CUE_RE.search(before)),
                neighbour=bool(_NEIGHBOUR_RE.search(before) or _FORMER_RE.search(before)),
                kin=bool(_KIN_HOME_RE.search(before)),
            )
        )
    return out


def choose_address(matches: list[AddressMatch]) -> Address | None:
    """The resident's home if stated, else the first address mentioned, completed by
    the parts given elsewhere in the message (``在2单元 … 9栋``) when they do not
    contradict it."""
    if not matches:
        return None
    # 对门401 … 401的老两口: the same flat named again is still the neighbour's
    theirs = {m.address for m in matches if m.neighbour}
    matches = [
        m if m.neighbour or m.address not in theirs else replace(m, neighbour=True) for m in matches
    ]
    own = [m for m in matches if not m.neighbour] or matches
    primary = next((m for m in own if m.kin), None) or next((m for m in own if m.home), own[0])
    if not primary.home and primary.address.building is None and primary.address.unit is None:
        # 1503的 … 11栋1单元1403: a bare flat first is most often the neighbour's, the full
        # address after it the resident's own
        primary = next((m for m in own if m.address.building is not None), primary)
    parts = [primary.address.building, primary.address.unit, primary.address.room]
    for match in matches:
        if match is primary or (match.neighbour and not primary.neighbour):
            continue
        other = [match.address.building, match.address.unit, match.address.room]
        if any(
            a is not None and b is not None and a != b for a, b in zip(parts, other, strict=True)
        ):
            continue
        parts = [a if a is not None else b for a, b in zip(parts, other, strict=True)]
    return Address(parts[0], parts[1], parts[2])
