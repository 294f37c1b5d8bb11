"""What a resident's word does to a finished order besides the rating of bot.orders.lifecycle
(rate_and_close, rate_low): "not fixed" said without a rating, and a rating changed soon after
it was given. Pure functions like lifecycle's: state in, change out, no I/O."""

from __future__ import annotations

from datetime import datetime

from bot import texts
from bot.orders.lifecycle import (
    GRID_LEADER,
    Action,
    Change,
    History,
    Notice,
    Refusal,
    Status,
    require,
    restart_clocks,
)
from bot.orders.state import OrderFacts
from bot.orders.tells import Tell

SAID_MAX = 200  # characters of the resident's words kept on the history


def not_fixed(o: OrderFacts, said: str, now: datetime) -> Change:
    """The resident says the finished order is not done (还是漏, 师傅根本没来): it is done
    again (重办; the service dispatches it), their words on its history and told to the grid
    leader. No rating is written — they gave none — and one given before is withdrawn: it
    was for work that turned out not done, and the next round is rated anew."""
    require(Action.REOPEN, o.status)
    words = said.strip()[:SAID_MAX]
    return Change(
        {**restart_clocks(now), "rating": None},
        (History("not_fixed", texts.HISTORY_NOT_FIXED.format(said=words), {"said": words}),),
        (Notice(Tell.REOPEN_FYI, GRID_LEADER, {"said": words}),),
    )


def rerate(o: OrderFacts, score: int, now: datetime, comment: str = "") -> Change:
    """A satisfied score for an order the resident rated a moment ago (4分 after 挺好的, read
    as 4): the rating is changed, the order stays closed."""
    if o.status != Status.CLOSED.value:
        raise Refusal("illegal", o.status)
    # (a verdict after the survey's time closed it unrated is its first rating)
    said = texts.HISTORY_RERATED if getattr(o, "rating", None) is not None else texts.HISTORY_RATED
    note = said.format(score=score)
    if comment:
        note += texts.HISTORY_RATING_COMMENT.format(comment=comment)
    kept = {"comment": comment} if comment else None
    return Change({"rating": score, "updated_at": now}, (History("rate", note, kept),))
