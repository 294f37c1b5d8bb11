"""The validated roster and the raw rows it is read from; cell values; natural order."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.orders.dispatch import CATEGORY_NAMES, ROLE_NAMES

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
ESTATE_FIELDS = ("code", "name", "aliases", "buildings")
STREET_FIELDS = ("code", "name")
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
    "微信openid": "openid",
    "微信": "openid",
}
# The header office staff see in an exported CSV or XLSX; each one reads back through
# HEADER_ALIASES, so an export imports back unchanged.
CHINESE_HEADERS = {
    "kind": "类型",
    "id": "编号",
    "name": "名称",
    "phone": "电话",
    "roles": "角色",
    "grids": "网格",
    "buildings": "楼栋",
    "households": "住户",
    "categories": "类别",
    "leader": "网格长",
    "openid": "微信openid",
    "on_duty": "在岗",
}
KIND_ALIASES = {"社区": "community", "网格": "grid", "成员": "member"}
KIND_NAMES = {v: k for k, v in KIND_ALIASES.items()}
LIST_SEPARATORS = re.compile(r"[;；、,，\s]+")
MAX_CODE = 32
MAX_ID = 64
MAX_NAME = 64
MAX_BUILDING = 16
MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
LANDLINE = re.compile(r"^(?:0\d{2,3}-?)?[2-9]\d{6,7}(?:-\d{1,6})?$")
CODE = re.compile(r"^[A-Za-z0-9_.-]+$")
ESTATE_CODE = re.compile(r"^[A-Za-z0-9_]+$")  # no '-' or ':': it qualifies a building, E1:3-2-501
BUILDING_SUFFIX = re.compile(r"(号楼|栋|幢|座)$")
TRUE = {"true", "yes", "y", "1", "是", "在岗"}
FALSE = {"false", "no", "n", "0", "否", "下岗"}
ROLE_BY_NAME = {v: k for k, v in ROLE_NAMES.items()}
CATEGORY_BY_NAME = {v: k for k, v in CATEGORY_NAMES.items()}


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
class EstateSpec:
    """An estate (小区): its buildings' numbers are unique within it, not within the community."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    buildings: tuple[str, ...] = ()
    where: str = field(default="", compare=False)


def building_key(estate: str | None, number: str) -> str:
    """How the roster names a building: ``3``, or ``E1:3`` in a community with estates."""
    return f"{estate}:{number}".upper() if estate else number.upper()


def split_building_key(key: str) -> tuple[str, str]:
    """``E1:3`` -> ("E1", "3"); ``3`` -> ("", "3")."""
    estate, _, number = key.rpartition(":")
    return estate, number


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
    estates: tuple[EstateSpec, ...] = ()
    street: tuple[str, str] | None = None  # (code, name) when read from a street's file
    kind: str = "community"  # "street": the street office's own staff

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
    estates: list[Entry] = field(default_factory=list)
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


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part
    )


def natural_sorted(items: Iterable[str]) -> list[str]:
    return sorted(items, key=natural_key)
