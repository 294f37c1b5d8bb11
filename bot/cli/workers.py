"""``mulin serve --workers N``: N service processes on one port.

The parent applies migrations once, then starts N ``mulin serve`` children that each bind the
same host and port with ``SO_REUSEPORT``; the kernel spreads new connections across them.
Every child runs the whole service, ticks included: the database claims make that safe
(see docs/architecture.md). The parent only supervises: a child that dies is started again
(a child that keeps dying at start stops the lot, exit 1), and SIGTERM or SIGINT is passed on
to every child, which finish their requests and exit.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import FrameType

log = logging.getLogger("mulin.workers")

POLL = 0.2  # seconds between looks at the children
STOP_GRACE = 30.0  # seconds a child has to stop before it is killed
QUICK_DEATH = 10.0  # a child that dies this soon after its start counts as a failed start
MAX_QUICK_DEATHS = 3  # in a row, for one slot: give up


@dataclass
class Slot:
    number: int
    argv: list[str]
    proc: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    quick_deaths: int = 0
    restarts: int = 0

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv)
        self.started = time.monotonic()
        log.info("worker %d started (pid %d)", self.number, self.proc.pid)


@dataclass
class Supervisor:
    argv: Sequence[str]
    workers: int
    slots: list[Slot] = field(default_factory=list)
    stopping: bool = False

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if not self.stopping:
            log.info("%s: stopping %d workers", signal.Signals(signum).name, len(self.slots))
        self.stopping = True

    def run(self) -> int:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)
        self.slots = [Slot(n, list(self.argv)) for n in range(1, self.workers + 1)]
        for slot in self.slots:
            slot.start()
        status = 0
        while not self.stopping:
            time.sleep(POLL)
            for slot in self.slots:
                if self.stopping or not self._revive(slot):
                    status = status if self.stopping else 1
                    self.stopping = True
                    break
        self._stop_all()
        return status

    def _revive(self, slot: Slot) -> bool:
        """Start a dead child again; False when it keeps dying at start."""
        assert slot.proc is not None
        code = slot.proc.poll()
        if code is None:
            return True
        quick = time.monotonic() - slot.started < QUICK_DEATH
        slot.quick_deaths = slot.quick_deaths + 1 if quick else 0
        if slot.quick_deaths >= MAX_QUICK_DEATHS:
            log.error("worker %d keeps exiting at start (status %s): giving up", slot.number, code)
            return False
        log.warning("worker %d exited (status %s): starting it again", slot.number, code)
        slot.restarts += 1
        time.sleep(min(2.0, 0.2 * 2**slot.quick_deaths))
        slot.start()
        return True

    def _stop_all(self) -> None:
        live = [s.proc for s in self.slots if s.proc is not None and s.proc.poll() is None]
        for proc in live:
            proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for proc in live:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("worker pid %d did not stop in %.0f s: killed", proc.pid, STOP_GRACE)
                proc.kill()
                proc.wait()


def child_argv(config_path: str, host: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "bot.cli",
        "serve",
        "--config",
        config_path,
        "--host",
        host,
        "--port",
        str(port),
        "--reuse-port",
        "--no-migrate",  # the parent did, once
    ]


def run_workers(config_path: str, host: str, port: int, workers: int) -> int:
    return Supervisor(child_argv(config_path, host, port), workers).run()
