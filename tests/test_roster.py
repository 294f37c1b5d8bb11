"""Roster import/export: formats, validation, idempotent apply, invite codes, CLI functions."""

from __future__ import annotations

import asyncio
import copy
import io
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.orders.dispatch import CATEGORY_NAMES, ROLE_NAMES
from bot.roster.apply import INVITE_ALPHABET, ImportSummary, import_roster
from bot.roster.cli import run_roster_export, run_roster_import
from bot.roster.export import load_roster
from bot.roster.files import (
    Roster,
    RosterFileError,
    RosterInvalid,
    dump_roster,
    parse_roster,
    read_roster,
)
from bot.storage import migrations as migrate
from bot.storage.engine import create_engine
from models.community import Building, Community, Grid, Member
from models.orders import Order
from tests.support import make_config

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)

BASE: dict[str, Any] = {
    "community": {"code": "qhj", "name": "青和居社区"},
    "grids": [
        {"code": "G01", "name": "第一网格", "buildings": ["1", "2", "3"], "leader": "m01"},
        {"code": "G02", "name": "第二网格", "buildings": ["4"]},
    ],
    "members": [
        {
            "id": "m01",
            "name": "张美丽",
            "phone": "13800000001",
            "roles": ["grid_leader"],
            "grids": ["G01"],
        },
        {
            "id": "m02",
            "name": "李建国",
            "phone": "13800000002",
            "roles": ["representative"],
            "households": ["1-1-101", "1-1-102", "1-2-*"],
        },
        {"id": "m03", "name": "王芳", "roles": ["staff"], "categories": ["paperwork"]},
        {
            "id": "m04",
            "name": "赵敏",
            "phone": "027-87654321",
            "roles": ["building_leader"],
            "buildings": ["4"],
            "openid": "o_zhaomin",
            "on_duty": False,
        },
    ],
}


def base() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


CSV_TEXT = """kind,id,name,phone,roles,grids,buildings,households,categories,leader,openid,on_duty
community,qhj,青和居社区,,,,,,,,,
grid,G01,第一网格,,,,1、2、3,,,m01,,
grid,G02,第二网格,,,,4,,,,,
member,m01,张美丽,13800000001,grid_leader,G01,,,,,,
member,m02,李建国,13800000002,representative,,,"1-1-101, 1-1-102; 1-2-*",,,,
# a comment row,,,,,,,,,,,
member,m03,王芳,,staff,,,,paperwork,,,
member,m04,赵敏,027-87654321,building_leader,,4,,,,o_zhaomin,no
"""


def write_xlsx(path: Path) -> Path:
    """The same roster as a spreadsheet that typed numbers as numbers, as Excel does."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["类型", "编号", "姓名", "电话", "角色", "网格", "楼栋", "住户", "类别", "网格长"])
    sheet.append(["社区", "qhj", "青和居社区"])
    sheet.append(["网格", "G01", "第一网格", None, None, None, "1;2;3", None, None, "m01"])
    sheet.append(["网格", "G02", "第二网格", None, None, None, 4.0])
    sheet.append([])
    sheet.append(["成员", "m01", "张美丽", 13800000001.0, "网格长", "G01"])
    sheet.append(
        ["成员", "m02", "李建国", 13800000002, "居民代表", None, None, "1-1-101、1-1-102、1-2-*"]
    )
    sheet.append(["成员", "m03", "王芳", None, "社区干事", None, None, None, "代办"])
    sheet.append(["成员", "m04", "赵敏", "027-87654321", "楼栋长", None, 4])
    sheet.cell(row=9, column=11, value="o_zhaomin")
    sheet.cell(row=9, column=12, value=False)
    sheet.cell(row=1, column=11, value="openid")
    sheet.cell(row=1, column=12, value="在岗")
    book.save(path)
    return path


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(db_url)
    await migrate.upgrade(eng)
    yield eng
    await eng.dispose()


async def snapshot(engine: AsyncEngine) -> dict[str, Any]:
    """Everything the roster writes, timestamps and invite codes included."""
    async with AsyncSession(engine) as s:
        communities = [(c.id, c.code, c.name) for c in (await s.scalars(select(Community)))]
        grids = {
            g.code: (g.id, g.name, g.leader_key, g.active) for g in await s.scalars(select(Grid))
        }
        buildings = {b.number: (b.id, b.grid_id) for b in await s.scalars(select(Building))}
        members = {
            m.key: {c.key: getattr(m, c.key) for c in Member.__table__.columns}
            for m in await s.scalars(select(Member))
        }
    return {"c": communities, "g": grids, "b": buildings, "m": members}


async def apply(engine: AsyncEngine, data: dict[str, Any], now: datetime = T0) -> ImportSummary:
    roster = parse_roster(yaml.safe_dump(data, allow_unicode=True).encode(), "yaml")
    return await import_roster(engine, roster, now)


# --- reading the three formats ---------------------------------------------------------------


def test_three_formats_read_the_same_roster(tmp_path: Path) -> None:
    from_yaml = read_roster(write_yaml(tmp_path / "r.yaml", base()))
    (tmp_path / "r.csv").write_text(CSV_TEXT, encoding="utf-8")
    from_csv = read_roster(tmp_path / "r.csv")
    from_xlsx = read_roster(write_xlsx(tmp_path / "r.xlsx"))
    assert from_yaml == from_csv == from_xlsx
    m02 = from_xlsx.members[1]
    assert m02.phone == "13800000002"
    assert m02.households == ("1-1-101", "1-1-102", "1-2-*")
    assert from_xlsx.grids[1].buildings == ("4",)
    assert from_xlsx.members[3].on_duty is False


def test_csv_saved_by_chinese_excel_is_read(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(CSV_TEXT.encode("gb18030"))
    assert read_roster(path).name == "青和居社区"
    path.write_bytes(b"\xef\xbb\xbf" + CSV_TEXT.encode("utf-8"))
    assert read_roster(path).members[0].key == "m01"


def test_csv_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(CSV_TEXT.replace("grid_leader,G01", "captain,G09"), encoding="utf-8")
    with pytest.raises(RosterInvalid) as info:
        read_roster(path)
    assert "line 5 (m01), roles: unknown role 'captain'" in "\n".join(info.value.errors)
    assert "line 5 (m01), grids: unknown grid 'G09'" in info.value.errors


def test_xlsx_date_cells_and_row_numbers(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet.cell(row=7, column=8, value=datetime(2001, 1, 2))  # Excel's take on "1-2"
    sheet.cell(row=8, column=4, value=1380000.0)
    book.save(path)
    with pytest.raises(RosterInvalid) as info:
        read_roster(path)
    errors = "\n".join(info.value.errors)
    assert "row 7, households: the spreadsheet turned this cell into a date" in errors
    assert "row 8 (m03), phone: '1380000' is not an 11-digit mobile" in errors


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("missing.yaml", None, "file not found"),
        ("r.txt", b"x", "must end in .yaml, .yml, .csv or .xlsx"),
        ("r.xls", b"x", "save the spreadsheet as .xlsx"),
        ("r.yaml", b"community: [unclosed", "not valid YAML at line 1"),
        ("r.yaml", b"- just a list", "expected a mapping"),
        ("r.xlsx", b"PK\x03\x04 broken", "not a readable XLSX workbook"),
        ("r.csv", b"", "empty file"),
        ("r.csv", b"id,name\nm01,x\n", "'kind'"),
    ],
)
def test_unreadable_files_are_one_line(
    tmp_path: Path, name: str, content: bytes | None, needle: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(RosterFileError) as info:
        read_roster(path)
    assert needle in str(info.value)
    assert "\n" not in str(info.value)


# --- validation ----------------------------------------------------------------------------------


def _member(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(m for m in data["members"] if m["id"] == key)


def _add_member(**fields: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["members"].append({"name": "新人", "roles": ["volunteer"], **fields})


INVALID: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "unknown role",
        lambda d: _member(d, "m01").update(roles=["captain"]),
        "members[0] (m01), roles: unknown role 'captain'",
    ),
    (
        "unknown category",
        lambda d: _member(d, "m03").update(categories=["taxes"]),
        "members[2] (m03), categories: unknown category 'taxes'",
    ),
    (
        "unknown grid",
        lambda d: _member(d, "m01").update(grids=["G09"]),
        "members[0] (m01), grids: unknown grid 'G09'",
    ),
    (
        "grid leader not a member",
        lambda d: d["grids"][1].update(leader="m99"),
        "grids[1] (G02), leader: m99 is not a member in this roster",
    ),
    (
        "building in two grids",
        lambda d: d["grids"][1]["buildings"].append("3"),
        "grids[1] (G02), buildings: building 3 is also in grid G01",
    ),
    (
        "household in no grid",
        lambda d: _member(d, "m02")["households"].append("9-1-101"),
        "members[1] (m02), households: 9-1-101: building 9 is in no grid",
    ),
    (
        "building in no grid",
        lambda d: _member(d, "m04").update(buildings=["7"]),
        "members[3] (m04), buildings: building 7 is in no grid",
    ),
    (
        "duplicate member id",
        _add_member(id="m02"),
        "members[4] (m02), id: m02 is also used at members[1] (m02)",
    ),
    (
        "duplicate openid",
        _add_member(id="m05", openid="o_zhaomin"),
        "members[4] (m05), openid: o_zhaomin is also given at members[3] (m04)",
    ),
    (
        "household claimed twice",
        _add_member(id="m05", roles=["representative"], households=["1-2"]),
        "members[4] (m05), households: 1-2-* is also claimed by m02 (members[1] (m02))",
    ),
    (
        "malformed household",
        lambda d: _member(d, "m02")["households"].append("*-1-101"),
        "members[1] (m02), households: '*-1-101' is not building-unit-room",
    ),
    ("missing name", _add_member(id="m05", name=None), "members[4] (m05), name: missing"),
    (
        "bad phone",
        lambda d: _member(d, "m01").update(phone="1380000"),
        "members[0] (m01), phone: '1380000' is not an 11-digit mobile number or a landline",
    ),
    (
        "unknown field",
        lambda d: _member(d, "m01").update(phon="13800000001"),
        "members[0] (m01), phon: not a field of a member",
    ),
    ("missing community", lambda d: d.pop("community"), "community: missing"),
    ("missing roles", _add_member(id="m05", roles=[]), "members[4] (m05), roles: missing"),
]


@pytest.mark.parametrize(("case", "change", "needle"), INVALID, ids=[c[0] for c in INVALID])
def test_each_validation_error_names_row_and_field(
    case: str, change: Callable[[dict[str, Any]], None], needle: str
) -> None:
    data = base()
    change(data)
    with pytest.raises(RosterInvalid) as info:
        parse_roster(yaml.safe_dump(data, allow_unicode=True).encode(), "yaml")
    assert any(needle in line for line in info.value.errors), info.value.errors


def test_every_error_is_reported_at_once() -> None:
    data = base()
    for _, change, _ in INVALID[:6]:
        change(data)
    with pytest.raises(RosterInvalid) as info:
        parse_roster(yaml.safe_dump(data, allow_unicode=True).encode(), "yaml")
    assert len(info.value.errors) >= 6


def test_narrower_household_inside_a_wildcard_is_allowed() -> None:
    data = base()
    _add_member(id="m05", roles=["representative"], households=["1-2-501"])(data)
    roster = parse_roster(yaml.safe_dump(data, allow_unicode=True).encode(), "yaml")
    assert roster.members[-1].households == ("1-2-501",)


def test_values_are_normalised() -> None:
    data = base()
    data["grids"][0]["buildings"] = [1, "2栋", 3.0]
    _member(data, "m01").update(phone="+86 138 0000 0001", roles="网格长")
    _member(data, "m02")["households"] = ["1-1-101", "1-1-101", "1-2"]
    roster = parse_roster(yaml.safe_dump(data, allow_unicode=True).encode(), "yaml")
    assert roster.grids[0].buildings == ("1", "2", "3")
    assert roster.members[0].phone == "13800000001"
    assert roster.members[0].roles == ("grid_leader",)
    assert roster.members[1].households == ("1-1-101", "1-2-*")


# --- applying to the database --------------------------------------------------------------------


async def test_three_formats_give_identical_state(engine: AsyncEngine, tmp_path: Path) -> None:
    first = await import_roster(engine, read_roster(write_yaml(tmp_path / "r.yaml", base())), T0)
    assert sorted(first.created) == ["m01", "m02", "m03", "m04"]
    state = await snapshot(engine)
    (tmp_path / "r.csv").write_text(CSV_TEXT, encoding="utf-8")
    for path in (tmp_path / "r.csv", write_xlsx(tmp_path / "r.xlsx")):
        summary = await import_roster(engine, read_roster(path), T1)
        assert not summary.changed, path
        assert await snapshot(engine) == state


async def test_reimport_changes_nothing(engine: AsyncEngine) -> None:
    await apply(engine, base(), T0)
    state = await snapshot(engine)
    again = await apply(engine, base(), T1)
    assert await snapshot(engine) == state
    assert not again.changed
    assert sorted(again.unchanged) == ["m01", "m02", "m03", "m04"]
    assert [i.key for i in again.invites] == ["m01", "m02", "m03"]
    assert not any(i.new for i in again.invites)


async def test_imported_values(engine: AsyncEngine) -> None:
    await apply(engine, base(), T0)
    state = await snapshot(engine)
    m04 = state["m"]["m04"]
    assert (m04["openid"], m04["invite_code"], m04["on_duty"]) == ("o_zhaomin", None, False)
    assert m04["created_at"] == T0 and m04["updated_at"] == T0
    assert state["m"]["m02"]["households"] == ["1-1-101", "1-1-102", "1-2-*"]
    assert state["g"]["G01"][1:] == ("第一网格", "m01", True)
    g01 = state["g"]["G01"][0]
    assert {n for n, (_, gid) in state["b"].items() if gid == g01} == {"1", "2", "3"}


async def test_changed_file_updates_in_place(engine: AsyncEngine) -> None:
    await apply(engine, base(), T0)
    before = await snapshot(engine)
    data = base()
    _member(data, "m02").update(phone="13900000002")
    data["grids"][1].update(name="二网格", buildings=["4", "5"])
    data["community"]["name"] = "青和居"
    _add_member(id="m05", roles=["volunteer"])(data)
    summary = await apply(engine, data, T1)
    after = await snapshot(engine)
    assert summary.created == ["m05"] and summary.updated == ["m02"]
    assert summary.grids_changed == 1 and summary.renamed
    assert after["m"]["m02"]["id"] == before["m"]["m02"]["id"]
    assert after["m"]["m02"]["phone"] == "13900000002"
    assert after["m"]["m02"]["updated_at"] == T1
    assert after["m"]["m02"]["invite_code"] == before["m"]["m02"]["invite_code"]
    assert after["m"]["m01"] == before["m"]["m01"]
    assert after["g"]["G02"][1] == "二网格" and after["c"][0][2] == "青和居"
    assert after["b"]["5"][1] == after["g"]["G02"][0]


async def test_removed_member_is_deactivated_and_keeps_history(engine: AsyncEngine) -> None:
    await apply(engine, base(), T0)
    before = await snapshot(engine)
    async with AsyncSession(engine) as s, s.begin():
        s.add(_order(before["m"]["m02"]["id"]))
    data = base()
    data["members"] = [m for m in data["members"] if m["id"] != "m02"]
    data["grids"] = data["grids"][:1]
    _member(data, "m04")["buildings"] = ["3"]
    summary = await apply(engine, data, T1)
    assert summary.deactivated == ["m02"] and summary.grids_changed == 1
    after = await snapshot(engine)
    m02 = after["m"]["m02"]
    assert (m02["active"], m02["id"], m02["updated_at"]) == (False, before["m"]["m02"]["id"], T1)
    assert after["g"]["G02"][3] is False and after["b"]["4"][1] is None
    async with AsyncSession(engine) as s:
        order = (await s.scalars(select(Order))).one()
        assert order.assignee_id == m02["id"]
    back = await apply(engine, base(), T1 + timedelta(hours=1))
    assert back.reactivated == ["m02"]
    final = await snapshot(engine)
    assert final["m"]["m02"]["active"] is True
    assert final["m"]["m02"]["invite_code"] == before["m"]["m02"]["invite_code"]
    assert final["g"]["G02"][3] is True


def _order(member_id: int) -> Order:
    return Order(
        resident_openid="o_resident",
        category="repair",
        text="水管漏水",
        summary="水管漏水",
        status="accepted",
        assignee_id=member_id,
        created_at=T0,
        updated_at=T0,
    )


async def test_openid_and_on_duty_kept_when_file_is_silent(engine: AsyncEngine) -> None:
    await apply(engine, base(), T0)
    async with AsyncSession(engine) as s, s.begin():
        m01 = (await s.scalars(select(Member).where(Member.key == "m01"))).one()
        m01.openid, m01.on_duty = "o_bound_by_code", False
    state = await snapshot(engine)
    summary = await apply(engine, base(), T1)
    assert not summary.changed and await snapshot(engine) == state
    assert "m01" not in [i.key for i in summary.invites]


async def test_openid_moves_between_members(engine: AsyncEngine) -> None:
    await apply(engine, base(), T0)
    data = base()
    _member(data, "m04").pop("openid")
    _member(data, "m03")["openid"] = "o_zhaomin"
    summary = await apply(engine, data, T1)
    state = await snapshot(engine)
    assert state["m"]["m03"]["openid"] == "o_zhaomin"
    assert state["m"]["m04"]["openid"] is None
    assert sorted(summary.updated) == ["m03", "m04"]
    assert "m04" in [i.key for i in summary.invites if i.new]


async def test_conflict_with_database_rolls_everything_back(engine: AsyncEngine) -> None:
    other = {
        "community": {"code": "other", "name": "别的社区"},
        "members": [{"id": "x04", "name": "别人", "roles": ["staff"], "openid": "o_other"}],
    }
    await apply(engine, other, T0)
    await apply(engine, base(), T0)
    before = await snapshot(engine)
    data = base()
    data["grids"][1]["name"] = "changed first"
    _add_member(id="m05")(data)
    _member(data, "m01")["openid"] = "o_other"
    with pytest.raises(RosterInvalid) as info:
        await apply(engine, data, T1)
    assert info.value.errors == [
        "members[0] (m01), openid: already belongs to member x04 of community other"
    ]
    assert await snapshot(engine) == before


async def test_invite_codes_unique_and_stable(engine: AsyncEngine) -> None:
    data = base()
    for i in range(5, 65):
        _add_member(id=f"v{i:02d}", name=f"志愿者{i}")(data)
    first = await apply(engine, data, T0)
    codes = {i.key: i.code for i in first.invites}
    assert len(codes) == 63 and len(set(codes.values())) == 63
    assert all(len(c) == 6 and set(c) <= set(INVITE_ALPHABET) for c in codes.values())
    assert "m04" not in codes  # has an openid
    second = await apply(engine, data, T1)
    assert {i.key: i.code for i in second.invites} == codes
    assert not any(i.new for i in second.invites)


async def test_demo_roster_validates_and_imports(engine: AsyncEngine) -> None:
    from bot.roster.apply import import_rosters
    from bot.roster.files.street import read_rosters

    qhj, dt, office = read_rosters(ROOT / "bot" / "sandbox" / "demo_roster.yaml")
    assert (qhj.code, dt.code, office.kind) == ("qhj", "dt", "street")
    assert qhj.street == ("dh", "东湖街道") and len(qhj.grids) == 2
    assert sorted(qhj.grid_of_building()) == [f"QHJ:{n}" for n in "123456"]
    assert sorted(dt.grid_of_building()) == ["DT:3", "DT:4"]  # the same numbers as 青和居's
    roles = [r for m in qhj.members for r in m.roles]
    assert roles.count("representative") == 3 and roles.count("grid_leader") == 2
    everyone = [m for r in (qhj, dt, office) for m in r.members]
    assert all(m.openid == f"o_member_{m.openid[9:]}" for m in everyone if m.openid)
    wu = next(m for m in qhj.members if m.name == "吴建华")
    assert wu.openid == "o_member_wujianhua" and "QHJ:1-2-*" in wu.households
    summaries = await import_rosters(engine, [qhj, dt, office], T0)
    assert [len(s.created) for s in summaries] == [8, 2, 1]
    assert all(s.invites == [] for s in summaries)


# --- export ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "csv", "xlsx"])
async def test_export_round_trip(engine: AsyncEngine, tmp_path: Path, fmt: str) -> None:
    data = base()
    _add_member(id="m05")(data)
    await apply(engine, data, T0)
    await apply(engine, base(), T0)  # m05 deactivated: not exported
    state = await snapshot(engine)
    async with AsyncSession(engine) as s:
        exported = await load_roster(s)
    assert [m.key for m in exported.members] == ["m01", "m02", "m03", "m04"]
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(dump_roster(exported, fmt))
    again = read_roster(path)
    assert again == exported
    summary = await import_roster(engine, again, T1)
    assert not summary.changed and await snapshot(engine) == state


# --- command line functions -----------------------------------------------------------------------


def _run_import(path: Path, db_url: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_roster_import(str(path), make_config(db_url), out, err)
    return code, out.getvalue(), err.getvalue()


def test_cli_import_prints_summary_and_codes(db_url: str, tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "r.yaml", base())
    code, out, err = _run_import(path, db_url)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("青和居社区 (qhj): 4 created, 0 updated")
    assert lines[2].startswith("m02 李建国 invite code: ") and len(lines) == 4
    code, out2, _ = _run_import(path, db_url)
    assert code == 0 and "0 created, 0 updated, 0 reactivated, 0 deactivated, 4 unchanged" in out2
    assert out2.splitlines()[1:] == lines[1:]


def test_cli_import_rejects_wrong_file(db_url: str, tmp_path: Path) -> None:
    assert _run_import(write_yaml(tmp_path / "r.yaml", base()), db_url)[0] == 0
    state = asyncio.run(_snapshot_url(db_url))
    data = base()
    for _, change, _ in INVALID[:-2]:
        change(data)
    code, out, err = _run_import(write_yaml(tmp_path / "bad.yaml", data), db_url)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) >= 14 and lines[-1].endswith("; nothing was imported")
    assert asyncio.run(_snapshot_url(db_url)) == state
    code, _, err = _run_import(tmp_path / "nope.yaml", db_url)
    assert code == 2 and err == f"mulin: {tmp_path / 'nope.yaml'}: file not found\n"


async def _snapshot_url(url: str) -> dict[str, Any]:
    eng = create_engine(url)
    try:
        return await snapshot(eng)
    finally:
        await eng.dispose()


@pytest.mark.parametrize(
    "url",
    ["postgresql+asyncpg://postgres@127.0.0.1:1/x", "sqlite+aiosqlite:///{tmp}/file/sub/m.db"],
)
def test_cli_unreachable_database(tmp_path: Path, url: str) -> None:
    (tmp_path / "file").write_text("not a directory")
    path = write_yaml(tmp_path / "r.yaml", base())
    code, out, err = _run_import(path, url.format(tmp=tmp_path))
    assert code == 1 and out == ""
    assert err.startswith("mulin: database unreachable: ") and err.count("\n") == 1
    out_buf, err_buf = io.StringIO(), io.StringIO()
    config = make_config(url.format(tmp=tmp_path))
    assert run_roster_export(config, "yaml", out_buf, err_buf) == 1


def test_cli_export(db_url: str, tmp_path: Path) -> None:
    config = make_config(db_url)
    out, err = io.StringIO(), io.StringIO()
    assert run_roster_export(config, None, out, err) == 1
    assert err.getvalue() == "mulin: no roster imported yet\n"
    assert _run_import(write_yaml(tmp_path / "r.yaml", base()), db_url)[0] == 0
    expected = asyncio.run(_load_url(db_url))

    out = io.StringIO()
    assert run_roster_export(config, "yaml", out, io.StringIO()) == 0
    assert parse_roster(out.getvalue().encode(), "yaml") == expected
    out = io.StringIO()
    assert run_roster_export(config, "CSV", out, io.StringIO()) == 0
    assert out.getvalue().startswith("类型,编号,名称,电话,角色,")
    assert parse_roster(out.getvalue().encode(), "csv") == expected

    binary = io.BytesIO()
    wrapper = io.TextIOWrapper(binary, encoding="utf-8")
    assert run_roster_export(config, "xlsx", wrapper, io.StringIO()) == 0
    assert parse_roster(binary.getvalue(), "xlsx") == expected

    # naming a community there is not, or a place that cannot be written: usage, exit 2
    err = io.StringIO()
    assert run_roster_export(config, None, io.StringIO(), err, community="zz") == 2
    assert err.getvalue().startswith("mulin: --community")
    nowhere = str(tmp_path / "no" / "such" / "dir" / "out.yaml")
    assert run_roster_export(config, None, io.StringIO(), io.StringIO(), output=nowhere) == 2

    target = tmp_path / "out.csv"
    err = io.StringIO()
    assert run_roster_export(config, None, io.StringIO(), err, output=str(target)) == 0
    assert target.read_bytes().startswith("\ufeff类型,".encode())
    assert read_roster(target) == expected
    assert err.getvalue() == f"roster written to {target}\n"


def test_cli_export_usage_errors(db_url: str) -> None:
    config = make_config(db_url)
    cases: list[tuple[str | None, str | None, str]] = [
        ("json", None, "mulin: --format: expected yaml, csv or xlsx, got 'json'\n"),
        ("xlsx", None, "mulin: --format xlsx: this output takes text only; use --output FILE\n"),
        (None, "roster.txt", "--output: roster.txt: a roster file must end in"),
    ]
    for fmt, output, needle in cases:
        err = io.StringIO()
        assert run_roster_export(config, fmt, io.StringIO(), err, output=output) == 2
        assert err.getvalue().startswith(needle) or needle in err.getvalue()


async def _load_url(url: str) -> Roster:
    eng = create_engine(url)
    try:
        async with AsyncSession(eng) as s:
            return await load_roster(s)
    finally:
        await eng.dispose()


def test_export_speaks_the_office_language_and_imports_back_unchanged(
    db_url: str, tmp_path: Path
) -> None:
    """Staff open exports in Excel: Chinese headers and values, as they were typed in."""
    config = make_config(db_url)
    data = base()
    for member in data["members"]:
        member["roles"] = [ROLE_NAMES[r] for r in member.get("roles", [])]
        if "categories" in member:
            member["categories"] = [CATEGORY_NAMES[c] for c in member["categories"]]
    assert _run_import(write_yaml(tmp_path / "r.yaml", data), db_url)[0] == 0
    expected = asyncio.run(_load_url(db_url))
    for fmt in ("yaml", "csv"):
        out = io.StringIO()
        assert run_roster_export(config, fmt, out, io.StringIO()) == 0
        text = out.getvalue()
        assert "网格长" in text and "代办" in text and "居民代表" in text, text
        for english in ("grid_leader", "representative", "paperwork", "member,", "grid,"):
            assert english not in text
        assert parse_roster(text.encode(), fmt) == expected
    target = tmp_path / "花名册.xlsx"
    assert run_roster_export(config, None, io.StringIO(), io.StringIO(), output=str(target)) == 0
    from openpyxl import load_workbook

    sheet = load_workbook(target).worksheets[0]
    assert [c.value for c in sheet[1]][:5] == ["类型", "编号", "名称", "电话", "角色"]
    assert read_roster(target) == expected
