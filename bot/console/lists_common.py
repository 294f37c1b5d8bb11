"""What the three lists' pages share: who may change them, ids in a form, the page itself."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDictProxy
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console import accounts
from bot.console import lists_texts as lt
from bot.console import texts as t
from bot.console.scope import Viewer
from bot.console.web import VIEWER, FormError, client_ip, field, page, refuse
from bot.keys import CONFIG
from bot.lists import words as lw
from bot.lists.money import BadAmount, parse_yuan, yuan

EDITORS = frozenset({"admin", "staff"})
MAX_IDS = 200
MAX_ID = 2**31 - 1


def editor(request: web.Request) -> Viewer | None:
    """The viewer when they may change the lists (staff and admins), else None."""
    viewer: Viewer = request[VIEWER]
    return viewer if viewer.role in EDITORS else None


def not_editor(request: web.Request) -> web.Response:
    return refuse(request, 403, lt.L["read_only"])


def actor(viewer: Viewer) -> str:
    return f"console:{viewer.username}"


def audit(
    s: AsyncSession, request: web.Request, viewer: Viewer, action: str, target: str, detail: str
) -> None:
    """The console's audit log too (admins read it with every other console action)."""
    accounts.audit(s, viewer.username, f"lists_{action}", target, client_ip(request), detail)


def numbers(text: str, name: str) -> list[int]:
    """ "3, 5 8" -> [3, 5, 8]; anything else refused with the field's name."""
    text = text.replace("，", ",").replace("#", "")
    try:
        found = [int(part) for part in text.replace(",", " ").split()]
    except ValueError:
        raise FormError(t.BAD_VALUE.format(field=t.FIELDS.get(name, name))) from None
    if len(found) > MAX_IDS or any(not 0 < i <= MAX_ID for i in found):
        raise FormError(t.BAD_VALUE.format(field=t.FIELDS.get(name, name)))
    return list(dict.fromkeys(found))


def ids(form: MultiDictProxy[Any], name: str, required: bool = False) -> list[int]:
    return numbers(field(form, name, 2000, required), name)


def picked_orders(form: MultiDictProxy[Any]) -> list[int]:
    """The order numbers of every ticked group (each a "3,5,8" of its orders)."""
    found: list[int] = []
    for value in form.getall("pick", []):
        if not isinstance(value, str) or len(value) > 2000:
            raise FormError(t.BAD_VALUE.format(field=t.FIELDS["pick"]))
        found += numbers(value, "pick")
    if not found:
        raise FormError(lw.NO_DEMANDS)
    return sorted(set(found))


def money(form: MultiDictProxy[Any], name: str) -> int:
    try:
        return parse_yuan(field(form, name, 20, required=False))
    except BadAmount as exc:
        raise FormError(lw.BAD_AMOUNT[exc.reason].format(field=lt.L.get(name, name))) from None


def show(
    request: web.Request, template: str, context: dict[str, Any], status: int = 200
) -> web.Response:
    viewer: Viewer = request[VIEWER]
    words = {
        "L": lt.L,
        "lw": lw,
        "yuan": yuan,
        "may_edit": viewer.role in EDITORS,
        "tz": request.config_dict[CONFIG].tz,
    }
    return page(request, template, {**words, **context}, status=status)
