"""What the community office does to an order from the console, as pure transitions.

Same shape as :mod:`bot.orders.lifecycle` (state in, :class:`Change` out, no I/O); kept apart
so the lifecycle module stays small. The order service applies these like any other change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import texts
from bot.orders.lifecycle import (
    HOLDER,
    OPEN,
    RESIDENT,
    Action,
    Change,
    History,
    Notice,
    Refusal,
    Status,
    Tell,
    cancel,
    member,
    require,
    restart_clocks,
)
from bot.orders.state import OrderFacts


def note(text: str) -> Change:
    """An internal note: on the history only, never sent to the resident."""
    return Change({}, (History("note", text),))


def office_message(text: str, now: datetime) -> Change:
    return Change(
        {"updated_at": now},
        (History("message", texts.HISTORY_OFFICE_MESSAGE.format(text=text)),),
        (Notice(Tell.RESIDENT_MESSAGE, RESIDENT, {"text": text}),),
    )


def office_resolve(o: OrderFacts, note: str, now: datetime) -> Change:
    """The office closes the matter itself (e.g. settled by phone), accepted or not."""
    if Status(o.status) not in OPEN:
        require(Action.RESOLVE, o.status)
    said = texts.HISTORY_OFFICE_RESOLVED.format(note=note) if note else texts.HISTORY_OFFICE_DONE
    # whoever held it hears it is done (found from outside: it just left their 待办)
    holder = (Notice(Tell.OFFICE_RESOLVED, HOLDER),) if o.assignee_id else ()
    return Change(
        {"status": Status.RESOLVED.value, "resolved_at": now, "updated_at": now},
        (History(Action.RESOLVE.value, said),),
        (Notice(Tell.RESIDENT_RESOLVED, RESIDENT, {"note": note}), *holder),
    )


def office_cancel(o: OrderFacts, holder_key: str | None, reason: str, now: datetime) -> Change:
    base = cancel(o, holder_key, now)
    told = Notice(Tell.RESIDENT_CANCELLED, RESIDENT, {"reason": reason})
    history = History(Action.CANCEL.value, texts.HISTORY_OFFICE_CANCELLED.format(reason=reason))
    return Change(base.values, (history,), (*base.notices, told))


def erased_cancel(o: OrderFacts, holder_key: str | None, now: datetime) -> Change:
    """The resident's information was erased at their request (mulin privacy erase) and no
    neighbour follows the order: it is called off, and whoever holds it, or was told of it as
    an emergency, hears why (found from outside: it stayed in their 待办 with no content)."""
    base = cancel(o, holder_key, now)
    told = tuple(Notice(n.kind, n.to, {**n.data, "erased": True}, n.skip) for n in base.notices)
    return Change(
        base.values, (History(Action.CANCEL.value, texts.HISTORY_ERASED_CANCELLED),), told
    )


def office_reopen(o: OrderFacts, now: datetime) -> Change:
    """Done again (重办) on the office's word; the service dispatches it."""
    require(Action.REOPEN, o.status)
    return Change({**restart_clocks(now), "resolved_at": None, "closed_at": None})


def edit(o: OrderFacts, values: dict[str, Any], what: str, now: datetime) -> Change:
    """The office corrects the category or the address."""
    if Status(o.status) not in OPEN:
        raise Refusal("finished", o.status)
    return Change(
        {**values, "updated_at": now}, (History("edit", texts.HISTORY_EDITED.format(what=what)),)
    )


def merge(o: OrderFacts, into: int, holder_key: str | None, now: datetime) -> Change:
    """A duplicate joins another order: it ends here, the resident is told which one."""
    require(Action.CANCEL, o.status)
    tell = [Notice(Tell.RESIDENT_MERGED, RESIDENT, {"into": into})]
    if holder_key:
        tell.append(Notice(Tell.CANCELLED, member(holder_key)))
    return Change(
        {
            "status": Status.CANCELLED.value,
            "merged_into": into,
            "closed_at": now,
            "updated_at": now,
        },
        (History("merge", texts.HISTORY_MERGED.format(into=into)),),
        tuple(tell),
    )
