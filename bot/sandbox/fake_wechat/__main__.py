"""``python -m bot.sandbox.fake_wechat``: run the fake WeChat API on loopback."""

from __future__ import annotations

import argparse

from aiohttp import web

from bot.sandbox.fake_wechat.app import create_app
from bot.sandbox.fake_wechat.state import FakeWeChat, Fault


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the fake WeChat API on loopback.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--appid", default="wx0000000000000000")
    parser.add_argument("--secret", default="fake-secret")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every call")
    args = parser.parse_args(argv)
    fake = FakeWeChat(appid=args.appid, secret=args.secret)
    if args.latency > 0:
        fake.inject(Fault("latency", times=None, seconds=args.latency))
    loop = None
    try:  # a faster loop when available, so the fake is not the bottleneck of a benchmark
        import uvloop

        loop = uvloop.new_event_loop()
    except ImportError:
        pass
    web.run_app(create_app(fake), host=args.host, port=args.port, print=None, loop=loop)


main()
