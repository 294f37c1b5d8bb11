"""Estates (小区) in a roster file, and naming buildings by estate.

In a community that lists estates, a building is named by its estate and number: ``E1:3``.
Operators may still write a plain ``3`` in a grid's or member's ``buildings``: it means building
3 of every estate that has one. A household (``3-2-501``) must name one building, so a plain
number shared by two estates is refused with a hint to write ``E1:3-2-501``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from bot.roster.files.spec import (
    BUILDING_SUFFIX,
    ESTATE_CODE,
    ESTATE_FIELDS,
    MAX_BUILDING,
    MAX_CODE,
    Entry,
    EstateSpec,
    GridSpec,
    MemberSpec,
    as_list,
    building_key,
    natural_sorted,
    split_building_key,
)


class _Checker(Protocol):
    """What bot.roster.files.checks collects problems with."""

    def add(self, where: str, name: str | None, message: str) -> None: ...
    def unknown_fields(self, entry: Entry, allowed: Sequence[str], what: str) -> None: ...
    def text(self, entry: Entry, name: str, limit: int, *, required: bool) -> str | None: ...


MAX_ALIASES = 20


def estate(entry: Entry, check: _Checker) -> EstateSpec | None:
    check.unknown_fields(entry, ESTATE_FIELDS, "estate")
    code = check.text(entry, "code", MAX_CODE, required=True)
    if code is not None and not ESTATE_CODE.match(code):
        check.add(entry.where, "code", f"{code!r}: use letters, digits or '_' only")
        code = None
    name = check.text(entry, "name", 100, required=True)
    aliases = [a for a in as_list(entry.fields.get("aliases")) if a != name]
    if len(aliases) > MAX_ALIASES:
        check.add(entry.where, "aliases", f"at most {MAX_ALIASES} aliases")
    numbers = []
    for item in as_list(entry.fields.get("buildings")):
        number = BUILDING_SUFFIX.sub("", item.strip()).upper()
        if not number or any(c in number for c in "-*:") or len(number) > MAX_BUILDING:
            check.add(entry.where, "buildings", f"{item!r} is not a building number like 3 or A")
            continue
        numbers.append(number)
    if code is None or name is None:
        return None
    return EstateSpec(
        code.upper(), name, tuple(aliases[:MAX_ALIASES]), tuple(dict.fromkeys(numbers)), entry.where
    )


def check_estates(estates: Sequence[EstateSpec], check: _Checker) -> None:
    seen: dict[str, str] = {}
    names: dict[str, str] = {}
    for e in estates:
        if e.code in seen:
            check.add(e.where, "code", f"estate {e.code} is also defined at {seen[e.code]}")
        seen.setdefault(e.code, e.where)
        for name in (e.name, *e.aliases):
            other = names.setdefault(name, e.code)
            if other != e.code:
                check.add(e.where, "aliases", f"{name!r} also names estate {other}")


class Places:
    """The buildings of a community with estates, for qualifying plain numbers."""

    def __init__(self, estates: Sequence[EstateSpec]) -> None:
        self.keys = {building_key(e.code, n) for e in estates for n in e.buildings}
        self.by_number: dict[str, list[str]] = defaultdict(list)
        for e in estates:
            for n in e.buildings:
                self.by_number[n.upper()].append(building_key(e.code, n))

    def hint(self) -> str:
        return "known: " + ", ".join(natural_sorted(self.keys)) if self.keys else "no buildings"

    def expand(self, where: str, name: str, text: str, check: _Checker) -> list[str]:
        """A building as written (``3`` or ``E1:3``) -> the qualified keys it names."""
        estate_code, number = split_building_key(text.upper())
        if estate_code:
            key = building_key(estate_code, number)
            if key not in self.keys:
                check.add(where, name, f"building {text} is in no estate ({self.hint()})")
                return []
            return [key]
        found = self.by_number.get(number, [])
        if not found:
            check.add(where, name, f"building {text} is in no estate ({self.hint()})")
        return list(found)

    def household(self, where: str, text: str, check: _Checker) -> str | None:
        head, _, rest = text.partition("-")
        keys = self.expand(where, "households", head, check)
        if len(keys) > 1:
            options = " or ".join(f"{k}-{rest}" if rest else k for k in keys)
            message = f"{text}: building {head} is in several estates; write {options}"
            check.add(where, "households", message)
            return None
        if not keys:
            return None
        return f"{keys[0]}-{rest}" if rest else keys[0]


def qualify(
    estates: Sequence[EstateSpec],
    grids: list[GridSpec],
    members: list[MemberSpec],
    check: _Checker,
) -> tuple[list[GridSpec], list[MemberSpec]]:
    """Grids and members with every building named by estate (nothing to do without estates)."""
    if not estates:
        specs: list[GridSpec | MemberSpec] = [*grids, *members]
        for spec in specs:
            for b in spec.buildings:
                if ":" in b:
                    check.add(spec.where, "buildings", f"{b}: this community lists no estates")
        return grids, members
    places = Places(estates)

    def many(where: str, items: Sequence[str]) -> tuple[str, ...]:
        out: list[str] = []
        for b in items:
            out.extend(places.expand(where, "buildings", b, check))
        return tuple(dict.fromkeys(out))

    new_grids = [replace(g, buildings=many(g.where, g.buildings)) for g in grids]
    new_members = []
    for m in members:
        households = [places.household(m.where, h, check) for h in m.households]
        new_members.append(
            replace(
                m,
                buildings=many(m.where, m.buildings),
                households=tuple(h for h in households if h),
            )
        )
    return new_grids, new_members
