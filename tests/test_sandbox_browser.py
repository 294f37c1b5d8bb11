"""The sandbox page in a real browser: pick a user, chat, see the encrypted round trip's reply."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import child_env, free_port, wait_http

# starts processes (or a browser): not part of the fast inner loop
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def demo_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = child_env()
    log = tmp_path / "demo.log"
    with (
        log.open("w") as out,
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot.cli",
                "demo",
                "--port",
                str(port),
                "--data",
                str(tmp_path / "data"),
            ],
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


def test_sandbox_chat_round_trip(demo_url: str, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is required for browser tests (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
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
            page = browser.new_page()
            page.goto(demo_url)
            page.get_by_text("李大爷").click()
            page.fill("#text", "您好")
            page.click("#send")
            page.locator(".msg.them .bubble").first.wait_for(timeout=10_000)
            assert page.locator(".msg.me .bubble").first.inner_text() == "您好"
            assert page.locator(".msg.them .bubble").count() == 1
            assert "safe" in page.locator("#mode").inner_text()
            page.click("button[data-kind=subscribe]")
            page.wait_for_function(
                "document.querySelectorAll('.msg.them').length >= 2", timeout=10_000
            )
            assert "欢迎关注睦邻" in page.locator(".msg.them .bubble").nth(1).inner_text()
            page.screenshot(path=str(tmp_path / "sandbox.png"))
        finally:
            browser.close()
