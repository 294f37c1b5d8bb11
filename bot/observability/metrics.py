"""Prometheus metrics, one registry per application (tests run many apps in one process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.observability.gauges import Gauges

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "mulin_webhook_requests",
            "Webhook requests by outcome",
            ["outcome"],
            registry=self.registry,
        )
        self.handler_seconds = Histogram(
            "mulin_handler_seconds",
            "Time to handle one inbound message, storage included",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8),
            registry=self.registry,
        )
        self.webhook_seconds = Histogram(
            "mulin_webhook_seconds",
            "Time from a webhook request's arrival to its answer (refusals included)",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 8),
            registry=self.registry,
        )
        self.duplicates = Counter(
            "mulin_duplicate_deliveries",
            "Repeated deliveries of a message already stored",
            registry=self.registry,
        )
        self.late_replies = Counter(
            "mulin_late_replies",
            "Replies that missed the passive-reply budget and went out later",
            registry=self.registry,
        )

        self.gauges = Gauges(self.registry)  # read from the database at each scrape

        self._outcomes: dict[str, Counter] = {}

    def count(self, outcome: str) -> None:
        """One webhook request with this outcome (label children are looked up once)."""
        child = self._outcomes.get(outcome)
        if child is None:
            child = self._outcomes[outcome] = self.requests.labels(outcome=outcome)
        child.inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
