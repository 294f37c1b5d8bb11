"""Roster files: read YAML, CSV or XLSX into a validated :class:`Roster`, and write one back.

No database here (see ``bot.roster.apply``). Reading never half-succeeds: any problem raises
:class:`RosterFileError` (the file cannot be read at all; one line) or :class:`RosterInvalid`
(every problem found, one plain-English line each, naming the row and the field).

YAML form (CONTRACTS.md, "Roster file")::

    community: {code: qhj, name: 青和居社区}
    grids:
      - {code: G01, name: 第一网格, buildings: ["1", "2", "3"], leader: m01}
    members:
      - {id: m01, name: 张美丽, phone: "13800000001", roles: [grid_leader], grids: [G01]}
      - {id: m02, name: 李建国, roles: [representative], households: ["1-1-101", "1-2-*"]}
      - {id: m03, name: 王芳, roles: [staff], categories: [paperwork], openid: o_abc,
         on_duty: false}

Flat form (CSV and XLSX), one row per record, the first row names the columns::

    kind,id,name,phone,roles,grids,buildings,households,categories,leader,openid,on_duty
    community,qhj,青和居社区,,,,,,,,,
    grid,G01,第一网格,,,,1;2;3,,,m01,,
    member,m01,张美丽,13800000001,grid_leader,G01,,,,,,
    member,m02,李建国,13800000002,representative,,,1-1-101;1-2-*,,,,

- ``kind`` is ``community`` (exactly one row), ``grid`` or ``member`` (also 社区/网格/成员).
  Empty rows and rows whose ``kind`` starts with ``#`` are skipped.
- ``id`` is the community code, the grid code or the member id (``code`` is accepted as a
  column name too). Only the columns that apply to the row's kind may be filled in.
- List cells are separated by ``;`` ``；`` ``、`` ``,`` ``，`` or spaces.
- Columns may come in any order; Chinese headers are accepted (类型, 编号, 姓名, 电话, 角色,
  网格, 楼栋, 住户, 类别, 网格长, 在岗).
- Spreadsheet numbers come out as the digits typed: building ``3.0`` is ``"3"``, phone
  ``13800000001.0`` is ``"13800000001"``. A cell Excel turned into a date is reported.
- CSV files may be UTF-8 (with or without BOM) or GB18030 (what Chinese Excel saves).

In every format roles and categories may be given by their Chinese names (居民代表, 代办, ...).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import yaml

from bot.orders.dispatch import CATEGORY_NAMES, ROLE_NAMES, ROLES, HouseholdPattern

FORMATS = ("yaml", "csv", "xlsx")
EXTENSIONS = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".xlsx": "xlsx"}
COLUMNS = (
    "kind",
    "id",
    "name",
    "phone",
    "roles",
    "grids",
    "buildings",
    "households",
    "categories",
    "leader",
    "openid",
    "on_duty",
)
COMMUNITY_FIELDS = ("code", "name")
GRID_FIELDS = ("code", "name", "buildings", "leader")
MEMBER_FIELDS = (
    "id",
    "name",
    "phone",
    "roles",
    "grids",
    "buildings",
    "households",
    "categories",
    "openid",
    "on_duty",
)
HEADER_ALIASES = {
    "code": "id",
    "类型": "kind",
    "编号": "id",
    "代码": "id",
    "名称": "name",
    "姓名": "name",
    "电话": "phone",
    "手机": "phone",
    "角色": "roles",
    "网格": "grids",
    "楼栋": "buildings",
    "住户": "households",
    "类别": "categories",
    "网格长": "leader",
    "在岗": "on_duty",
}
KIND_ALIASES = {"社区": "community", "网格": "grid", "成员": "member"}
LIST_SEPARATORS = re.compile(r"[;；、,，\s]+")
MAX_CODE = 32
MAX_ID = 64
MAX_NAME = 64
MAX_BUILDING = 16
_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
_LANDLINE = re.compile(r"^(?:0\d{2,3}-?)?[2-9]\d{6,7}(?:-\d{1,6})?$")
_CODE = re.compile(r"^[A-Za-z0-9_.-]+$")
_BUILDING_SUFFIX = re.compile(r"(号楼|栋|幢|座)$")
_TRUE = {"true", "yes", "y", "1", "是", "在岗"}
_FALSE = {"false", "no", "n", "0", "否", "下岗"}
_ROLE_BY_NAME = {v: k for k, v in ROLE_NAMES.items()}
_CATEGORY_BY_NAME = {v: k for k, v in CATEGORY_NAMES.items()}


class RosterFileError(Exception):
    """The file cannot be read at all; ``str()`` is the one line for the operator."""


class RosterInvalid(Exception):
    """The file was read but is wrong; ``errors`` holds one line per problem."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the roster")
        self.errors = list(errors)


# --- the validated roster --------------------------------------------------------------------


@dataclass(frozen=True)
class GridSpec:
    code: str
    name: str
    buildings: tuple[str, ...] = ()
    leader: str | None = None
    where: str = field(default="", compare=False)  # the row, for messages


@dataclass(frozen=True)
class MemberSpec:
    key: str
    name: str
    phone: str | None = None
    roles: tuple[str, ...] = ()
    grids: tuple[str, ...] = ()
    buildings: tuple[str, ...] = ()
    households: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    openid: str | None = None  # None: not given (keep what the database has)
    on_duty: bool | None = None  # None: not given (new members start on duty)
    where: str = field(default="", compare=False)  # the row, for messages


@dataclass(frozen=True)
class Roster:
    code: str
    name: str
    grids: tuple[GridSpec, ...] = ()
    members: tuple[MemberSpec, ...] = ()

    def grid_of_building(self) -> dict[str, str]:
        return {b: g.code for g in self.grids for b in g.buildings}


# --- raw rows, as read from any format ---------------------------------------------------------


@dataclass
class Entry:
    """One record as found in the file, before validation."""

    where: str  # "members[3] (m04)", "line 5 (m04)", "row 5 (m04)"
    fields: dict[str, Any]


@dataclass
class RawRoster:
    community: Entry | None = None
    grids: list[Entry] = field(default_factory=list)
    members: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def problem(where: str, name: str | None, message: str) -> str:
    return f"{where}, {name}: {message}" if name else f"{where}: {message}"


# --- cell values ---------------------------------------------------------------------------------


def as_text(value: Any) -> str | None:
    """A scalar as the text the operator typed; spreadsheet floats like 3.0 become "3"."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def as_list(value: Any) -> list[str]:
    """A list given as a YAML list or as one cell with separators; empty items dropped."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    out: list[str] = []
    for item in items:
        text = as_text(item)
        if text:
            out.extend(p for p in LIST_SEPARATORS.split(text) if p)
    return list(dict.fromkeys(out))


def entry_label(prefix: str, raw_id: Any) -> str:
    ident = as_text(raw_id)
    return f"{prefix} ({ident})" if ident else prefix


# --- reading -------------------------------------------------------------------------------------


def detect_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if suffix in (".xls", ".et", ".numbers", ".ods"):
        raise RosterFileError(f"{path}: save the spreadsheet as .xlsx (Excel workbook) or .csv")
    raise RosterFileError(f"{path}: a roster file must end in .yaml, .yml, .csv or .xlsx")


def read_roster(path: str | Path) -> Roster:
    """Read and validate a roster file; raises RosterFileError or RosterInvalid."""
    fmt = detect_format(path)
    data = _read_bytes(path)
    return parse_roster(data, fmt, str(path))


def parse_roster(data: bytes, fmt: str, source: str = "roster") -> Roster:
    if fmt == "yaml":
        raw = raw_from_yaml(data, source)
    elif fmt == "csv":
        raw = raw_from_csv(data, source)
    elif fmt == "xlsx":
        raw = raw_from_xlsx(data, source)
    else:
        raise RosterFileError(f"unknown roster format {fmt!r} (expected yaml, csv or xlsx)")
    return validate(raw, source)


def _read_bytes(path: str | Path) -> bytes:
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise RosterFileError(f"{p}: file not found") from None
    except IsADirectoryError:
        raise RosterFileError(f"{p}: is a directory, not a roster file") from None
    except OSError as exc:
        raise RosterFileError(f"{p}: cannot read: {exc.strerror or exc}") from None


def raw_from_yaml(data: bytes, source: str) -> RawRoster:
    try:
        doc = yaml.safe_load(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise RosterFileError(f"{source}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise RosterFileError(f"{source}: not valid YAML{where}") from None
    if not isinstance(doc, dict):
        raise RosterFileError(f"{source}: expected a mapping with community, grids and members")
    raw = RawRoster()
    for key in doc:
        if key not in ("community", "grids", "members"):
            raw.problems.append(
                problem(str(key), None, "unknown section (expected community, grids, members)")
            )
    community = doc.get("community")
    if community is not None:
        if isinstance(community, dict):
            raw.community = Entry("community", dict(community))
        else:
            raw.problems.append(problem("community", None, "expected {code: ..., name: ...}"))
    raw.grids = _yaml_entries(doc, "grids", "code", raw.problems)
    raw.members = _yaml_entries(doc, "members", "id", raw.problems)
    return raw


def _yaml_entries(doc: Mapping[str, Any], section: str, id_key: str, out: list[str]) -> list[Entry]:
    items = doc.get(section)
    if items is None:
        return []
    if not isinstance(items, list):
        out.append(problem(section, None, "expected a list"))
        return []
    entries = []
    for i, item in enumerate(items):
        where = f"{section}[{i}]"
        if not isinstance(item, dict):
            out.append(problem(where, None, "expected a mapping like {id: ..., name: ...}"))
            continue
        entries.append(Entry(entry_label(where, item.get(id_key)), dict(item)))
    return entries


def raw_from_csv(data: bytes, source: str) -> RawRoster:
    text = _decode_csv(data, source)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = ((reader.line_num, row) for row in reader)
    return raw_from_rows(rows, "line", source)


def _decode_csv(data: bytes, source: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterFileError(f"{source}: not UTF-8 or GB18030 text")  # pragma: no cover


def raw_from_xlsx(data: bytes, source: str) -> RawRoster:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise RosterFileError(f"{source}: not a readable XLSX workbook") from None
    try:
        sheet = book["roster"] if "roster" in book.sheetnames else book.worksheets[0]
        rows = list(enumerate(sheet.iter_rows(values_only=True), start=1))
    finally:
        book.close()
    return raw_from_rows(rows, "row", source)


def raw_from_rows(rows: Iterable[tuple[int, Sequence[Any]]], unit: str, source: str) -> RawRoster:
    """The flat form: a header row, then one record per row."""
    raw = RawRoster()
    header: list[str | None] | None = None
    for number, cells in rows:
        if _blank(cells):
            continue
        if header is None:
            header = _header(cells, f"{unit} {number}", raw.problems)
            continue
        _flat_record(raw, header, cells, f"{unit} {number}")
    if header is None:
        raise RosterFileError(f"{source}: empty file (expected a header row naming the columns)")
    return raw


def _blank(cells: Sequence[Any]) -> bool:
    return all(as_text(c) is None for c in cells)


def _header(cells: Sequence[Any], where: str, out: list[str]) -> list[str | None]:
    names: list[str | None] = []
    for cell in cells:
        text = (as_text(cell) or "").lower()
        name = HEADER_ALIASES.get(text, text)
        if text and name not in COLUMNS:
            out.append(
                problem(where, None, f"unknown column {text!r} (known: {', '.join(COLUMNS)})")
            )
        names.append(name if name in COLUMNS else None)
    if "kind" not in names:
        raise RosterFileError(
            f"{where}: the first row must name the columns, including 'kind'"
            f" (expected: {', '.join(COLUMNS)})"
        )
    return names


def _flat_record(raw: RawRoster, header: list[str | None], cells: Sequence[Any], row: str) -> None:
    values: dict[str, Any] = {}
    for name, cell in zip(header, cells, strict=False):
        if name is None or cell is None:
            continue
        if isinstance(cell, datetime | date | time):
            raw.problems.append(
                problem(
                    row, name, "the spreadsheet turned this cell into a date; format it as text"
                )
            )
            continue
        if as_text(cell) is not None:
            values[name] = cell
    kind_text = as_text(values.pop("kind", None)) or ""
    if kind_text.startswith("#"):
        return
    kind = KIND_ALIASES.get(kind_text, kind_text.lower())
    where = entry_label(row, values.get("id"))
    if kind == "member":
        raw.members.append(Entry(where, values))
    elif kind in ("grid", "community"):
        if "id" in values:
            values["code"] = values.pop("id")
        _flat_group(raw, kind, Entry(where, values))
    else:
        raw.problems.append(
            problem(where, "kind", f"expected community, grid or member, got {kind_text!r}")
        )


def _flat_group(raw: RawRoster, kind: str, entry: Entry) -> None:
    if kind == "grid":
        raw.grids.append(entry)
    elif raw.community is None:
        raw.community = entry
    else:
        raw.problems.append(
            problem(
                entry.where, "kind", f"a second community row (the first is {raw.community.where})"
            )
        )


# --- validation ----------------------------------------------------------------------------------


@dataclass
class _Checker:
    """Collects problems while turning raw entries into specs."""

    errors: list[str] = field(default_factory=list)

    def add(self, where: str, name: str | None, message: str) -> None:
        self.errors.append(problem(where, name, message))

    def unknown_fields(self, entry: Entry, allowed: Sequence[str], what: str) -> None:
        for key in entry.fields:
            if key not in allowed:
                self.add(entry.where, str(key), f"not a field of a {what} ({', '.join(allowed)})")

    def text(self, entry: Entry, name: str, limit: int, *, required: bool) -> str | None:
        value = entry.fields.get(name)
        if isinstance(value, list | dict):
            self.add(entry.where, name, "expected a single value, not a list")
            return None
        text = as_text(value)
        if text is None:
            if required:
                self.add(entry.where, name, "missing")
            return None
        if len(text) > limit:
            self.add(entry.where, name, f"too long (at most {limit} characters)")
            return None
        return text

    def code(self, entry: Entry, name: str, limit: int) -> str | None:
        text = self.text(entry, name, limit, required=True)
        if text is not None and not _CODE.match(text):
            self.add(entry.where, name, f"{text!r}: use letters, digits, '-', '_' or '.' only")
            return None
        return text


def validate(raw: RawRoster, source: str = "roster") -> Roster:
    """Turn raw entries into a Roster, or raise RosterInvalid listing every problem."""
    check = _Checker(list(raw.problems))
    code, name = _community(raw.community, check)
    grids = [g for g in (_grid(e, check) for e in raw.grids) if g is not None]
    members = [m for m in (_member(e, check) for e in raw.members) if m is not None]
    _check_grids(grids, check)
    _check_members(members, grids, check)
    if check.errors or code is None or name is None:
        errors = sorted(check.errors, key=_file_order)
        raise RosterInvalid(errors or [f"{source}: nothing to import"])
    return Roster(code, name, tuple(grids), tuple(members))


_WHERE = re.compile(r"^(?:(grids|members)\[(\d+)\]|(?:line|row) (\d+))")


def _file_order(line: str) -> tuple[int, int]:
    """Problems sorted as the rows appear in the file (sorted() keeps each row's own order)."""
    m = _WHERE.match(line)
    if m is None:
        return (0, 0)  # community, file-wide
    if m.group(3):
        return (1, int(m.group(3)))
    return (1 if m.group(1) == "grids" else 2, int(m.group(2)))


def _community(entry: Entry | None, check: _Checker) -> tuple[str | None, str | None]:
    if entry is None:
        check.add("community", None, "missing (give its code and name)")
        return None, None
    check.unknown_fields(entry, COMMUNITY_FIELDS, "community")
    code = check.code(entry, "code", MAX_CODE)
    return code, check.text(entry, "name", 100, required=True)


def _grid(entry: Entry, check: _Checker) -> GridSpec | None:
    check.unknown_fields(entry, GRID_FIELDS, "grid")
    code = check.code(entry, "code", MAX_CODE)
    name = check.text(entry, "name", 100, required=True)
    leader = check.text(entry, "leader", MAX_ID, required=False)
    buildings = _buildings(entry, check)
    if code is None:
        return None  # kept for the cross-checks even when other fields are wrong
    return GridSpec(code, name or "", tuple(buildings), leader, entry.where)


def normalize_building(text: str) -> str:
    return _BUILDING_SUFFIX.sub("", text.strip()).upper()


def _buildings(entry: Entry, check: _Checker) -> list[str]:
    out = []
    for item in as_list(entry.fields.get("buildings")):
        number = normalize_building(item)
        if not number or "-" in number or "*" in number or len(number) > MAX_BUILDING:
            check.add(entry.where, "buildings", f"{item!r} is not a building number like 3 or A")
            continue
        out.append(number)
    return list(dict.fromkeys(out))


def _member(entry: Entry, check: _Checker) -> MemberSpec | None:
    check.unknown_fields(entry, MEMBER_FIELDS, "member")
    key = check.code(entry, "id", MAX_ID)
    name = check.text(entry, "name", MAX_NAME, required=True)
    phone = _phone(entry, check)
    openid = check.text(entry, "openid", 64, required=False)
    values = MemberSpec(
        key=key or "",
        name=name or "",
        phone=phone,
        roles=tuple(_choices(entry, "roles", "role", ROLES, _ROLE_BY_NAME, check)),
        grids=tuple(as_list(entry.fields.get("grids"))),
        buildings=tuple(_buildings(entry, check)),
        households=tuple(_households(entry, check)),
        categories=tuple(
            _choices(entry, "categories", "category", CATEGORY_NAMES, _CATEGORY_BY_NAME, check)
        ),
        openid=openid,
        on_duty=_on_duty(entry, check),
        where=entry.where,
    )
    if not values.roles and not as_list(entry.fields.get("roles")):
        check.add(entry.where, "roles", f"missing (one or more of {', '.join(sorted(ROLES))})")
    return values if key else None  # kept for the cross-checks even when other fields are wrong


def _phone(entry: Entry, check: _Checker) -> str | None:
    text = check.text(entry, "phone", 32, required=False)
    if text is None:
        return None
    compact = re.sub(r"[\s()（）]", "", text)
    mobile = _MOBILE.match(compact.replace("-", ""))
    if mobile:
        return mobile.group(1)
    if _LANDLINE.match(compact):
        return compact
    check.add(
        entry.where,
        "phone",
        f"{text!r} is not an 11-digit mobile number or a landline like 027-87654321",
    )
    return None


def _choices(
    entry: Entry,
    name: str,
    what: str,
    known: Iterable[str],
    aliases: Mapping[str, str],
    check: _Checker,
) -> list[str]:
    allowed = sorted(known)
    out = []
    for item in as_list(entry.fields.get(name)):
        value = aliases.get(item, item.lower())
        if value not in allowed:
            check.add(entry.where, name, f"unknown {what} {item!r} (known: {', '.join(allowed)})")
            continue
        out.append(value)
    return list(dict.fromkeys(out))


def _households(entry: Entry, check: _Checker) -> list[str]:
    out = []
    for item in as_list(entry.fields.get("households")):
        try:
            pattern = HouseholdPattern.parse(item)
        except ValueError:
            check.add(
                entry.where,
                "households",
                f"{item!r} is not building-unit-room like 1-2-501, 1-2-* (a unit) or 1-* (a building)",
            )
            continue
        out.append(str(pattern))
    return list(dict.fromkeys(out))


def _on_duty(entry: Entry, check: _Checker) -> bool | None:
    value = entry.fields.get("on_duty")
    if value is None or isinstance(value, bool):
        return value
    text = (as_text(value) or "").lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    check.add(entry.where, "on_duty", f"expected yes or no, got {value!r}")
    return None


def _check_grids(grids: list[GridSpec], check: _Checker) -> None:
    seen: dict[str, str] = {}
    owner: dict[str, str] = {}
    for grid in grids:
        if grid.code in seen:
            check.add(grid.where, "code", f"grid {grid.code} is also defined at {seen[grid.code]}")
            continue
        seen[grid.code] = grid.where
        for number in grid.buildings:
            if number in owner:
                check.add(
                    grid.where,
                    "buildings",
                    f"building {number} is also in grid {owner[number]}; a building is in one grid",
                )
            owner.setdefault(number, grid.code)


def _check_members(members: list[MemberSpec], grids: list[GridSpec], check: _Checker) -> None:
    seen: dict[str, str] = {}
    openids: dict[str, str] = {}
    for m in members:
        if m.key in seen:
            check.add(m.where, "id", f"{m.key} is also used at {seen[m.key]}")
        seen.setdefault(m.key, m.where)
        if m.openid and m.openid in openids:
            check.add(m.where, "openid", f"{m.openid} is also given at {openids[m.openid]}")
        if m.openid:
            openids.setdefault(m.openid, m.where)
    _check_places(members, grids, check)
    _check_households(members, check)
    for grid in grids:
        if grid.leader and grid.leader not in seen:
            check.add(grid.where, "leader", f"{grid.leader} is not a member in this roster")


def _check_places(members: list[MemberSpec], grids: list[GridSpec], check: _Checker) -> None:
    grid_codes = {g.code for g in grids}
    buildings = {b for g in grids for b in g.buildings}
    hint = f"known: {', '.join(natural_sorted(buildings))}" if buildings else "no grid has any"
    for m in members:
        for code in m.grids:
            if code not in grid_codes:
                check.add(m.where, "grids", f"unknown grid {code!r}")
        for number in m.buildings:
            if number not in buildings:
                check.add(m.where, "buildings", f"building {number} is in no grid ({hint})")
        for text in m.households:
            number = text.split("-")[0]
            if number not in buildings:
                check.add(
                    m.where, "households", f"{text}: building {number} is in no grid ({hint})"
                )


def _check_households(members: list[MemberSpec], check: _Checker) -> None:
    """The same household pattern may not belong to two members.

    A narrower pattern inside another member's wider one (1-2-501 inside 1-2-*) is allowed:
    dispatch sends an order to the most specific match, so it is a deliberate exception.
    """
    claimed: dict[str, MemberSpec] = {}
    for m in members:
        for text in m.households:
            other = claimed.setdefault(text, m)
            if other.key != m.key:
                check.add(
                    m.where,
                    "households",
                    f"{text} is also claimed by {other.key} ({other.where});"
                    " a household has one representative",
                )


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part
    )


def natural_sorted(items: Iterable[str]) -> list[str]:
    return sorted(items, key=natural_key)


# --- writing -------------------------------------------------------------------------------------


def roster_to_yaml_data(roster: Roster) -> dict[str, Any]:
    return {
        "community": {"code": roster.code, "name": roster.name},
        "grids": [_grid_data(g) for g in roster.grids],
        "members": [_member_data(m) for m in roster.members],
    }


def _grid_data(grid: GridSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"code": grid.code, "name": grid.name, "buildings": list(grid.buildings)}
    if grid.leader:
        data["leader"] = grid.leader
    return data


def _member_data(m: MemberSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"id": m.key, "name": m.name}
    if m.phone:
        data["phone"] = m.phone
    data["roles"] = list(m.roles)
    for name in ("grids", "buildings", "households", "categories"):
        if getattr(m, name):
            data[name] = list(getattr(m, name))
    if m.openid:
        data["openid"] = m.openid
    if m.on_duty is False:
        data["on_duty"] = False
    return data


def flat_rows(roster: Roster) -> list[list[str]]:
    """The flat form: header, the community, the grids, the members (all cells text)."""
    rows = [list(COLUMNS), _row(kind="community", id=roster.code, name=roster.name)]
    for g in roster.grids:
        rows.append(
            _row(kind="grid", id=g.code, name=g.name, buildings=g.buildings, leader=g.leader or "")
        )
    for m in roster.members:
        data = _member_data(m)
        data["kind"] = "member"
        if "on_duty" in data:
            data["on_duty"] = "no"
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
        csv.writer(buffer, lineterminator="\n").writerows(flat_rows(roster))
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
    sheet.title = "roster"
    for row in rows:
        sheet.append(row)
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
