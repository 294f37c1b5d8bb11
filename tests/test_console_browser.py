"""The console in a real browser (Debian Chromium) against `mulin demo` and its month of
orders: sign in, filter the board, open an order, reassign it (the member gets the push from
the fake WeChat API), add a note, resolve it (the resident is told); then a grid leader made
with `mulin admin add-user` sees only their grid, at phone width. Screenshots are kept."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import child_env, demo_clock_in_the_day, free_port, wait_http
from tests.test_sandbox_browser import CHROMIUM, ROOT, SHOTS, browser  # noqa: F401

pytestmark = pytest.mark.slow
PASSWORD_LINE = re.compile(r"用户名 user: (\S+)\s+密码 password: (\S+)")


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[dict[str, Any]]:
    port = free_port()
    log = tmp_path / "demo.log"
    data = tmp_path / "data"
    demo_clock_in_the_day(data)  # the resident's notices are not held for the night
    command = [sys.executable, "-m", "bot.cli", "demo", "--port", str(port), "--data", str(data)]
    with (
        log.open("w") as out,
        subprocess.Popen(
            command, cwd=ROOT, env=child_env(), stdout=out, stderr=subprocess.STDOUT
        ) as proc,
    ):
        try:
            wait_http(f"http://127.0.0.1:{port}/readyz", proc, log)
            found = PASSWORD_LINE.search(log.read_text())
            assert found, log.read_text()
            yield {
                "base": f"http://127.0.0.1:{port}",
                "user": found.group(1),
                "password": found.group(2),
                "db": data / "demo.db",
                "tmp": tmp_path,
            }
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def sign_in(page: Any, base: str, user: str, password: str) -> None:
    page.goto(f"{base}/admin/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/orders"))


def pushed(page: Any, base: str, who: str, *needles: str, timeout: float = 30) -> str:
    """The text of a push to ``who`` (an openid or its prefix) containing every needle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        entries = page.request.get(f"{base}/sandbox/api/history").json()["entries"]
        for e in entries:
            mine = e["kind"] == "push" and e["openid"].startswith(who)
            if mine and all(n in e["text"] for n in needles):
                return str(e["text"])
        time.sleep(0.5)
    raise AssertionError(f"no push to {who} with {needles!r}")


def add_grid_leader(db: Path, tmp: Path) -> None:
    config = tmp / "console.yaml"
    config.write_text(
        f'wechat: {{token: t, mode: plain}}\ndatabase: {{url: "sqlite+aiosqlite:///{db}"}}\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "admin", "add-user", "liu", "--role", "grid_leader",
         "--grid", "G02", "--member", "m02", "--password-stdin", "--config", str(config)],
        input="grid-leader-pass\n", text=True, capture_output=True, cwd=ROOT, env=child_env(),
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_office_works_an_order_and_a_grid_leader_sees_only_their_grid(
    demo: dict[str, Any],
    browser: Any,  # noqa: F811
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = demo["base"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, base, demo["user"], demo["password"])
    assert "待接单" in page.inner_text(".counts") and "待回访" in page.inner_text(".counts")
    page.select_option("select[name=status]", "working")
    page.select_option("select[name=category]", "repair")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"status=working"))
    page.screenshot(path=str(SHOTS / "console-board-1280.png"), full_page=True)
    first = page.locator(".order a").first
    number = int(first.locator(".no").inner_text().lstrip("#"))
    first.click()
    page.wait_for_url(re.compile(rf"/admin/orders/{number}$"))
    holder = page.locator("dt:text('处理人') + dd").inner_text()
    target, openid = (
        ("m05", "o_member_zhaoguoqing") if "吴建华" in holder else ("m03", "o_member_wujianhua")
    )
    page.select_option("form[action$='/assign'] select[name=member]", target)
    page.fill("form[action$='/assign'] input[name=reason]", "就近安排")
    page.click("form[action$='/assign'] button")
    page.wait_for_selector(".flash.ok")
    assert f"#{number}" in pushed(page, base, openid, f"#{number}")
    page.fill("form[action$='/note'] textarea", "已电话联系居民，明早上门")
    page.click("form[action$='/note'] button")
    page.wait_for_selector(".flash.ok")
    assert "已电话联系居民，明早上门" in page.inner_text(".timeline")
    page.fill("form[action$='/resolve'] input[name=text]", "换了新水管")
    page.click("form[action$='/resolve'] button")
    page.wait_for_selector(".flash.ok")
    assert "已办结" in page.inner_text("h1")
    # the resident has not written for a month: told by template message, state 已办结
    pushed(page, base, "o_demo_resident_", f"#{number}", "已办结")
    page.screenshot(path=str(SHOTS / "console-order-1280.png"), full_page=True)
    page.goto(f"{base}/admin/orders?grid=G01")
    other = int(page.locator(".order .no").first.inner_text().lstrip("#"))

    add_grid_leader(demo["db"], demo["tmp"])
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(phone, base, "liu", "grid-leader-pass")
    metas = phone.locator(".order .meta").all_inner_texts()
    # each address names its estate on a street, then the building: only G02's (4, 5, 6)
    buildings = [re.match(r"\D*(\d+)栋", m.strip()) for m in metas]
    assert metas and all(b is not None and b[1] in "456" for b in buildings), metas
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SHOTS / "console-board-390.png"), full_page=True)
    phone.locator(".order a").first.click()
    phone.wait_for_selector("form[action$='/note']")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SHOTS / "console-order-390.png"), full_page=True)
    response = phone.goto(f"{base}/admin/orders/{other}")
    assert response is not None and response.status == 404
    assert "没有找到" in phone.inner_text("main")
