"""The three lists (三大清单): demand groups, partner resources, projects, and their history.

Money is held in fen (分) as integers. Links are kept as JSON lists of ids: a demand group's
orders, a project's demand groups and resources.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class DemandGroup(Base):
    """A recurring or shared problem: orders at one place, of one category, in like words."""

    __tablename__ = "list_demands"
    __table_args__ = (Index("ix_list_demands_place", "community_id", "place_key", "category"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int | None] = mapped_column(Integer)
    place_key: Mapped[str] = mapped_column(String(64))  # "b:<estate>:<building>" or "g:<grid>"
    grid_code: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open/confirmed/promoted
    order_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    project_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PartnerResource(Base):
    """What a partner unit (共建单位) offers: people, skills, a venue or money from the fund."""

    __tablename__ = "list_resources"
    __table_args__ = (CheckConstraint("amount_fen >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # the community it serves; None: the whole street (every community sees it)
    community_id: Mapped[int | None] = mapped_column(Integer, index=True)
    unit: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # people / skills / venue / fund
    contact: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    amount_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Project(Base):
    """A project matching demands to resources, with a responsible unit and a budget."""

    __tablename__ = "list_projects"
    __table_args__ = (CheckConstraint("budget_fen >= 0", name="budget_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # the community it belongs to (None only before any community existed: the first one's)
    community_id: Mapped[int | None] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(100), default="")
    person: Mapped[str] = mapped_column(String(64), default="")
    budget_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    milestones: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    demand_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    resource_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ListChange(Base):
    """One change to any of the three lists: who, when, what, before and after. Never updated."""

    __tablename__ = "list_history"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # demand / resource / project
    target_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
