"""Every change to a record is audited and announced alike: `record_change()` does both at once."""

from typing import Any

from django.db import models

from burgh.core import audit, events


def record_change(
    record: models.Model,
    verb: str,
    detail: dict[str, Any],
    *,
    actor: Any = None,
    stream: models.Model | None = None,
    event_data: dict[str, Any] | None = None,
) -> None:
    """Audit `<app>.<model>.<verb>` on `record` and emit `gov.burgh.<app>.<model>.<verb>`.

    Call it inside the change's transaction. The event's subject is the record
    (`<app>/<model>/<id>`), or `stream` when the change belongs to another record's ordered
    history (a membership added to a team). `event_data` replaces `detail` in the event when
    the audit keeps something else (the before/after of an update); the record's id is always
    in the event.
    """
    meta = record._meta
    name = f"{meta.app_label}.{meta.model_name}.{verb}"
    audit.record(name, subject=record, actor=actor, detail=detail)
    ordered_by = stream if stream is not None else record
    events.emit(
        f"gov.burgh.{name}",
        f"{ordered_by._meta.app_label}/{ordered_by._meta.model_name}/{ordered_by.pk}",
        {"id": str(record.pk), **(detail if event_data is None else event_data)},
    )
