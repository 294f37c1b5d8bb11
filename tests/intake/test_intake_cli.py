from __future__ import annotations

import io
import json
from datetime import datetime

from bot.intake.cli import run_parse
from bot.intake.timeparse import TZ

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


def run(lines: list[str]) -> tuple[int, list[dict[str, object]], str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_parse(lines, out, err, NOW)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    return code, rows, err.getvalue()


def test_order_preserved_and_one_line_per_input() -> None:
    lines = [
        json.dumps({"id": f"m{i}", "text": text}, ensure_ascii=False) + "\n"
        for i, text in enumerate(["您好", "3栋2单元501漏水", "查询", "取消 #1024", "帮助"])
    ]
    code, rows, _ = run(lines)
    assert code == 0
    assert [row["id"] for row in rows] == ["m0", "m1", "m2", "m3", "m4"]
    assert [row["intent"] for row in rows] == ["chat", "order", "status", "cancel", "help"]


def test_output_contract_and_now() -> None:
    line = json.dumps(
        {
            "id": "a",
            "text": "3栋2单元501厨房水管漏水了 明天上午家里有人",
            "now": "2026-11-20T10:00:00+08:00",
        },
        ensure_ascii=False,
    )
    _, rows, _ = run([line])
    assert rows == [
        {
            "id": "a",
            "intent": "order",
            "category": "repair",
            "urgent": False,
            "address": {"building": "3", "unit": "2", "room": "501"},
            "phones": [],
            "preferred_time": {
                "start": "2026-11-21T08:00:00+08:00",
                "end": "2026-11-21T12:00:00+08:00",
            },
            "summary": "厨房水管漏水",
            "hazard": None,
            "danger": None,
            "chat_kind": None,
        }
    ]
    assert list(rows[0])[:9] == [
        "id",
        "intent",
        "category",
        "urgent",
        "address",
        "phones",
        "preferred_time",
        "summary",
        "hazard",
    ]


def test_default_now_used_when_line_has_none() -> None:
    _, rows, _ = run([json.dumps({"id": 1, "text": "明天上午来修"}, ensure_ascii=False)])
    assert rows[0]["preferred_time"] == {
        "start": "2026-11-21T08:00:00+08:00",
        "end": "2026-11-21T12:00:00+08:00",
    }


def test_bad_lines_reported_and_run_continues() -> None:
    lines = [
        '{"id": "ok1", "text": "您好"}',
        "{not json",
        '{"id": "n", "text": 5}',
        '{"id": "t", "text": "hi", "now": "yesterday"}',
        '{"id": "m"}',
        "[1, 2]",
        '{"id": "ok2", "text": "谢谢"}',
    ]
    code, rows, err = run(lines)
    assert code == 0
    assert len(rows) == 7
    assert rows[0]["id"] == "ok1" and "intent" in rows[0]
    assert rows[1] == {"id": None, "error": rows[1]["error"]} and "JSON" in str(rows[1]["error"])
    assert rows[2]["id"] == "n" and "text" in str(rows[2]["error"])
    assert rows[3]["id"] == "t" and "ISO-8601" in str(rows[3]["error"])
    assert rows[4]["id"] == "m" and "text" in str(rows[4]["error"])
    assert "error" in rows[5]
    assert rows[6]["id"] == "ok2" and rows[6]["intent"] == "chat"
    assert err.count("line ") == 5


def test_plain_text_lines_and_blank_lines() -> None:
    _, rows, _ = run(
        ["我妈82了一个人住，能不能帮忙买点菜\n", "\n", "   \n", "[报修] 8栋502 灯坏了\n"]
    )
    assert len(rows) == 2
    assert rows[0]["id"] is None and rows[0]["category"] == "elderly"
    assert rows[1]["address"] == {"building": "8", "unit": None, "room": "502"}


def test_output_is_not_ascii_escaped() -> None:
    out, err = io.StringIO(), io.StringIO()
    run_parse(["水管漏水"], out, err, NOW)
    assert "\\u" not in out.getvalue()


def test_a_bom_and_a_now_out_of_range_keep_the_line_and_its_id() -> None:
    """Found from outside: a UTF-8 BOM turned the first JSON line into plain text, and a
    now of 9999-12-31 lost the id behind an "internal error"."""
    lines = [
        '\ufeff{"id": "bom", "text": "楼道灯坏了"}\n',
        '{"id": "far", "text": "明天来修", "now": "9999-12-31T20:00:00+08:00"}\n',
    ]
    _, out, _ = run(lines)
    assert out[0]["id"] == "bom" and out[0]["category"] == "repair"
    assert out[1]["id"] == "far" and "out of range" in str(out[1]["error"])


def test_times_are_resolved_in_the_zone_given_whatever_the_offset_written() -> None:
    from zoneinfo import ZoneInfo

    out, err = io.StringIO(), io.StringIO()
    line = '{"id": 1, "text": "明天上午来修", "now": "2026-11-20T15:30:00Z"}'
    naive = '{"id": 2, "text": "明天上午来修", "now": "2026-11-20T23:30:00"}'
    run_parse([line, naive], out, err, None, zone=ZoneInfo("Asia/Tokyo"))
    got = [json.loads(row)["preferred_time"] for row in out.getvalue().splitlines()]
    assert got[0]["start"] == "2026-11-22T08:00:00+09:00"
    assert got[1]["start"] == "2026-11-21T08:00:00+09:00"  # a naive time is local


def test_an_infinite_id_or_unreadable_nesting_is_a_line_error_in_valid_json() -> None:
    deep = '{"id": 1, "text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    lines = ['{"id": 1e999, "text": "水管漏水"}', deep, '{"id": 2, "text": "谢谢"}']
    out, err = io.StringIO(), io.StringIO()
    run_parse(lines, out, err, NOW)
    written = out.getvalue()
    assert "Infinity" not in written and "internal error" not in written
    rows = [json.loads(line) for line in written.splitlines()]
    assert ["error" in row for row in rows] == [True, True, False]
