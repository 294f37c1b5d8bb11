"""The resource and project lists on the demo street in a real browser (Debian Chromium,
against `mulin demo`): the street office adds a resource for the whole street and one for
东亭, a project of 东亭 on the shared fund, picks 东亭 and downloads its project list; the
demo's 青和居 admin then sees the street's resource and none of 东亭's."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.lists import project_sheet
from tests.support import child_env
from tests.test_console_browser import demo, sign_in  # noqa: F401
from tests.test_sandbox_browser import ROOT, SHOTS, browser  # noqa: F401

pytestmark = pytest.mark.slow


def _street_account(running: dict[str, Any]) -> None:
    config = running["tmp"] / "lists.yaml"
    url = f"sqlite+aiosqlite:///{running['db']}"
    config.write_text(f'wechat: {{token: t, mode: plain}}\ndatabase: {{url: "{url}"}}\n')
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "admin", "add-user", "jiedaoban", "--role", "staff",
         "--community", "dh", "--password-stdin", "--config", str(config)],
        input="street-office-pass\n", text=True, capture_output=True, cwd=ROOT, env=child_env(),
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def _add_resource(page: Any, partner: str, kind: str, amount: str, scope: str) -> None:
    form = page.locator("fieldset:has(legend:text('新增')) form")
    form.locator("input[name=partner]").fill(partner)
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=amount]").fill(amount)
    form.locator("select[name=community]").select_option(label=scope)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"done=resource"))


def test_the_street_office_and_a_community_on_the_lists(
    demo: dict[str, Any],  # noqa: F811
    browser: Any,  # noqa: F811
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = demo["base"]
    _street_account(demo)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, base, "jiedaoban", "street-office-pass")
    page.goto(f"{base}/admin/lists/resources")
    _add_resource(page, "区慈善总会", "fund", "1000", "全街道")
    _add_resource(page, "东亭物业", "people", "", "东亭社区")
    table = page.inner_text("table.resources")
    assert "全街道" in table and "东亭社区" in table
    fund = page.locator("tr:has(input[value='区慈善总会'])").get_attribute("data-resource")

    page.goto(f"{base}/admin/lists/projects")
    form = page.locator("fieldset:has(legend:text('新增')) form")
    form.locator("select[name=community]").select_option(label="东亭社区")
    form.locator("input[name=title]").fill("东亭议事厅")
    form.locator("input[name=budget]").fill("200")
    form.locator("input[name=resource_ids]").fill(str(fund))
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"done=project"))
    page.select_option("#community-filter select[name=community]", label="东亭社区")
    page.click("#community-filter button[type=submit]")
    page.wait_for_url(re.compile(r"community=dt"))
    assert "东亭议事厅" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "lists-projects-street.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#projects-xlsx")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = list(book[project_sheet.SHEET].values)
    assert rows[0] == project_sheet.HEADERS
    assert rows[1][1:3] == ("东亭议事厅", "东亭社区") and rows[1][5] == 200
    assert f"#{fund} 区慈善总会" in rows[1][8]

    context.clear_cookies()
    sign_in(page, base, demo["user"], demo["password"])  # the demo's 青和居 admin
    page.goto(f"{base}/admin/lists/resources")
    table = page.inner_text("table.resources")
    assert "区慈善总会" in table and "全街道" in table and "东亭物业" not in table
    assert page.locator("#community-filter").count() == 0  # one community: nothing to pick
    page.goto(f"{base}/admin/lists/projects")
    assert "东亭议事厅" not in page.inner_text("main")
