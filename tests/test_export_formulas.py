"""No file the project writes runs a cell as a formula (formula injection): in XLSX a text that
begins with = + - @, a tab or a carriage return is stored as text (a string cell with Excel's
quote prefix, its words unchanged); in CSV it starts with a single quote, which the roster's
import takes off again. Roster, resource and project lists, monthly report, privacy export."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell

from bot.kpi.report import _Out
from bot.lists import project_sheet, sheet
from bot.privacy.workbook import export_workbook
from bot.roster.cli import run_roster_export, run_roster_import
from bot.roster.files import read_roster
from models.lists import PartnerResource, Project
from tests.support import make_config

EVIL = '=HYPERLINK("http://evil","x")'
RISKY = (EVIL, "+1+2", "-1+2", "@SUM(A1)", "\t=1+2", "\r=1+2")
NOW = datetime(2026, 11, 20, tzinfo=UTC)


def risky_cells(data: bytes) -> list[Cell]:
    book = load_workbook(io.BytesIO(data))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    return [c for c in cells if isinstance(c.value, str) and c.value.startswith(tuple("=+-@\t\r"))]


def assert_text(data: bytes, expected: set[str]) -> None:
    found = risky_cells(data)
    assert {c.value for c in found} >= expected
    for cell in found:
        assert (cell.data_type, cell.quotePrefix) == ("s", True), (cell.value, cell.data_type)


ROSTER: dict[str, Any] = {
    "community": {"code": "qhj", "name": "青和居社区"},
    "grids": [{"code": "G01", "name": "第一网格", "buildings": ["1"]}],
    "members": [
        {"id": "m01", "name": EVIL, "roles": ["grid_leader"], "grids": ["G01"]},
        {"id": "m02", "name": "@SUM(A1)", "roles": ["representative"], "households": ["1-1-101"]},
    ],
}


def test_the_roster_export_writes_names_as_text(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "r.yaml"
    source.write_text(yaml.safe_dump(ROSTER, allow_unicode=True), encoding="utf-8")
    config = make_config(db_url)
    assert run_roster_import(str(source), config, io.StringIO(), io.StringIO()) == 0
    book, table = tmp_path / "exp.xlsx", tmp_path / "exp.csv"
    for target in (book, table):
        err = io.StringIO()
        assert run_roster_export(config, None, io.StringIO(), err, output=str(target)) == 0, err
    assert_text(book.read_bytes(), {EVIL, "@SUM(A1)"})
    lines = table.read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(",")[2] for line in lines[3:]] == [
        '"\'=HYPERLINK(""http://evil""',
        "'@SUM(A1)",
    ]
    # both files import back as they were
    assert read_roster(table) == read_roster(book)
    assert [m.name for m in read_roster(table).members] == [EVIL, "@SUM(A1)"]


def test_the_resource_and_project_lists_write_text() -> None:
    rows = [
        PartnerResource(
            id=i, unit=text, kind="skills", contact=text, description=text, amount_fen=0,
            community_id=None,
        )
        for i, text in enumerate(RISKY, 1)
    ]  # fmt: skip
    assert_text(sheet.export(rows, {}), set(RISKY))
    projects = [
        Project(
            id=i, title=text, unit=text, person=text, budget_fen=0, status="planned",
            community_id=None, milestones=[{"date": "2026-12-01", "what": text}],
            demand_ids=[], resource_ids=[],
        )
        for i, text in enumerate(RISKY, 1)
    ]  # fmt: skip
    assert_text(project_sheet.export(projects, {}, {}, {}), set(RISKY))


def test_the_monthly_report_writes_text_unchanged() -> None:
    book = Workbook(write_only=True)
    out = _Out(book.create_sheet("工单"), (10, 10))
    out.table(("单号", "摘要"), [(f"#{i}", text) for i, text in enumerate(RISKY)])
    buffer = io.BytesIO()
    book.save(buffer)
    assert_text(buffer.getvalue(), set(RISKY))


def test_the_privacy_export_writes_text_unchanged() -> None:
    data = {"inbound_messages": [{"id": i, "content": text} for i, text in enumerate(RISKY)]}
    assert_text(export_workbook(data), set(RISKY))
