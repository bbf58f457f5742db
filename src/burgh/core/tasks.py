"""Background tasks of the kernel: the outbox relay."""

from django_tasks import task

from burgh.core.relay import deliver_pending


@task()
def relay_outbox() -> int:
    """Deliver pending events. Safe to run twice at once or repeatedly: idempotent by design."""
    return deliver_pending().delivered
