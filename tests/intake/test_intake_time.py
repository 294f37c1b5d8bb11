from __future__ import annotations

from datetime import datetime

import pytest

from bot.intake import parse


def pt(text: str, now: datetime) -> tuple[str, str] | None:
    value = parse(text, now).to_dict()["preferred_time"]
    return None if value is None else (value["start"], value["end"])


def iso(day: str, hour: str) -> str:
    return f"2026-11-{day}T{hour}:00+08:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("水管漏了 明天上午来修吧", (iso("21", "08:00"), iso("21", "12:00"))),
        ("周六下午3点家里有人", (iso("21", "15:00"), iso("21", "16:00"))),
        ("下周一能来看看吗", (iso("23", "00:00"), iso("24", "00:00"))),
        ("后天晚上在家", (iso("22", "18:00"), iso("22", "22:00"))),
        ("周日上午家里有人", (iso("22", "08:00"), iso("22", "12:00"))),
        ("今天下午两点到四点在家", (iso("20", "14:00"), iso("20", "16:00"))),
        ("明天下午2-4点可以来", (iso("21", "14:00"), iso("21", "16:00"))),
        ("今晚八点有人", (iso("20", "20:00"), iso("20", "21:00"))),
        ("明早能来吗", (iso("21", "06:00"), iso("21", "09:00"))),
        ("周末都在家", (iso("21", "00:00"), iso("23", "00:00"))),
        ("下午3点来吧", (iso("20", "15:00"), iso("20", "16:00"))),
        ("明天上午十点半来修", (iso("21", "10:30"), iso("21", "11:30"))),
        ("明天上午不在家，下午来", (iso("21", "12:00"), iso("21", "18:00"))),
        ("25号上午可以来", (iso("25", "08:00"), iso("25", "12:00"))),
        ("门锁坏了，明天中午得唔得", (iso("21", "11:00"), iso("21", "13:00"))),  # Cantonese
        ("热水炉着不到火，聽晚得唔得？", (iso("21", "18:00"), iso("21", "22:00"))),
        ("门锁坏了 今日下晝三點到五點有冇師傅", (iso("20", "15:00"), iso("20", "17:00"))),
        # northern and Wu day words; a repair asked for by its verb; a phone beside the time
        ("插座发烫 明个找人看看", (iso("21", "00:00"), iso("22", "00:00"))),
        ("明朝下半天有人陪伊去菜场伐", (iso("21", "12:00"), iso("21", "18:00"))),
        ("阳台灯座接触不好 礼拜一上午修一下", (iso("23", "08:00"), iso("23", "12:00"))),
        (
            "水龙头拧不紧 明天上午十点 电话幺三八四五零二六六幺九",
            (iso("21", "10:00"), iso("21", "11:00")),
        ),
        ("这周六下午有没有志愿者能扶他下楼转转", (iso("21", "12:00"), iso("21", "18:00"))),
    ],
)
def test_appointments(text: str, expected: tuple[str, str], friday: datetime) -> None:
    assert pt(text, friday) == expected


@pytest.mark.parametrize(
    "text",
    [
        "楼上装修吵到晚上十点",
        "昨晚开始漏水",
        "每天早上六点就开始装修",
        "下午四点半的课堂明天有吗，孩子想去",
        "尽快来",
        "马上来人",
        "声音小一点",
        "五号楼楼下有积水",
        "明天不用来了",
        "修水管的人明天几点来",
        "晚上路灯不亮很危险",
        "早上好",
        "每周二周五帮她买菜",
        "说明个情况 上周修好了",
        # a report's date and clock time tell when something happened, not a visit
        "夜班记录：11月12日23:25闯入的流浪犬已捕获，伤者已去医院，请社区提醒住户",
    ],
)
def test_not_appointments(text: str, friday: datetime) -> None:
    assert pt(text, friday) is None


def test_naive_now_is_shanghai() -> None:
    assert pt("明天上午来", datetime(2026, 11, 20, 10, 0)) == (
        iso("21", "08:00"),
        iso("21", "12:00"),
    )


def test_part_of_day_already_over_means_tomorrow() -> None:
    evening = datetime.fromisoformat("2026-11-20T20:00:00+08:00")
    assert pt("上午来吧", evening) == (iso("21", "08:00"), iso("21", "12:00"))


def test_two_neighbouring_hours_are_a_range(friday: datetime) -> None:
    result = parse("明天下午两三点有空，来修一下空调", friday).preferred_time
    assert result is not None
    assert (result.start, result.end) == ("2026-11-21T14:00:00+08:00", "2026-11-21T15:00:00+08:00")
    morning = parse("明天上午九十点来吧", friday).preferred_time
    assert morning is not None
    assert (morning.start, morning.end) == (
        "2026-11-21T09:00:00+08:00",
        "2026-11-21T10:00:00+08:00",
    )


def test_the_time_of_the_problem_is_not_an_appointment(friday: datetime) -> None:
    assert parse("每天晚上十点楼上就开始吵", friday).preferred_time is None
    assert parse("昨晚开始就没水了", friday).preferred_time is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the time after a request, then the address: a tail of fields
        (
            "俺一个人住 腿脚不好下不去楼 能不能帮着买点菜 明天上午十点 家属院6号楼1门102",
            (iso("21", "10:00"), iso("21", "11:00")),
        ),
        # a bare time right after a request, no day named
        (
            "俺们老两口不会使智能手机 挂号老挂不上 能找个人教教不 下午三点",
            (iso("20", "15:00"), iso("20", "16:00")),
        ),
        (
            "楼上小孩老往楼下扔东西 今天扔了个玩具车下来 明天上午你们上去说说",
            (iso("21", "08:00"), iso("21", "12:00")),
        ),
    ],
)
def test_a_time_given_after_the_request(
    friday: datetime, text: str, expected: tuple[str, str]
) -> None:
    assert pt(text, friday) == expected


def test_a_bare_time_after_a_complaint_is_not_an_appointment(friday: datetime) -> None:
    assert pt("孩子学校放学早 三点半 四点半课堂能不能提前开门", friday) is None
    assert pt("半夜有人砸门 是楼上喝多了走错门了 明天跟他家说说", friday) is None
