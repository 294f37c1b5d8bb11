"""Cantonese written forms read as Mandarin, so one model and one set of rules serve both.

Applied after traditional → simplified conversion, and only when the text holds one of the
characters that mark written Cantonese.  The table is general Cantonese vocabulary (not a
list taken from the corpus): grammar particles (咗 = 了, 喺 = 在, 嘅 = 的, 唔 = 不, 冇 = 没,
緊 = 在…), everyday words (屋企 = 家里, 細路 = 小孩, 𨋢 = 电梯, 水喉 = 水管) and times
(聽日 = 明天, 琴晚 = 昨晚).
"""

from __future__ import annotations

import re

_MARKERS = re.compile(
    "[咗喺嘅唔冇佢嚟啲嘢䢂㶶𨋢𠮶嗰噉咁揾搵畀俾攰瞓冚嚿乜嘥睇嗌唞攞揸冧]|屋企|火烛|爆格|细路|听日|琴晚|而家|点算|上昼|下昼|晏昼|听朝|听晚|得闲"
    "|[烧倒浸搵开着喊扑响叫冒漏喷流出撞]紧"
    # (not 窟窿, 速递, 返工 = rework or 跟紧 = follow closely, which Mandarin writes too)
    "|寻日|头先|啱啱|倾掂|搞掂|[处整等做落]紧|咗未|[嘈掟咩]|喇(?!叭|嘛)|返屋企|街市|但系|就系"
)

# (Cantonese, Mandarin); longer entries win over the shorter ones inside them.
_PAIRS: tuple[tuple[str, str], ...] = (
    ("起唔到身", "起不来"),
    ("起唔返身", "起不来"),
    ("上唔返嚟", "上不来"),
    ("上唔返", "上不来"),
    ("出唔返嚟", "出不来"),
    ("出唔返", "出不来"),
    ("行唔郁", "走不动"),
    ("郁唔到", "动不了"),
    ("搵唔到", "找不到"),
    ("揾唔到", "找不到"),
    ("打唔通", "打不通"),
    ("冇人听", "没人接"),
    ("冇反应", "没反应"),
    ("唔肯开", "不肯开"),
    ("唔敢", "不敢"),
    ("唔好意思", "不好意思"),
    ("唔知", "不知道"),
    ("唔使", "不用"),
    ("唔该", "麻烦"),
    ("唔好", "不要"),
    # 郁 is to move: 唔郁 = 不动; 樽 a bottle; X落去 = X下去; 惊 = 怕 (a worry, not a scare)
    ("郁都唔郁", "一动不动"),
    ("唔郁", "不动"),
    ("冇郁", "没动"),
    ("樽", "瓶"),
    ("跳落去", "跳下去"),
    ("跌落去", "掉下去"),
    ("好惊", "好怕"),
    ("好驚", "好怕"),
    ("惊会", "怕会"),
    ("惊有人", "怕有人"),
    ("止唔到", "止不住"),
    ("封晒", "封死了"),
    ("湿晒", "湿透了"),
    ("储咗", "攒了"),
    ("唔想再做人", "不想再活了"),
    ("唔想做人", "不想活了"),
    ("笑到", "笑死"),
    ("冇返工", "没上班"),
    ("冇返", "没回来"),
    ("好彩", "幸好"),
    ("唔", "不"),
    ("冇", "没"),
    ("咗", "了"),
    ("喺", "在"),
    ("嘅", "的"),
    ("佢哋", "他们"),
    ("我哋", "我们"),
    ("你哋", "你们"),
    ("佢", "他"),
    ("嚟", "来"),
    ("啲", "些"),
    ("嘢", "东西"),
    ("嗰度", "那里"),
    ("呢度", "这里"),
    ("边度", "哪里"),
    ("嗰", "那"),
    ("𠮶", "那"),
    ("𨋢", "电梯"),
    ("䢂", "电梯"),
    ("困梯", "困在电梯"),
    ("㶶味", "焦糊味"),
    ("燶味", "焦糊味"),
    ("屋企", "家"),
    ("细路仔", "小孩"),
    ("细路", "小孩"),
    ("跌低", "摔倒"),
    ("跌咗", "摔了"),
    ("跌落", "掉下"),
    ("甩咗", "掉了"),
    ("甩", "掉"),
    ("水喉", "水管"),
    ("煤气喉", "煤气管"),
    ("气喉", "气管"),
    ("水掣", "水阀"),
    ("电掣", "电闸"),
    ("闩", "关"),
    ("冚", "盖"),
    ("燶", "焦"),
    ("烧紧", "正在烧"),
    ("响紧", "在响"),
    ("叫紧", "在叫"),
    ("冒紧", "在冒"),
    ("漏紧", "在漏"),
    ("喷紧", "在喷"),
    ("流紧", "在流"),
    ("唞唔到气", "喘不上气"),
    ("唞唔顺气", "喘不上气"),
    ("唔听电话", "不接电话"),
    ("冇覆", "没回"),
    ("唔覆", "不回"),
    ("咗喺", "在"),
    ("仲未", "还没"),
    ("仲喺", "还在"),
    ("仲有", "还有"),
    ("嗌", "喊"),
    ("斩", "砍"),
    ("倒紧", "正在倒"),
    ("浸紧", "正在淹"),
    ("浸晒", "淹了"),
    ("搵紧", "在找"),
    ("而家", "现在"),
    ("点算", "怎么办"),
    ("点解", "为什么"),
    ("点样", "怎样"),
    ("听日", "明天"),
    ("琴晚", "昨晚"),
    ("琴日", "昨天"),
    ("今朝", "今天早上"),
    ("朝早", "早上"),
    ("晏昼", "下午"),
    ("挨晚", "傍晚"),
    ("上昼", "上午"),
    ("下昼", "下午"),
    ("听朝", "明早"),
    ("今晚黑", "今晚"),
    ("后日", "后天"),
    ("得闲", "有空"),
    ("搵", "找"),
    ("揾", "找"),
    ("畀", "给"),
    ("俾", "给"),
    ("睇", "看"),
    ("攰", "累"),
    ("瞓", "睡"),
    ("乜嘢", "什么"),
    ("咁", "这么"),
    ("噉", "这样"),
    ("系咪", "是不是"),
    ("唔系", "不是"),
    ("企咗", "站了"),
    ("企喺", "站在"),
    ("食咗", "吃了"),
    ("吞咗", "吞了"),
    ("开紧", "开着"),
    ("着紧", "亮着"),
    ("喊紧", "在哭"),
    ("扑紧", "在扑"),
    ("BB", "宝宝"),
    ("得唔得", "行不行"),
    ("好唔好", "好不好"),
    ("听晚", "明晚"),
    ("有冇", "有没有"),
    # times, progress and asking whether done: 寻日 = 昨天, 头先 = 刚才, 处理紧 = 正在处理,
    # 预约咗未 = 预约了没有
    ("寻日", "昨天"),
    ("头先", "刚才"),
    ("啱啱", "刚刚"),
    ("咗未", "了没有"),
    ("处理紧", "正在处理"),
    ("整紧", "正在修"),
    ("跟紧", "正在跟进"),
    ("等紧", "正在等"),
    ("做紧", "正在做"),
    ("落紧", "正在下"),
    ("整好", "修好"),
    ("整返", "修好"),
    ("倾掂", "谈妥了"),
    ("搞掂", "搞定"),
    ("但系", "但是"),
    ("就系", "就是"),
    ("系唔系", "是不是"),
    ("返屋企", "回家"),
    ("返嚟", "回来"),
    ("街市", "菜市场"),
    ("嘈", "吵"),
    ("掟", "扔"),
    ("窟窿", "窟窿"),
    ("窿", "洞"),
    ("乜", "什么"),
    ("咩", "什么"),
    ("喇叭", "喇叭"),
    ("喇嘛", "喇嘛"),
    ("喇", "了"),
    # a danger that is over: put out, got out, back on their feet, better
    ("熄咗", "灭了"),
    ("熄晒", "灭了"),
    ("扑熄", "扑灭"),
    ("救咗出嚟", "救出来了"),
    ("救返出嚟", "救出来了"),
    ("出咗嚟", "出来了"),
    ("出返嚟", "出来了"),
    ("爬得返起身", "爬起来了"),
    ("爬返起身", "爬起来了"),
    ("冇乜事", "没什么事"),
    ("好返啲", "好些了"),
    ("好返", "好了"),
    # 就嚟飞走 = about to blow away; 入面 / 出面 = inside / outside; 窗花 = the window grille
    ("就嚟", "快要"),
    ("入面", "里面"),
    ("出面", "外面"),
    ("窗花", "防盗窗"),
    # 熄 a switch, a stove or the lights is turning it off, not a fire put out
    ("熄咗总掣", "关了总闸"),
    ("熄咗掣", "关了开关"),
    ("熄咗炉", "关了炉子"),
    ("熄咗火炉", "关了炉子"),
    ("熄咗煤气", "关了煤气"),
    ("熄咗灯", "关了灯"),
    ("熄咗电", "关了电"),
    ("熄灯", "关灯"),
    ("总掣", "总闸"),
    ("掣", "开关"),
    ("出紧", "正在冒"),
    ("打紧", "正在打"),
    ("不打紧", "不打紧"),
    ("撞紧", "正在撞"),
    # in Cantonese 困 is shut in, never sleepy (sleepy is 眼瞓)
    ("困咗", "被困了"),
    ("困喺", "被困在"),
    ("打交", "打架"),
    ("攞住", "拿着"),
    ("揸住", "拿着"),
    ("铁通", "铁棍"),
    ("活住", "活着"),
    ("警报机", "报警器"),
    ("火烛", "火灾"),
    ("爆格", "入室盗窃"),
    ("冧咗", "塌了"),
    ("冧", "塌"),
    ("打风", "刮台风"),
    ("水浸", "水淹"),
    ("郁紧", "在晃动"),
    ("石屎", "水泥"),
    ("栏河", "栏杆"),
    ("灯胆", "灯泡"),
    ("梳化", "沙发"),
    ("打返", "打回"),
    ("覆返", "回复"),
    ("覆我", "回复我"),
    ("倾偈", "聊天"),
    # X亲 is hurt by X; 俾 before the doer is the passive 被
    ("俾电亲", "被电到了"),
    ("电亲", "被电到了"),
    ("烫亲", "烫伤了"),
    ("撞亲", "撞伤了"),
    ("跣亲", "滑倒了"),
    ("吓亲", "吓到了"),
    ("俾人", "被人"),
    ("俾狗", "被狗"),
    ("俾车", "被车"),
    ("听讲", "听说"),
    ("前几日", "前几天"),
    ("跳咗掣", "跳闸了"),
    ("跳掣", "跳闸"),
    ("冇整", "没修"),
    ("揿", "按"),
    ("倾下", "聊一下"),
    ("打交道", "打交道"),
    ("渠", "下水道"),
    ("坑渠", "下水道"),
)
_MAP = dict(_PAIRS)
_RE = re.compile("|".join(sorted(map(re.escape, _MAP), key=len, reverse=True)))
# 個 after a flat number is the possessive (1201個露台 = 1201的阳台), not a count
_FLAT_OF = re.compile(r"((?:单元|栋|幢|座|号楼)\s?\d{3,4})个")
# 较 written for the lift (部较, 较门, 困较): only beside the words that make it the lift, as
# 较 is "rather" in Mandarin (较大, 比较)
_LIFT_JIAO = re.compile(r"(?<=[部搭坐困])较|较(?=门|停|坏|入面|里面|槽|口|卡)")
# 下昼得, 八点得: a time followed by 得 is "that suits me"
_SUITS = re.compile(r"(?<=[午晚早点半])得(?=$|[\s,，。!！])")
# 天花 alone is the ceiling (天花板), not smallpox
_CEILING = re.compile(r"天花(?!板)")


# 未 before 过 is "never" (未跌过人 = 没摔过人); 未来, 未必 and the like stay as they are
_NEVER = re.compile(r"未(?=[^\s,，。!！?？]{1,3}过)")


# the English word Hong Kong and Guangdong speakers use for the lift, written with or
# without other Cantonese
_LIFT = re.compile(r"(?<![A-Za-z])lifts?(?![A-Za-z])", re.I)


def to_mandarin(text: str) -> str:
    """``text`` (simplified) with written Cantonese forms replaced by Mandarin ones."""
    if "ift" in text or "IFT" in text:
        text = _LIFT.sub("电梯", text)
    if not _MARKERS.search(text):
        return text
    text = _RE.sub(lambda m: _MAP[m.group(0)], text)
    text = _LIFT_JIAO.sub("电梯", _FLAT_OF.sub(r"\1的", text))
    text = _CEILING.sub("天花板", _SUITS.sub("可以", text))
    return _NEVER.sub("没", text)


# Northern and Wu day words (明个, 明儿个, 明朝 = 明天; 下半天 = 下午), read the same way
# whatever else the text holds: they are not marked by Cantonese characters.
_REGIONAL_DAYS = {
    "明儿个": "明天",
    "明个": "明天",
    "今儿个": "今天",
    "今个": "今天",
    "后儿个": "后天",
    "明朝": "明天",
    "上半天": "上午",
    "下半天": "下午",
}
# 说明个情况, 证明朝南: 明 ending another word is not a day
_REGIONAL_RE = re.compile(
    "(?<![说证表声发聪透文光分简标阐查鲜])(?:"
    + "|".join(sorted(_REGIONAL_DAYS, key=len, reverse=True))
    + ")"
)


def regional_days(text: str) -> str:
    """``text`` with northern and Wu day words replaced by Mandarin ones."""
    return _REGIONAL_RE.sub(lambda m: _REGIONAL_DAYS[m.group(0)], text)
