"""The roster: a street's communities, their grids, estates (小区) and buildings, members, and
residents who wrote to us.

A building is identified by its community, its estate (``""`` when the community lists no
estates) and its number: two estates of one street may both have a 3栋."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Street(Base):
    """A street office (街道) that runs one account for several communities."""

    __tablename__ = "streets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))


class Community(Base):
    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    street_id: Mapped[int | None] = mapped_column(Integer)
    # The street office's own staff are kept as a community of kind "street": they are the
    # last link of every chain in the street.
    kind: Mapped[str] = mapped_column(String(16), default="community", server_default="community")


class Estate(Base):
    """A residential estate (小区) of a community, with the names residents call it."""

    __tablename__ = "estates"
    __table_args__ = (UniqueConstraint("community_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)


class Grid(Base):
    __tablename__ = "grids"
    __table_args__ = (UniqueConstraint("community_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    leader_key: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)


class Building(Base):
    __tablename__ = "buildings"
    __table_args__ = (
        UniqueConstraint("community_id", "estate_code", "number", name="uq_buildings_place"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    number: Mapped[str] = mapped_column(String(16))  # "3", "A", "12"
    estate_code: Mapped[str] = mapped_column(String(32), default="", server_default="")


class Member(Base):
    """Someone who takes orders: representative, grid leader, building leader, staff, ..."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("community_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    key: Mapped[str] = mapped_column(String(64))  # the roster's id, e.g. "m01"
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    grids: Mapped[list[str]] = mapped_column(JSON, default=list)
    buildings: Mapped[list[str]] = mapped_column(JSON, default=list)
    households: Mapped[list[str]] = mapped_column(JSON, default=list)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    openid: Mapped[str | None] = mapped_column(String(64), unique=True)
    invite_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    # A code works once and only until then; a roster import issues a fresh one afterwards.
    invite_expires_at: Mapped[datetime | None]
    on_duty: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    last_assigned_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Resident(Base):
    """A WeChat user who lives here, with the address they registered (绑定)."""

    __tablename__ = "residents"

    openid: Mapped[str] = mapped_column(String(64), primary_key=True)
    community_id: Mapped[int | None] = mapped_column(Integer)
    estate_code: Mapped[str | None] = mapped_column(String(32))
    building: Mapped[str | None] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(String(16))
    room: Mapped[str | None] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(64))
    birth_date: Mapped[date | None] = mapped_column(Date)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    def address(self) -> dict[str, Any] | None:
        if not (self.building or self.unit or self.room):
            return None
        return {"building": self.building, "unit": self.unit, "room": self.room}
