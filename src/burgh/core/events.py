"""Events: `emit()` writes a CloudEvents 1.0 envelope to the outbox in the caller's transaction."""

from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from burgh.core.models import OutboxEvent


def emit(type: str, subject: str, data: dict[str, Any]) -> OutboxEvent:
    """Record that something happened; delivery starts once the surrounding transaction commits.

    `type` is reverse-DNS and past tense (`gov.burgh.identity.team.created`); `subject` names
    the record (`identity/team/<id>`) and is the unit of ordering.
    """
    event = OutboxEvent.objects.create(
        type=type,
        source=settings.EVENT_SOURCE,
        subject=subject,
        time=timezone.now(),
        data=data,
    )
    # robust: a failed wake-up must not turn a committed change into an error; the worker's
    # periodic sweep delivers the event anyway.
    transaction.on_commit(_wake_relay, robust=True)
    return event


def envelope(event: OutboxEvent) -> dict[str, Any]:
    """The structured-mode CloudEvents JSON form of an outbox row."""
    return {
        "specversion": "1.0",
        "id": str(event.id),
        "source": event.source,
        "type": event.type,
        "subject": event.subject,
        "time": event.time.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "data": event.data,
    }


def _wake_relay() -> None:
    from burgh.core.tasks import relay_outbox

    relay_outbox.enqueue()
