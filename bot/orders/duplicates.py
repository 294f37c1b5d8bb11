"""Is a new report the same problem as an open order? Pure wording comparison.

A resident who sends the same report again, or a neighbour who reports the same problem at
the same place, joins the open order instead of opening a new one (the member is not pushed
again; the resident is told which order it is).
"""

from __future__ import annotations

import re
import unicodedata

# Characters that carry no meaning of their own in a short report.
_FILLER = set("的了吗呢啊呀吧哦嘛么是在有我家们你他她它这那个一下请帮忙麻烦谢快")
_NON_WORD = re.compile(r"[\W\d_a-zA-Z]+")


def content_chars(text: str) -> frozenset[str]:
    cleaned = _NON_WORD.sub("", unicodedata.normalize("NFKC", text))
    return frozenset(ch for ch in cleaned if ch not in _FILLER)


def overlap(a: str, b: str) -> float:
    """Shared content characters over the shorter text's: 1.0 when one says what the other
    does, whatever the particles, numbers and punctuation around it."""
    x, y = content_chars(a), content_chars(b)
    if len(x) < 2 or len(y) < 2:
        return 0.0
    return len(x & y) / min(len(x), len(y))


SAME_PROBLEM = 0.6

# The things a report is about, each under one name (灯泡 and 楼道灯 are the light, 门锁 the
# lock; 路灯 outdoors is another thing than the stairwell's light, and another party's). Two reports that name things, none of them shared, are about different things
# however alike the rest reads: 门一直关不紧 is not 窗户一直关不紧, 灯坏了 not 扶手松了.
_THINGS: dict[str, tuple[str, ...]] = {
    "灯": ("灯", "灯泡", "灯管", "声控灯", "楼道灯", "电灯"),
    "路灯": ("路灯", "街灯", "庭院灯", "草坪灯"),
    "锁": ("锁", "门锁", "锁芯"),
    "门": ("门", "防盗门", "单元门", "大门", "房门", "铁门", "楼门"),
    # 单元门禁 is the unit's entry system, not 单元门 and a stray 禁
    "门禁": ("门禁", "门禁卡", "刷卡", "单元门禁", "楼门禁"),
    "窗": ("窗", "窗户", "纱窗", "窗框", "玻璃"),
    "龙头": ("水龙头", "龙头"),
    "水管": ("水管", "管子", "管道", "水阀", "阀门"),
    "下水": ("下水道", "下水", "地漏", "排水"),
    "马桶": ("马桶", "坐便器", "厕所", "蹲坑"),
    "扶手": ("扶手", "栏杆", "护栏"),
    "电梯": ("电梯",),
    "插座": ("插座", "插头", "插排", "开关"),
    "电闸": ("电闸", "跳闸", "空开", "电表"),
    "水表": ("水表",),
    "燃气": ("燃气", "煤气", "天然气", "燃气表", "煤气表"),
    "热水器": ("热水器", "热水"),
    "暖气": ("暖气", "暖气片", "供暖"),
    "空调": ("空调", "外机"),
    "电线": ("电线", "网线", "线路", "飞线"),
    "信箱": ("信箱", "邮箱", "快递柜"),
    "垃圾": ("垃圾", "垃圾桶", "垃圾箱"),
    "井盖": ("井盖", "窨井"),
    "树": ("树", "树枝", "树木", "绿化"),
    "墙": ("墙", "墙皮", "墙面", "外墙"),
    "天花板": ("天花板", "吊顶", "屋顶", "房顶"),
    "楼梯": ("楼梯", "台阶"),
    "车": ("车", "汽车", "电动车", "电瓶车", "自行车", "车位"),
    "狗": ("狗", "猫", "宠物"),
    "噪音": ("噪音", "装修", "吵"),
}


def _written_forms(words: list[str]) -> dict[str, set[str]]:
    """Each word and its traditional forms (樓道燈 is 楼道灯: residents write both)."""
    forms = {word: {word} for word in words}
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a declared dependency
        return forms
    for config in ("s2t", "s2hk", "s2tw"):
        converter = opencc.OpenCC(config)
        for word in words:
            forms[word].add(converter.convert(word))
    return forms


# Where something is, not what: 单元门口的台阶塌了 is about the steps, not the door (found from
# outside: 不对，我想说的是单元门禁坏了 shared its "door" with it and was filed beside it)
_PLACE_WORDS = ("门口", "单元门口", "大门口", "楼门口", "家门口", "门前")
_FORMS = _written_forms([word for words in _THINGS.values() for word in words] + list(_PLACE_WORDS))
_THING_OF: dict[str, str | None] = {
    form: name for name, words in _THINGS.items() for word in words for form in _FORMS[word]
}
_THING_OF.update({form: None for word in _PLACE_WORDS for form in _FORMS[word]})
_THING_RE = re.compile("|".join(sorted(map(re.escape, _THING_OF), key=len, reverse=True)))


# 水管漏了，不是电梯: what the resident says it is *not* about (是不是灯坏了 is a question)
_DENIED = re.compile(r"(?<!是)(?:而|并)?不是(?:那个|说)?([^，,。；;！!？?]{1,12})")


def without_denied(text: str) -> str:
    """``text`` less the clauses that deny a thing (，不是电梯); a 不是很急 stays."""
    return _DENIED.sub(lambda m: "" if _THING_RE.search(m.group(1)) else m.group(0), text)


def things(text: str) -> frozenset[str]:
    """The things ``text`` names, each by its one name; not those it says it is not about."""
    found = (_THING_OF[m.group(0)] for m in _THING_RE.finditer(without_denied(text)))
    return frozenset(name for name in found if name is not None)


# Two reports that name the same thing need less of the rest in common: 厨房水龙头一直滴水，
# 关不紧 and 水龙头还在滴，滴了一晚上了 (0.57) are one tap, told twice
SAME_THING = 0.45


# What a question to the office asks, whoever it is about: 燃气公司电话多少 and 物业电话多少
# share only 电话多少 (found from outside: each "…电话多少" joined the first one's order)
_ASKING = re.compile(
    r"的?(?:电话|号码|手机号?|座机|联系方式)(?:号码|号)?(?:是|是不是)?(?:多少|几号|啥|什么)?"
    r"|多少钱|多少|几点(?:上班|下班|开门|关门)?|什么时候|啥时候|在哪[里儿]?|怎么办|怎么"
)


def _asked_about(text: str) -> str:
    """``text`` less its question words: what it asks about ("" when nothing else is said)."""
    left = _ASKING.sub(" ", text)
    return left if len(content_chars(left)) >= 2 else ""


def same_problem(a: str, b: str) -> bool:
    mine, theirs = things(a), things(b)
    about_a, about_b = _asked_about(a), _asked_about(b)
    if about_a and about_b:  # what is asked about is compared, not the asking
        a, b = about_a, about_b
    if mine and theirs:
        return not mine.isdisjoint(theirs) and overlap(a, b) >= SAME_THING
    return overlap(a, b) >= SAME_PROBLEM


PlaceKey = tuple[str | None, str | None, str | None, str | None, str | None]


def place_key(
    building: str | None,
    unit: str | None,
    room: str | None,
    community: int | None,
    estate: str | None,
) -> PlaceKey:
    """A place as two reports' places are compared: an unknown part (None or "") is None,
    a known one upper-cased (worked out once per order, not once per comparison)."""
    return (
        building.upper() if building else None,
        unit.upper() if unit else None,
        room.upper() if room else None,
        None if community is None else str(community),  # a number: nothing to upper-case
        estate.upper() if estate else None,
    )


# 楼道灯, 单元门, 电梯: a part of the building its households share, whoever reports it
_SHARED_PART = re.compile(
    r"楼道|樓道|楼梯|樓梯|单元门|單元門|电梯|電梯|走廊|过道|消防通道|门禁|楼顶|天台|地下室|车库|大堂"
)


def shared_part(text: str) -> bool:
    return _SHARED_PART.search(text) is not None


def without_home(key: PlaceKey) -> PlaceKey:
    """The place with its flat left out: two households of one stairwell report one light."""
    return (key[0], key[1], None, key[3], key[4])


def elsewhere(a: PlaceKey, b: PlaceKey) -> bool:
    """Another building, stairwell, home, community or estate: a part both know differs."""
    return any(x is not None and y is not None and x != y for x, y in zip(a, b, strict=True))


# the end of a clause: what is said of a thing stops there (堵了，水都漫出来了 → 堵了)
_CLAUSE_END = re.compile(r"[，,。.；;！!？?\s]")


def with_state_of(meant: str, before: str) -> str:
    """``meant`` (卫生间的下水道) with what ``before`` said was wrong with the same thing
    (厨房下水道堵了 → 卫生间的下水道堵了) when it names the thing and says nothing of it;
    else ``meant`` as it is. Found from outside: 不对，我想说的是卫生间的下水道 filed the
    drain without its 堵了."""
    named = [m for m in _THING_RE.finditer(meant) if _THING_OF[m.group(0)] is not None]
    if not named or content_chars(meant[named[-1].end() :]):
        return meant
    thing = _THING_OF[named[-1].group(0)]
    said = [m for m in _THING_RE.finditer(before) if _THING_OF[m.group(0)] == thing]
    if not said:
        return meant
    rest = before[said[-1].end() :]
    state = rest[: m.start()] if (m := _CLAUSE_END.search(rest)) else rest
    return meant.rstrip("，,。.；;！! ") + state if content_chars(state) else meant
