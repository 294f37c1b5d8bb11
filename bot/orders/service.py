"""The order service: load an order, check who may act, apply the lifecycle's change.

Runs inside the caller's unit of work (one transaction per inbound message, per console
action, per timer batch), so the order, its history and every notice it causes (outbox rows)
commit together or not at all. Every action ends in :meth:`OrderCore.apply`, the only path
from a change to the database: chat handlers, the timer tick and the console all go there.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table

from bot import texts
from bot.orders import batch, queries, reopened, transfers, verdicts
from bot.orders import lifecycle as lc
from bot.orders.audience import grid_leader, staff
from bot.orders.core import Accepted, NewOrder, OrderCore, Refused, refused
from bot.orders.dispatch import Place
from bot.orders.duplicates import elsewhere, place_key, same_problem, shared_part, without_home
from bot.orders.lifecycle import Action, Change, Refusal
from bot.orders.moved import send_to_place
from bot.orders.state import FreshOrder, write
from bot.orders.tells import Tell
from bot.orders.timers import Due, TimerContext, hand_on_instead, handed_on, plan, timer_change
from bot.orders.timers import escalations_passed as passed
from bot.storage.dialect import dialect_insert
from models.community import Member
from models.orders import Order, OrderFollower

_FOLLOWERS: Table = OrderFollower.__table__  # type: ignore[assignment]

__all__ = ["Accepted", "NewOrder", "OrderService", "Refused"]


class OrderService(OrderCore):
    # -- members -------------------------------------------------------------------------------
    def _require(self, action: Action, order: Order) -> None:
        try:
            lc.require(action, order.status)
        except Refusal as refusal:
            raise refused(refusal, order.id) from None

    async def _holder(self, order: Order) -> Member | None:
        view = await self.roster()
        return view.by_id.get(order.assignee_id) if order.assignee_id else None

    async def accept(self, member: Member, number: int) -> Accepted:
        order = await self.member_order(member, number, Action.ACCEPT)
        if order.status in lc.HELD_VALUES[1:] and order.assignee_id is not None:
            return await self._taken(order)
        self._require(Action.ACCEPT, order)
        before = await self._holder(order)
        # stepping in on an order sent to someone else: they hear they need not go
        was = before.key if before is not None and before.key != member.key else ""
        change = lc.accept(order, member.id, member.key, member.name, self.clock.now(), was)
        if not await self.apply(order, change, f"member:{member.key}"):
            return await self._taken(order)  # someone accepted it a moment earlier
        return Accepted(order)

    async def _taken(self, order: Order) -> Accepted:
        holder = await self._holder(order)
        if order.status in lc.HELD_VALUES[1:] and holder is not None:
            return Accepted(order, holder)
        self._require(Action.ACCEPT, order)
        raise refused(Refusal("illegal", order.status), order.id)

    async def _member_step(self, member: Member, number: int, action: Action, note: str) -> Order:
        order = await self.member_order(member, number, action)
        self._require(action, order)
        now = self.clock.now()
        if action == Action.PROGRESS:
            change = lc.progress(order, note, now)
        elif action == Action.RESOLVE:
            change = lc.resolve(order, note, now)
        else:
            change = lc.escalate(order, member.key, note, now)
        if not await self.apply(order, change, f"member:{member.key}"):
            raise refused(Refusal("illegal", order.status), order.id)
        return order

    async def progress(self, member: Member, number: int, note: str) -> Order:
        return await self._member_step(member, number, Action.PROGRESS, note)

    async def resolve(self, member: Member, number: int, note: str) -> Order:
        return await self._member_step(member, number, Action.RESOLVE, note)

    async def escalate(self, member: Member, number: int, note: str) -> Order:
        if (await self.member_order(member, number, Action.ESCALATE)).status == "escalated":
            raise Refused(texts.MEMBER_ALREADY_WHISTLED.format(number=number))  # told once
        return await self._member_step(member, number, Action.ESCALATE, note)

    async def decline(self, member: Member, number: int, reason: str) -> Member | None:
        """Give the order back; returns whoever gets it next (None: nobody for now)."""
        order = await self.member_order(member, number, Action.DECLINE)
        self._require(Action.DECLINE, order)
        if order.assignee_id != member.id:
            raise Refused(texts.MEMBER_NOT_HOLDER.format(number=order.id))
        nxt = await self.dispatch(
            order,
            action=Action.DECLINE,
            actor=f"member:{member.key}",
            prefix=texts.HISTORY_DECLINED.format(name=member.name, reason=reason),
            first=lc.decline(order, member.id),
        )
        if nxt is not None:
            change = Change(
                {}, (), (lc.Notice(lc.Tell.RESIDENT_HANDED_ON, lc.RESIDENT, {"member": nxt.key}),)
            )
            await self.apply(order, change, f"member:{member.key}")
        return nxt

    async def reassign(self, member: Member, number: int, wanted: str) -> Member:
        order = await self.member_order(member, number, Action.REASSIGN)
        self._require(Action.REASSIGN, order)
        view = await self.roster()
        wanted = wanted.strip()
        found = [
            m
            for m in view.by_key.values()
            if m.active and (m.key.lower() == wanted.lower() or m.name == wanted)
        ]
        if not found:
            raise Refused(texts.MEMBER_REASSIGN_UNKNOWN.format(name=wanted))
        if len(found) > 1:
            raise Refused(texts.MEMBER_REASSIGN_AMBIGUOUS.format(name=wanted, number=order.id))
        new = found[0]
        if new.id == member.id and order.assignee_id == member.id:
            raise Refused(texts.MEMBER_REASSIGN_SELF.format(number=order.id))
        across = transfers.refusal(view, member, order, new)  # to another estate's member
        if across is not None:
            raise Refused(across)
        held_by = view.key_of(order.assignee_id)
        change = lc.reassign(
            order, member.key, member.name, new.id, new.key, new.name, self.clock.now(), held_by
        )
        done = max(order.escalation_level or 0, passed(order, self.sla, self.clock.now()))
        by = transfers.passed_on_by(order, member, new)  # (see the office's assign)
        change = change.then(Change({"escalation_level": done, **by}))
        if not await self.apply(order, change, f"member:{member.key}"):
            holder = await self._holder(order)
            raise Refused(
                texts.MEMBER_TAKEN.format(number=order.id, who=holder.name)
                if holder is not None
                else texts.ORDER_REFUSALS["illegal"].format(
                    number=order.id, status=texts.STATUS_NAMES.get(order.status, order.status)
                )
            )
        return new

    async def set_duty(self, member: Member, on: bool) -> None:
        member.on_duty = on
        member.updated_at = self.clock.now()
        await self.session.flush()
        self.roster_cache.invalidate()
        self._view = None

    # -- residents -------------------------------------------------------------------------------
    async def repeat_of(self, openid: str, new: NewOrder) -> Order | None:
        """An open order this report repeats: the resident's own, or a neighbour's at the same
        building, same category, similar words, within ``reports.duplicate_window``."""
        since = self.clock.now() - self.config.reports.duplicate_window
        found = await batch.open_candidates(
            self.session, openid, new.place.building, new.category, since
        )
        p = new.place
        mine = place_key(p.building, p.unit, p.room, p.community, p.estate)
        shared = shared_part(new.text)
        for order in found:
            theirs, ours = order.place, mine
            if shared and shared_part(order.text):
                # 楼道灯坏了 from 101 and from 201: one light of one stairwell
                theirs, ours = without_home(theirs), without_home(mine)
            room = ours[2]
            if room is not None and theirs[2] is not None and theirs[2] != room:
                continue  # another home (most neighbours' orders): the cheapest test first
            if elsewhere(theirs, ours):
                continue  # another building, stairwell or home: another problem
            if same_problem(order.text, new.text) or same_problem(order.summary, new.summary):
                # joining goes through the ORM (and writes what this batch staged first)
                return await queries.find(self.session, order.id)
        return None

    async def join(self, order: Order, openid: str, text: str) -> None:
        """The report joins ``order``: the resident follows its progress; no new push."""
        same = order.resident_openid == openid
        if not same:
            await self.session.execute(
                dialect_insert(self.session, _FOLLOWERS)
                .values(order_id=order.id, openid=openid, since=self.clock.now(), text=text)
                .on_conflict_do_nothing()
            )
        await self.apply(
            order, lc.link_report(order, text, same, self.clock.now()), f"resident:{openid}"
        )

    async def note_recurrence(self, order: Order | FreshOrder, openid: str, earlier: Order) -> None:
        """The new order is a problem the resident reported before and saw finished: its
        history says which order, so whoever takes it reads what was done then."""
        done = earlier.resolved_at or earlier.closed_at or earlier.updated_at
        local = done.astimezone(self.config.tz)
        day = texts.MONTH_DAY.format(month=local.month, day=local.day)
        note = texts.HISTORY_RECURRENCE.format(number=earlier.id, day=day)
        entry = lc.History("recurrence", note, {"earlier": earlier.id})
        await self._record(order, f"resident:{openid}", entry, order.status)

    async def hurry(
        self, order: Order, openid: str, text: str, detail: bool = False, *phones: str
    ) -> None:
        """The resident presses their open order, or tells more of an emergency: noted, and
        whoever should act is told; ``phones`` they gave (我电话139…) are kept on it."""
        change = lc.hurry(order, text, self.clock.now(), detail)
        if phones:
            kept = list(dict.fromkeys([*(order.phones or []), *phones]))
            change = Change({**change.values, "phones": kept}, change.history, change.notices)
        await self.apply(order, change, f"resident:{openid}")

    async def calm(self, order: Order, openid: str, text: str) -> None:
        """The resident says their emergency is not one (不是打架，是楼上装修): it becomes an
        ordinary order — no more emergency chasing — and whoever was told hears why."""
        told = lc.hurry(order, text, self.clock.now(), detail=True)
        note = texts.HISTORY_CALMED.format(text=text[:60])
        said = tuple(
            lc.Notice(n.kind, n.to, {**n.data, "calmed": True}, n.skip) for n in told.notices
        )
        change = Change({**told.values, "urgent": False}, (lc.History("calm", note),), said)
        await self.apply(order, change, f"resident:{openid}")

    async def over_hourly_limit(self, openid: str) -> bool:
        since = self.clock.now() - timedelta(hours=1)
        opened = await batch.reports_since(self.session, openid, since)
        return opened >= self.config.reports.per_hour

    async def add_place(self, order: Order, openid: str, place: Place) -> None:
        """The address of an order that was sent out before the resident gave it; an order
        nobody has accepted yet (left with nobody, or with whoever takes orders of no known
        place) goes to the people of that place now that it is known, its grid leader told
        at once when it is urgent."""
        change = lc.add_place(
            order, place.building, place.unit, place.room, place.label(), self.clock.now()
        )
        if place.community is not None or place.estate is not None:
            change = Change(
                {**change.values, "community_id": place.community, "estate_code": place.estate},
                change.history,
                change.notices,
            )
        if order.status in (lc.Status.RECEIVED.value, lc.Status.ASSIGNED.value):
            await send_to_place(self, order, change, f"resident:{openid}")
        else:
            await self.apply(order, change, f"resident:{openid}")

    async def cancel(self, openid: str, order: Order) -> None:
        if order.resident_openid != openid:
            raise Refused(texts.ORDER_NOT_FOUND.format(number=order.id))
        self._require(Action.CANCEL, order)
        holder = await self._holder(order)
        change = lc.cancel(order, holder.key if holder else None, self.clock.now())
        if not await self.apply(order, change, f"resident:{openid}"):
            raise refused(Refusal("illegal", order.status), order.id)

    async def rate(self, openid: str, order: Order, score: int, comment: str = "") -> bool:
        """The resident's verdict (and what they said with it, kept in the history); True
        when it reopened the order (a low score)."""
        now = self.clock.now()
        actor = f"resident:{openid}"
        if score > 2 and order.status == lc.Status.CLOSED.value:  # changed soon after: rerated
            await self.apply(order, verdicts.rerate(order, score, now, comment), actor)
            return False
        if score > 2:
            self._require(Action.CLOSE, order)
            await self.apply(order, lc.rate_and_close(order, score, now, comment), actor)
            return False
        self._require(Action.REOPEN, order)
        low = lc.rate_low(order, score, now, comment)
        said = texts.REOPENED_SAID.format(comment=comment) if comment else ""
        await self.reopen_to_next(
            order,
            actor,
            prefix=texts.HISTORY_REOPENED,
            first=Change(low.values, low.history),
            why=texts.REOPEN_WHY.format(score=score, said=f"：{comment}" if comment else ""),
            told=texts.REOPENED_BY_RESIDENT.format(score=score, said=said),
            after=low.notices,
        )
        return True

    async def reopen_not_fixed(self, openid: str, order: Order, said: str) -> Member | None:
        """The resident says their finished order is not done (还是漏, 师傅根本没来): it is
        done again (重办) like a low rating, but no rating is recorded — they gave none (one
        given before is withdrawn). Their words are on its history and told to whoever has it
        now, whoever had completed it and the grid leader; returns who has it now."""
        if order.resident_openid != openid and openid not in await self.followers(order.id):
            raise Refused(texts.ORDER_NOT_FOUND.format(number=order.id))
        self._require(Action.REOPEN, order)
        step = verdicts.not_fixed(order, said, self.clock.now())
        words = said.strip()[: verdicts.SAID_MAX]
        return await self.reopen_to_next(
            order,
            f"resident:{openid}",
            prefix=texts.HISTORY_NOT_FIXED_REOPENED,
            first=Change(step.values, step.history),
            why=texts.NOT_FIXED_WHY.format(said=words),
            told=texts.REOPENED_NOT_FIXED_BY_RESIDENT.format(said=words),
            after=step.notices,
        )

    async def reopen_to_next(
        self,
        order: Order,
        actor: str,
        *,
        prefix: str,
        first: Change,
        told: str,
        why: str | None = None,
        after: tuple[lc.Notice, ...] = (),
    ) -> Member | None:
        """Dispatch a finished order again (重办). Whoever completed it hears it is open again,
        why (``told``) and who has it now, unless it is back with them (the new push says why).
        ``after``: notices told once it moved (keyed by its new version), not to those two."""
        await reopened.as_ordinary(self, order, actor)  # a finished emergency: a follow-up
        before = await self._holder(order)
        nxt = await self.dispatch(
            order, action=Action.REOPEN, actor=actor, prefix=prefix, first=first, why=why
        )
        both = tuple(m.key for m in (before, nxt) if m is not None)
        notices = [lc.Notice(n.kind, n.to, n.data, (*n.skip, *both)) for n in after]
        if before is not None and before.active and (nxt is None or nxt.key != before.key):
            data = {"why": told, "to": nxt.key if nxt is not None else None}
            notices.append(lc.Notice(Tell.REOPENED, lc.member(before.key), data))
        if notices:
            await self.apply(order, Change({}, (), tuple(notices)), actor)
        return nxt

    async def attach(
        self, order: Order | FreshOrder, openid: str, kind: str, data: dict[str, Any]
    ) -> None:
        """A picture or a place the resident sent after the report."""
        note = texts.HISTORY_ATTACHED_IMAGE if kind == "image" else texts.HISTORY_ATTACHED_PLACE
        entry = lc.History("attach", note, {"kind": kind, **data})
        await self._record(order, f"resident:{openid}", entry, order.status)

    # -- timers --------------------------------------------------------------------------------
    async def due(self, order: Any, now: datetime) -> list[Due]:
        """The timers due on ``order`` now. Its holder went off duty (下岗) without answering:
        the accept reminder is not sent to them, the order goes on to the next person."""
        due = plan(order, self.sla, now)[0]
        holder = (await self.roster()).by_id.get(order.assignee_id) if order.assignee_id else None
        return hand_on_instead(due, order.status, holder)

    async def run_timers(
        self, order: Any, now: datetime, due: list[Due] | None = None
    ) -> list[Due]:
        """Do whatever is due on this order now and set its next timer; returns what was done.

        Everything due is written as one change (the order's version moves once). A hand-on
        needs the ORM order (it goes through dispatch); the tick loads those.
        """
        if due is None:
            due = await self.due(order, now)
        view = await self.roster()
        holder = view.by_id.get(order.assignee_id) if order.assignee_id else None
        change = Change({"timer_lease_until": None})
        for what in due:
            if what == Due.HAND_ON:
                continue
            leader = grid_leader(view, order) if what == Due.ESCALATE_GRID else None
            context = TimerContext(
                holder_key=holder.key if holder else None,
                holder_name=holder.name if holder else None,
                grid_leader_name=leader.name if leader else None,
                staff_count=len(staff(view, order)) if what == Due.ESCALATE_STAFF else 0,
            )
            step = timer_change(order, what, self.sla, now, context)
            if step is not None:
                change = change.then(step)
        if Due.HAND_ON in due:
            if not isinstance(order, Order):
                raise TypeError("a hand-on needs the ORM order: dispatch changes it")
            declined = [*(order.declined_by or [])]
            if order.assignee_id is not None:
                declined.append(order.assignee_id)
            prefix, besides = handed_on(order.status, holder)  # 下岗, or off the roster
            nxt = await self.dispatch(
                order,
                exclude=(holder.key,) if holder is not None else (),
                prefix=prefix,
                first=change.then(besides).then(Change({"declined_by": declined})),
            )
            if nxt is None and not order.urgent:  # (an emergency's resident hears on its own)
                waiting = lc.Notice(Tell.RESIDENT_WAITING, lc.RESIDENT)
                await self.apply(order, Change({}, (), (waiting,)), "system")
        else:
            await self.apply(order, change, "system")
        if not isinstance(order, Order):
            write(order, {"next_timer_at": plan(order, self.sla, now)[1]})
        return due
