"""Events: `emit()` writes a CloudEvents 1.0 envelope to the outbox in the caller's transaction."""

import re
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from burgh.core.models import OutboxEvent

# Reverse-DNS of the publisher, then context, entity and a past-tense verb; lower case, words
# joined by underscores: `gov.burgh.identity.team.created`,
# `gov.burgh.cases.service_request.closed`.
EVENT_TYPE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){3,}")


def emit(type: str, subject: str, data: dict[str, Any]) -> OutboxEvent:
    """Record that something happened; delivery starts once the surrounding transaction commits.

    `type` is reverse-DNS and past tense (`gov.burgh.identity.team.created`); `subject` names
    the record (`identity/team/<id>`) and is the unit of ordering.
    """
    if not EVENT_TYPE.fullmatch(type):
        raise ValueError(
            f"event type {type!r} is not of the form <publisher reverse-DNS>.<context>.<entity>."
            "<past-tense verb> in lower case, e.g. 'gov.burgh.identity.team.created'"
        )
    if not subject:
        raise ValueError("an event needs a subject: it is the unit of delivery order")
    event = OutboxEvent.objects.create(
        type=type,
        source=settings.EVENT_SOURCE,
        subject=subject,
        time=timezone.now(),
        data=data,
    )
    # Robust: the change has committed by then, and a lost wake only delays delivery until the
    # worker's sweep, so a failing enqueue must not turn a saved change into an error page.
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
