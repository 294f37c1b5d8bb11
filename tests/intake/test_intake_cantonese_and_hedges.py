"""Rules made from the first contact of writers w56–w58 (an examiner, Cantonese households,
a northern examiner): written Cantonese read as Mandarin, Cantonese day words, hedged
emergencies and a few dangers told without the usual words."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.intake.parser import parse
from bot.intake.timeparse import TZ


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        # 熄咗總掣 is switching the mains off, not the fire put out
        ("我屋企個熱水爐頂部出緊煙同火舌，已經熄咗總掣，3棟1單元602", "fire"),
        # in Cantonese 困 is shut in, never sleepy
        ("𨋢困人啊 已經困咗四十分鐘 冇人理", "lift"),
        ("停車場有班人打交 有人攞住鐵通", "violence"),
        ("覺得活住冇意思 今晚想結束一切", "self_harm"),
        ("水龍頭斷咗 水柱直射上天花 塞唔住", "flood"),
        ("我屋企煤氣警報機亮紅燈嗶嗶嗶", "gas"),
        # turning the stove off does not stop a hissing meter
        ("廚房個煤氣錶嘶嘶聲 我已經熄咗爐 唔敢開燈", "gas"),
        ("我老公換燈膽俾電親 而家成個人軟晒 坐喺地下講唔到嘢", "electric"),
    ],
)
def test_cantonese_emergencies_are_urgent(text: str, hazard: str) -> None:
    result = parse(text)
    assert (result.intent, result.urgent, result.hazard) == ("order", True, hazard)


@pytest.mark.parametrize(
    "text",
    [
        "好驚呀 聽講隔籬屋苑有人爆格 我哋要唔要加鎖",
        "前幾日有人爆格 我哋棟個閘門鎖壞咗 到而家都冇整",
        "头先个插苏啪咗一声跳咗掣，冇火花冇烟，而家用唔到",
        "部lift个掣唔灵 揿咗都唔亮 冇困人 整下佢",
        # 打紧 in 不打紧 stays "it does not matter"
        "唔好意思 樓下個信箱甩咗 不打緊 得閒先嚟整",
    ],
)
def test_cantonese_look_alikes_stay_calm(text: str) -> None:
    assert parse(text).urgent is False


@pytest.mark.parametrize(
    ("text", "now", "start", "end"),
    [
        ("樓上沖涼啲水滲落我面牆 聽日夜晚八點方便", "2026-12-24 10:55", "12-25 20", "12-25 21"),
        ("抽油煙機唔轉 禮拜三夜晚方便 地址17座1601", "2026-11-29 00:45", "12-02 18", "12-02 22"),
        ("獨生子女證唔見咗 想補辦 禮拜六上晝打返俾我", "2026-12-15 15:58", "12-19 08", "12-19 12"),
        ("個馬桶沖唔落 搵個師傅 禮拜三下晝得", "2026-12-05 10:30", "12-09 12", "12-09 18"),
        ("有啲舊衫想捐 喺邊度收 後日覆我", "2026-12-12 19:30", "12-14 00", "12-15 00"),
        # 聽朝 alone: the parse must use the message's own time, not today's clock
        (
            "阿婆啲血壓藥就食晒 可唔可以幫手去社康攞 聽朝",
            "2026-11-06 20:05",
            "11-07 06",
            "11-07 09",
        ),
        # 可不可以 is a request, not 不可以
        ("厨房油烟机没力 明天下午可不可以找人来看", "2026-11-18 20:15", "11-19 12", "11-19 18"),
    ],
)
def test_cantonese_and_plain_times(text: str, now: str, start: str, end: str) -> None:
    at = datetime.strptime(now, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)
    preferred = parse(text, at).preferred_time
    assert preferred is not None
    got = (preferred.start[5:13].replace("T", " "), preferred.end[5:13].replace("T", " "))
    assert got == (start, end)


@pytest.mark.parametrize(
    "text",
    ["12幢樓梯燈壞咗成個禮拜 夜晚返嚟好黑", "6栋楼下好多曱甴 夜晚喺垃圾桶度走来走去"],
)
def test_evening_with_no_day_describes_the_problem(text: str) -> None:
    assert parse(text, datetime(2026, 11, 20, 10, 0, tzinfo=TZ)).preferred_time is None


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        # the hedge before 但是 is politeness; what follows is the report
        ("可能没什么事 但是我家阳台对着的那个仓库顶上 一直往外飘黑烟 快半个小时了", "fire"),
        ("救火", "fire"),
        ("楼下一个人钥匙丢了想从二楼爬窗户进去 现在挂在窗外的雨棚上 雨棚在往下弯", "trapped"),
        ("冷得要命 楼下长椅上躺着个流浪汉 一下午没动了 叫也不应", "medical"),
        ("孩子补课完应该六点到家 现在八点多了 老师说早走了", "missing"),
        ("小区门口几个喝多的拿酒瓶子干仗 砸得满地玻璃碴子", "violence"),
        ("临街那个烧烤店后厨的罐子漏了 味儿都飘我们楼里来了 我家13栋的", "gas"),
    ],
)
def test_dangers_told_without_the_usual_words(text: str, hazard: str) -> None:
    result = parse(text)
    assert (result.urgent, result.hazard) == (True, hazard)


def test_water_from_an_old_neighbour_who_does_not_answer_is_urgent() -> None:
    assert parse("邻居大爷家门底下往外渗水 他人不开门 喊也不应").urgent is True


@pytest.mark.parametrize(
    "text",
    ["可能是我想多了 不过最近楼道灯老闪", "楼下奶茶店的罐子漏了点糖浆 黏糊糊的"],
)
def test_hedges_and_leaks_that_are_not_dangers(text: str) -> None:
    assert parse(text).urgent is False


def test_building_work_heard_at_night_is_a_noise_complaint() -> None:
    # found from outside: this was answered with 110 and filed as a violent emergency
    result = parse("都快十一点了楼上还在装修砸墙，吵得老人睡不着")
    assert (result.urgent, result.category) == (False, "dispute")


@pytest.mark.parametrize(
    "text",
    ["楼上有人打起来了 砰砰的砸东西", "装修工人和房东在楼道里吵起来了，现在那个工人抄起了榔头"],
)
def test_a_fight_is_still_a_fight(text: str) -> None:
    assert parse(text).urgent is True
