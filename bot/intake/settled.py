"""What the rules' cues say about a danger that is over or cannot happen now: a fire put out,
a person found, water near the electrics with the power off — and the cases the cues
decide alone: water reaching live current, a stated plan to die."""

from __future__ import annotations

import re

from .features import LOOKALIKE_CUES
from .jokes import gadget_cry, joking

# 现在没下雨 灯也没开, 已经拉闸了: the water cannot reach live current now
_POWER_OFF = re.compile(
    r"灯也没开|没开灯|没通电|断电了|拉闸了|关了电闸|电闸.{0,3}(?:关|拉)了|现在没(?:下雨|漏|滴|渗)"
)


def wet_electrics(text: str, cues: tuple[str, ...]) -> bool:
    """Water reaching sockets, wires, lights or the meter box now, told plainly (no
    look-alike cue): an emergency even when the model, with few such examples, is unsure."""
    return (
        "live:wet_electric" in cues
        and LOOKALIKE_CUES.isdisjoint(cues)
        and _POWER_OFF.search(text) is None
    )


def power_off(text: str, cues: tuple[str, ...]) -> bool:
    """Water near the electrics, with the power said to be off or the water stopped, and no
    other danger live."""
    live = {c for c in cues if c.startswith("live:")}
    return live == {"live:wet_electric"} and _POWER_OFF.search(text) is not None


def only_over(cues: tuple[str, ...]) -> bool:
    """The rules found danger words, all of them already over (put out, found, fixed),
    and none live."""
    over = "fixed" in cues or any(c.startswith("dead:") and c.endswith(":fixed") for c in cues)
    return over and "now" not in cues and not any(c.startswith("live:") for c in cues)


# 我想一了百了 今天晚上就走: despair with a time or a way named is a plan, whoever says it and
# however calmly; the model, taught that old people's 不想活了 about a toothache is a mood,
# must not talk it down
_PLAN = re.compile(
    r"(?:今晚|今天晚上|今天|今夜|明天|马上|等会|待会|一会儿?|这就)(?:就)?(?:想|要)?"
    r"(?:走|跳|去死|了断|结束|喝|吃药|烧炭|开煤气|下去)"
    r"|(?:药|安眠药|农药|炭|绳子?)(?:都|已经)?(?:买好|准备好|攒好|攒齐|攒够|备好|备齐|买齐)了"
    # 我不打算活到明天了: the time is the plan
    r"|不(?:打算|想|准备)再?活(?:到|过)(?:明天|明早|天亮|今晚|今夜)"
    r"|(?:今天|今晚|明天|今天夜里|今夜)(?:就)?(?:想|要)(?:到|去)(?:河边|江边|湖边|桥上|楼顶|天台)"
    r"|(?:今天夜里|夜里|今夜|今晚)(?:就)?要结束"
)


def stated_plan(text: str, cues: tuple[str, ...]) -> bool:
    """A wish to die said with when or how, read as live by the rules."""
    return "live:violence" in cues and _PLAN.search(text) is not None


# 救命 真的有煤气味 不是开玩笑: a danger read as live, and said not to be a joke
_INSISTED = re.compile(
    r"不是(?:开)?玩笑|没(?:有|在)?(?:跟你们?|和你们?)?开玩笑|不是闹着玩|真不是瞎说"
)
# 我室友躺地上一动不动 叫她也不理: someone down who does not respond
_UNRESPONSIVE = re.compile(
    r"(?:躺|倒|趴)(?:在)?[^。！!？?]{0,6}(?:地|地上|地板|床边|床下)[^。！!？?]{0,6}"
    r"(?:一动不动|叫(?:她|他|人)?(?:也|都)?(?:不理|不应|没反应)|推不醒|叫不醒|摇不醒)"
)


_CRIED = re.compile(r"救命|救救|快来人|来人啊")

# 石油气个阀好似坏了 有声又有味: gas heard and smelt, however it is asked
_HEARD_AND_SMELT = re.compile(r"有(?:声|响)(?:又|也)有味")


def insisted(text: str, cues: tuple[str, ...]) -> bool:
    """A danger the rules read as live, insisted to be real, or a person down who does not
    respond: the model, taught that 救命 and 开玩笑 go with jokes, must not talk it down."""
    if "live:gas" in cues and _HEARD_AND_SMELT.search(text):
        return True
    live = any(c.startswith("live:") for c in cues)
    if _CRIED.search(text) and any(c.startswith("live:") and c != "live:help" for c in cues):
        return not joking(text) and not gadget_cry(
            text
        )  # 救命 有人要跳楼: a cry for help with the danger it is about
    return live and (_INSISTED.search(text) is not None or _UNRESPONSIVE.search(text) is not None)


def cues_decide(text: str, cues: tuple[str, ...]) -> bool:
    """The cases the rules decide alone, whatever the model says: water reaching live
    current, a stated plan to die, a live danger said to be no joke, someone unresponsive, a
    fire told in other words (自燃, 走水, 火警)."""
    return (
        wet_electrics(text, cues)
        or stated_plan(text, cues)
        or insisted(text, cues)
        or "live:told_fire" in cues
    )


# 他睡着了, 奶奶在沙发上睡着了: sleep told alone (the corpus' children asleep in locked cars
# and people asleep beside a gas smell taught the model that 睡着 is danger)
_ASLEEP = re.compile(r"睡着|在睡|睡了|睡觉|打呼|打鼾|瞓咗|瞓紧|瞓着")
_ASLEEP_IN_PERIL = re.compile(r"车里|车内|车上|后座|锁|关在|困在|不醒|没醒|不动|没反应|地上|地下")


def just_asleep(text: str, harmless: bool) -> bool:
    """A few words that someone is asleep, nothing harmful (``harmless``: besides a child)
    named; a longer message tells why it mentions the sleep."""
    return (
        harmless
        and len(text) <= 14
        and _ASLEEP.search(text) is not None
        and _ASLEEP_IN_PERIL.search(text) is None
    )
