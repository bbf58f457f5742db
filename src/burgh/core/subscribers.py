"""In-process event consumers: who listens to which CloudEvent types, and exactly-once handling."""

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction

from burgh.core.models import ProcessedEvent

Envelope = dict[str, Any]
Handler = Callable[[Envelope], None]


@dataclass(frozen=True)
class Subscription:
    consumer: str
    type_pattern: str
    handler: Handler

    def wants(self, event_type: str) -> bool:
        return fnmatch.fnmatchcase(event_type, self.type_pattern)


_registry: dict[str, Subscription] = {}


def subscribe(consumer: str, type_pattern: str) -> Callable[[Handler], Handler]:
    """Register a handler for event types matching `type_pattern` (`gov.burgh.identity.*`).

    The consumer name is the handler's identity for idempotency and error reports: keep it
    stable across releases.
    """

    def register(handler: Handler) -> Handler:
        existing = _registry.get(consumer)
        if existing is not None and existing.handler is not handler:
            raise ValueError(f"An event consumer named {consumer!r} is already registered.")
        _registry[consumer] = Subscription(consumer, type_pattern, handler)
        return handler

    return register


def unsubscribe(consumer: str) -> None:
    _registry.pop(consumer, None)


def subscriptions_for(event_type: str) -> list[Subscription]:
    return [sub for sub in _registry.values() if sub.wants(event_type)]


def idempotent(consumer: str) -> Callable[[Handler], Handler]:
    """Make a handler act once per event id, even though the relay delivers at least once.

    The ProcessedEvent row is written in the same transaction as the handler's own writes, so
    either both land or neither does.
    """

    def wrap(handler: Handler) -> Handler:
        @wraps(handler)
        def once(event: Envelope) -> None:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        ProcessedEvent.objects.create(consumer=consumer, event_id=event["id"])
                except IntegrityError:
                    return  # handled before: a redelivery
                handler(event)

        return once

    return wrap
