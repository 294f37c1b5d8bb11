"""A small TCP proxy for fault tests: pass, refuse, stall, or drop the answers.

It sits between the service and PostgreSQL, Redis or the fake WeChat API, on loopback:
- ``refuse()``: close every open connection and refuse new ones at once (a database cut);
- ``stall()``: keep connections open but forward nothing either way (a hung server);
- ``drop_answers()``: forward requests, swallow what comes back, then close (a reply lost on
  the way back: the request was carried out);
- ``restore()``: pass everything again.
Runs in the test's event loop, or in a thread of its own (``ThreadedProxy``) for tests that
are not async.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator


class FaultProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.mode = "pass"
        self._flowing = asyncio.Event()  # cleared while stalled
        self._flowing.set()
        self.port = 0
        self._server: asyncio.Server | None = None
        self._pairs: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self.accepted = 0
        self.refused = 0

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        self._close_all()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    # -- modes ---------------------------------------------------------------------------
    def _set(self, mode: str) -> None:
        self.mode = mode
        if mode == "stall":
            self._flowing.clear()
        else:
            self._flowing.set()

    def refuse(self) -> None:
        self._set("refuse")
        self._close_all()

    def stall(self) -> None:
        self._set("stall")

    def drop_answers(self) -> None:
        self._set("drop")

    def restore(self) -> None:
        self._set("pass")

    def _close_all(self) -> None:
        for client, upstream in list(self._pairs):
            for writer in (client, upstream):
                with contextlib.suppress(Exception):
                    writer.transport.abort()
        self._pairs.clear()

    # -- plumbing ------------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.mode == "refuse":
            self.refused += 1
            writer.transport.abort()
            return
        self.accepted += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        pair = (writer, up_writer)
        self._pairs.add(pair)
        try:
            await asyncio.gather(
                self._pipe(reader, up_writer, upstream=True),
                self._pipe(up_reader, writer, upstream=False),
            )
        finally:
            self._pairs.discard(pair)
            for w in pair:
                with contextlib.suppress(Exception):
                    w.transport.abort()

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, upstream: bool
    ) -> None:
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                await self._flowing.wait()
                if self.mode == "refuse":
                    break
                if self.mode == "drop" and not upstream:
                    # The answer was produced and is thrown away; the caller sees the
                    # connection close without a response.
                    writer.transport.abort()
                    break
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError, asyncio.CancelledError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.transport.abort()


class ThreadedProxy:
    """A FaultProxy on its own event loop thread, driven from synchronous code."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.proxy = FaultProxy(target_host, target_port)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> ThreadedProxy:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.proxy.start(), self._loop).result(5)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.proxy.stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    @property
    def port(self) -> int:
        return self.proxy.port

    def _call(self, name: str) -> None:
        self._loop.call_soon_threadsafe(getattr(self.proxy, name))

    def refuse(self) -> None:
        self._call("refuse")

    def stall(self) -> None:
        self._call("stall")

    def drop_answers(self) -> None:
        self._call("drop_answers")

    def restore(self) -> None:
        self._call("restore")


@contextlib.contextmanager
def threaded_proxy(host: str, port: int) -> Iterator[ThreadedProxy]:
    with ThreadedProxy(host, port) as proxy:
        yield proxy
