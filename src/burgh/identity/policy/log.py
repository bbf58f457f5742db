"""The access log: one row per record read or refused, and one audit entry per request."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any
from uuid import UUID

from django.db import connection, transaction

from burgh.core import audit, context
from burgh.identity.models import AccessLogEntry, Purpose
from burgh.identity.policy.kinds import RecordKind
from burgh.identity.policy.viewer import Viewer

# Refusals to write once the request is over (`refusals_outlast_rollback`).
_after_rollback: ContextVar[list[Callable[[], None]] | None] = ContextVar(
    "burgh_refusals_after_rollback", default=None
)


def log_access(
    viewer: Viewer,
    kind: RecordKind,
    records: Iterable[tuple[Any, UUID | None]],
    *,
    action: AccessLogEntry.Action,
    purpose: Purpose,
    allowed: bool,
    rule: str,
    break_glass_id: UUID | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Write the access log rows for `records` (pairs of record id and resident id) and audit.

    Refusals are logged like reads, so an attempt on a restricted record is on the record for
    the information-governance team even though the person attempting it was told nothing.
    """
    if not kind.sensitive:
        return 0
    outcome = AccessLogEntry.Outcome.ALLOWED if allowed else AccessLogEntry.Outcome.REFUSED
    request_id = context.current().request_id
    rows = [
        AccessLogEntry(
            at=viewer.now,
            user=viewer.user,
            organisation=viewer.organisation,
            kind=kind.name,
            record_id=record_id,
            person_id=person_id,
            action=action,
            purpose=purpose,
            outcome=outcome,
            rule=rule,
            break_glass_id=break_glass_id,
            request_id=request_id,
        )
        for record_id, person_id in records
        if _is_uuid(record_id)
    ]
    write = partial(_write, rows, viewer, kind, action, purpose, allowed, rule, detail)
    later = _after_rollback.get()
    if not allowed and later is not None and connection.in_atomic_block:
        # A refusal inside a change's transaction is rolled back with it: kept until the
        # request's transactions have ended, then written.
        later.append(write)
    else:
        write()
    return len(rows)


@contextmanager
def refusals_outlast_rollback() -> Iterator[None]:
    """Write, once the block (a request) is over, refusals logged inside transactions that the
    refusal itself then rolled back."""
    token = _after_rollback.set([])
    try:
        yield
    finally:
        kept = _after_rollback.get() or []
        _after_rollback.reset(token)
        for write in kept:
            write()


def _write(
    rows: list[AccessLogEntry],
    viewer: Viewer,
    kind: RecordKind,
    action: AccessLogEntry.Action,
    purpose: Purpose,
    allowed: bool,
    rule: str,
    detail: dict[str, Any] | None,
) -> None:
    # One transaction: the rows and their audit entry are kept together or not at all.
    with transaction.atomic(savepoint=False):
        AccessLogEntry.objects.bulk_create(rows, batch_size=1000)
        audit.record(
            f"{kind.name}.{action}",
            actor=viewer.user,
            purpose=purpose,
            outcome="success" if allowed else "failure",
            detail={
                "rule": rule,
                "records": len(rows),
                **({"record": str(rows[0].record_id)} if len(rows) == 1 else {}),
                **(detail or {}),
            },
        )


def _is_uuid(value: Any) -> bool:
    if isinstance(value, UUID):
        return True
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True
