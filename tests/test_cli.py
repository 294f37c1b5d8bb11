"""The `mulin` command as an operator runs it: exit codes and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.request import urlopen

import pytest

from tests.support import LIVE_SECRET, LIVE_TOKEN, child_env, free_port, wait_http

# starts processes (or a browser): not part of the fast inner loop
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def mulin(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MULIN_") or k.startswith("MULIN_TEST_")
    }
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=full_env,
        cwd=cwd or ROOT,
    )


def write_config(tmp_path: Path, extra: str = "", db: str | None = None) -> Path:
    path = tmp_path / "config.yaml"
    url = db or f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    path.write_text(
        f"wechat: {{token: {LIVE_TOKEN}, secret: {LIVE_SECRET}, mode: plain}}\n"
        f"database: {{url: '{url}'}}\n{extra}",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        ((), "mulin"),
        (("serve",), "--config"),
        (("serve", "--config", "/nonexistent.yaml"), "file not found"),
        (("frobnicate",), "invalid choice"),
        (("parse", "--now", "yesterday"), "--now"),
        (("parse", "--now", ""), "--now"),
        (("demo", "--port", "99999"), "--port"),  # found from outside: a traceback
    ],
)
def test_usage_errors_are_one_line_exit_2(args: tuple[str, ...], needle: str) -> None:
    result = mulin(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_bad_config_key_is_named(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, "sla: {accept_within: later}\n")
    result = mulin("serve", "--config", str(cfg))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "mulin: sla.accept_within: expected a duration like 90s, 30m, 2h, 3d, 2w or 2y (the unit is required), got 'later'"
    ]
    env_bad = mulin(
        "db", "upgrade", "--config", str(write_config(tmp_path)), env={"MULIN_WECHAT__MODE": "xml"}
    )
    assert env_bad.returncode == 2 and "wechat.mode" in env_bad.stderr


def test_db_upgrade_is_idempotent(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    for _ in range(2):
        result = mulin("db", "upgrade", "--config", str(cfg))
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "m.db").exists()


def test_a_database_from_a_newer_version_is_one_line(tmp_path: Path) -> None:
    """Found from outside: after a software rollback every command crashed with alembic's
    traceback ("Can't locate revision")."""
    import sqlite3

    cfg = write_config(tmp_path)
    assert mulin("db", "upgrade", "--config", str(cfg)).returncode == 0
    with sqlite3.connect(tmp_path / "m.db") as db:
        db.execute("UPDATE alembic_version SET version_num = 'f00dfeedbeef'")
    for command in (("db", "upgrade"), ("admin", "list")):
        result = mulin(*command, "--config", str(cfg))
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "newer" in result.stderr


def test_db_upgrade_unreachable_database_is_exit_1(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, db="postgresql+asyncpg://nobody@127.0.0.1:9/none")
    result = mulin("db", "upgrade", "--config", str(cfg))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_serve_starts_applies_migrations_and_answers(tmp_path: Path) -> None:
    port = free_port()
    cfg = write_config(tmp_path)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MULIN_") or k.startswith("MULIN_TEST_")
    }
    log = tmp_path / "serve.log"
    with (
        log.open("w") as err,
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--config", str(cfg), "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        ) as proc,
    ):
        try:
            wait_http(f"http://127.0.0.1:{port}/readyz", proc, log)
            with urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as resp:
                assert json.loads(resp.read())["status"] == "ready"
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    assert (tmp_path / "m.db").exists()


def test_menu_sync_publishes_the_configured_menu(tmp_path: Path) -> None:
    port = free_port()
    env = child_env()
    log = tmp_path / "fake.log"
    with (
        log.open("w") as out,
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot.sandbox.fake_wechat",
                "--port",
                str(port),
                "--appid",
                "wx1",
                "--secret",
                "s1",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        ) as fake,
    ):
        try:
            wait_http(f"http://127.0.0.1:{port}/_fake/stats", fake, log)
            cfg = write_config(
                tmp_path,
                "menu: {button: [{type: click, name: 我要报事, key: REPORT},"
                " {name: 服务, sub_button: [{type: view, name: 社区主页, url: 'http://127.0.0.1/'}]}]}\n",
            )
            text = cfg.read_text(encoding="utf-8").replace(
                f"wechat: {{token: {LIVE_TOKEN}, secret: {LIVE_SECRET}, mode: plain}}",
                f"wechat: {{token: {LIVE_TOKEN}, mode: plain, appid: wx1, secret: s1,"
                f" api_base: 'http://127.0.0.1:{port}'}}",
            )
            cfg.write_text(text, encoding="utf-8")
            result = mulin("menu", "sync", "--config", str(cfg))
            assert result.returncode == 0, result.stderr
            stats = json.loads(urlopen(f"http://127.0.0.1:{port}/_fake/stats", timeout=2).read())
            assert any("menu/create" in path for path in stats["requests"]), stats
            assert stats["token_fetches"] == 1
            bad = write_config(tmp_path, "menu: {button: [{type: click, name: 报事}]}\n")
            refused = mulin("menu", "sync", "--config", str(bad))
            assert refused.returncode == 2 and "menu.button[0].key" in refused.stderr
        finally:
            fake.terminate()
            fake.wait(timeout=10)


def test_parse_stops_quietly_when_the_reader_stops(tmp_path: Path) -> None:
    """Found from outside: `mulin parse | head -2` ended in a BrokenPipeError traceback."""
    lines = "".join(f"{i}号楼灯坏了\n" for i in range(3000))
    proc = subprocess.run(
        f"{sys.executable} -m bot.cli parse | head -2",
        shell=True,
        input=lines,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=child_env(),
        timeout=120,
    )
    assert len(proc.stdout.splitlines()) == 2
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr
