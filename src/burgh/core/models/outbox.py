"""The transactional outbox: CloudEvents written with the change, delivered at least once."""

import uuid

from django.db import models


class OutboxEvent(models.Model):
    """A CloudEvents 1.0 envelope waiting for, or past, delivery."""

    seq = models.BigAutoField(primary_key=True)
    id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=200)
    source = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    time = models.DateTimeField()
    data = models.JSONField(default=dict)
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(
                fields=["seq"],
                name="outbox_pending",
                condition=models.Q(delivered_at__isnull=True),
            ),
            models.Index(fields=["subject", "seq"]),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.subject} ({self.id})"


class ProcessedEvent(models.Model):
    """Which consumer has handled which event: makes at-least-once delivery act exactly once."""

    consumer = models.CharField(max_length=200)
    event_id = models.UUIDField()
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consumer", "event_id"], name="processed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.consumer} handled {self.event_id}"
