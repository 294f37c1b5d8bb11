"""Intent and category: a linear character n-gram model plus a few firm rules.

The model predicts one joint label: ``order:<category>`` or one of the other intents.
Rules only cover what is certain from the form of the message (an explicit command,
an address and nothing else, an emergency).
"""

from __future__ import annotations

import re

from .concepts import ELDER
from .features import Signals, extract_features
from .jokes import joking
from .lexicon import lexicon_hits
from .model import LinearModel, load_model

INTENTS = ("order", "status", "cancel", "bind", "chat", "help")
CATEGORIES = (
    "repair",
    "elderly",
    "paperwork",
    "dispute",
    "sanitation",
    "safety",
    "parking",
    "childcare",
    "suggestion",
    "other",
)
LABELS = tuple(f"order:{c}" for c in CATEGORIES) + INTENTS[1:]

_COMMAND_RE = re.compile(
    r"^\s*(?:取消|撤销|撤回)(?!.{0,4}(?:怎么|如何|能不能|可以吗|可不可以|在哪|吗))"
)
_CANCEL_END_RE = re.compile(
    r"(?<!怎么)(?<!怎样)(?<!如何)(?<!能不能)(?:取消|撤销|撤回|撤了|删掉|作废|cancel)(?:一下|吧|了|掉)*"
    r"\s*(?:#?\s*\d+)?\s*(?:thx|thanks|谢谢)?[\s!！。.~]*$",
    re.I,
)
_HOWTO_RE = re.compile(
    r"(?:怎么|怎样|如何|在哪里?|为什么要|能不能|能否|可以|要不要|能用)"
    r".{0,4}(?:绑定|解绑|取消|查询?|(?<![来去帮看])看(?!看|病|医生)|报修|提交|操作|使用|填|写|语音|打字)"
    r"|(?:绑定|报修|工单|单号).{0,6}(?:怎么|怎样|如何|在哪|流程|要不要|是什么)"
    r"|使用说明|操作指南|(?<!的)(?<!谢谢)(?<!感谢)帮助|菜单"
)
_HOWTO_MAX_RESIDUAL = 16
_HOW_LOOK_RE = re.compile(r"(?:怎么|怎样|如何)(?:看|查)")
_BIND_RE = re.compile(r"^\s*(?:绑定|登记|注册)(?:地址|住址|一下)?")
_HELP_RE = re.compile(r"^\s*(?:帮助|菜单|help|\?|？|功能|使用说明|怎么用)\s*$", re.I)
_STATUS_RE = re.compile(
    r"^\s*(?:查询|查进度|我的工单|进度|工单)\s*$"
    # 能不能快点啊, 快点吧: hurrying an earlier request along, all it says
    r"|^\s*(?:能不能|能否|可不可以|可以|麻烦|请|拜托)?(?:再)?快(?:点|一点|些|一些)(?:儿)?(?:来|处理|办)?"
    r"(?:啊|吗|呀|吧|嘛|哈|好吗|行吗)?[\s!！?？。.~～]*$"
)
# asking how far an earlier request has got: 办得怎么样了, 批咗未, 到底来不来, 到哪一步了
_PROGRESS_RE = re.compile(
    r"(?:办|审核|审|处理|修|批|鉴定|弄|安排)(?:得|的)?(?:怎么样|咋样|如何)了"
    r"|(?:办|审|批)(?:好|完|过)?(?:了|咗)(?:没有?|吗|冇|未|么)"
    # 修了没, 证明开好没得: has it been done yet (修了没用 is a complaint, not a question)
    r"|(?:修|开|换|装|处理)(?:好|完)?了?没(?:有|得)?(?![用人法办])(?=$|[\s,，。?？!！啊呀嘛])"
    r"|(?:到底|究竟)(?:来不来|什么时候来|几时来|好久来|转了没)(?!电)"
    r"|(?:处理|审核|办)?到哪(?:一步)?了|有(?:回音|回复|消息|进展|结果)(?:了)?(?:吗|没)|咋没回音|怎么没(?:回音|消息)"
    # 助餐批下来没有, 报名表交了 什么时候出结果: the resident's own application
    r"|批下来(?:了)?(?:没有?|吗|么|没得)|(?:什么时候|啥时候|几时|多久)(?:能)?出结果"
    r"|(?:单子|工单|报修|投诉|申请).{0,4}(?:怎么样了|咋样了|进度)"
)
_BIND_MAX_RESIDUAL = 12
# a withdrawal says so (取消, 不用来了, 修好了, 报错了, 其实是…); "不是，那是我妈家" corrects
# something else and withdraws nothing
_CANCEL_WORDS = re.compile(
    r"取消|撤|不用|不要|算了|别来|删|作废|好了|没事|解决|不需要|不必|cancel|no need|唔使|唔洗|唔要"
    r"|冇事|冇得事|搞掂|免了|退|停|别|甭|嫑|莫|不麻烦|搞定|回来了|找到|修复|通了|不修|自己|已经|恢复"
    r"|关了|关掉|报错|发错|看错|搞错|弄错|其实是|不是着火",
    re.IGNORECASE,
)
_CONTENT_RE = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")


def split_label(label: str) -> tuple[str, str | None]:
    if label.startswith("order:"):
        return "order", label.split(":", 1)[1]
    return label, None


# A greeting or a thanks in front of a report (早上好 我家马桶漏水, 谢谢 另外楼道灯又坏了) is
# manners, not the message: when the whole reads as chat, what follows it is read again.
_PUNCT = r"\s|[,.!?~，。！？、…]"
_OPENING_RE = re.compile(
    # a greeting: 早上好 我家马桶漏水
    rf"^(?:{_PUNCT}|你好|您好|你们好|大家好|在吗|在不在|早上好|上午好|中午好|下午好|晚上好|早安|哈喽|嗨|喂"
    r"|hi|hello|hey)+"
    # thanks or an acknowledgement, then a change of subject: 谢谢 另外楼道灯又坏了
    rf"|^(?:{_PUNCT}|好的|好滴|好嘞|谢谢|多谢|感谢|辛苦了|嗯|哦)*(?:对了|另外|还有|顺便(?:说一下|问一下)?)",
    re.I,
)
_MIN_REST = 3
# Venting in slang (人麻了 地铁挤到变形) is chat unless it names a problem or asks something.
_ASKS_RE = re.compile(
    r"吗|嗎|能不能|能唔能|有没有|有冇|可以|问|問|怎么|点样|哪|几|幾|[?？]|谁管|是不是|要不要|帮|幫|麻烦|请|請"
)


def _after_opening(text: str) -> str | None:
    """What follows an opening greeting, thanks or acknowledgement, if anything is left."""
    match = _OPENING_RE.match(text)
    if match is None or match.end() == 0:
        return None
    rest = text[match.end() :]
    return rest if len(_CONTENT_RE.findall(rest)) >= _MIN_REST else None


def _venting(text: str) -> bool:
    """Slang venting that names no problem and asks nothing."""
    return (
        joking(text)
        and not _ASKS_RE.search(text)
        and not any(cue in CATEGORIES for _, cue in lexicon_hits(text))
    )


def _fallback(text: str) -> str:
    """Rules-only label when no model is shipped: the first lexicon cue."""
    for _, label in lexicon_hits(text):
        if label in CATEGORIES:
            return f"order:{label}"
        return label
    return "order:other"


def _best_other(probs: dict[str, float], exclude: str) -> str:
    return max((p, label) for label, p in probs.items() if label != exclude)[1]


def _best_order(probs: dict[str, float]) -> str:
    return max((p, label) for label, p in probs.items() if label.startswith("order:"))[1]


def classify(
    text: str,
    signals: Signals,
    model: LinearModel | None = None,
    feats: frozenset[str] | None = None,
    urgent: bool | None = None,
) -> tuple[str, str | None]:
    """(intent, category) for ``text`` (normalised, extracted spans masked). ``feats``: its
    model features if already computed; ``urgent``: the danger decision (default: the rules')."""
    if urgent is None:
        urgent = signals.urgent
    if not _CONTENT_RE.search(text):
        return ("bind", None) if signals.has_address else ("chat", None)
    if model is None:
        model = load_model()
    if model is None:
        label = _fallback(text)
        probs = {label: 1.0}
    else:
        if feats is None:
            feats = frozenset(extract_features(text, signals))
        probs = model.softmax(feats, "intent")
        label = max(probs, key=lambda k: probs[k])
    if _COMMAND_RE.match(text) or (
        _CANCEL_END_RE.search(text) and not urgent and not _HOWTO_RE.search(text)
    ):
        label = "cancel"
    elif (
        _HOWTO_RE.search(text)
        and not signals.has_address
        and not urgent
        and signals.residual_len <= _HOWTO_MAX_RESIDUAL
        and (label not in ("status", "cancel") or _HOW_LOOK_RE.search(text))
    ):
        # how to use the account ("怎么绑定地址", "单号在哪看"), not a need
        label = "help"
    elif _BIND_RE.match(text) and signals.has_address:
        label = "bind"
    elif _HELP_RE.match(text):
        label = "help"
    elif _STATUS_RE.match(text):
        label = "status"
    elif signals.has_address and signals.residual_len == 0:
        label = "bind"
    label = _second_thoughts(label, text, signals, probs)
    if label == "chat" and model is not None and (rest := _after_opening(text)) is not None:
        again = model.softmax(frozenset(extract_features(rest, signals)), "intent")
        best = max(again, key=lambda k: again[k])
        # only a named problem (a lexicon cue) outweighs the manners: 好的 明天上午在家 stays chat
        if best.startswith("order:") and any(cue in CATEGORIES for _, cue in lexicon_hits(rest)):
            label = best
    if label.startswith("order:") and not urgent and _venting(text):
        label = "chat"
    elif label.startswith("order:") and not urgent and _PROGRESS_RE.search(text):
        label = "status"
    if urgent:
        label = _urgent_label(label, text, signals, probs if model is not None else None)
    return split_label(label)


_STOP_ASKED = re.compile(
    r"(?:能|能不能|可不可以|可以|麻烦)(?:让.{1,6})?别.{1,12}(?:了|啦)?(?:吗|嘛|么)"
)


def _second_thoughts(label: str, text: str, signals: Signals, probs: dict[str, float]) -> str:
    """A withdrawal that says nothing of withdrawing, or a registration with a need beside
    the address, is the model's next best reading."""
    if label == "cancel" and len(probs) > 1 and not _CANCEL_WORDS.search(text):
        return _best_other(probs, "cancel")
    if (
        label == "help"
        and len(probs) > 1
        and (_STOP_ASKED.search(text) or (signals.has_time and not _HOWTO_RE.search(text)))
    ):
        # 能别装修了吗 孩子要睡觉, 明早能来吗: someone asked to stop, or to come at a time —
        # not a question about the account
        return _best_other(probs, "help")
    if label == "bind" and signals.residual_len > _BIND_MAX_RESIDUAL:
        # a need is stated beside the address: it is an order, not a registration
        return _best_other(probs, "bind")
    return label


def _urgent_label(label: str, text: str, signals: Signals, probs: dict[str, float] | None) -> str:
    """The label of a danger now (``probs``: the model's, ``None`` with no model)."""
    if _not_an_order(label, text, signals):
        label = _best_order(probs) if probs is not None else "order:safety"
    if label == "order:elderly" and not_old(text):
        # a flatmate in a diabetic coma, a customer collapsed in the barber's chair: a person
        # in danger who is not an old resident is safety (LABELLING.md), whatever the model
        # learned from the many old people among the medical emergencies
        label = "order:safety"
    return label


def not_old(text: str) -> bool:
    """The message names someone plainly not old, and no old person."""
    return _NOT_OLD.search(text) is not None and _OLD_PERSON.search(text) is None


# who is named decides it, and only when that person is plainly not old: family words for
# the old differ from one region to the next (俺爷, 刘孃孃, 俺婆子, 我舅), so the absence of
# the words below proves nothing by itself
_NOT_OLD = re.compile(
    r"室友|舍友|同事|同学|客人|顾客|老婆|老公|媳妇|丈夫|妻子|孕妇|小伙|年轻|工人|师傅|学生|外卖员|快递员"
    r"|保安|男的|女的|男人|女人|租客|房客|朋友|孩子|小孩|宝宝|婴儿|儿子|女儿|[1-4]\d岁|[二三四]十(?:多|几)?岁"
)
_OLD_PERSON = re.compile(
    ELDER + r"|伯|嗲嗲|嬷|公公|妈|爸|父亲|母亲|老伴|老[张王李陈刘黄林杨赵周吴徐孙朱胡郭何罗郑梁谢]"
    r"|爹|爷|孃|娘|舅|姑|姨|婆子|六十(?:多|几)?岁|[6-9]\d岁|痴呆|认知障碍|脑退化|阿尔茨海默|糊涂"
)


def _not_an_order(label: str, text: str, signals: Signals) -> bool:
    """A label a danger now must never get: thanks, a question, a registration, a status
    query, or a withdrawal read from words inside a danger the rules see as live
    (他说死了算了 不用管他 人在天台). A cancel command (取消 1024), or one the rules see no
    danger in (报重复了 删一个), stays one."""
    if label == "cancel":
        return _COMMAND_RE.match(text) is None and signals.urgent_kind is not None
    return label in ("chat", "help", "bind", "status")
