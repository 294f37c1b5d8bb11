"""The project list (项目清单): projects of a community with their budget, milestones,
status and the report back to residents (反馈居民), and its XLSX download. Every route is
limited to the signed-in account's communities: another community's project is "not found"
whatever its number; the street office sees them all and may look at one community."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web
from multidict import MultiDictProxy
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console import lists_texts as lt
from bot.console.lists_common import (
    actor,
    audit,
    communities,
    community_field,
    editor,
    flash,
    ids,
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
from bot.lists import history, project_import, project_sheet, projects
from bot.lists import words as lw
from bot.lists.scope import ListScope
from bot.lists.sheet import ImportRefused, Places
from models.lists import DemandGroup, PartnerResource, Project

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _shown(
    s: AsyncSession, scope: ListScope
) -> tuple[list[Project], dict[int, DemandGroup], dict[int, PartnerResource]]:
    """The projects in scope, newest first, with the demands and resources they may link."""
    rows = list(
        await s.scalars(select(Project).where(scope.projects()).order_by(Project.id.desc()))
    )
    wide = ListScope(scope.communities, scope.first)  # a picked community's links, all of them
    demands = {d.id: d for d in await s.scalars(select(DemandGroup).where(wide.demands()))}
    found = {r.id: r for r in await s.scalars(select(PartnerResource).where(wide.resources()))}
    return rows, demands, found


async def project_list(request: web.Request) -> web.Response:
    return await _project_page(request)


async def _project_page(
    request: web.Request, problems: list[str] | None = None, status: int = 200
) -> web.Response:
    async with request.config_dict[READS]() as s:
        scope = await list_scope(request, s)
        rows, demands, found = await _shown(s, scope)
        owned = await communities(s, scope)
        changes = await history.changes(s, None, limit=50, where=scope.changes())
    context = {
        "rows": rows,
        "demands": demands,
        "resources": found,
        "owned": owned,
        "street": scope.whole_street,
        "names": {i: name for i, (_, name) in owned.items()},
        "filters": urlencode({"community": request.query.get("community", "")}),
        "changes": changes,
        "flash": flash(request, lw.PROJECTS_IMPORTED),
        "problems": problems or [],
        "actions": lt.ACTIONS,
        "kinds": lt.KINDS,
    }
    return show(request, "list_projects.html", context, status)


def _project_spec(form: MultiDictProxy[Any]) -> projects.ProjectSpec:
    status = field(form, "status", 16, required=False) or "planned"
    if status not in lw.PROJECT_STATUS:
        raise FormError(lw.BAD_STATUS)
    try:
        milestones = projects.parse_milestones(field(form, "milestones", 4000, required=False))
    except projects.ListError as exc:
        raise FormError(exc.message) from None
    return projects.ProjectSpec(
        title=field(form, "title", 100),
        unit=field(form, "owner", 100, required=False),
        person=field(form, "person", 64, required=False),
        budget_fen=money(form, "budget"),
        status=status,
        milestones=milestones,
        demand_ids=ids(form, "demand_ids"),
        resource_ids=ids(form, "resource_ids"),
    )


async def _project(s: AsyncSession, scope: ListScope, number: str) -> Project:
    """The project, or 404 when it does not exist or is another community's."""
    found = await s.get(Project, int(number), with_for_update=True)
    if found is None or not scope.owns(found.community_id):
        raise web.HTTPNotFound()
    return found


async def project_save(request: web.Request) -> web.StreamResponse:
    viewer = editor(request)
    if viewer is None:
        return not_editor(request)
    form = await request.post()
    spec = _project_spec(form)
    number = request.match_info.get("id")
    now = request.config_dict[CLOCK].now()
    try:
        async with request.config_dict[SESSIONS]() as s, s.begin():
            scope = await list_scope(request, s)
            if number is None:
                spec.community_id = community_field(form, await communities(s, scope), scope)
                if spec.community_id is None:
                    raise FormError(lw.PICK_COMMUNITY)
                project, told = await projects.create(s, spec, actor(viewer), now)
            else:
                project = await _project(s, scope, number)
                told = await projects.update(s, project, spec, actor(viewer), now)
            audit(s, request, viewer, "project", f"project:{project.id}", project.title)
    except projects.ListError as exc:
        raise FormError(exc.message) from None
    raise web.HTTPSeeOther(f"{request.app[PREFIX]}/lists/projects?done=project&n={told}")


async def project_report(request: web.Request) -> web.StreamResponse:
    viewer = editor(request)
    if viewer is None:
        return not_editor(request)
    text = field(await request.post(), "text", 300)
    now = request.config_dict[CLOCK].now()
    try:
        async with request.config_dict[SESSIONS]() as s, s.begin():
            project = await _project(s, await list_scope(request, s), request.match_info["id"])
            told = await projects.report_back(s, project, text, actor(viewer), now)
            audit(s, request, viewer, "report_back", f"project:{project.id}", f"{told}: {text}")
    except projects.ListError as exc:
        raise FormError(exc.message) from None
    raise web.HTTPSeeOther(f"{request.app[PREFIX]}/lists/projects?done=report&n={told}")


async def project_export(request: web.Request) -> web.Response:
    viewer: Viewer = request[VIEWER]
    async with request.config_dict[READS]() as s:
        scope = await list_scope(request, s)
        rows, demands, found = await _shown(s, scope)
        owned = await communities(s, scope)
    names: dict[int | None, str] = {i: name for i, (_, name) in owned.items()}
    data = project_sheet.export(list(reversed(rows)), demands, found, names, shown_to(viewer))
    label = names.get(scope.pick) if scope.pick else None
    if label is None and len(owned) == 1:
        label = next(iter(owned.values()))[1]
    name = f"{project_sheet.SHEET}-{label}.xlsx" if label else f"{project_sheet.SHEET}.xlsx"
    disposition = f"attachment; filename=\"projects.xlsx\"; filename*=UTF-8''{quote(name)}"
    return web.Response(body=data, content_type=XLSX, headers={"Content-Disposition": disposition})


async def project_import_file(request: web.Request) -> web.StreamResponse:
    """The project sheet back (bot/lists/project_import.py): all of it, or nothing."""
    viewer = editor(request)
    if viewer is None:
        return not_editor(request)
    form = await request.post()
    data = uploaded(form)
    if data is None:
        return await _project_page(request, [lw.BAD_FILE], 400)
    now = request.config_dict[CLOCK].now()
    try:
        async with request.config_dict[SESSIONS]() as s, s.begin():
            scope = await list_scope(request, s)
            owned = await communities(s, scope)
            default = community_field(form, owned, scope)
            names: dict[str, int | None] = {}
            for i, (code, name) in owned.items():
                names[name] = names[code] = i
            lines = project_import.read(data, Places(names, default))
            counts = await project_import.apply(s, lines, actor(viewer), now, scope, default)
            detail = " ".join(f"{k}={v}" for k, v in counts.items())
            audit(s, request, viewer, "import", "projects", detail)
    except ImportRefused as exc:
        return await _project_page(request, exc.problems, 400)
    done = urlencode({"done": "import", **counts})
    raise web.HTTPSeeOther(f"{request.app[PREFIX]}/lists/projects?{done}")


def routes(app: web.Application) -> None:
    app.router.add_get("/lists/projects", project_list)
    app.router.add_get("/lists/projects.xlsx", project_export)
    app.router.add_post("/lists/projects", project_save)
    app.router.add_post("/lists/projects/import", project_import_file)
    app.router.add_post(r"/lists/projects/{id:\d{1,9}}", project_save)
    app.router.add_post(r"/lists/projects/{id:\d{1,9}}/report", project_report)
