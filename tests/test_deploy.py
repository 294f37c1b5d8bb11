"""The shipped deployment files work: nginx accepts deploy/nginx.conf and proxies the webhook
over TLS to a running service, promtool accepts deploy/alerts.yml (and its unit tests pass),
the alerts use only metrics the service exports, and systemd-analyze accepts the units.

The tools come from Debian (`make deploy-tools`, a prerequisite of `make test`). Missing, these
tests FAIL, like the browser tests without Chromium; only MULIN_TEST_NO_DEBIAN_TOOLS=1 (for a
machine where the packages truly cannot be installed) turns that into a loud skip."""

from __future__ import annotations

import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.app import create_app
from tests.support import APPID, TOKEN, free_port, make_config
from tests.test_orders_flow import WeChatPlatform

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
ServerFactory = Callable[..., Awaitable[TestServer]]


def tool(name: str) -> str:
    found = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(p, os.X_OK)), None
    )
    if found:
        return found
    message = f"{name} is not installed: run `make deploy-tools` (Debian packages)"
    if os.environ.get("MULIN_TEST_NO_DEBIAN_TOOLS"):  # where the package truly cannot be had
        pytest.skip(f"*** NOT TESTED *** {message}")
    pytest.fail(message)


# --- nginx -----------------------------------------------------------------------------------


def nginx_site(tmp: Path, upstream_port: int, http_port: int, https_port: int) -> Path:
    """deploy/nginx.conf with a self-signed certificate, loopback ports and paths under tmp."""
    key, cert = str(tmp / "key.pem"), str(tmp / "cert.pem")
    openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    subprocess.run(
        [*openssl, "-keyout", key, "-out", cert, "-subj", "/CN=mulin.test"],
        check=True,
        capture_output=True,
    )
    (tmp / "logs").mkdir()
    site = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    replacements = {
        "/etc/letsencrypt/live/mulin.example.org/fullchain.pem": str(tmp / "cert.pem"),
        "/etc/letsencrypt/live/mulin.example.org/privkey.pem": str(tmp / "key.pem"),
        "/var/log/nginx/": f"{tmp}/logs/",
        "127.0.0.1:8080": f"127.0.0.1:{upstream_port}",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
    }
    for old, new in replacements.items():
        assert old in site, old
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    (tmp / "site.conf").write_text(site, encoding="utf-8")
    temp = " ".join(
        f"{k}_temp_path {tmp}/{k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = tmp / "main.conf"
    main.write_text(
        f"pid {tmp}/nginx.pid;\nerror_log {tmp}/logs/error.log;\nevents {{}}\n"
        f"http {{\n access_log {tmp}/logs/access.log;\n {temp}\n include {tmp}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    return main


def test_nginx_accepts_the_shipped_site(tmp_path: Path) -> None:
    nginx = tool("nginx")
    main = nginx_site(tmp_path, 8080, free_port(), free_port())
    done = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr and "[warn]" not in done.stderr, done.stderr


@pytest.fixture
def nginx_running(tmp_path: Path) -> Iterator[Callable[[int], tuple[int, int]]]:
    procs: list[subprocess.Popen[bytes]] = []

    def start(upstream_port: int) -> tuple[int, int]:
        nginx = tool("nginx")
        http_port, https_port = free_port(), free_port()
        main = nginx_site(tmp_path, upstream_port, http_port, https_port)
        log = tmp_path / "nginx.out"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [
                    nginx,
                    "-p",
                    str(tmp_path),
                    "-c",
                    str(main),
                    "-g",
                    "daemon off; master_process off;",
                ],
                stderr=out,
            )
        procs.append(proc)
        deadline = time.monotonic() + 10
        while not (tmp_path / "nginx.pid").exists():
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        return http_port, https_port

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)


async def test_nginx_proxies_the_webhook_over_tls(
    aiohttp_server: ServerFactory,
    tmp_path: Path,
    nginx_running: Callable[[int], tuple[int, int]],
) -> None:
    app = create_app(make_config(f"sqlite+aiosqlite:///{tmp_path / 'n.db'}"), start_scheduler=False)
    server = await aiohttp_server(app)
    http_port, https_port = nginx_running(server.port)
    tls = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
    tls.check_hostname = False
    base = f"https://127.0.0.1:{https_port}"
    wx = WeChatPlatform(token=TOKEN, appid=APPID, mode="plain")
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=tls)) as http:
        d = wx.deliver(wx.text("o_nginx_1", "帮助"))
        async with http.post(f"{base}/wechat", params=d.params, data=d.body) as resp:
            assert resp.status == 200
            assert (wx.open_reply(await resp.text()) or {}).get("Content")
        async with http.get(f"{base}/readyz") as resp:
            assert resp.status == 200
        async with http.get(f"{base}/metrics") as resp:  # from loopback: allowed
            assert resp.status == 200 and "mulin_database_up 1.0" in await resp.text()
        async with http.get(f"{base}/admin/login") as resp:  # the console, through TLS
            assert resp.status == 200 and "csrf_token" in await resp.text()
        async with http.get(f"{base}/sandbox") as resp:
            assert resp.status == 404
        big = wx.deliver(wx.text("o_nginx_1", "长" * 40_000))
        async with http.post(f"{base}/wechat", params=big.params, data=big.body) as resp:
            assert resp.status == 413
        async with http.get(f"http://127.0.0.1:{http_port}/wechat", allow_redirects=False) as resp:
            assert resp.status == 301 and resp.headers["Location"].startswith("https://")


# --- Prometheus rules ------------------------------------------------------------------------


def test_promtool_accepts_the_alert_rules_and_their_tests() -> None:
    promtool = tool("promtool")
    check = subprocess.run(
        [promtool, "check", "rules", str(DEPLOY / "alerts.yml")], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    test = subprocess.run(
        [promtool, "test", "rules", "alerts_test.yml"], cwd=DEPLOY, capture_output=True, text=True
    )
    assert test.returncode == 0, test.stdout + test.stderr


@pytest.mark.parametrize("shipped", ["alerts.yml", "grafana-dashboard.json"])
async def test_the_alerts_and_dashboard_use_only_metrics_the_service_exports(
    aiohttp_server: ServerFactory, tmp_path: Path, shipped: str
) -> None:
    app = create_app(make_config(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"), start_scheduler=False)
    server = await aiohttp_server(app)
    async with aiohttp.ClientSession() as http, http.get(f"{server.make_url('/metrics')}") as resp:
        exported = set(re.findall(r"^# TYPE (mulin_\w+) ", await resp.text(), re.M))
    used = set(re.findall(r"\b(mulin_\w+)", (DEPLOY / shipped).read_text(encoding="utf-8")))
    used.discard("mulin_overview")  # the dashboard's own uid
    suffixes = re.compile(r"_(bucket|sum|count|total|created)$")
    missing = {m for m in used if m not in exported and suffixes.sub("", m) not in exported}
    assert used and not missing, missing


# --- Grafana dashboard -----------------------------------------------------------------------


def dashboard_queries() -> list[str]:
    dashboard = json.loads((DEPLOY / "grafana-dashboard.json").read_text(encoding="utf-8"))
    return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]


def test_the_dashboard_is_a_grafana_dashboard_whose_panels_do_not_overlap() -> None:
    dashboard = json.loads((DEPLOY / "grafana-dashboard.json").read_text(encoding="utf-8"))
    assert dashboard["title"] and dashboard["uid"] and dashboard["schemaVersion"] >= 30
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    panels = dashboard["panels"]
    assert len({p["id"] for p in panels}) == len(panels)
    cells: set[tuple[int, int]] = set()
    for panel in panels:
        g = panel["gridPos"]
        assert g["x"] >= 0 and g["x"] + g["w"] <= 24 and g["h"] > 0, panel["title"]
        mine = {
            (x, y) for x in range(g["x"], g["x"] + g["w"]) for y in range(g["y"], g["y"] + g["h"])
        }
        assert not cells & mine, f"{panel['title']} overlaps another panel"
        cells |= mine
        if panel["type"] != "row":
            assert panel["targets"] and all(t["expr"].strip() for t in panel["targets"])
            assert panel["datasource"]["uid"] == "${datasource}"


def test_promtool_accepts_every_dashboard_query(tmp_path: Path) -> None:
    """Each panel's PromQL, as a recording rule (Grafana's $__rate_interval as 5m)."""
    promtool = tool("promtool")
    lines = ["groups:", "  - name: dashboard", "    rules:"]
    for i, expr in enumerate(dashboard_queries()):
        lines += [f"      - record: dashboard:query{i}", f"        expr: {json.dumps(expr)}"]
    rules = tmp_path / "dashboard_rules.yml"
    rules.write_text("\n".join(lines).replace("$__rate_interval", "5m") + "\n", encoding="utf-8")
    check = subprocess.run([promtool, "check", "rules", str(rules)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"SUCCESS: {len(dashboard_queries())} rules found" in check.stdout + check.stderr


# --- systemd ---------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["mulin.service", "mulin@8080.service"])
def test_systemd_accepts_the_units(tmp_path: Path, unit: str) -> None:
    analyze = tool("systemd-analyze")
    mulin = Path(sys.executable).with_name("mulin")
    assert mulin.exists(), "the mulin entry point: pip install -e ."
    for name in ("mulin.service", "mulin@.service"):
        text = (DEPLOY / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(
            text.replace("/srv/mulin/.venv/bin/mulin", str(mulin)), encoding="utf-8"
        )
    done = subprocess.run(
        [analyze, "verify", str(tmp_path / unit)], cwd=tmp_path, capture_output=True, text=True
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    mine = [line for line in output.splitlines() if "mulin" in line]
    assert not mine, output
