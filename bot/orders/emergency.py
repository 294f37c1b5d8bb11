"""Which emergency number an urgent message needs: 119 fire, 120 medical, 110 police."""

from __future__ import annotations

import re

_FIRE = re.compile(r"火|烟|煤气|燃气|天然气|液化气|火花|爆炸|电线.*(烧|冒)|焦味|短路|漏电")
_MEDICAL = re.compile(
    r"摔|跌|晕|昏|倒地|不省人事|没.{0,2}(反应|知觉|意识|呼吸)|流血|出血|心脏|中风|抽搐|受伤|骨折|"
    r"喘不上|胸口|急救|救护车|病危|不醒|起不来|叫不醒"
)
_POLICE = re.compile(
    r"偷|盗|抢|打架|打人|砍|刀|走失|走丢|失踪|找不到人|不见了|小孩.*(窗|阳台)|跳楼|家暴|撬"
)
_TRAPPED = re.compile(r"困|关在电梯|电梯.*(卡|停).*人|人.*电梯.*(卡|停)")


def emergency_numbers(text: str) -> list[str]:
    """The numbers to tell the resident at once, most relevant first (may be empty)."""
    found: list[str] = []
    if _FIRE.search(text):
        found.append("119")
    if _MEDICAL.search(text):
        found.append("120")
    if _POLICE.search(text):
        found.append("110")
    if not found and _TRAPPED.search(text):
        found.append("119")  # lift rescue is the fire service's job
    return found
