"""Advice: the one place that says which emergency numbers and first advice go with each
kind of danger (:data:`bot.intake.danger.HAZARDS`); what a resident reads is in
:mod:`bot.texts`."""

from __future__ import annotations

import re

from bot import texts

from .danger import IN_LIFT
from .normalize import normalize
from .services import open_hole

# kind → the emergency numbers that fit it; what a resident reads is in bot.texts
EMERGENCY_NUMBERS: dict[str, tuple[str, ...]] = {
    "fire": ("119",),
    "gas": ("119",),
    "electric": ("119", "120"),
    "flood": (),
    "structure": ("119", "110"),
    "medical": ("120",),
    "lift": ("96333", "119"),
    "trapped": ("119", "120"),
    "child": ("110", "119"),
    "missing": ("110",),
    "welfare": ("110", "120"),
    "violence": ("110",),
    "self_harm": ("110", "120", "12356"),
    "drowning": ("110", "120"),
    "animal": ("110", "120"),
}
ADVICE: dict[str, tuple[tuple[str, ...], str]] = {
    kind: (numbers, texts.HAZARD_ADVICE[kind]) for kind, numbers in EMERGENCY_NUMBERS.items()
}
NO_HAZARD_ADVICE = texts.NO_HAZARD_ADVICE


# A lift door open on an empty shaft: the same numbers as a stopped lift, but the people in
# danger are outside it, and "press the alarm in the car" would be nonsense to them.
_OPEN_SHAFT = re.compile(
    r"(?:没有|没)(?:轿厢|电梯)|井道|(?:底下|下面|里面|里头)(?:是)?空的|黑洞洞|空(?:荡荡)?的井"
)


# the writer is the one being hurt: 又打我, 我被打了, 我躲在厕所里
_VICTIM = re.compile(
    r"(?:打|掐|踢|砍|捅|揍|推)(?:了)?我|我被(?:打|掐|踢|砍|捅|揍|打伤)|我(?:现在)?(?:躲|藏|锁)在|要(?:打死|杀了?|弄死)我"
)


# someone already poisoned by gas or fumes: 头很晕想吐, 人倒了
_GAS_VICTIM = re.compile(r"晕|想吐|恶心|呕|头疼|头痛|昏|倒了|倒在|叫不醒|没反应|抽搐")

# The parser reads every child in peril as "child", whose advice is for a child still up at a
# window or on a ledge ("don't frighten them, bring them away from the edge"). Found from
# outside (pass 8): a child already in a river got that advice and no ambulance — it told a
# bystander to go into the water. What has already happened to the child picks the advice.
_WATER = r"(?:河|湖|(?<!化粪)池|塘|江|海|水库|泳池|水沟|水坑|冰面|冰窟窿|水里|水中)"
_IN_WATER = re.compile(
    rf"{_WATER}里|落水|溺水|扑腾"
    rf"|(?:掉|落|摔|跌|滑|栽)(?:进|到|入|下)?(?:了|去)?[^，,。！!？?；;]{{0,6}}{_WATER}"
)
_WATER_NAMED = re.compile(_WATER)
_BATH = re.compile(r"浴缸|澡盆|洗澡盆")  # under in the bath: breathing first, no rope to throw
# in a manhole, a septic tank or a pit: gas may be down there, nobody climbs in after the child
_HOLE = r"(?:窨井|化粪池|采光井|井|坑|下水道|地洞)"
_IN_HOLE = re.compile(
    rf"{_HOLE}(?:里|中|底)|(?:掉|落|摔|跌)(?:进|到|入)(?:了)?[^，,。]{{0,4}}{_HOLE}"
)
_HOLE_NAMED = re.compile(_HOLE)
# fallen already (从二楼阳台掉下去了, 摔到楼下了); not about to (快要掉下来了, 怕他掉下去)
_FELL_DOWN = re.compile(
    r"(?:掉|摔|跌|坠|跳)(?:了)?下(?:去|来)|坠楼|跳楼|摔(?:到|在)(?:了)?(?:楼下|地上)"
)
_NOT_YET = re.compile(
    r"(?<!不)要|快(?=掉|摔|跌)|会|怕|担心|小心|随时|差点|险些|万一|可能|眼看|马上就"
)
_CLAUSE = re.compile(r"[，,。！!？?；;\s]")
# hit by something that fell or was thrown down (瓷砖掉下来砸到一个小孩, 楼上扔下来一个花盆砸到人了)
_FROM_ABOVE = re.compile(r"(?:扔|抛|丢|掉|砸|落|坠|飞)下来|高空抛物|往下(?:扔|丢|抛|砸)")
_STRUCK = re.compile(
    r"砸(?:到|着|中|伤|在)(?:了)?[^，,。]{0,4}(?:人|头|身上|他|她|孩子|小孩|小朋友|老人|路人)"
    r"|被[^，,。]{0,8}砸(?:到|着|中|伤)?"
)
# ... unless people are fighting (有人拿砖头砸人: a fight, whatever is thrown)
_FIGHT = re.compile(r"打架|打人|打起来|动手|刀|棍|砍|捅|揍|行凶|持械|追着|拿(?:着)?[^，,。]{0,4}砸")


def _fell(told: str) -> bool:
    """``told`` says someone fell from where they were, not that they may."""
    for m in _FELL_DOWN.finditer(told):
        clause = _CLAUSE.split(told[: m.end()])[-1]
        if not _NOT_YET.search(clause):
            return True
    return False


def _in_hole(told: str) -> bool:
    """A child down a manhole, a septic tank or a pit (井盖没盖 有个小孩掉下去了)."""
    return _IN_HOLE.search(told) is not None or (_fell(told) and bool(_HOLE_NAMED.search(told)))


# Someone already pulled out of the water (刚捞上来没反应, 已经救上来了 但是没有呼吸): the
# ambulance and their breathing, not a rope for someone still in it (outside pass 9).
_OUT_OF_WATER = re.compile(
    r"(?:捞|救|拉|抱|拖|拽|扶|弄|背)(?:了)?(?:上来|出来|上岸)|上岸了|从水里(?:捞|拉|抱|救)"
)
_DROWNED = re.compile(rf"溺水|落水|呛水|{_WATER}")
# Cut off by rising water (水淹到膝盖了 地下室出不去): get up high, away from current.
_CUT_OFF = re.compile(r"出不去|出不来|走不了|逃不出|跑不出|被困|困住|困在|上不来")
_RISING = re.compile(
    r"淹|积水|涨水|大水|洪水|水(?:已经)?(?:到|没过|漫过)(?:了)?(?:膝盖|腰|大腿|胸|脖子)"
)


def _out_of_water(told: str) -> bool:
    return _OUT_OF_WATER.search(told) is not None and _DROWNED.search(told) is not None


def _cut_off_by_water(told: str) -> bool:
    return _CUT_OFF.search(told) is not None and _RISING.search(told) is not None


def advice_kind(hazard: str | None, text: str = "") -> str | None:
    """The kind of danger whose numbers and advice fit what ``text`` tells, for a danger the
    parser read as ``hazard``: a child in the water is drowning, a child who fell is hurt
    (medical), anyone hit by something falling or thrown down is under a falling object
    (structure) — not a fight, not a child still at the window (nor in a manhole: its own
    advice, :func:`advice_for`)."""
    if hazard not in ("child", "violence") or not text:
        return hazard
    told = normalize(text)
    struck = _STRUCK.search(told) is not None and _FROM_ABOVE.search(told) is not None
    if hazard == "violence":
        return "structure" if struck and not _FIGHT.search(told) else hazard
    if struck:
        return "structure"
    if _in_hole(told):
        return hazard
    if _IN_WATER.search(told) or (_fell(told) and _WATER_NAMED.search(told)):
        return "medical" if _BATH.search(told) else "drowning"
    return "medical" if _fell(told) else hazard


def advice_for(hazard: str | None, text: str = "") -> tuple[tuple[str, ...], str]:
    """(emergency numbers, short advice in Chinese) for a hazard kind; for ``None`` or an
    unknown kind no number at all (paperwork never gets a fire-brigade line).  ``text``,
    the resident's message when known, picks the advice for an open shaft over the advice
    for people shut inside a lift."""
    if hazard in (None, "structure") and text and open_hole(normalize(text)):
        return (), texts.OPEN_HOLE_ADVICE  # mark it, keep people away: no number fits
    if hazard is None or hazard not in ADVICE:
        return (), NO_HAZARD_ADVICE
    told = normalize(text) if text else ""
    if hazard in ("child", "drowning", "medical", "trapped") and _out_of_water(told):
        return ("120",), texts.OUT_OF_WATER_ADVICE
    if hazard in ("flood", "trapped") and _cut_off_by_water(told):
        return ("119", "110"), texts.CUT_OFF_BY_WATER_ADVICE
    kind = advice_kind(hazard, text)
    if kind is not None and kind != hazard:
        return ADVICE[kind]
    if hazard == "child" and text and _in_hole(normalize(text)):
        return (*ADVICE[hazard][0], "120"), texts.CHILD_IN_HOLE_ADVICE
    if hazard == "lift" and text:
        told = normalize(text)
        if _OPEN_SHAFT.search(told) and not IN_LIFT.search(_OPEN_SHAFT.sub("", told)):
            return ADVICE[hazard][0], texts.OPEN_SHAFT_ADVICE
    if hazard == "violence" and text and _VICTIM.search(normalize(text)):
        return ADVICE[hazard][0], texts.VIOLENCE_VICTIM_ADVICE
    if hazard == "gas" and text and _GAS_VICTIM.search(normalize(text)):
        numbers, tip = ADVICE[hazard]
        return (*numbers, "120"), tip + texts.GAS_POISONING_ADVICE
    return ADVICE[hazard]
