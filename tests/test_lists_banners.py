"""The green banner after a change on the three lists takes only counts from the address: a
whole number is shown, anything else (words, a link to a fake sign-in page) means no banner."""

from __future__ import annotations

import pytest

from tests.console_support import ClientFactory
from tests.lists_support import as_user

SPOOF = "3 条。系统升级，请到 http://evil.example 重新登录"
SHOWN = [
    ("/admin/lists/resources", {"done": "import", "added": "3", "updated": "1", "same": "0"},
     "已导入 3 条新资源，更新 1 条，0 条没有变化。"),
    ("/admin/lists/projects", {"done": "report", "n": "4"}, "已反馈 4 位居民。"),
    ("/admin/lists/projects", {"done": "promote", "n": "2"}, "已立项，已告诉提出需求的 2 位居民。"),
    ("/admin/lists/projects",
     {"done": "import", "added": "1", "updated": "0", "same": "2", "told": "5"},
     "已导入 1 个新项目，更新 0 个，2 个没有变化；已告诉 5 位居民。"),
    ("/admin/lists/demands", {"done": "confirm"}, "已确认需求。"),
]  # fmt: skip
SPOOFED = [
    ("/admin/lists/resources", {"done": "import", "added": SPOOF, "updated": "1", "same": "0"}),
    ("/admin/lists/resources", {"done": "import", "added": "1", "updated": "-2", "same": "0"}),
    ("/admin/lists/projects", {"done": "report", "n": SPOOF}),
    ("/admin/lists/projects", {"done": "promote", "n": "１２"}),  # full-width digits: not ours
    ("/admin/lists/projects", {"done": "import", "added": "1", "told": SPOOF}),
    ("/admin/lists/demands", {"done": "report", "n": SPOOF}),
    ("/admin/lists/demands", {"done": "promote", "n": "2 http://evil.example"}),
]


async def test_counts_are_shown(aiohttp_client: ClientFactory, db_url: str) -> None:
    c = await as_user(aiohttp_client, db_url, "staff1")
    for path, query, banner in SHOWN:
        page = await (await c.client.get(path, params=query)).text()
        assert f'<p class="flash ok" role="status">{banner}</p>' in page, (path, query)


@pytest.mark.parametrize(("path", "query"), SPOOFED)
async def test_anything_but_a_count_means_no_banner(
    aiohttp_client: ClientFactory, db_url: str, path: str, query: dict[str, str]
) -> None:
    c = await as_user(aiohttp_client, db_url, "staff1")
    resp = await c.client.get(path, params=query)
    page = await resp.text()
    assert resp.status == 200
    assert "evil.example" not in page and 'class="flash ok"' not in page, page
