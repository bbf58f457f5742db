"""The kernel's tables: the record base, the audit trail, the outbox, idempotency."""

from .audit import AuditChainHead, AuditEntry
from .base import BurghModel
from .idempotency import IdempotencyRecord
from .outbox import OutboxEvent, ProcessedEvent

__all__ = [
    "AuditChainHead",
    "AuditEntry",
    "BurghModel",
    "IdempotencyRecord",
    "OutboxEvent",
    "ProcessedEvent",
]
