"""What the three lists' pages share: who may change them, ids in a form, the page itself."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console import lists_texts as lt
from bot.console import texts as t
from bot.console.scope import Viewer
from bot.console.web import VIEWER, FormError, audit_entry, field, page, refuse
from bot.keys import CONFIG
from bot.lists import words as lw
from bot.lists.money import BadAmount, parse_yuan, yuan
from bot.lists.scope import ListScope, OutOfScope, scope_of
from models.community import Community

EDITORS = frozenset({"admin", "staff"})
MAX_IDS = 200
MAX_ID = 2**31 - 1


MAX_UPLOAD = 2 * 1024 * 1024
_COUNT = re.compile(r"[0-9]{1,9}")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def flash(request: web.Request, imported: str = "") -> str:
    """The green banner after a change (``?done=``): its message with the counts the address
    carries (``n``, or an import's counts into ``imported``). A count that is not a whole
    number (words someone put in a link) means no banner at all."""
    done = request.query.get("done", "")
    message = imported if done == "import" and imported else lt.FLASH.get(done, "")
    counts = {name: request.query.get(name, "") for name in _PLACEHOLDER.findall(message)}
    if not all(_COUNT.fullmatch(value) for value in counts.values()):
        return ""
    return message.format(**counts)


def uploaded(form: MultiDictProxy[Any]) -> bytes | None:
    """The form's ``file`` field, or None when it is missing, empty or over MAX_UPLOAD."""
    upload = form.get("file")
    data = upload.file.read(MAX_UPLOAD + 1) if isinstance(upload, web.FileField) else b""
    return data if data and len(data) <= MAX_UPLOAD else None


def editor(request: web.Request) -> Viewer | None:
    """The viewer when they may change the lists (staff and admins), else None."""
    viewer: Viewer = request[VIEWER]
    return viewer if viewer.role in EDITORS else None


def not_editor(request: web.Request) -> web.Response:
    return refuse(request, 403, lt.L["read_only"])


def actor(viewer: Viewer) -> str:
    return f"console:{viewer.username}"


def who(actor_: str) -> str:
    """A change's author as the order pages name it: 「demo（工作台）」, not 「console:demo」."""
    kind, _, name = actor_.partition(":")
    if kind == "console" and name:
        return f"{name}（{t.ACTORS['console']}）"
    return name or t.ACTORS.get(kind, actor_)


def audit(
    s: AsyncSession, request: web.Request, viewer: Viewer, action: str, target: str, detail: str
) -> None:
    """The console's audit log too (admins read it with every other console action)."""
    audit_entry(s, request, viewer.username, f"lists_{action}", target, detail)


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
        "picked": request.query.get("community", ""),
        "lw": lw,
        "yuan": yuan,
        "may_edit": viewer.role in EDITORS,
        "tz": request.config_dict[CONFIG].tz,
        # every list's change log in Chinese (found from outside: 资源清单 read
        # "console:demo resource #2 create")
        "actions": lt.ACTIONS,
        "kinds": lt.KINDS,
        "who": who,
    }
    return page(request, template, {**words, **context}, status=status)


async def list_scope(request: web.Request, session: AsyncSession) -> ListScope:
    """The signed-in account's scope on the lists, looking at ``?community=`` when a street
    account picks one (another community, or one that does not exist: 400)."""
    viewer: Viewer = request[VIEWER]
    pick = request.query.get("community", "").strip()[:32] or None
    try:
        return await scope_of(session, viewer.community, pick)
    except OutOfScope:
        raise FormError(lt.L["bad_community"]) from None


async def communities(session: AsyncSession, scope: ListScope) -> dict[int, tuple[str, str]]:
    """The communities (not the street itself) the account owns: id -> (code, name)."""
    rows = await session.execute(
        select(Community.id, Community.code, Community.name)
        .where(Community.kind != "street")
        .order_by(Community.id)
    )
    return {i: (code, name) for i, code, name in rows if scope.owns(i)}


def community_field(
    form: MultiDictProxy[Any], owned: dict[int, tuple[str, str]], scope: ListScope
) -> int | None:
    """The community a new row goes to: the form's ``community`` (a code; empty: the whole
    street) for a street account, the account's own community otherwise."""
    if not scope.whole_street:
        return next(iter(owned), None)
    code = field(form, "community", 32, required=False)
    if not code:
        return None
    found = next((i for i, (c, _) in owned.items() if c == code), None)
    if found is None:
        raise FormError(lt.L["bad_community"])
    return found
