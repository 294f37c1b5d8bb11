"""What one inbound delivery's unit of work is made of, as the webhook and the processor
share it: who answers (the ticket), and how it ended (the outcome)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Incoming, Reply

Prefetch = Callable[[AsyncSession, list[str]], Awaitable[None]]
LateSink = Callable[[AsyncSession, Incoming, Reply, int], Awaitable[None]]


class Ticket:
    """Shared between the HTTP request and the unit of work: who answers the resident."""

    def __init__(self, state: str = "running") -> None:
        # -> "passive" (the reply goes in the HTTP response), "late" (the HTTP response went
        # first; the reply goes through the outbox) or "held" (late, and already in the spool)
        self.state = state


@dataclass(frozen=True)
class Outcome:
    reply: Reply | None
    duplicate: bool = False
    mode: str = "none"  # passive | deferred | none | error | held
    # False: neither the database nor the spool has the message; WeChat must not get a 200.
    stored: bool = True
    refused: bool = False  # a replayed signature with another body: answered 403


@dataclass
class Job:
    message: Incoming
    ticket: Ticket
    future: asyncio.Future[Outcome]
    started: float = field(default_factory=time.perf_counter)
    replay: bool = False  # taken from the spool: never held again while the backlog drains


HeldReply = Callable[[Incoming], Reply | None]
