"""JSON logs (logging.format: json): one object a line with the UTC time, level, logger and
message, personal data and secrets masked, and the unit of work's id on every line of it."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

from bot.config import ConfigError, build_config
from bot.observability import logs
from tests.support import LIVE_SECRET, LIVE_TOKEN, child_env, free_port, wait_http

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logs.configure("debug", "json")
    stream = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    try:
        yield stream
    finally:
        root.handlers[:], root.level = saved


def parsed(stream: io.StringIO) -> list[dict[str, str]]:
    """This test's lines (other tests' leftovers, e.g. asyncio's, may come in between)."""
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [line for line in lines if line["logger"] == "mulin.test"]


def test_a_line_is_one_json_object_with_personal_data_masked(json_lines: io.StringIO) -> None:
    log = logging.getLogger("mulin.test")
    log.info("居民 %s 说 3栋2单元501 漏水，电话 %s", "张阿姨", "13912345678")
    log.warning("token fetch https://x/cgi-bin/token?secret=abc123&appid=wx1 failed")
    [first, second] = parsed(json_lines)
    assert set(first) == {"time", "level", "logger", "message"}
    assert first["level"] == "INFO" and first["logger"] == "mulin.test"
    stamp = datetime.fromisoformat(first["time"])
    assert stamp.utcoffset() is not None and stamp.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert "13912345678" not in first["message"] and "139****5678" in first["message"]
    assert "501" not in first["message"]
    assert "abc123" not in second["message"] and "secret=***" in second["message"]


def test_a_traceback_is_one_line_masked_too(json_lines: io.StringIO) -> None:
    try:
        raise ValueError("bad phone 13912345678")
    except ValueError:
        logging.getLogger("mulin.test").exception("failed")
    [line] = parsed(json_lines)
    assert "Traceback" in line["exception"] and "13912345678" not in line["exception"]


def test_the_unit_of_works_id_is_on_each_of_its_lines(json_lines: io.StringIO) -> None:
    log = logging.getLogger("mulin.test")
    with logs.context(msg=42):
        log.info("one")
        with logs.context(order=7):
            log.info("two")
    log.info("three")
    one, two, three = parsed(json_lines)
    assert one["msg"] == "42" and (two["msg"], two["order"]) == ("42", "7")
    assert "msg" not in three


def test_the_text_format_carries_the_context_too() -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        logs.configure("info", "text")
        stream = io.StringIO()
        handler = root.handlers[0]
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(stream)
        with logs.context(msg=9):
            logging.getLogger("mulin.test").info("phone 13912345678")
        logging.getLogger("mulin.test").debug("not shown at info")
    finally:
        root.handlers[:], root.level = saved
    [line] = [x for x in stream.getvalue().splitlines() if "mulin.test" in x]
    assert line.endswith("INFO mulin.test: msg=9 phone 139****5678")


def test_the_format_is_checked() -> None:
    with pytest.raises(ConfigError, match=r"logging\.format"):
        build_config({"logging": {"format": "xml"}}, environ={"MULIN_WECHAT__MODE": "plain"})
    plain = {"wechat": {"token": "t", "mode": "plain"}}
    cfg = build_config(plain, environ={"MULIN_LOGGING__FORMAT": "json"})
    assert (cfg.logging.format, cfg.logging.level) == ("json", "info")


@pytest.mark.slow
def test_serve_logs_json_lines(tmp_path: Path) -> None:
    port = free_port()
    cfg = tmp_path / "config.yaml"
    cfg.write_text(
        f"wechat: {{token: {LIVE_TOKEN}, secret: {LIVE_SECRET}, mode: plain}}\n"
        f"database: {{url: 'sqlite+aiosqlite:///{tmp_path / 'm.db'}'}}\n"
        "logging: {format: json}\n",
        encoding="utf-8",
    )
    log = tmp_path / "serve.log"
    with (
        log.open("w") as err,
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--config", str(cfg), "--port", str(port)],
            cwd=ROOT,
            env=child_env(),
            stdout=subprocess.DEVNULL,
            stderr=err,
        ) as proc,
    ):
        try:
            wait_http(f"http://127.0.0.1:{port}/healthz", proc, log)
            with pytest.raises(HTTPError):  # a forged request: refused, and logged
                urlopen(
                    f"http://127.0.0.1:{port}/wechat?signature=x&timestamp=1&nonce=2", b"<xml/>"
                )
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    # every line is one JSON object, aiohttp's banner too
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert any(e["message"].startswith("webhook refused") for e in entries), log.read_text()
    assert any("Running on" in e["message"] for e in entries)


async def test_a_ticks_lines_name_the_tick(json_lines: io.StringIO) -> None:
    from aiohttp import web

    from bot.ticks.schedule import guarded

    async def tick(_: web.Application) -> None:
        logging.getLogger("mulin.test").info("claimed 3 rows")
        raise RuntimeError("boom")

    await guarded(tick, web.Application(), "order_timers")()
    lines = [json.loads(x) for x in json_lines.getvalue().splitlines()]
    mine = [x for x in lines if x["logger"] in ("mulin.test", "bot.ticks.schedule")]
    assert [x.get("tick") for x in mine] == ["order_timers", "order_timers"]
    assert mine[1]["message"] == "tick order_timers failed" and "boom" in mine[1]["exception"]


async def test_a_tick_cut_short_by_shutdown_is_not_an_error(json_lines: io.StringIO) -> None:
    """Found from outside: stopping `mulin serve` logged ERROR tracebacks (CancelledError)."""
    import asyncio

    from aiohttp import web

    from bot.ticks.schedule import guarded

    async def tick(_: web.Application) -> None:
        raise asyncio.CancelledError

    await guarded(tick, web.Application(), "outbox")()
    lines = [json.loads(x) for x in json_lines.getvalue().splitlines()]
    mine = [x for x in lines if x["logger"] == "bot.ticks.schedule"]
    assert mine and all(x["level"] != "ERROR" and "exception" not in x for x in mine)


async def test_debug_level_does_not_log_sql_parameters(
    json_lines: io.StringIO, tmp_path: Path
) -> None:
    from sqlalchemy import text

    from bot.storage.engine import create_engine

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'debug.db'}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE homes (room TEXT, token TEXT)"))
            await conn.execute(
                text("INSERT INTO homes VALUES (:room, :token)"),
                {"room": "5栋2单元1202", "token": "csrf-9f8e7d6c5b4a"},
            )
    finally:
        await engine.dispose()
    written = json_lines.getvalue()
    assert "1202" not in written and "csrf-9f8e7d6c5b4a" not in written


async def test_a_damaged_database_file_is_logged_once_not_on_every_tick(
    json_lines: io.StringIO, tmp_path: Path
) -> None:
    """Found from outside: `serve --no-migrate` on a damaged SQLite file logged a 60-line
    traceback from every tick, every few seconds."""
    from aiohttp import web
    from sqlalchemy import text

    from bot.storage.engine import create_engine
    from bot.ticks.schedule import guarded

    path = tmp_path / "damaged.db"
    path.write_bytes(b"not a database at all " * 200)
    engine = create_engine(f"sqlite+aiosqlite:///{path}")

    async def tick(_: web.Application) -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    run = guarded(tick, web.Application(), "photos")
    try:
        for _ in range(5):
            await run()
    finally:
        await engine.dispose()
    lines = [json.loads(x) for x in json_lines.getvalue().splitlines()]
    mine = [x for x in lines if x["logger"] == "bot.ticks.schedule"]
    assert len(mine) == 1 and "exception" not in mine[0], mine
    assert "file is not a database" in mine[0]["message"]
