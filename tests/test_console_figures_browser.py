"""The figures page in a real browser (Debian Chromium) against `mulin demo` and its month of
orders: charts drawn offline (no request leaves the machine) agree with their tables; the
monthly report downloads; the printable page prints to a PDF holding the key figures.
Screenshots are kept in build/screenshots/."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.test_console_browser import add_grid_leader, demo, sign_in  # noqa: F401
from tests.test_sandbox_browser import SHOTS, browser  # noqa: F401

pytestmark = pytest.mark.slow

# every bar and point against the cell of its table, in the page itself
MATCH_JS = """
() => {
  const out = {checked: 0, wrong: []};
  for (const section of document.querySelectorAll('section.figblock')) {
    const table = section.querySelector('table.figtable');
    const heads = [...table.querySelectorAll('thead th')].map(h => h.textContent.trim());
    const rows = {};
    for (const tr of table.querySelectorAll('tbody tr')) {
      const cells = [...tr.children].map(c => c.textContent.trim());
      rows[cells[0]] = Object.fromEntries(heads.slice(1).map((h, i) => [h, cells[i + 1]]));
    }
    for (const mark of section.querySelectorAll('svg .bar, svg .point')) {
      const shown = rows[mark.dataset.label][mark.dataset.series];
      const value = mark.dataset.value;
      const same = value === '' ? shown === '—' : parseFloat(shown) === parseFloat(value);
      if (!same) out.wrong.push([section.id, mark.dataset.label, mark.dataset.series, value, shown]);
      out.checked += 1;
    }
  }
  return out;
}
"""


def test_figures_page_charts_download_and_print(
    demo: dict[str, Any],  # noqa: F811
    browser: Any,  # noqa: F811
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = demo["base"]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", "localhost")
            and r.url.startswith("http")
            else None
        ),
    )
    sign_in(page, base, demo["user"], demo["password"])
    page.click("nav >> text=指标")
    page.wait_for_url(re.compile(r"/admin/figures"))
    assert page.locator("section.figblock svg").count() == 3
    found = page.evaluate(MATCH_JS)
    assert found["checked"] > 20 and found["wrong"] == [], found
    received = page.inner_text("tr[data-figure=received] td.now")
    assert int(received) > 0
    for word in ("响应率", "解决率", "满意率", "红榜", "网格长走访"):
        assert word in page.inner_text("main"), word
    # the Chinese in a chart is drawn with a CJK font, not boxes
    width = page.evaluate(
        "() => document.querySelector('#categories svg text[text-anchor=end]').getBBox().width"
    )
    assert width > 10
    # a custom range, then back to a month: the range is cleared
    page.fill("input[name=from]", "2026-11-01")
    page.fill("input[name=to]", "2026-11-07")
    page.click("form.figfilters button[type=submit]")
    page.wait_for_url(re.compile(r"from=2026-11-01"))
    assert "2026-11-01 至 2026-11-07" in page.inner_text("h1")
    page.select_option("select[name=period]", "week")
    page.click("form.figfilters button[type=submit]")
    page.wait_for_url(re.compile(r"period=week"))
    assert "至" in page.inner_text("h1") and page.input_value("input[name=from]") == ""
    page.select_option("select[name=period]", "month")
    page.click("form.figfilters button[type=submit]")
    page.wait_for_url(re.compile(r"period=month"))
    page.screenshot(path=str(SHOTS / "console-figures-1280.png"), full_page=True)
    assert (SHOTS / "console-figures-1280.png").stat().st_size > 30_000

    with page.expect_download() as download:
        page.click("#download")
    saved = demo["tmp"] / "report.xlsx"
    download.value.save_as(saved)
    assert download.value.suggested_filename.startswith("睦邻月报-")
    assert saved.read_bytes()[:2] == b"PK" and saved.stat().st_size > 5_000

    href = page.get_attribute("#print", "href")
    assert href is not None
    page.goto(f"{base}{href}")
    page.wait_for_selector("#figure-rows")
    printed_received = page.inner_text("tr[data-figure=received] td.now")
    assert int(printed_received) > 0
    for word in ("工作月报", "响应率", "解决率", "满意率", "受理工单数"):
        assert word in page.inner_text("body"), word
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    (SHOTS / "monthly-report.pdf").write_bytes(pdf)
    assert pdf[:5] == b"%PDF-" and len(pdf) > 30_000
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1
    page.screenshot(path=str(SHOTS / "monthly-report-print.png"), full_page=True)
    assert outside == [], outside

    # a grid leader on a phone: their grid only, nothing wider than the screen
    add_grid_leader(demo["db"], demo["tmp"])
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(phone, base, "liu", "grid-leader-pass")
    phone.goto(f"{base}/admin/figures")
    grids = phone.eval_on_selector_all(
        "#grids svg .bar", "marks => [...new Set(marks.map(m => m.dataset.label))]"
    )
    assert grids in ([], ["第二网格"]), grids
    assert phone.evaluate(MATCH_JS)["wrong"] == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SHOTS / "console-figures-390.png"), full_page=True)
