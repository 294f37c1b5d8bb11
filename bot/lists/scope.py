"""Which rows of the three lists an account sees and may change.

A resource serves one community, or the whole street (``community_id`` None: every community
of the street sees it and may link it to its projects). A project and a demand belong to one
community; rows from before streets (no community) are the first community's, as orders are.
An account of a community sees its community's rows and the street's shared resources, and
changes only its community's; the street office (or an account without a community) sees and
changes everything, and may look at one community at a time (``pick``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from models.community import Community
from models.lists import DemandGroup, ListChange, PartnerResource, Project


class OutOfScope(Exception):
    """A row, or a community, the account may not see: answered as "not found"."""


@dataclass(frozen=True, slots=True)
class ListScope:
    communities: frozenset[int] | None = None  # the account's; None: the whole street
    first: int | None = None  # the community of rows without one (from before streets)
    pick: int | None = None  # the one community a street account is looking at

    @property
    def whole_street(self) -> bool:
        """The street office: may change street-wide resources and any community's rows."""
        return self.communities is None

    def _of(self, community_id: int | None) -> int | None:
        return self.first if community_id is None else community_id

    def owns(self, community_id: int | None) -> bool:
        """A project's or demand's community is the account's (rows without one: the first)."""
        return self.communities is None or self._of(community_id) in self.communities

    def shows(self, community_id: int | None) -> bool:
        """Shown on the page: owned, and the picked community when one is picked."""
        return self.owns(community_id) and (
            self.pick is None or self._of(community_id) == self.pick
        )

    def sees_resource(self, row: PartnerResource) -> bool:
        return row.community_id is None or self.owns(row.community_id)

    def edits_resource(self, row: PartnerResource) -> bool:
        return self.whole_street or (row.community_id is not None and self.owns(row.community_id))

    def may_place(self, community_id: int | None) -> bool:
        """May put a resource in ``community_id`` (None: street-wide)."""
        return self.whole_street or (community_id is not None and self.owns(community_id))

    def of(self, column: Any, shared: bool = False) -> ColumnElement[bool]:
        """Rows whose community ``column`` is shown (``shared``: None is the whole street's,
        else the first community's)."""
        wanted = self.communities if self.pick is None else frozenset({self.pick})
        if wanted is None:
            return true()
        clauses: list[ColumnElement[bool]] = [column.in_(sorted(wanted))]
        if shared or self.first in wanted:  # street-wide resources; rows from before streets
            clauses.append(column.is_(None))
        return or_(false(), *clauses)

    def resources(self) -> ColumnElement[bool]:
        """The resources shown: the picked (or own) community's and the street-wide ones."""
        return self.of(PartnerResource.community_id, shared=True)

    def projects(self) -> ColumnElement[bool]:
        return self.of(Project.community_id, shared=False)

    def demands(self) -> ColumnElement[bool]:
        return self.of(DemandGroup.community_id, shared=False)

    def changes(self) -> ColumnElement[bool]:
        """The history entries of the rows shown."""
        if self.communities is None and self.pick is None:
            return true()
        shown = (
            ("resource", PartnerResource, self.resources()),
            ("project", Project, self.projects()),
            ("demand", DemandGroup, self.demands()),
        )
        return or_(
            *(
                and_(ListChange.kind == kind, ListChange.target_id.in_(select(t.id).where(where)))
                for kind, t, where in shown
            )
        )


async def first_community(session: AsyncSession) -> int | None:
    query = select(Community.id).where(Community.kind != "street").order_by(Community.id)
    return (await session.execute(query.limit(1))).scalar_one_or_none()


async def scope_of(session: AsyncSession, code: str | None, pick: str | None = None) -> ListScope:
    """The scope of an account of community ``code`` (None, or the street office: all),
    looking at community ``pick`` (a code; OutOfScope when not theirs or not a community)."""
    found = {
        r.code: (r.id, r.kind)
        for r in await session.execute(select(Community.code, Community.id, Community.kind))
    }
    first = await first_community(session)
    mine: frozenset[int] | None = None
    if code and found.get(code, (None, "community"))[1] != "street":
        own = found.get(code)
        mine = frozenset({own[0]}) if own else frozenset()
    picked = None
    if pick:
        hit = found.get(pick)
        if hit is None or hit[1] == "street" or (mine is not None and hit[0] not in mine):
            raise OutOfScope(pick)
        picked = hit[0]
    return ListScope(mine, first, picked)
