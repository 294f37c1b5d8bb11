from __future__ import annotations

import pytest

from bot.intake import parse


def phones(text: str) -> list[str]:
    result = parse(text).to_dict()["phones"]
    assert isinstance(result, list)
    return result


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话 13800000000", ["13800000000"]),
        ("电话 139 0712 3456", ["13907123456"]),
        ("138-0000-0000", ["13800000000"]),
        ("手机１３８００００００００", ["13800000000"]),
        ("电话 1 3 9 7 1 4 5 2 8 6 6", ["13971452866"]),
        ("电话幺三八零零零零零零零零", ["13800000000"]),
        ("我的号码是一三九零七一二三四五六 打一下", ["13907123456"]),
        ("幺八六 幺二三四 五六七八", ["18612345678"]),
        ("电话是幺三八洞洞洞洞洞洞洞洞", ["13800000000"]),
        ("+86 138 0000 0000", ["13800000000"]),
        ("座机 0571-88886666", ["057188886666"]),
        ("打 010-12345678 找我", ["01012345678"]),
        ("座机 8888 6666", ["88886666"]),
        ("13800000000一直没人接", ["13800000000"]),
        ("电话13800000000 或者 139 0712 3456", ["13800000000", "13907123456"]),
        ("3栋2单元501 13800000000", ["13800000000"]),
    ],
)
def test_phone_forms(text: str, expected: list[str]) -> None:
    assert phones(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "着火了已经打了119",
        "报警打110了",
        "打12345投诉",
        "3栋2单元501",
        "5-2-1101 漏水",
        "1502的马桶",
        "订单号A13800000000",
        "2026-11-20 的事",
        "身份证号420106199001011234",
    ],
)
def test_not_phones(text: str) -> None:
    assert phones(text) == []


@pytest.mark.parametrize(
    ("text", "phones"),
    [
        # a Hong Kong number is not a local 8526123 (found in w57's held-out fold)
        ("租客唔交租 我喺香港 電話 852-6123-4567", []),
        ("电话 87654321 3栋", ["87654321"]),
        ("电话 6543-2100 谢谢", ["65432100"]),
    ],
)
def test_a_local_number_is_not_cut_out_of_a_longer_one(text: str, phones: list[str]) -> None:
    assert list(parse(text).phones) == phones
