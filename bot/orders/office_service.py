"""The community office acting on orders: the order service with the console's author.

Every action loads nothing itself: the console hands over the order it checked the scope of and
the version its form showed. A form older than the order is refused (:class:`Stale`) before
anything changes; a change racing another one is refused by the order's version column in
:meth:`OrderCore.apply`. Notices, history and timers are the lifecycle's, as in chat.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import texts
from bot.orders import lifecycle as lc
from bot.orders import office
from bot.orders.core import Refused, refused
from bot.orders.dispatch import CATEGORY_NAMES, Place
from bot.orders.lifecycle import Action, Change, Refusal
from bot.orders.service import OrderService
from bot.orders.state import write
from bot.orders.tells import Tell
from bot.orders.timers import escalations_passed
from models.community import Member
from models.orders import Order


class Stale(Refused):
    """The order changed after the form was shown: nothing was done."""


@dataclass(frozen=True)
class Author:
    username: str
    member_key: str | None = None

    @property
    def actor(self) -> str:
        return f"console:{self.username}"

    @property
    def key(self) -> str:
        return self.member_key or self.actor


@dataclass(frozen=True)
class Suggestion:
    member: Member | None
    reason: str


class OfficeService(OrderService):
    def _check(self, order: Order, version: int | None) -> None:
        if version is not None and order.version != version:
            raise Stale(texts.CONSOLE_STALE.format(number=order.id))

    async def _write(self, order: Order, change: Change, by: Author) -> None:
        if not await self.apply(order, change, by.actor):
            raise Stale(texts.CONSOLE_STALE.format(number=order.id))

    async def suggest(self, order: Order) -> Suggestion:
        """Whom dispatch would give the order to now (shown first on the assign form)."""
        view, decision = await self.choose(order, (), order.declined_by or [])
        found = view.by_key.get(decision.member_id) if decision.member_id else None
        return Suggestion(found, decision.reason)

    async def assign_to(
        self, order: Order, version: int | None, key: str, reason: str, by: Author
    ) -> Member:
        self._check(order, version)
        view = await self.roster()
        new = view.by_key.get(key)
        if new is None or not new.active:
            raise Refused(texts.MEMBER_REASSIGN_UNKNOWN.format(name=key))
        try:
            change = lc.reassign(
                order,
                by.key,
                by.username,
                new.id,
                new.key,
                new.name,
                self.clock.now(),
                view.key_of(order.assignee_id),
            )
        except Refusal as refusal:
            raise refused(refusal, order.id) from None
        # (found from outside: the tick escalated a days-old order the moment the office
        # reassigned it, and the office's next action on it was refused as stale)
        done = max(
            order.escalation_level or 0, escalations_passed(order, self.sla, self.clock.now())
        )
        change = Change({**change.values, "escalation_level": done}, change.history, change.notices)
        if reason:  # the office's reason on the same history entry
            entry = change.history[0]
            said = lc.History(entry.action, f"{entry.note}（{reason}）", entry.data)
            change = Change(change.values, (said, *change.history[1:]), change.notices)
        await self._write(order, change, by)
        return new

    async def note(self, order: Order, version: int | None, text: str, by: Author) -> None:
        self._check(order, version)
        await self._write(order, office.note(text), by)

    async def message(self, order: Order, version: int | None, text: str, by: Author) -> None:
        self._check(order, version)
        await self._write(order, office.office_message(text, self.clock.now()), by)

    async def office_step(
        self, order: Order, version: int | None, action: str, text: str, by: Author
    ) -> None:
        """escalate, resolve or cancel, with the reason or the note."""
        self._check(order, version)
        now = self.clock.now()
        try:
            if action == "escalate":
                change = lc.escalate(order, by.key, text, now)
            elif action == "resolve":
                change = office.office_resolve(order, text, now)
            else:
                holder = await self._holder(order)
                change = office.office_cancel(order, holder.key if holder else None, text, now)
        except Refusal as refusal:
            raise refused(refusal, order.id) from None
        await self._write(order, change, by)

    async def cancel_erased(self, order: Order) -> None:
        """Called off as its resident's information is erased (bot/privacy/open_orders.py)."""
        holder = await self._holder(order)
        change = office.erased_cancel(order, holder.key if holder else None, self.clock.now())
        if not await self.apply(order, change, "system"):
            raise Stale(texts.CONSOLE_STALE.format(number=order.id))

    async def reopen(
        self, order: Order, version: int | None, reason: str, by: Author
    ) -> Member | None:
        self._check(order, version)
        try:
            first = office.office_reopen(order, self.clock.now())
        except Refusal as refusal:
            raise refused(refusal, order.id) from None
        nxt = await self.reopen_to_next(
            order,
            by.actor,
            prefix=texts.HISTORY_OFFICE_REOPENED.format(reason=reason),
            first=first,
            told=texts.REOPENED_BY_OFFICE.format(reason=reason),
        )
        # found from outside: the resident still had the survey in hand and was never told;
        # her next score went to another order
        data = {"member": nxt.key if nxt is not None else None}
        await self._write(
            order, Change({}, (), (lc.Notice(Tell.RESIDENT_REOPENED, lc.RESIDENT, data),)), by
        )
        return nxt

    async def edit(
        self,
        order: Order,
        version: int | None,
        category: str,
        place: Place,
        again: bool,
        by: Author,
    ) -> None:
        """Correct the category or the address; ``again``: dispatch it anew (unaccepted only)."""
        self._check(order, version)
        values = {
            "category": category,
            "building": place.building,
            "unit": place.unit,
            "room": place.room,
        }
        what = (
            f"{CATEGORY_NAMES.get(category, category)}，{place.label() or texts.CONSOLE_NO_PLACE}"
        )
        try:
            change = office.edit(order, values, what, self.clock.now())
        except Refusal as refusal:
            raise refused(refusal, order.id) from None
        unaccepted = order.status in (lc.Status.RECEIVED.value, lc.Status.ASSIGNED.value)
        if again and unaccepted:
            # found from outside: dispatch read the old place (the household's representative
            # was passed over), and whoever had it was not told it went elsewhere
            was = (await self.roster()).key_of(order.assignee_id)
            write(order, change.values)
            new = await self.dispatch(order, action=Action.ASSIGN, actor=by.actor, first=change)
            if was is not None and new is not None and new.key != was:
                told = lc.Notice(Tell.TAKEN_FROM_YOU, lc.member(was), {"to": new.key})
                await self._write(order, Change({}, (), (told,)), by)
        else:
            await self._write(order, change, by)

    async def merge(self, order: Order, version: int | None, into: Order, by: Author) -> None:
        """``order`` repeats ``into``: it ends, its resident follows ``into`` and is told."""
        self._check(order, version)
        if into.id == order.id or into.status not in lc.OPEN_VALUES:
            raise Refused(texts.CONSOLE_MERGE_TARGET.format(number=into.id))
        holder = await self._holder(order)
        try:
            change = office.merge(order, into.id, holder.key if holder else None, self.clock.now())
        except Refusal as refusal:
            raise refused(refusal, order.id) from None
        await self._write(order, change, by)
        await self.join(into, order.resident_openid, order.text)
