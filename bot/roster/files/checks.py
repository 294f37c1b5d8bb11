"""Checking raw roster rows: every problem found, one line each, naming row and field."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.orders.dispatch import CATEGORY_NAMES, ROLES, HouseholdPattern
from bot.roster.files.estates import check_estates, estate, qualify
from bot.roster.files.spec import (
    BUILDING_SUFFIX,
    CATEGORY_BY_NAME,
    CODE,
    COMMUNITY_FIELDS,
    FALSE,
    GRID_FIELDS,
    LANDLINE,
    MAX_BUILDING,
    MAX_CODE,
    MAX_ID,
    MAX_NAME,
    MEMBER_FIELDS,
    MOBILE,
    ROLE_BY_NAME,
    TRUE,
    Entry,
    GridSpec,
    MemberSpec,
    RawRoster,
    Roster,
    RosterInvalid,
    as_list,
    as_text,
    natural_sorted,
    problem,
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
        if text is not None and not CODE.match(text):
            self.add(entry.where, name, f"{text!r}: use letters, digits, '-', '_' or '.' only")
            return None
        return text


def validate(raw: RawRoster, source: str = "roster") -> Roster:
    """Turn raw entries into a Roster, or raise RosterInvalid listing every problem."""
    check = _Checker(list(raw.problems))
    code, name = _community(raw.community, check)
    estate_specs = [e for e in (estate(x, check) for x in raw.estates) if e is not None]
    check_estates(estate_specs, check)
    grids = [g for g in (_grid(e, check) for e in raw.grids) if g is not None]
    members = [m for m in (_member(e, check) for e in raw.members) if m is not None]
    grids, members = qualify(estate_specs, grids, members, check)
    _check_grids(grids, check)
    _check_members(members, grids, check)
    if check.errors or code is None or name is None:
        errors = sorted(check.errors, key=_file_order)
        raise RosterInvalid(errors or [f"{source}: nothing to import"])
    return Roster(code, name, tuple(grids), tuple(members), tuple(estate_specs))


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
    return BUILDING_SUFFIX.sub("", text.strip()).upper()


def _buildings(entry: Entry, check: _Checker) -> list[str]:
    out = []
    for item in as_list(entry.fields.get("buildings")):
        number = normalize_building(item)
        if not number or "-" in number or "*" in number or len(number) > MAX_BUILDING + MAX_CODE:
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
        roles=tuple(_choices(entry, "roles", "role", ROLES, ROLE_BY_NAME, check)),
        grids=tuple(as_list(entry.fields.get("grids"))),
        buildings=tuple(_buildings(entry, check)),
        households=tuple(_households(entry, check)),
        categories=tuple(
            _choices(entry, "categories", "category", CATEGORY_NAMES, CATEGORY_BY_NAME, check)
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
    mobile = MOBILE.match(compact.replace("-", ""))
    if mobile:
        return mobile.group(1)
    if LANDLINE.match(compact):
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
    if text in TRUE:
        return True
    if text in FALSE:
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
