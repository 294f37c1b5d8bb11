"""Emergencies told in young people's slang, despair without the usual words, and reports
relayed by someone else (a hotline clerk, a building head, a volunteer): each case was read
wrongly by the parser before the rule it names."""

from __future__ import annotations

import pytest

from bot.intake import parse


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        # slang that opens a real report does not make it a joke
        ("家人们谁懂啊 楼下那家窗户一直往外冒黑烟 里面好像还有人", "fire"),
        ("破防了 暖气管爆了 热水一直往外喷 地上全是水 2-1-301", "flood"),
    ],
)
def test_slang_around_a_real_danger_stays_urgent(text: str, hazard: str) -> None:
    result = parse(text)
    assert (result.urgent, result.hazard) == (True, hazard)


@pytest.mark.parametrize(
    "text",
    [
        "改PPT改到凌晨三点 想从楼顶跳下去算了 打工人",
        "被老板骂到想跳楼哈哈 周一真的不想上班",
    ],
)
def test_despair_said_laughing_or_about_office_work_is_not_urgent(text: str) -> None:
    assert parse(text).urgent is False


@pytest.mark.parametrize(
    "text",
    [
        "不想再醒过来了 药都准备好了",
        "今晚想走了 天台的门没锁",
        "这日子太累了 想从阳台下去",
        "今天就是最后一天了 别找我 谢谢你们",
    ],
)
def test_despair_without_the_usual_words_is_urgent_self_harm(text: str) -> None:
    result = parse(text)
    assert (result.urgent, result.hazard) == (True, "self_harm")


def test_the_last_day_of_an_application_is_not_despair() -> None:
    assert parse("今天是报名最后一天 别忘了交材料").urgent is False


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("我在电梯里 电梯停着不动 按铃也没人应 二号楼", "lift"),
        ("12345转：来电人反映其被困于电梯内，电梯灯已灭，5号楼1单元", "lift"),
        ("每周去看的独居张奶奶 今天怎么敲都不开门 手机在屋里响", "welfare"),
        ("楼长说 3栋独居的李爷爷今天没开门 送的饭还放在门口", "welfare"),
        ("小区围墙裂开了 在往外歪 下面停着好几辆车", "structure"),
        ("阳台顶塌了一半 另一半挂着 我妈在下面晾衣服差点被砸", "structure"),
    ],
)
def test_emergencies_told_by_a_relay_or_by_what_is_seen_are_urgent(text: str, hazard: str) -> None:
    result = parse(text)
    assert (result.urgent, result.hazard) == (True, hazard)


def test_a_scare_that_turned_out_fine_is_not_rescued_by_one_sentence() -> None:
    text = (
        "隔壁炒辣椒呛得整个楼道都是，我还以为哪里烧着了，白紧张一场。"
        "不过楼道那扇窗户一直打不开，能不能找人修一下"
    )
    assert parse(text).urgent is False


@pytest.mark.parametrize(
    ("text", "room"),
    [
        ("楼长转：302那个小伙子喝多了又吃了药 怎么拍门都叫不醒", "302"),
        ("楼长转：801租户跟房东吵起来了 房东带人堵门", "801"),
    ],
)
def test_a_flat_named_by_its_people_is_the_address(text: str, room: str) -> None:
    address = parse(text).address
    assert address is not None and address.room == room


def test_a_question_about_whom_to_call_for_a_danger_in_the_home_is_not_a_routine_request() -> None:
    result = parse("请问家里发现蛇应该打什么电话？就在卧室床底下，老人还在屋里")
    assert result.danger in ("urgent", "possible") and result.hazard == "animal"


@pytest.mark.parametrize("text", ["5栋1单元302 厨房水龙头坏了"])
def test_an_ordinary_repair_the_model_barely_doubts_alerts_nobody(text: str) -> None:
    """Found in the sandbox: a broken tap got the possible-danger line and a grid leader's
    alert (the model's 0.002 was just over the possible threshold)."""
    assert parse(text).danger is None


@pytest.mark.parametrize(
    "text",
    ["卧室窗帘杆掉下来了", "快递放在门口就行 我奶奶在家", "客厅的窗帘轨道掉了 周末有空来装一下"],
)
def test_a_curtain_rail_come_down_or_where_to_leave_a_parcel_is_no_danger(text: str) -> None:
    """Found in the sandbox: both were urgent (structure; an old person missing)."""
    assert parse(text).danger is None


@pytest.mark.parametrize(
    "text",
    ["窗帘杆掉下来砸到孩子头了 流血了", "外卖放在门口两天了 奶奶一直没拿 打电话也不接"],
)
def test_the_same_things_with_someone_hurt_or_unreachable_stay_urgent(text: str) -> None:
    assert parse(text).urgent is True


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("爷爷打呼噜声音好怪 怎么推都推不醒", "medical"),
        ("我不想再熬了 跟谁都没关系 今晚就结束吧", "self_harm"),
        ("炭和炉子都买好了 门窗也用胶带封上了", "self_harm"),
        ("对门独居的奶奶 门口的牛奶放了三天没拿进去了", "welfare"),
        ("楼下独居老太太门口报纸堆了一摞 这么冷的天 不会出什么事吧", "welfare"),
        ("饭店后门那几个气罐在漏 呲呲的声音 隔着马路都能闻到", "gas"),
        ("楼上水管爆了 水已经漫到客厅了", "flood"),
        # held out in the sixteenth round (w41's fold): each was missed
        ("送餐的说老周家门口昨天的饭盒没动 今天的也没拿", "welfare"),
        ("游泳池深水区有个小伙子一沉一浮的 周围没人注意", "drowning"),
        ("对面在拆的楼 墙往我们这边歪了 掉了好多砖头在路上", "structure"),
    ],
)
def test_dangers_told_in_new_words_are_urgent(text: str, hazard: str) -> None:
    """From the first contact of writers w49–w52: each was missed."""
    result = parse(text)
    assert (result.urgent, result.hazard) == (True, hazard)


@pytest.mark.parametrize(
    "text",
    [
        "给我妈打了三个电话没人接 吓死我了 原来她在跳广场舞没听见",
        "邻居说我爸在小区门口转悠像迷路了 我下去一看他就是在等公交 没事",
        "阳台上的晾衣架掉下去了 还好楼下没人 把下面雨棚砸了个坑 我该怎么赔",
        "饭烧糊了一屋子烟 窗户开了烟也散了 烟雾报警器还在滴滴响 怎么复位",
        "报错了 不是我们这着火 是对面楼顶有人在放烟花 麻烦撤销",
        "#2031 进度 就是那个插座冒火花的 已经拉闸了现在没危险",
        "暑假孩子掉进小区水池那事以后 说要装栏杆 到现在都没装",
        "对门养了三条狗 楼道里全是狗骚味 跟他说还骂人",
        "3楼楼道的墙皮一大块一大块往下掉粉",
        "地下车库入口那里一股尿骚味",
        "寒假托管报名 家里两个孩子 一个六岁一个九岁",
        "屋顶渗水 滴到电灯旁边 现在没下雨 灯也没开 想趁天晴修一下",
        "之前说我妈联系不上 后来她回电话了 在活动中心打牌呢 不用去了",
    ],
)
def test_scares_that_ended_and_nuisances_are_not_urgent(text: str) -> None:
    """From the first contact of writers w49–w52: each was an urgent false alarm."""
    assert parse(text).urgent is False


@pytest.mark.parametrize(
    "text",
    [
        "对门爷爷家的狗叫了一天一夜 爷爷一直没出来",
        "楼道里一只大黑狗冲我龇牙 把我堵在家门口",
        "两天没回消息了 电话关机 她一个人住",
        "楼上漏水渗到插座里了 在冒火花",
    ],
)
def test_the_nearby_dangers_stay_urgent(text: str) -> None:
    assert parse(text).urgent is True


@pytest.mark.parametrize("text", ["厨房水龙头一直滴水，关不紧", "马桶水箱一直漏水 晚上滴答滴答响"])
def test_a_dripping_tap_or_cistern_alerts_nobody(text: str) -> None:
    """Found in the sandbox: a dripping tap got the possible-danger line and the grid
    leader was asked to check on it."""
    assert parse(text).danger is None


def test_a_tap_whose_water_reaches_a_socket_is_still_urgent() -> None:
    assert parse("卫生间水龙头漏水 滴到插座上了").urgent is True
