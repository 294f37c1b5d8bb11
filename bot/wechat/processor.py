"""One inbound delivery as one unit of work: dedupe, store, handle, record the reply.

The stored message, the user's interaction time and every effect of the handlers commit in one
transaction, keyed by the message's dedupe key, so WeChat's retries (concurrent or late) find
the first delivery's row and get the same answer instead of repeating its effects.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.chat.router import Dispatcher
from bot.clock import Clock
from bot.messages import Incoming, Reply
from bot.observability.logs import context as log_context
from bot.storage import staged
from bot.storage.outages import OutageLog, is_outage, short
from bot.wechat import inbound_store
from bot.wechat.spool import Spool
from bot.wechat.unit import HeldReply, Job, LateSink, Outcome, Prefetch, Ticket
from models.inbound import InboundMessage

log = logging.getLogger(__name__)


_INBOUND = cast(Table, InboundMessage.__table__)


class InboundProcessor:
    """Handles deliveries in small batches: one transaction, one INSERT for the batch.

    Units of work that arrive together share one transaction and one multi-row statement for
    storage (group commit); each message still gets its own handler run and its own outcome.
    What the handlers stage (orders, their history and pushes: bot.storage.staged) is written
    with the replies at the end, one multi-row statement per table (one in all on PostgreSQL).
    If a handler fails, the batch is rolled back and its messages are redone one per
    transaction, so one bad message never takes its neighbours' effects with it.

    When the database cannot be reached, messages go to the local spool (when configured)
    and are answered only once they are there; they are replayed, oldest first, when the
    database is back. Without a spool the outcome says "not stored" and WeChat gets no 200.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        dispatcher: Dispatcher,
        clock: Clock,
        late_sink: LateSink | None = None,
        extra: dict[str, Any] | None = None,
        *,
        batch_size: int = 64,
        writers: int | None = None,
        prefetchers: list[Prefetch] | None = None,
        linger: float = 0.0,
        spool: Spool | None = None,
        held_reply: HeldReply | None = None,
        replay_interval: float = 1.0,
    ) -> None:
        self.sessions = sessions
        self.dispatcher = dispatcher
        self.clock = clock
        self.late_sink = late_sink
        self.extra = extra or {}
        self.batch_size = batch_size
        # Called once per batch with its senders, so handlers need no round trip per message.
        self.prefetchers = prefetchers or []
        self.linger = linger
        self.spool = spool
        self.held_reply = held_reply or (lambda _message: None)
        self.replay_interval = replay_interval
        self.outage = OutageLog("database", log)
        self.held = 0  # messages written to the spool by this process
        self.replayed = 0
        self._backlog = False  # the spool holds messages older than anything new
        bind = sessions.kw.get("bind")
        sqlite = bind is not None and bind.dialect.name == "sqlite"
        # SQLite has one writer at a time: a single batch writer never collides with itself
        # (collisions fall back to SQLite's busy handler, which sleeps in growing steps).
        # PostgreSQL: two, so one batch can go on while the other waits for the database;
        # more split the load into smaller batches, and each batch costs the same few
        # statements (3,000 reports over HTTP, one process, 32 connections: 579 msgs/s
        # with four writers, 698 with two, 736 with one — which one slow lock would stall).
        self.writers = writers or (1 if sqlite else 2)
        self._queue: asyncio.Queue[Job] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._owner = f"{os.getpid()}-{id(self):x}"

    # -- lifecycle -------------------------------------------------------------------------
    def _ensure_started(self) -> asyncio.Queue[Job]:
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._tasks = [
                asyncio.create_task(self._writer(), name=f"inbound-writer-{i}")
                for i in range(self.writers)
            ]
            if self.spool is not None:
                self._backlog = self.spool.count() > 0
                self._tasks.append(asyncio.create_task(self._replayer(), name="inbound-replay"))
        return self._queue

    def start(self) -> None:
        """Start the writers now (and replay what an earlier run left in the spool)."""
        self._ensure_started()

    async def stop(self) -> None:
        if self._queue is not None:
            await self._queue.join()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks, self._queue = [], None

    def submit(
        self, message: Incoming, ticket: Ticket | None = None, *, replay: bool = False
    ) -> asyncio.Future[Outcome]:
        """Queue one delivery; the future resolves when its unit of work has committed."""
        queue = self._ensure_started()
        job = Job(
            message, ticket or Ticket(), asyncio.get_running_loop().create_future(), replay=replay
        )
        queue.put_nowait(job)
        return job.future

    async def process(self, message: Incoming, ticket: Ticket | None = None) -> Outcome:
        return await self.submit(message, ticket)

    async def hold(self, message: Incoming) -> bool:
        """Put a message whose unit of work is slow into the spool; True when it is durable.

        The webhook calls this when the reply budget runs out, so WeChat is answered only for
        what is safely kept. If the slow unit of work commits after all, the replay is a
        duplicate and changes nothing.
        """
        if self.spool is None:
            return False
        try:
            await self.spool.put(message)
        except OSError as exc:
            log.error("could not hold message in the spool: %s", short(exc))
            return False
        self.held += 1
        return True

    def _holding(self, job: Job) -> bool:
        return self.spool is not None and not job.replay and (self.outage.active or self._backlog)

    async def _writer(self) -> None:
        assert self._queue is not None
        queue = self._queue
        while True:
            batch = [await queue.get()]
            if queue.empty() and self.linger > 0:
                # Under load a moment's wait lets the requests already being read join this
                # transaction; each batch costs a fixed BEGIN/COMMIT and four statements.
                await asyncio.sleep(self.linger)
            while len(batch) < self.batch_size and not queue.empty():
                batch.append(queue.get_nowait())
            try:
                outcomes = await self._handle(batch)
            except Exception as exc:  # never leave a delivery without an answer
                log.error("inbound batch failed: %s", short(exc))
                outcomes = [Outcome(None, stored=False) for _ in batch]
            finally:
                for _ in batch:
                    queue.task_done()
            for job, outcome in zip(batch, outcomes, strict=True):
                if not job.future.done():
                    job.future.set_result(outcome)

    async def _handle(self, batch: list[Job]) -> list[Outcome]:
        held = [i for i, job in enumerate(batch) if self._holding(job)]
        outcomes: dict[int, Outcome] = {i: await self._hold_job(batch[i]) for i in held}
        rest = [i for i in range(len(batch)) if i not in outcomes]
        if rest:
            jobs = [batch[i] for i in rest]
            try:
                done = await self._run_batch(jobs)
            except Exception as exc:
                if is_outage(exc):
                    self._outage(exc)
                    done = [await self._hold_job(job) for job in jobs]
                elif len(jobs) == 1:
                    done = [await self._failed(jobs[0], exc)]
                else:
                    log.warning(
                        "a batch of %d failed (%s); handling its messages one by one",
                        len(jobs),
                        short(exc),
                    )
                    done = [await self._run_one(job) for job in jobs]
            outcomes.update(zip(rest, done, strict=True))
        return [outcomes[i] for i in range(len(batch))]

    def _outage(self, exc: BaseException) -> None:
        where = f"; holding inbound messages in {self.spool.directory}" if self.spool else ""
        self.outage.failed(exc, where)

    async def _hold_job(self, job: Job) -> Outcome:
        if job.replay:
            return Outcome(None, stored=False)  # still in the spool: released by the replayer
        if job.ticket.state == "held":
            return Outcome(None, mode="held")  # the webhook already put it in the spool
        if not await self.hold(job.message):
            return Outcome(None, stored=False)
        # Messages that arrive after this one wait behind it until the spool is drained, so a
        # resident's later message is never handled before an earlier one.
        self._backlog = True
        return Outcome(self.held_reply(job.message), mode="held")

    async def _run_one(self, job: Job) -> Outcome:
        try:
            return (await self._run_batch([job]))[0]
        except Exception as exc:
            if is_outage(exc):
                self._outage(exc)
                return await self._hold_job(job)
            return await self._failed(job, exc)

    async def _failed(self, job: Job, error: BaseException) -> Outcome:
        log.error(
            "handler failed for %s (%s)",
            job.message.dedupe_key,
            job.message.msg_type,
            exc_info=error,
        )
        try:
            return await self._store_failed(job.message)
        except Exception as exc:
            if not is_outage(exc):
                log.error("could not store failed message %s: %s", job.message.dedupe_key, exc)
            self._outage(exc)
            return await self._hold_job(job)

    # -- the spool's replay ----------------------------------------------------------------
    async def _replayer(self) -> None:
        assert self.spool is not None
        spool = self.spool
        pause = self.replay_interval
        while True:
            await asyncio.sleep(pause)
            try:
                claimed = await spool.claim(self.batch_size, self._owner)
                if not claimed:
                    self._backlog = False
                    if self.outage.active and await self._probe():
                        self.outage.recovered()
                    continue
                futures = [
                    self.submit(item.message, Ticket("late"), replay=True) for item in claimed
                ]
                outcomes = await asyncio.gather(*futures)
                ok = 0
                for item, outcome in zip(claimed, outcomes, strict=True):
                    if outcome.stored:
                        await spool.done(item)
                        ok += 1
                    else:
                        await spool.release(item)
                self.replayed += ok
                if ok == len(claimed):
                    self.outage.recovered(f"; replaying held messages ({self.replayed} so far)")
                    pause = 0  # keep draining
                else:
                    pause = min(max(pause, self.replay_interval) * 2, 10 * self.replay_interval)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the replayer must outlive any single failure
                log.error("spool replay failed: %s", short(exc))
                pause = 5 * self.replay_interval

    async def _probe(self) -> bool:
        try:
            async with asyncio.timeout(5), self.sessions() as session, session.begin():
                await session.execute(select(1))
        except Exception:
            return False
        return True

    # -- one transaction -------------------------------------------------------------------
    async def _run_batch(self, batch: list[Job]) -> list[Outcome]:
        outcomes: dict[int, Outcome] = {}
        duplicates: list[int] = []
        async with self.sessions() as session, session.begin():
            ids = await inbound_store.insert_many(
                session, [job.message for job in batch], self.clock.now()
            )
            fresh: list[tuple[int, Job, int]] = []
            claimed: set[str] = set()
            for index, job in enumerate(batch):
                key = job.message.dedupe_key
                if key in ids and key not in claimed:
                    claimed.add(key)
                    fresh.append((index, job, ids[key]))
                else:
                    duplicates.append(index)
            await inbound_store.touch_users(
                session, [job.message for _, job, _ in fresh], self.clock.now()
            )
            for prefetch in self.prefetchers:
                await prefetch(session, [job.message.openid for _, job, _ in fresh])
            rows = await staged.staged_for(session)
            for index, job, row_id in fresh:
                with log_context(msg=row_id):  # every line of this unit of work names it
                    reply = await self.dispatcher.feed(
                        job.message,
                        session=session,
                        clock=self.clock,
                        inbound_id=row_id,
                        **self.extra,
                    )
                if job.ticket.state in ("late", "held"):
                    mode = "deferred" if reply else "none"
                    if reply and self.late_sink is not None:
                        await self.late_sink(session, job.message, reply, row_id)
                else:
                    job.ticket.state = "passive"
                    mode = "passive" if reply else "none"
                outcomes[index] = Outcome(reply if mode == "passive" else None, False, mode)
                answer = {
                    "id": row_id,
                    "reply_mode": mode,
                    "reply_text": reply.summary() if reply else None,
                    "handled_ms": int((time.perf_counter() - job.started) * 1000),
                }
                rows.update(_INBOUND, answer)  # one transaction, one buffer: it stays put
            await staged.flush(session)
        await self._missed_passive_replies(batch, fresh, outcomes)
        for index in duplicates:
            outcomes[index] = await self._replay(batch[index].message)
        return [outcomes[i] for i in range(len(batch))]

    async def _missed_passive_replies(
        self, batch: list[Job], fresh: list[tuple[int, Job, int]], outcomes: dict[int, Outcome]
    ) -> None:
        """Replies meant for the HTTP response whose commit outlasted WeChat's patience: the
        webhook has answered without them, so they go out through the outbox instead."""
        missed = [
            (job, outcomes[index].reply, row_id)
            for index, job, row_id in fresh
            if job.ticket.state in ("late", "held") and outcomes[index].mode == "passive"
        ]
        if not missed or self.late_sink is None:
            return
        try:
            async with self.sessions() as session, session.begin():
                for job, reply, row_id in missed:
                    if reply is not None:
                        await self.late_sink(session, job.message, reply, row_id)
        except Exception as exc:
            log.error("could not queue %d late replies: %s", len(missed), short(exc))

    async def _replay(self, message: Incoming) -> Outcome:
        async with self.sessions() as session:
            row = await inbound_store.first_answer(session, message)
        if row is None:
            # Not stored, yet skipped: its signature was already used with another message.
            return Outcome(None, False, "none", refused=True)
        mode, text = row
        if mode in ("passive", "error") and text is not None:
            return Outcome(Reply(text=text), True, mode)
        return Outcome(None, True, mode)

    async def _store_failed(self, message: Incoming) -> Outcome:
        """The handlers failed: keep the message anyway and tell the user plainly.

        Raises when the message cannot be stored either, so the caller can hold it.
        """
        async with self.sessions() as session, session.begin():
            row_id = await inbound_store.insert_one(session, message, "error", self.clock.now())
        if row_id is None:
            return await self._replay(message)
        return Outcome(Reply(text=texts.SYSTEM_ERROR), False, "error")
