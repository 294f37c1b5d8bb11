"""A resident's photo and place on the order page, in a real browser (Debian Chromium) against
`mulin demo`: 张阿姨 reports a leak in the sandbox and sends a photo (the fake WeChat API keeps
it as temporary media) and her location; the service fetches the photo on its tick; the office
opens the order and the photo renders. A screenshot is kept."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.test_console_browser import demo, sign_in  # noqa: F401
from tests.test_sandbox_browser import SHOTS, browser  # noqa: F401

pytestmark = pytest.mark.slow
ZHANG = "o_resident_zhang"


def _send(page: Any, base: str, kind: str, text: str = "") -> str:
    resp = page.request.post(
        f"{base}/sandbox/api/send", data={"openid": ZHANG, "kind": kind, "text": text}
    )
    assert resp.ok, resp.text()
    return str(resp.json()["reply"] or "")


def test_the_photo_a_resident_sent_renders_on_the_order_page(
    demo: dict[str, Any],  # noqa: F811
    browser: Any,  # noqa: F811
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = demo["base"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    reply = _send(page, base, "text", "1栋2单元501 卫生间天花板渗水，滴到地上了")
    number = int(re.search(r"#(\d+)", reply).group(1))  # type: ignore[union-attr]
    assert f"图片已附在工单 #{number}" in _send(page, base, "image")
    assert f"位置已附在工单 #{number}" in _send(page, base, "location", "青和居1栋")
    sign_in(page, base, demo["user"], demo["password"])
    deadline = time.monotonic() + 30  # the demo's photo tick runs every 5 s
    while True:
        page.goto(f"{base}/admin/orders/{number}")
        if page.locator(".photo img").count() or time.monotonic() > deadline:
            break
        time.sleep(1)
    img = page.locator(".photo img").first
    img.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.photo img')].every(i => i.complete)"
    )
    width = img.evaluate("i => i.naturalWidth")
    box = img.bounding_box()
    assert width > 0 and box is not None and box["width"] > 100, (width, box)
    assert "青和居1栋" in page.inner_text(".places") and "纬度" in page.inner_text(".places")
    page.screenshot(path=str(SHOTS / "console-order-photo-1280.png"), full_page=True)
    # at phone width the photo still fits
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(phone, base, demo["user"], demo["password"])
    phone.goto(f"{base}/admin/orders/{number}")
    phone.locator(".photo img").first.wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SHOTS / "console-order-photo-390.png"), full_page=True)
