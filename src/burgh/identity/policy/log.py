"""The access log: one row per record read or refused, and one audit entry per request."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from burgh.core import audit, context
from burgh.identity.models import AccessLogEntry, Purpose
from burgh.identity.policy.kinds import RecordKind
from burgh.identity.policy.viewer import Viewer


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
    return len(rows)


def _is_uuid(value: Any) -> bool:
    if isinstance(value, UUID):
        return True
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True
