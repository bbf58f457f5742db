"""The outbox relay: delivers committed events to consumers, at least once, in order per subject."""

import logging
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from burgh.core import events
from burgh.core.models import OutboxEvent
from burgh.core.subscribers import subscriptions_for

logger = logging.getLogger("burgh.relay")

# An arbitrary constant naming the relay's PostgreSQL advisory lock.
RELAY_LOCK_ID = 0x6275726768  # "burgh"
MAX_BACKOFF = timedelta(hours=1)

# Within one process only one thread relays, and a consumer whose own events wake the relay
# (tasks run inline in tests) does not start a second relay inside the first: the running one
# picks the new events up, since it reads until nothing is pending.
_in_process = threading.Lock()


@dataclass
class RelayReport:
    delivered: int = 0
    failed: int = 0
    held_back: int = 0
    skipped_locked: bool = False
    errors: list[str] = field(default_factory=list)


def deliver_pending(batch: int = 500, now: datetime | None = None) -> RelayReport:
    """Deliver undelivered events in `seq` order until none is due.

    A subject whose event failed is held back (later events of that subject wait) so that
    consumers see each subject's events in order; other subjects go on.
    """
    report = RelayReport()
    if not _in_process.acquire(blocking=False):
        report.skipped_locked = True
        return report
    try:
        return _deliver_all(report, batch, now)
    finally:
        _in_process.release()


def _deliver_all(report: RelayReport, batch: int, now: datetime | None) -> RelayReport:
    with _relay_lock() as acquired:
        if not acquired:
            report.skipped_locked = True
            return report
        blocked: set[str] = set()
        last_seq = 0
        while True:
            moment = now or timezone.now()
            pending = list(
                OutboxEvent.objects.filter(delivered_at__isnull=True, seq__gt=last_seq).order_by(
                    "seq"
                )[:batch]
            )
            if not pending:
                break
            for event in pending:
                last_seq = event.seq
                if event.subject in blocked:
                    report.held_back += 1
                    continue
                if event.next_attempt_at is not None and event.next_attempt_at > moment:
                    blocked.add(event.subject)
                    report.held_back += 1
                    continue
                if _deliver(event, moment, report):
                    report.delivered += 1
                else:
                    report.failed += 1
                    blocked.add(event.subject)
    return report


def _deliver(event: OutboxEvent, moment: datetime, report: RelayReport) -> bool:
    envelope = events.envelope(event)
    try:
        for subscription in subscriptions_for(event.type):
            subscription.handler(envelope)
    except Exception as error:
        event.attempts += 1
        event.last_error = f"{type(error).__name__}: {error}"[:2000]
        event.next_attempt_at = moment + _backoff(event.attempts)
        event.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        report.errors.append(f"event {event.id} ({event.type}): {event.last_error}")
        logger.warning("Delivery of event %s failed: %s", event.id, event.last_error)
        return False
    # A crash here, after the handlers ran, means redelivery: consumers are idempotent.
    OutboxEvent.objects.filter(pk=event.pk).update(
        delivered_at=moment, attempts=event.attempts + 1, last_error=""
    )
    return True


def _backoff(attempts: int) -> timedelta:
    # Exponential with full jitter, so many failing events do not retry in step.
    ceiling = min(MAX_BACKOFF.total_seconds(), 2.0 ** min(attempts, 20))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


@contextmanager
def _relay_lock() -> Iterator[bool]:
    """One relay delivers at a time.

    PostgreSQL: a session advisory lock, so N workers can all run the task safely. SQLite: one
    database file has one writer at a time and a small deployment runs one worker, so the
    database's own write lock is enough to keep two relays from marking the same event.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [RELAY_LOCK_ID])
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [RELAY_LOCK_ID])


def pending_count() -> int:
    return OutboxEvent.objects.filter(delivered_at__isnull=True).count()
