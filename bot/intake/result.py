"""The parse result: a frozen dataclass giving the contract fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .address import Address


@dataclass(frozen=True)
class PreferredTime:
    start: str
    end: str

    def to_dict(self) -> dict[str, str]:
        return {"start": self.start, "end": self.end}


@dataclass(frozen=True)
class ParseResult:
    """Structured fields of one resident message (see the intake contract)."""

    intent: str
    category: str | None
    urgent: bool
    address: Address | None
    phones: tuple[str, ...] = field(default_factory=tuple)
    preferred_time: PreferredTime | None = None
    summary: str = ""
    #: kind of danger (one of ``danger.HAZARDS``) when ``danger`` is set, else ``None``
    hazard: str | None = None
    #: ``"urgent"`` (danger now, same as ``urgent``), ``"possible"`` (the detector is
    #: unsure: a short safety reply and a grid-leader alert) or ``None``
    danger: str | None = None
    #: for intent ``chat``: "thanks", "greeting", "ack", "rating" or "unclear"; else ``None``
    chat_kind: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Contract fields, in contract order (without ``id``), then the danger and chat
        fields added later (``hazard``, ``danger``, ``chat_kind``)."""
        return {
            "intent": self.intent,
            "category": self.category,
            "urgent": self.urgent,
            "address": None if self.address is None else self.address.to_dict(),
            "phones": list(self.phones),
            "preferred_time": None
            if self.preferred_time is None
            else self.preferred_time.to_dict(),
            "summary": self.summary,
            "hazard": self.hazard,
            "danger": self.danger,
            "chat_kind": self.chat_kind,
        }
