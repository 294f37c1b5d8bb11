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

from bot.roster.files.checks import validate
from bot.roster.files.reading import detect_format, parse_roster, read_roster
from bot.roster.files.spec import (
    FORMATS,
    EstateSpec,
    GridSpec,
    MemberSpec,
    Roster,
    RosterFileError,
    RosterInvalid,
    natural_key,
    natural_sorted,
    problem,
)
from bot.roster.files.writing import dump_roster

__all__ = [
    "FORMATS",
    "EstateSpec",
    "GridSpec",
    "MemberSpec",
    "Roster",
    "RosterFileError",
    "RosterInvalid",
    "detect_format",
    "dump_roster",
    "natural_key",
    "natural_sorted",
    "parse_roster",
    "problem",
    "read_roster",
    "validate",
]
