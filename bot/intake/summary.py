"""A short readable gist of the need (≤ 30 characters), in Chinese.

Works on the normalised text with extracted spans (address, phones, appointment time)
removed; greetings, politeness, fillers and trailing particles are dropped.
"""

from __future__ import annotations

import re

from .features import MASK

MAX_SUMMARY = 30

_CLAUSE_SPLIT = re.compile(r"[,，.。!！?？;；~…、\s]+")
_LEAD_RE = re.compile(
    r"^(?:(?:你好|您好|你们好|喂|哈喽|hello|hi|在吗|在不在|请问一下|请问|打扰一下|打扰了|打扰|麻烦问一下|麻烦"
    r"|那个|就是|嗯|啊|呃|哎|唉|诶|我想问一下|想问一下|想问下|问一下|我想问|我想咨询一下|想咨询一下|咨询一下"
    r"|咨询|社区|物业|工作人员|师傅|领导|同志|老师|绑定|登记)[,，\s]*)+",
    re.I,
)
_DROP_CLAUSE_RE = re.compile(
    r"^(?:谢谢|谢谢了|谢谢你们|感谢|辛苦了|辛苦|麻烦了|麻烦你们了|拜托了|急|很急|急急急|着急|快点|尽快"
    r"|电话|联系电话|手机|座机|我的电话|家里有人|在家|有人在家|我在家|都在家|都可以|都行|可以吗|行吗|好吗"
    r"|好的|收到|我家|我家住|住|家住|地址|我是|的|了|吧|呀|啊|哦|嗯|呢|谢)$"
)
_VISIT_RE = re.compile(
    r"^(?:来|来吧|来看看|来看一下|过来|过来看看|来修|来修吧|上门|来人|来个人|有人|在家)$"
)
_TRAIL_RE = re.compile(
    r"(?:(?<![没坏完好死到丢破爆断掉满不停走别])了|啦|啊|呀|吧|哦|呢|嘛|哈|噢|喔|吗|(?<![什怎这那多])么)+$"
)
_DANGLING_RE = re.compile(r"(?:她|他|我们|我|老人|家)?住在$|(?:她|他|我们|我|老人|家)(?:住|在|是)$")
_ADDR_GLUE_RE = re.compile(r"^(?:的|我家的|家的|家里的|里的)")
_JUNK_RE = re.compile(r"[#@*^$<>\[\]{}|\\/\"'`=+_]")


def _clean_clause(clause: str) -> str:
    clause = _LEAD_RE.sub("", clause)
    clause = _ADDR_GLUE_RE.sub("", clause)
    clause = _TRAIL_RE.sub("", clause)
    clause = _DANGLING_RE.sub("", clause)
    return clause.strip()


def summarize(text: str, spans: list[tuple[int, int]]) -> str:
    """Gist of ``text`` (normalised) with ``spans`` (extracted fields) cut out."""
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(chars), end)):
            chars[i] = " "
    cleaned = _JUNK_RE.sub(" ", "".join(chars).replace(MASK, " "))
    parts: list[str] = []
    for raw in _CLAUSE_SPLIT.split(cleaned):
        clause = _clean_clause(raw)
        if len(clause) < 2 or _DROP_CLAUSE_RE.match(clause) or _VISIT_RE.match(clause):
            continue
        parts.append(clause)
    summary = ""
    for clause in parts:
        candidate = clause if not summary else f"{summary}，{clause}"
        if len(candidate) > MAX_SUMMARY:
            if not summary:
                summary = clause[:MAX_SUMMARY]
            break
        summary = candidate
    if not summary:
        fallback = _TRAIL_RE.sub("", re.sub(r"\s+", "", cleaned))
        summary = fallback[:MAX_SUMMARY]
    return summary
