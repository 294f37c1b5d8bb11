"""A local durable spool for inbound messages the database cannot take right now.

When the database is refused or stalls, a message is written here (one file, fsync'd, renamed
into place) before WeChat is answered, and replayed through the normal unit of work when the
database is back. The message's dedupe key makes the replay exactly-once: a message whose
original unit of work did commit after all is recognised as a duplicate and changes nothing.

Several processes may share one directory: a replayer claims a file by renaming it, so two
processes never replay the same file at once; a claim left by a dead process is taken over
once it is older than ``stale_claim``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.messages import Incoming

_SUFFIX = ".msg"
_CLAIMED = ".claimed"


@dataclass(frozen=True)
class SpooledFile:
    path: Path
    message: Incoming


def _encode(message: Incoming) -> bytes:
    data: dict[str, Any] = asdict(message)
    data["created_at"] = message.created_at.isoformat()
    return json.dumps(data, ensure_ascii=False).encode()


def _decode(raw: bytes) -> Incoming:
    data = json.loads(raw)
    data["created_at"] = datetime.fromisoformat(data["created_at"])
    return Incoming(**data)


class Spool:
    def __init__(self, directory: Path, *, stale_claim: float = 60.0) -> None:
        self.directory = directory
        self.stale_claim = stale_claim
        self._made = False

    def _name(self, message: Incoming) -> str:
        digest = hashlib.sha256(message.dedupe_key.encode()).hexdigest()[:40]
        # The arrival time first, so a directory listing replays in arrival order.
        return f"{time.time_ns():020d}-{digest}{_SUFFIX}"

    def _ensure_dir(self) -> None:
        if not self._made:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._made = True

    def put_sync(self, message: Incoming) -> Path:
        """Write one message durably; raises OSError when the disk cannot take it."""
        self._ensure_dir()
        final = self.directory / self._name(message)
        tmp = final.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, _encode(message))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(tmp, final)
        dir_fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)  # the rename itself must survive a power cut
        finally:
            os.close(dir_fd)
        return final

    async def put(self, message: Incoming) -> Path:
        return await asyncio.to_thread(self.put_sync, message)

    def count(self) -> int:
        if not self.directory.is_dir():
            return 0
        return sum(1 for p in self.directory.iterdir() if p.name.endswith((_SUFFIX, _CLAIMED)))

    def claim_sync(self, limit: int, owner: str) -> list[SpooledFile]:
        """Take up to ``limit`` messages for replay, oldest first."""
        if not self.directory.is_dir():
            return []
        now = time.time()
        names = sorted(os.listdir(self.directory))
        out: list[SpooledFile] = []
        for name in names:
            if len(out) >= limit:
                break
            path = self.directory / name
            if name.endswith(_CLAIMED):
                try:
                    if now - path.stat().st_mtime < self.stale_claim:
                        continue  # another replayer is on it
                except FileNotFoundError:
                    continue
                base = name[: name.index(_SUFFIX) + len(_SUFFIX)]
            elif name.endswith(_SUFFIX):
                base = name
            else:
                continue
            claimed = self.directory / f"{base}.{owner}{_CLAIMED}"
            try:
                os.rename(path, claimed)
                os.utime(claimed)
                out.append(SpooledFile(claimed, _decode(claimed.read_bytes())))
            except FileNotFoundError:
                continue  # someone else claimed it first
            except (ValueError, TypeError, KeyError):
                # Unreadable (a torn write cannot happen, but a hand-edited file can): keep it
                # aside for an operator instead of retrying it forever.
                claimed.rename(claimed.with_name(claimed.name + ".bad"))
        return out

    async def claim(self, limit: int, owner: str) -> list[SpooledFile]:
        return await asyncio.to_thread(self.claim_sync, limit, owner)

    def release_sync(self, item: SpooledFile) -> None:
        """Give a claimed message back (the database failed again)."""
        name = item.path.name
        base = name[: name.index(_SUFFIX) + len(_SUFFIX)]
        with contextlib.suppress(FileNotFoundError):
            os.rename(item.path, item.path.with_name(base))

    def done_sync(self, item: SpooledFile) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(item.path)

    async def done(self, item: SpooledFile) -> None:
        await asyncio.to_thread(self.done_sync, item)

    async def release(self, item: SpooledFile) -> None:
        await asyncio.to_thread(self.release_sync, item)
