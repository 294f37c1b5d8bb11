"""Outbound messaging: the transactional outbox and its delivery worker.

``enqueue`` adds a message in the caller's transaction; ``OutboxWorker.tick`` delivers due rows;
``bot.outbound.runtime.outbound_ctx`` wires both into the aiohttp application.
"""

from bot.outbound.enqueue import enqueue, outbox_params, queue_rows

__all__ = ["enqueue", "outbox_params", "queue_rows"]
