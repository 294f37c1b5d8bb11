"""The resource list (资源清单) and the project list (项目清单): partner units and what they
offer, edited here and through XLSX; projects with their budget, milestones, status and the
report back to residents (反馈居民)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDictProxy
from sqlalchemy import select

from bot.console import lists_texts as lt
from bot.console.lists_common import actor, audit, editor, ids, money, not_editor, show
from bot.console.web import PREFIX, FormError, field
from bot.keys import CLOCK, READS, SESSIONS
from bot.lists import history, projects, resources, sheet
from bot.lists import words as lw
from models.lists import DemandGroup, PartnerResource, Project

MAX_UPLOAD = 2 * 1024 * 1024


async def _resource_page(
    request: web.Request, problems: list[str] | None = None, status: int = 200
) -> web.Response:
    async with request.config_dict[READS]() as s:
        rows = await resources.all_resources(s)
        changes = await history.changes(s, "resource", limit=50)
    flash = lt.FLASH.get(request.query.get("done", ""), "")
    if request.query.get("done") == "import":
        flash = lw.IMPORTED.format(
            added=request.query.get("added", "0"), updated=request.query.get("updated", "0")
        )
    context = {"rows": rows, "changes": changes, "problems": problems or [], "flash": flash}
    return show(request, "list_resources.html", context, status)


async def resource_list(request: web.Request) -> web.Response:
    return await _resource_page(request)


def _resource_spec(form: MultiDictProxy[Any]) -> resources.ResourceSpec:
    kind = field(form, "kind", 16)
    return resources.ResourceSpec(
        unit=field(form, "partner", 100),
        kind=lw.KINDS_BY_NAME.get(kind, kind),
        contact=field(form, "contact", 100, required=False),
        description=field(form, "description", 1000, required=False),
        amount_fen=money(form, "amount"),
    )


async def resource_save(request: web.Request) -> web.StreamResponse:
    viewer = editor(request)
    if viewer is None:
        return not_editor(request)
    form = await request.post()
    spec = _resource_spec(form)
    number = request.match_info.get("id")
    now = request.config_dict[CLOCK].now()
    try:
        async with request.config_dict[SESSIONS]() as s, s.begin():
            row = await resources.save(s, spec, actor(viewer), now, int(number) if number else None)
            audit(s, request, viewer, "resource", f"resource:{row.id}", row.unit)
    except projects.ListError as exc:
        raise FormError(exc.message) from None
    raise web.HTTPSeeOther(f"{request.app[PREFIX]}/lists/resources?done=resource")


async def resource_import(request: web.Request) -> web.StreamResponse:
    viewer = editor(request)
    if viewer is None:
        return not_editor(request)
    form = await request.post()
    upload = form.get("file")
    data = upload.file.read(MAX_UPLOAD + 1) if isinstance(upload, web.FileField) else b""
    if not data or len(data) > MAX_UPLOAD:
        return await _resource_page(request, [lw.BAD_FILE], 400)
    now = request.config_dict[CLOCK].now()
    try:
        lines = sheet.read(data)
        async with request.config_dict[SESSIONS]() as s, s.begin():
            added, updated = await sheet.apply(s, lines, actor(viewer), now)
            audit(s, request, viewer, "import", "resources", f"+{added} ~{updated}")
    except sheet.ImportRefused as exc:
        return await _resource_page(request, exc.problems, 400)
    raise web.HTTPSeeOther(
        f"{request.app[PREFIX]}/lists/resources?done=import&added={added}&updated={updated}"
    )


async def resource_export(request: web.Request) -> web.Response:
    async with request.config_dict[READS]() as s:
        data = sheet.export(await resources.all_resources(s))
    return web.Response(
        body=data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="resources.xlsx"'},
    )


async def project_list(request: web.Request) -> web.Response:
    async with request.config_dict[READS]() as s:
        rows = list(await s.scalars(select(Project).order_by(Project.id.desc())))
        demands = {d.id: d for d in await s.scalars(select(DemandGroup))}
        found = {r.id: r for r in await s.scalars(select(PartnerResource))}
        changes = await history.changes(s, None, limit=50)
    n = request.query.get("n", "")
    context = {
        "rows": rows,
        "demands": demands,
        "resources": found,
        "changes": changes,
        "flash": lt.FLASH.get(request.query.get("done", ""), "").format(n=n),
        "actions": lt.ACTIONS,
        "kinds": lt.KINDS,
    }
    return show(request, "list_projects.html", context)


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


async def project_save(request: web.Request) -> web.StreamResponse:
    viewer = editor(request)
    if viewer is None:
        return not_editor(request)
    spec = _project_spec(await request.post())
    number = request.match_info.get("id")
    now = request.config_dict[CLOCK].now()
    try:
        async with request.config_dict[SESSIONS]() as s, s.begin():
            if number is None:
                project, told = await projects.create(s, spec, actor(viewer), now)
            else:
                found = await s.get(Project, int(number))
                if found is None:
                    raise web.HTTPNotFound()
                project = found
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
            project = await s.get(Project, int(request.match_info["id"]))
            if project is None:
                raise web.HTTPNotFound()
            told = await projects.report_back(s, project, text, actor(viewer), now)
            audit(s, request, viewer, "report_back", f"project:{project.id}", f"{told}: {text}")
    except projects.ListError as exc:
        raise FormError(exc.message) from None
    raise web.HTTPSeeOther(f"{request.app[PREFIX]}/lists/projects?done=report&n={told}")


def routes(app: web.Application) -> None:
    app.router.add_get("/lists/resources", resource_list)
    app.router.add_get("/lists/resources.xlsx", resource_export)
    app.router.add_post("/lists/resources", resource_save)
    app.router.add_post("/lists/resources/import", resource_import)
    app.router.add_post(r"/lists/resources/{id:\d{1,9}}", resource_save)
    app.router.add_get("/lists/projects", project_list)
    app.router.add_post("/lists/projects", project_save)
    app.router.add_post(r"/lists/projects/{id:\d{1,9}}", project_save)
    app.router.add_post(r"/lists/projects/{id:\d{1,9}}/report", project_report)
