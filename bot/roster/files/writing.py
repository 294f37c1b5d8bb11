"""Writing a roster back: YAML, or the flat rows of CSV and XLSX."""

from __future__ import annotations

import csv
import io
from typing import Any

import yaml

from bot.lists.cells import keep_texts, to_csv
from bot.orders.dispatch import CATEGORY_NAMES, ROLE_NAMES
from bot.roster.files.spec import (
    CHINESE_HEADERS,
    COLUMNS,
    KIND_NAMES,
    GridSpec,
    MemberSpec,
    Roster,
)

# --- writing -------------------------------------------------------------------------------------


def roster_to_yaml_data(roster: Roster) -> dict[str, Any]:
    data: dict[str, Any] = {"community": {"code": roster.code, "name": roster.name}}
    if roster.estates:
        data["estates"] = [
            {
                "code": e.code,
                "name": e.name,
                "aliases": list(e.aliases),
                "buildings": list(e.buildings),
            }
            for e in roster.estates
        ]
    data["grids"] = [_grid_data(g) for g in roster.grids]
    data["members"] = [_member_data(m) for m in roster.members]
    return data


def _grid_data(grid: GridSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"code": grid.code, "name": grid.name, "buildings": list(grid.buildings)}
    if grid.leader:
        data["leader"] = grid.leader
    return data


def _member_data(m: MemberSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"id": m.key, "name": m.name}
    if m.phone:
        data["phone"] = m.phone
    # Roles and categories as the office names them (网格长, 代办); the import reads both.
    data["roles"] = [ROLE_NAMES.get(r, r) for r in m.roles]
    for name in ("grids", "buildings", "households"):
        if getattr(m, name):
            data[name] = list(getattr(m, name))
    if m.categories:
        data["categories"] = [CATEGORY_NAMES.get(c, c) for c in m.categories]
    if m.openid:
        data["openid"] = m.openid
    if m.on_duty is False:
        data["on_duty"] = False
    return data


def flat_rows(roster: Roster) -> list[list[str]]:
    """The flat form: header, the community, the grids, the members (all cells text; the
    CSV and XLSX writers keep a cell that looks like a formula as text)."""
    header = [CHINESE_HEADERS[c] for c in COLUMNS]
    rows = [header, _row(kind=KIND_NAMES["community"], id=roster.code, name=roster.name)]
    for g in roster.grids:
        rows.append(
            _row(
                kind=KIND_NAMES["grid"],
                id=g.code,
                name=g.name,
                buildings=g.buildings,
                leader=g.leader or "",
            )
        )
    for m in roster.members:
        data = _member_data(m)
        data["kind"] = KIND_NAMES["member"]
        if "on_duty" in data:
            data["on_duty"] = "否"
        rows.append(_row(**data))
    return rows


def _row(**values: Any) -> list[str]:
    def cell(value: Any) -> str:
        if isinstance(value, list | tuple):
            return ";".join(value)
        return "" if value is None else str(value)

    return [cell(values.get(name)) for name in COLUMNS]


def dump_roster(roster: Roster, fmt: str) -> bytes:
    """The roster file in ``fmt`` (yaml, csv or xlsx) as bytes (text formats in UTF-8)."""
    if fmt == "yaml":
        text = yaml.safe_dump(
            roster_to_yaml_data(roster),
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=None,  # short lists inline: buildings: ['1', '2', '3']
            width=100,
        )
        return text.encode("utf-8")
    if fmt == "csv":
        buffer = io.StringIO()
        rows = [[to_csv(cell) for cell in row] for row in flat_rows(roster)]
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        return buffer.getvalue().encode("utf-8")
    if fmt == "xlsx":
        return _xlsx_bytes(flat_rows(roster))
    raise ValueError(f"unknown roster format {fmt!r} (expected yaml, csv or xlsx)")


def _xlsx_bytes(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "花名册"
    for row in rows:
        sheet.append(row)
    keep_texts(sheet)  # a name like "=HYPERLINK(...)" is a name, never a formula
    for column in sheet.iter_cols():
        for cell in column:
            cell.number_format = "@"  # text: Excel keeps phones and 1-2-501 as typed
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 40)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
