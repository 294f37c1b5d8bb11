"""The resource list (资源清单): partner units and what they offer, by community (or for the
whole street), edited here and through XLSX. Every route is limited to the signed-in
account's communities: another community's resource is "not found" whatever its number."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web
from multidict import MultiDictProxy
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console.lists_common import (
    actor,
    audit,
    communities,
    community_field,
    editor,
    flash,
    list_scope,
    money,
    not_editor,
    show,
    uploaded,
)
from bot.console.masking import shown_to
from bot.console.scope import Viewer
from bot.console.web import PREFIX, VIEWER, FormError, field
from bot.keys import CLOCK, READS, SESSIONS
from bot.lists import history, projects, resources, sheet
from bot.lists import words as lw
from bot.lists.scope import ListScope
from models.lists import PartnerResource

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def place_names(owned: dict[int, tuple[str, str]]) -> dict[int | None, str]:
    """What the 范围 of a resource shows: its community's name, or 全街道."""
    return {None: lw.STREET_WIDE, **{i: name for i, (_, name) in owned.items()}}


async def _resource_page(
    request: web.Request, problems: list[str] | None = None, status: int = 200
) -> web.Response:
    async with request.config_dict[READS]() as s:
        scope = await list_scope(request, s)
        rows = await resources.all_resources(s, scope)
        owned = await communities(s, scope)
        changes = await history.changes(s, "resource", limit=50, where=scope.changes())
    context = {
        "rows": rows,
        "editable": {r.id for r in rows if scope.edits_resource(r)},
        "places": place_names(owned),
        "owned": owned,
        "street": scope.whole_street,
        "filters": urlencode({"community": request.query.get("community", "")}),
        "changes": changes,
        "problems": problems or [],
        "flash": flash(request, lw.IMPORTED),
    }
    return show(request, "list_resources.html", context, status)


async def resource_list(request: web.Request) -> web.Response:
    return await _resource_page(request)


def _resource_spec(form: MultiDictProxy[Any], community: int | None) -> resources.ResourceSpec:
    kind = field(form, "kind", 16)
    return resources.ResourceSpec(
        unit=field(form, "partner", 100),
        kind=lw.KINDS_BY_NAME.get(kind, kind),
        contact=field(form, "contact", 100, required=False),
        description=field(form, "description", 1000, required=False),
        amount_fen=money(form, "amount"),
        community_id=community,
    )


async def resource_save(request: web.Request) -> web.StreamResponse:
    viewer = editor(request)
    if viewer is None:
        return not_editor(request)
    form = await request.post()
    number = request.match_info.get("id")
    now = request.config_dict[CLOCK].now()
    try:
        async with request.config_dict[SESSIONS]() as s, s.begin():
            scope = await list_scope(request, s)
            spec = _resource_spec(form, community_field(form, await communities(s, scope), scope))
            if number is not None:
                await _editable(s, scope, int(number))
            row = await resources.save(
                s, spec, actor(viewer), now, scope, int(number) if number else None
            )
            audit(s, request, viewer, "resource", f"resource:{row.id}", row.unit)
    except projects.ListError as exc:
        raise FormError(exc.message) from None
    raise web.HTTPSeeOther(f"{request.app[PREFIX]}/lists/resources?done=resource")


async def _editable(session: AsyncSession, scope: ListScope, number: int) -> None:
    """404 for a resource the account cannot see (as for one that does not exist)."""
    found = await session.get(PartnerResource, number)
    if found is None or not scope.sees_resource(found):
        raise web.HTTPNotFound()


async def resource_import(request: web.Request) -> web.StreamResponse:
    viewer = editor(request)
    if viewer is None:
        return not_editor(request)
    form = await request.post()
    data = uploaded(form)
    if data is None:
        return await _resource_page(request, [lw.BAD_FILE], 400)
    now = request.config_dict[CLOCK].now()
    try:
        async with request.config_dict[SESSIONS]() as s, s.begin():
            scope = await list_scope(request, s)
            owned = await communities(s, scope)
            lines = sheet.read(data, _places(owned, community_field(form, owned, scope)))
            added, updated, same = await sheet.apply(s, lines, actor(viewer), now, scope)
            audit(s, request, viewer, "import", "resources", f"+{added} ~{updated} ={same}")
    except sheet.ImportRefused as exc:
        return await _resource_page(request, exc.problems, 400)
    done = urlencode({"done": "import", "added": added, "updated": updated, "same": same})
    raise web.HTTPSeeOther(f"{request.app[PREFIX]}/lists/resources?{done}")


def _places(owned: dict[int, tuple[str, str]], default: int | None) -> sheet.Places:
    """范围 in a file: a community's name or code, or 全街道."""
    names: dict[str, int | None] = {lw.STREET_WIDE: None}
    for i, (code, name) in owned.items():
        names[name] = names[code] = i
    return sheet.Places(names, default)


async def resource_export(request: web.Request) -> web.Response:
    viewer: Viewer = request[VIEWER]
    async with request.config_dict[READS]() as s:
        scope = await list_scope(request, s)
        owned = await communities(s, scope)
        rows = await resources.all_resources(s, scope)
    names = {i: name for i, (_, name) in owned.items()}
    data = sheet.export(rows, names, shown_to(viewer))
    label = names.get(scope.pick or -1) if scope.pick else None
    if label is None and len(owned) == 1:
        label = next(iter(names.values()))
    name = f"{lw.SHEET_TITLE}-{label}.xlsx" if label else f"{lw.SHEET_TITLE}.xlsx"
    disposition = f"attachment; filename=\"resources.xlsx\"; filename*=UTF-8''{quote(name)}"
    return web.Response(body=data, content_type=XLSX, headers={"Content-Disposition": disposition})


def routes(app: web.Application) -> None:
    app.router.add_get("/lists/resources", resource_list)
    app.router.add_get("/lists/resources.xlsx", resource_export)
    app.router.add_post("/lists/resources", resource_save)
    app.router.add_post("/lists/resources/import", resource_import)
    app.router.add_post(r"/lists/resources/{id:\d{1,9}}", resource_save)
