"""The sandbox page in a real browser (Debian Chromium), at a desktop and a phone width: the
chat scrolls, shows times and unread markers, survives a reload, draws emoji, and the demo clock
fast-forwards through the timers a visitor would otherwise wait hours for."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import child_env, demo_clock_in_the_day, free_port, wait_http

# starts processes (or a browser): not part of the fast inner loop
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "build" / "screenshots"  # kept after the run for a person to look at


@pytest.fixture
def demo_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = child_env()
    log = tmp_path / "demo.log"
    demo_clock_in_the_day(tmp_path / "data")  # the walkthrough's reminders are not held
    # --no-seed: the walkthrough's first order is #1 (no month of console samples before it)
    command = [sys.executable, "-m", "bot.cli", "demo", "--port", str(port), "--no-seed"]
    with (
        log.open("w") as out,
        subprocess.Popen(
            [*command, "--data", str(tmp_path / "data")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        ) as proc,
    ):
        try:
            wait_http(f"http://127.0.0.1:{port}/readyz", proc, log)
            yield f"http://127.0.0.1:{port}/sandbox"
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    assert f"http://127.0.0.1:{port}/sandbox" in log.read_text()  # the demo prints its URL


@pytest.fixture
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is required for browser tests (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            yield launched
        finally:
            launched.close()


def user(page: Any, name: str) -> Any:
    return page.locator("#users li", has_text=name)


def send(page: Any, text: str) -> None:
    before = page.locator(".msg.them").count()
    page.fill("#text", text)
    page.click("#send")
    page.wait_for_function(
        f"document.querySelectorAll('.msg.them').length > {before}", timeout=15_000
    )


def bubbles(page: Any) -> list[str]:
    return [str(t) for t in page.locator(".msg .bubble").all_inner_texts()]


def wait_for_bubble(page: Any, needle: str, timeout: int = 15_000) -> None:
    page.wait_for_function(
        "needle => [...document.querySelectorAll('.msg .bubble')]"
        ".some(b => b.textContent.includes(needle))",
        arg=needle,
        timeout=timeout,
    )


def inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["y"] >= outer["y"] - 1
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1
        and inner["x"] >= outer["x"] - 1
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
    )


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_sandbox_chat_at_desktop_and_phone_width(
    demo_url: str, browser: Any, width: int, height: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(demo_url)
    user(page, "张阿姨").click()
    send(page, "1栋2单元501厨房水管漏水了，明天上午在家")
    for i in range(7):  # more than a screen of chat
        send(page, f"谢谢你们😊 第{i + 1}次")
    viewport = {"x": 0, "y": 0, "width": width, "height": height}
    # the newest reply and the input stay on screen; nothing scrolls sideways
    assert inside(page.locator("#text").bounding_box(), viewport)
    assert inside(page.locator("#send").bounding_box(), viewport)
    log_box = page.locator("#log").bounding_box()
    assert inside(page.locator(".msg").last.bounding_box(), log_box)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("document.body.scrollWidth") <= width
    assert inside(user(page, "王芳").bounding_box(), viewport) or width < 640  # a strip on phones
    assert page.locator(".time").count() >= 1  # a time label, as WeChat shows
    first_time = page.locator(".time").first.inner_text()
    assert "月" in first_time and ":" in first_time

    # the representative's push arrives while we look at someone else: an unread marker
    badge = user(page, "吴建华").locator(".badge")
    badge.wait_for(state="visible", timeout=20_000)
    assert int(badge.inner_text()) >= 1
    user(page, "吴建华").click()
    assert badge.is_hidden()
    assert page.locator(".unread-line").count() == 1
    assert "#1" in page.locator(".msg.push .bubble").first.inner_text()

    # a reload keeps every conversation, in order
    user(page, "张阿姨").click()
    before = bubbles(page)
    page.reload()
    user(page, "张阿姨").click()
    page.wait_for_function(
        f"document.querySelectorAll('.msg .bubble').length >= {len(before)}", timeout=10_000
    )
    assert bubbles(page) == before
    assert user(page, "吴建华").locator(".badge").is_hidden()  # read stays read

    # 语音 with an empty box explains itself instead of doing nothing
    page.fill("#text", "")
    page.click("button[data-kind=voice]")
    assert "语音" in page.locator("#hint").inner_text()

    # emoji are drawn in colour, not as empty boxes
    coloured = page.evaluate(
        """() => {
            const c = document.createElement('canvas'); c.width = c.height = 40;
            const g = c.getContext('2d');
            g.font = '32px ' + getComputedStyle(document.body).fontFamily;
            g.fillText('😊', 2, 34);
            const d = g.getImageData(0, 0, 40, 40).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) {
                const [r, gr, b, a] = [d[i], d[i + 1], d[i + 2], d[i + 3]];
                if (a > 200 && Math.max(r, gr, b) - Math.min(r, gr, b) > 80) n++;
            }
            return n;
        }"""
    )
    assert coloured > 50, "no colour emoji font: install fonts-noto-color-emoji (make browser)"

    assert page.request.get(demo_url.replace("/sandbox", "/favicon.ico")).status == 200
    SHOTS.mkdir(parents=True, exist_ok=True)
    user(page, "张阿姨").click()
    shot = SHOTS / f"sandbox-{width}.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000


def test_fast_forward_walkthrough(demo_url: str, browser: Any) -> None:
    """What a visitor sees without waiting: the reminder, the hand-on, the escalation, the
    completion, the follow-up reminder and the Monday digest."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(demo_url)
    page.locator("#clockbar").wait_for(state="visible")
    start = page.locator("#democlock").inner_text()
    user(page, "张阿姨").click()
    send(page, "1栋2单元501厨房水管漏水了，明天上午在家")
    user(page, "吴建华").click()
    wait_for_bubble(page, "#1")

    def forward(label: str) -> None:
        page.click(f"#clockbar button:has-text('{label}')")
        page.wait_for_function("!document.querySelector('#ff1h').disabled", timeout=60_000)
        page.wait_for_function(
            "document.querySelector('#hint').textContent.includes('已快进到')", timeout=60_000
        )

    forward("快进1小时")
    assert page.locator("#democlock").inner_text() != start
    wait_for_bubble(page, "超时未接单")  # the reminder (a template: he has not written yet)
    user(page, "陈秀英").click()
    wait_for_bubble(page, "待接单")  # handed on to the grid leader
    forward("快进1小时")
    wait_for_bubble(page, "催办")  # two hours unaccepted: escalated to her
    send(page, "接单 1")
    send(page, "完成 1 换了水管")
    user(page, "张阿姨").click()
    wait_for_bubble(page, "满意吗")  # the completion notice asks for the rating
    forward("快进1天")
    wait_for_bubble(page, "还没收到您的评价")  # one reminder, because she did not rate
    user(page, "陈秀英").click()
    for _ in range(7):  # on to Monday 08:00, whatever day the test runs
        if any("简报" in b for b in bubbles(page)):
            break
        forward("快进1天")
        page.wait_for_timeout(1200)  # one history poll
    assert any("简报" in b for b in bubbles(page))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "sandbox-fast-forward.png"))
