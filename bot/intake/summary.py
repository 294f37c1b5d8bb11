"""A short readable gist of the need (≤ 30 characters), in Chinese.

Works on the normalised text with extracted spans (address, phones, appointment time)
removed; greetings, politeness, fillers and trailing particles are dropped, and so are
bare requests to come (能找人来修一下吗) when the message says what the problem is.  The
gist is made of whole clauses in the resident's words; a first clause too long to fit is
cut where a new phrase starts (然后, 我们家 …, after a 了, failing those before 已经, 一直 …);
only a run with none of these is cut at the length limit.
"""

from __future__ import annotations

import re

from .features import MASK

MAX_SUMMARY = 30
_GAP = "\x00"  # stands in for an extracted span: the clause before it may dangle (住在 …)

_CLAUSE_SPLIT = re.compile(r"([,，.。!！?？;；:：~…、【】\[\]\s\x00]+)")
_LEAD_RE = re.compile(
    r"^(?:(?:你好|您好|你们好|喂|哈喽|hello|hi|在吗|在不在|请问一下|请问|打扰一下|打扰了|打扰|麻烦问一下|麻烦"
    r"|那个|就是|嗯|啊|呃|哎|唉|诶|我想问一下|我想问下|我想问问|想问一下|想问下|问一下|问下|我想问|我想咨询一下"
    r"|想咨询一下|咨询一下"
    # 物业，… is spoken to and goes; 物业电话多少 asks about it and keeps it (found from
    # outside: three questions about three parties each read 电话多少 on the board)
    r"|咨询|(?:社区|物业)(?!的?(?:电话|号码|联系|手机|座机|办公|费|上班|下班|几点|在哪|地址"
    r"|主任|经理|书记|服务中心|什么时候))|工作人员|(?:师傅|领导|同志|老师)(?=[,，\s!！]|您|你|$)|绑定|登记|对了|还有就是|还有|另外|顺便问一下|顺便说一下|顺便"
    r")[,，\s]*)+",
    re.I,
)
_DROP_CLAUSE_RE = re.compile(
    r"^(?:谢谢|谢谢了|谢谢你们|感谢|辛苦了|辛苦|麻烦了|麻烦你们了|拜托了|急|很急|急急急|着急|快点|尽快"
    r"|电话|联系电话|手机|座机|我的电话|家里有人|在家|有人在家|我在家|都在家|都可以|都行|可以吗|行吗|好吗"
    r"|好的|收到|我家|我家住|住|家住|地址|我是|的|了|吧|呀|啊|哦|嗯|呢|谢|尊敬的.{0,12}"
    # formal openings and form labels (【报修】 地址： 问题：)
    r"|本人|本人系.{0,10}|本人是.{0,10}|报修|求助|住户|我是住户|业主|租户|房号|房间号|门牌号|特此.{0,6}|现.{0,4}反映如下|【.{0,8}】|问题"
    r"|时间|姓名|联系人|备注|诉求|情况|我电话|我的手机|手机号|电话号码|联系方式|现住|现居"
    # a cry carries no gist of its own (救命，着火了 → 着火了)
    r"|救命|救命啊|救救我|快来人|来人啊|求救)$"
)
_VISIT_RE = re.compile(
    r"^(?:来|来吧|来看看|来看一下|过来|过来看看|来修|来修吧|上门|来人|来个人|有人|在家)$"
)
# a clause made only of request words (能不能派人来看一下吗 / 麻烦尽快处理): it asks for a
# visit and says nothing about the problem
_REQUEST_RE = re.compile(
    r"^(?:你们|物业|社区|师傅|请|麻烦|赶紧|赶快|尽快|尽早|马上|快点|快|希望|能不能|能否|可不可以|可否|可以|能"
    r"|帮忙|帮我们|帮我|帮|给我|给|派个?人|找个?人|安排个?人|叫个?人|来个?人|来人|上门|过来|来|过去|去"
    r"|一下|一趟|下|看看|看|检查|检修|维修|修理|修一修|修修|修剪|修|处理|补|清理|清|弄|解决|管管|管"
    r"|想|约|预约|个?师傅"
    r"|吧|吗|呢|好吗|行吗|的|了)+$"
)
# 了 ends the statement and stays (水管漏了, 摔了, 流到客厅了): without it the clause reads as
# cut off.  Only after a verb with a plain object (漏水了, 停电了, 断网了) may it go.
_TRAIL_RE = re.compile(
    r"(?:(?<=[水电气网火])[了啦]|啊|呀|吧|哦|呢|嘛|哈|噢|喔|吗|(?<![什怎这那多])么)+$"
)
_DANGLING_RE = re.compile(
    r"(?:(?:跟|和|同)?(?:他们|她们|她|他|我们|我)|老人|家)?(?<!一个人)(?<!独自)(?<!独)住在$"
    r"|(?:她|他|我们|我|老人|家)(?:住|在|是|系)$|(?:她|他)说$"
)
# words that only led into an extracted address or time (就在 …, 地址是 …)
_BEFORE_GAP_RE = re.compile(
    r"(?:(?:就|都|也|人)?(?<![倒摔困关锁躺坐卡掉])在(?:我们家|我们|我家|咱家|俺家|他家|她家|我屋)?"
    r"|位于|(?:我的|我们的|我家的)?(?:地址是|地址)|是|系|(?<!一个人)(?<!独自)(?<!自己)(?<!独)住|(?<=[送搬寄拿])到"
    r"|(?:能|想|可以|要)?(?:预约|约)|整个|整栋|这个|那个)$"
)
# what is left of "in front of building 6" once the building is taken out
_PLACE_ONLY_RE = re.compile(
    r"^(?:这边|那边|旁边|后面|前面|门口|附近|对面|里面|外面|楼下|楼上|这里|那里|这儿|那儿"
    r"|东边|西边|南边|北边|东门|西门|南门|北门|底下|下面|上面)$"
)
_ADDR_GLUE_RE = re.compile(r"^(?:的|我家的|家的|家里的|里的)")
_JUNK_RE = re.compile(r"[#@*^$<>\[\]{}|\\/\"'`=+_]")
# where a new phrase starts inside a run-on clause, best first: a conjunction, a new subject
# or a request, or just after a 了 / 吗 ends a statement; failing those, an adverb that starts
# a predicate (better than cutting inside a word)
_PHRASE_START = re.compile(
    r"(?=然后|而且|并且|但是|可是|不过|所以|结果|因为|导致|我们家|我家|我们|我妈|我爸|他们|她们|他家|她家"
    r"|家里|麻烦|请你们|能不能|能否|可不可以|希望|赶紧|谁来|有没有)"
    r"|(?<=[了吗呢])(?![吗吧呢啊呀])"
)
_PREDICATE_START = re.compile(r"(?=已经|一直|现在|根本|每天|天天|经常|总是|老是|还|也|都|就|又)")
# a run-up that says nothing about the need (我跟你们说一下我们家的情况, 这个事情已经很久了,
# 物业也不管): left out when anything else is said, so a long message's gist is its problem
_PREAMBLE_RE = re.compile(
    r"^(?:我)?(?:跟|和|给|向)?(?:你们|您)?(?:说|讲|反映|汇报)(?:一下|下)?(?:我们家|我家|我们|咱们)?的?(?:情况|事情?|问题)?$"
    r"|^(?:这个|这|那个)?(?:事情?|问题)(?:已经|都)?(?:很久|好久|好长时间|好几个月|好几年|多少年)了?$"
    r"|^(?:物业|社区|居委会|他们|谁)?(?:也|都|根本|一直)?(?:不管|没人管|没人理|不理|没人问)(?:了|啊)?$"
)
_MIN_PIECE = 4
_PUNCT = ",，.。!！?？;；:：~…、"


def _clean_clause(clause: str, before_gap: bool) -> str:
    clause = _ADDR_GLUE_RE.sub("", clause)
    clause = _ADDR_GLUE_RE.sub("", _LEAD_RE.sub("", clause))  # 社区的… / 物业的人…
    clause = _TRAIL_RE.sub("", clause)
    if clause.endswith("啦"):
        clause = clause[:-1] + "了"  # 啦 is 了 + 啊: 水管爆啦 → 水管爆了
    if not before_gap:
        return _DANGLING_RE.sub("", clause).strip()
    full = clause
    for _ in range(2):  # 她说她住 → 她说 → (nothing)
        clause = _TRAIL_RE.sub("", _BEFORE_GAP_RE.sub("", _DANGLING_RE.sub("", clause)))
    clause = clause.strip()
    if (clause != full and len(clause) <= 3) or len(clause) <= 2:
        return ""  # only who lives there was left (我妈住 + address): nothing about the need
    return clause


def _clauses(cleaned: str) -> list[str]:
    pieces = _CLAUSE_SPLIT.split(cleaned)
    parts: list[str] = []
    for i in range(0, len(pieces), 2):
        # the clause runs straight into an extracted span (住在 + address, 约 + time)
        before_gap = i + 1 < len(pieces) and pieces[i + 1].lstrip(" ")[:1] == _GAP
        clause = _clean_clause(pieces[i], before_gap)
        if (
            len(clause) < 2
            or _DROP_CLAUSE_RE.match(clause)
            or _VISIT_RE.match(clause)
            or _PLACE_ONLY_RE.match(clause)
        ):
            continue
        if clause not in parts:  # the same complaint said again adds nothing
            parts.append(clause)
    said = [c for c in parts if not _PREAMBLE_RE.match(c)] or parts
    problem = [c for c in said if not _REQUEST_RE.match(c)]
    return problem or said


def _cut(clause: str) -> str:
    """The longest head of ``clause`` that fits the summary and ends where a phrase ends."""
    for pattern in (_PHRASE_START, _PREDICATE_START):
        cuts = [
            m.start() for m in pattern.finditer(clause) if _MIN_PIECE <= m.start() <= MAX_SUMMARY
        ]
        if cuts:
            return _TRAIL_RE.sub("", clause[: cuts[-1]])
    return ""


_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_LATIN_SPLIT = re.compile(r"(?<=[.!?;])\s+")


def _english_gist(text: str) -> str:
    """A message written in English (glossed into Chinese words for the rules, which made a
    summary like "the，street，outside，of"): its own first sentence, cut to fit."""
    sentence = _LATIN_SPLIT.split(text.strip(), maxsplit=1)[0]
    sentence = re.sub(r"^(?:hi|hello|dear\s+\w+|good\s+\w+)[,!.\s]+", "", sentence, flags=re.I)
    return sentence if len(sentence) <= MAX_SUMMARY * 2 else sentence[: MAX_SUMMARY * 2 - 1] + "…"


def summarize(text: str, spans: list[tuple[int, int]], written: str = "") -> str:
    """Gist of ``text`` (normalised) with ``spans`` (extracted fields) cut out; of a message
    ``written`` mostly in English, its own first sentence."""
    if written and len(_LATIN_WORD.findall(written)) >= 4 and not _CJK.search(written):
        return _english_gist(written)
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(chars), end)):
            chars[i] = _GAP
    cleaned = _JUNK_RE.sub(" ", "".join(chars).replace(MASK, _GAP))
    summary = ""
    for clause in _clauses(cleaned):
        glue = "，" if summary else ""
        if len(summary) + len(glue) + len(clause) <= MAX_SUMMARY:
            summary += glue + clause
            continue
        if not summary:
            # a first clause too long to fit is cut where a phrase ends (a later one is
            # left out whole: cut, it would leave its subject hanging)
            summary = _cut(clause) or clause[:MAX_SUMMARY]
        break
    if not summary:
        fallback = _TRAIL_RE.sub("", re.sub(r"[\s\x00]+", "", cleaned).strip(_PUNCT))
        summary = fallback[:MAX_SUMMARY]
    return summary
