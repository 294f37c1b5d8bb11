"""Outbound messaging: the transactional outbox and its delivery worker.

``enqueue`` adds a message in the caller's transaction; ``OutboxWorker.tick`` delivers due rows;
``bot.ticks.outbox.outbound_ctx`` wires both into the aiohttp application.
"""

from bot.outbox.write import enqueue, outbox_params, queue_rows, stage

__all__ = ["enqueue", "outbox_params", "queue_rows", "stage"]
