"""``mulin broadcast`` and ``mulin residents import`` end to end on a real database."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from bot.broadcasts import run_broadcast, run_residents_import
from bot.broadcasts.cli import example_rules
from bot.clock import FakeClock
from models.outbox import OutboxMessage
from tests.broadcasts.support import local, new_db, outbox
from tests.support import make_config

RULES = """\
rules:
  - name: 居民议事会提醒
    schedule: {day: 1st tue, hour: 19, minute: 30}
    audience: community
    text: 本月居民议事会{date}（{weekday}）晚上{time}召开，欢迎参加。
    template_fields: {thing1: 居民议事会, time2: "{date} {time}"}
  - name: 敬老卡提醒
    kind: eligibility
    condition: {turns_age: 65}
    schedule: {hour: 9}
    audience: community
    text: 您好！您今年满{age}周岁了，可以申请老年人免费乘车卡（敬老卡）。
"""

RESIDENTS_CSV = """\
openid,building,unit,room,birth_date,tags
oA,3,2,501,1961-09-01,独居;低保
oB,4,1,101,1970-01-02,
"""


def cli(db_url: str, *args: str, now: tuple[int, ...] = (2026, 8, 20, 10)) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_broadcast(list(args), make_config(db_url), out, err, clock=FakeClock(local(*now)))
    return code, out.getvalue(), err.getvalue()


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_add_list_show_preview_run_disable(db_url: str, tmp_path: Path) -> None:
    people = tmp_path / "residents.csv"
    people.write_text(RESIDENTS_CSV, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run_residents_import(str(people), make_config(db_url), out, err) == 0, err.getvalue()
    assert out.getvalue().strip() == "residents: 2 added, 0 updated"

    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    code, out_text, err_text = cli(db_url, "add", str(rules))
    assert code == 0, err_text
    assert out_text.splitlines() == [
        "added rule 1: 居民议事会提醒 (next run 2026-09-01 19:30 Tue)",
        "added rule 2: 敬老卡提醒 (next run 2026-08-21 09:00 Fri)",
    ]

    code, out_text, _ = cli(db_url, "list")
    assert code == 0
    assert "2026-09-01 19:30 Tue" in out_text and "居民议事会提醒" in out_text
    assert "eligibility" in out_text

    code, out_text, _ = cli(db_url, "show", "1")
    assert code == 0
    runs = out_text.split("next runs (Asia/Shanghai):\n")[1].split("  last occurrences:")[0]
    assert [line.strip() for line in runs.splitlines()] == [
        "2026-09-01 19:30 Tue",
        "2026-10-06 19:30 Tue",
        "2026-11-03 19:30 Tue",
        "2026-12-01 19:30 Tue",
        "2027-01-05 19:30 Tue",
    ]
    assert "none yet" in out_text

    code, out_text, _ = cli(db_url, "preview", "1")
    assert code == 0
    assert out_text.splitlines()[0] == "rule 1 (居民议事会提醒) would go to 2 recipient(s) now"
    # staff check names, buildings and the words themselves; openids mean nothing to them
    lines = out_text.splitlines()
    assert "  3栋2单元501" in lines and "  4栋1单元101" in lines
    assert "  本月居民议事会9月1日（星期二）晚上19:30召开，欢迎参加。" in lines
    assert "residents by building: 3栋 1, 4栋 1" in lines
    assert "oA" not in out_text and "oB" not in out_text and "{date}" not in out_text
    code, out_text, _ = cli(db_url, "preview", "2", now=(2026, 9, 1, 8))
    assert "would go to 1 recipient(s)" in out_text and "3栋2单元501" in out_text
    assert "满65周岁" in out_text and "oA" not in out_text

    code, out_text, _ = cli(db_url, "run", "1", now=(2026, 8, 25, 10))
    assert (code, out_text.strip()) == (0, "rule 1: 2 message(s) queued")
    code, out_text, _ = cli(db_url, "run", "1", now=(2026, 8, 25, 10))
    assert "already run" in out_text
    rows = asyncio.run(_outbox(db_url))
    assert [r.dedupe_key for r in rows] == [
        "bc:1:run:2026-08-25T02:00:00Z:oA",
        "bc:1:run:2026-08-25T02:00:00Z:oB",
    ]

    code, out_text, _ = cli(db_url, "show", "1")
    assert "manual" in out_text and "2 recipient(s)" in out_text

    assert cli(db_url, "disable", "1")[1].strip() == "rule 1 disabled (next run -)"
    assert "disabled" in cli(db_url, "list")[1]
    code, out_text, _ = cli(db_url, "enable", "1", now=(2026, 9, 2, 10))
    assert out_text.strip() == "rule 1 enabled (next run 2026-10-06 19:30 Tue)"
    assert cli(db_url, "remove", "2")[0] == 0
    assert "敬老卡提醒" not in cli(db_url, "list")[1]
    assert "removed" in cli(db_url, "list", "--all")[1]
    code, _, err_text = cli(db_url, "show", "2")
    assert (code, one_line(err_text)) == (2, "mulin: no broadcast rule 2")


async def _outbox(db_url: str) -> list[OutboxMessage]:
    database = new_db(db_url)
    try:
        return await outbox(database.sessions())
    finally:
        await database.close()


BAD_RULES = """\
rules:
  - name: 好的规则
    schedule: {day_of_week: sat, hour: 9}
    audience: community
    text: 周末好！
  - name: 周二
    schedule: {day_of_week: 2, hour: 19}
    audience: community
    text: 您好
  - name: 错的
    schedule: {day: 1st tues, hour: 19}
    audience: street:1
    text: "  "
  - name: 角色
    schedule: {day_of_week: mon, hour: 9}
    audience: role:boss
    text: 您好{name}
"""


def test_add_reports_every_problem_and_adds_nothing(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_RULES, encoding="utf-8")
    code, out_text, err_text = cli(db_url, "add", str(path))
    assert code == 2 and out_text == ""
    lines = err_text.strip().splitlines()
    assert lines[-1] == f"mulin: 6 problem(s) in {path}; nothing was added"
    assert lines[0].startswith("rule 2 (周二): schedule.day_of_week: use day names")
    assert any(line.startswith("rule 3 (错的): schedule:") and "tues" in line for line in lines)
    assert "rule 3 (错的): audience: unknown audience 'street:1'" in err_text
    assert "rule 3 (错的): text: must not be empty" in lines
    assert any(line.startswith("rule 4 (角色): audience: unknown role 'boss'") for line in lines)
    assert "rule 4 (角色): text: unknown placeholder {name}" in err_text
    assert "no broadcast rules" in cli(db_url, "list")[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show"], "the following arguments are required: id"),
        (["show", "x"], "invalid int value"),
        (["frobnicate"], "invalid choice"),
        (["run", "99"], "mulin: no broadcast rule 99"),
        (["enable", "99"], "mulin: no broadcast rule 99"),
        (["preview", "1", "--first", "-1"], "--first must not be negative"),
        (["add", "/nonexistent/rules.yaml"], "file not found"),
        # found from outside: an id the database cannot hold was a traceback
        *(
            (
                [command, "99999999999999999999999"],
                "mulin: no broadcast rule 99999999999999999999999",
            )
            for command in ("show", "enable", "disable", "remove", "preview", "run")
        ),
        (["show", str(2**31)], f"mulin: no broadcast rule {2**31}"),  # PostgreSQL's integer
    ],
)
def test_bad_usage_is_one_line_exit_2(db_url: str, args: list[str], message: str) -> None:
    code, out_text, err_text = cli(db_url, *args)
    assert code == 2 and out_text == ""
    assert message in one_line(err_text)


def test_bad_yaml_is_one_line(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("rules: [\n  {name: x", encoding="utf-8")
    code, _, err_text = cli(db_url, "add", str(path))
    assert code == 2 and "not valid YAML" in one_line(err_text)


def test_example_rules_file_is_valid(db_url: str, tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_broadcast(["example"], make_config(db_url), out, io.StringIO()) == 0
    assert out.getvalue() == example_rules()
    path = tmp_path / "example.yaml"
    path.write_text(out.getvalue(), encoding="utf-8")
    code, out_text, err_text = cli(db_url, "add", str(path))
    assert code == 0, err_text
    assert len(out_text.splitlines()) == 3


def test_residents_import_is_an_idempotent_upsert(db_url: str, tmp_path: Path) -> None:
    config = make_config(db_url)
    csv_path = tmp_path / "r.csv"
    csv_path.write_text(RESIDENTS_CSV, encoding="utf-8")

    def run(path: Path) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = run_residents_import(str(path), config, out, err)
        return code, out.getvalue().strip(), err.getvalue().strip()

    assert run(csv_path) == (0, "residents: 2 added, 0 updated", "")
    assert run(csv_path) == (0, "residents: 0 added, 2 updated", "")
    yaml_path = tmp_path / "r.yaml"
    yaml_path.write_text(
        "residents:\n"
        "  - {openid: oA, 楼栋: '5', birth_date: 1960-02-29, tags: [独居]}\n"
        "  - {openid: oC, building: '1'}\n",
        encoding="utf-8",
    )
    assert run(yaml_path) == (0, "residents: 1 added, 1 updated", "")
    state = asyncio.run(_residents(db_url))
    assert state == {
        "oA": ("5", "2", "501", "1960-02-29", ["独居"]),  # unit/room not in the file: kept
        "oB": ("4", "1", "101", "1970-01-02", []),
        "oC": ("1", None, None, None, []),
    }
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("openid,楼栋,出生日期\noD,2,1961/3/4\n".encode("gb18030"))
    assert run(gbk)[0] == 0
    assert asyncio.run(_residents(db_url))["oD"] == ("2", None, None, "1961-03-04", [])
    bad = tmp_path / "bad.csv"
    bad.write_text("openid,birth_date,colour\n,1961-13-01,red\noA,1961-01-01,\n", encoding="utf-8")
    code, out_text, err_text = run(bad)
    assert code == 2 and out_text == ""
    assert err_text.splitlines() == [
        "row 2: colour: unknown column (allowed: openid, building, unit, room, birth_date, tags, name)",
        "row 2: birth_date: expected a date like 1960-02-29, got '1961-13-01'",
        "row 2: openid: required",
        "row 3: colour: unknown column (allowed: openid, building, unit, room, birth_date, tags, name)",
        f"mulin: 4 problem(s) in {bad}; nothing was imported",
    ]
    assert run(tmp_path / "missing.csv")[0] == 2


async def _residents(db_url: str) -> dict[str, tuple[object, ...]]:
    from sqlalchemy import select

    from models.community import Resident

    database = new_db(db_url)
    try:
        async with database.sessions()() as s:
            rows = (await s.execute(select(Resident))).scalars()
            return {
                r.openid: (
                    r.building,
                    r.unit,
                    r.room,
                    r.birth_date.isoformat() if r.birth_date else None,
                    r.tags,
                )
                for r in rows
            }
    finally:
        await database.close()
