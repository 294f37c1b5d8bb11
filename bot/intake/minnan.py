"""Minnan (Hokkien, Teochew) and Hakka written forms read as Mandarin.

Applied after the Cantonese reading, and only when the text holds a form no Mandarin writer
uses (毋, 佇, 攏, 囝, 查某, 土跤, 𠊎, 阮厝 …).  General vocabulary, not a list taken from the
corpus: pronouns (阮 = 我/我们, 恁 = 你们, 伊 = 他), grammar words (毋 = 不, 无 = 没, 佇 = 在,
予 = 被, 攏 = 都, 矣 = 了), family (翁 = 丈夫, 囝 = 孩子, 查某囝 = 女儿) and what happened
(电着 = 被电到了, 倒佇土跤 = 倒在地上, 无振动 = 不动, 返来 = 回来).
"""

from __future__ import annotations

import re

_MARKERS = re.compile(
    r"毋|佇|伫|攏|拢|囝|查某|土跤|𠊎|恁|阮(?:厝|兜|翁|某|囝|爸|母|一家)"
    r"|[厝兜](?:里|内|边|顶|口)|[在佇]厝|无振动|无返|毋知|毋敢|歹势|明仔载|天光日|代志|电火|好佳哉|啥物"
)

# (Minnan or Hakka, Mandarin); longer entries win over the shorter ones inside them.
_PAIRS: tuple[tuple[str, str], ...] = (
    ("查某囝", "女儿"),
    ("查埔囝", "儿子"),
    ("囝仔", "孩子"),
    ("查某", "女人"),
    ("阮翁", "我老公"),
    ("阮某", "我老婆"),
    ("阮囝仔", "我孩子"),
    ("阮囝", "我孩子"),
    ("阮厝", "我家"),
    ("阮兜", "我家"),
    ("阮", "我"),
    ("𠊎", "我"),
    ("恁", "你们"),
    ("伊", "他"),
    ("囝", "孩子"),
    ("厝", "家"),
    ("毋知", "不知道"),
    ("毋敢", "不敢"),
    ("毋", "不"),
    ("佇", "在"),
    ("伫", "在"),
    ("攏", "都"),
    ("拢", "都"),
    ("矣", "了"),
    ("予电着", "被电到了"),
    ("电着", "被电到了"),
    ("咬着", "咬到了"),
    ("予", "被"),
    ("土跤", "地上"),
    ("无振动", "不动"),
    ("振动", "动"),
    ("无返来", "没回来"),
    ("返来", "回来"),
    ("看着", "看到"),
    ("无看到", "没看到"),
    ("无", "没"),
    ("一尾", "一条"),
    ("厝边", "邻居"),
    ("无代志", "没事"),
    ("代志", "事情"),
    ("好佳哉", "幸好"),
    ("电火", "电灯"),
    ("歹去", "坏了"),
    ("暗时", "晚上"),
    ("三更半暝", "半夜"),
    ("孥囝", "孩子"),
    ("啥物", "什么"),
    ("会使", "可以"),
    ("落来", "下来"),
    ("外口", "外面"),
    ("无去", "没了"),
    ("拍电话", "打电话"),
    ("欲", "要"),
    ("食", "吃"),
    ("歹势", "不好意思"),
    ("有够", "很"),
    ("明仔载", "明天"),
    ("天光日", "明天"),
    ("下晡", "下午"),
    ("今暗", "今晚"),
)
_MAP = dict(_PAIRS)
_RE = re.compile("|".join(sorted(map(re.escape, _MAP), key=len, reverse=True)))
# 今 alone is "now" (今倒佇土跤, 今已经七点); 今天, 今年, 今晚 stay as they are
_NOW = re.compile(r"今(?![天日年早晚朝夜仔后])")


def to_mandarin(text: str) -> str:
    """``text`` (simplified) with Minnan and Hakka written forms replaced by Mandarin ones."""
    if not _MARKERS.search(text):
        return text
    return _NOW.sub("现在", _RE.sub(lambda m: _MAP[m.group(0)], text))
