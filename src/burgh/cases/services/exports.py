"""A queue as an export: the cases a queue filter finds that the reader may export, row by row.

Every row holds only the fields the reader's export grants allow for that case; a column no
row may show is not a column at all. The export is written to each case's access log before
the first row is sent, and rows are read in batches, through the policy's filter again, so an
export of a whole service never sits in memory and a case restricted meanwhile drops out.
"""

import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from burgh.cases.access import CASE, CASE_FIELDS
from burgh.cases.models import Case
from burgh.cases.services.reading import QueueFilter, queue
from burgh.core.errors import PermissionDeniedError
from burgh.identity import policy
from burgh.identity.models import Purpose, User

# The columns each of the policy's case fields opens, named as the API names the same values.
# `id` is always the first column; `work` exports only what a row can hold.
EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "reference": ("reference",),
    "case_type": ("case_type",),
    "status": ("status", "stage", "outcome", "closed_at"),
    "priority": ("priority",),
    "team": ("team",),
    "owner": ("owner",),
    "received_at": ("received_at",),
    "sla": ("sla_state", "sla_due_at"),
    "title": ("title",),
    "description": ("description",),
    "data": ("data",),
    "subject": ("subject_person_id",),
    "location": ("uprn", "address", "latitude", "longitude"),
    "reporter": ("reporter",),
    "work": ("channel", "external_ref", "outcome_note"),
}
# How many cases an export reads from the database at a time.
EXPORT_BATCH = 500


@dataclass(frozen=True)
class CasesExport:
    """An export ready to stream: its columns, how many rows, and the rows as they are read."""

    columns: list[str]
    count: int
    rows: Iterator[dict[str, Any]]


def may_export(by: User | policy.Viewer, *, purpose: Purpose) -> bool:
    """Whether any of `by`'s grants lets them export cases for `purpose` (to offer the link)."""
    visible = policy.visible(by, CASE, action=policy.Action.EXPORT, purpose=purpose)
    return bool(visible.grants.for_action(policy.Action.EXPORT))


def export_cases(
    by: User | policy.Viewer,
    found: QueueFilter,
    *,
    purpose: Purpose = Purpose.SERVICE_DELIVERY,
) -> CasesExport:
    """The cases of a queue, for download: refused without a grant that allows exporting.

    Raises `InvalidInputError` for a filter that is not right (as `queue` does) and
    `PermissionDeniedError` when none of the reader's roles exports cases for `purpose`.
    """
    viewer = by if isinstance(by, policy.Viewer) else policy.viewer_for(by)
    visible = queue(viewer, found, purpose=purpose, action=policy.Action.EXPORT)
    if not visible.grants.for_action(policy.Action.EXPORT):
        raise PermissionDeniedError("None of your roles lets you export cases for this purpose.")
    # Enough to log the export and choose the columns.
    listed = list(visible.queryset.select_related(None).only("id", "subject_person_id"))
    shown = frozenset().union(*(visible.fields(case) for case in listed))
    columns = ["id", *(c for name in CASE_FIELDS if name in shown for c in EXPORT_COLUMNS[name])]
    policy.log_listed(
        viewer, CASE, listed, purpose=purpose, exported=True, detail={"rows": len(listed)}
    )
    return CasesExport(columns, len(listed), _rows(visible, [case.pk for case in listed]))


def _rows(visible: policy.Visible[Case], ids: list[UUID]) -> Iterator[dict[str, Any]]:
    for start in range(0, len(ids), EXPORT_BATCH):
        for case in visible.queryset.filter(pk__in=ids[start : start + EXPORT_BATCH]):
            yield export_row(case, visible.fields(case))


def export_row(case: Case, fields: Collection[str]) -> dict[str, Any]:
    """The case's columns for the `fields` its row may show; a withheld field has no key."""
    row: dict[str, Any] = {"id": case.pk}
    for name in CASE_FIELDS:
        if name in fields:
            row.update(_values(case, name))
    return row


def _values(case: Case, name: str) -> dict[str, Any]:
    case_type = case.case_type
    if name == "case_type":
        return {"case_type": case_type.name}
    if name == "status":
        return {
            "status": case_type.status_label(case.status),
            "stage": case.get_stage_display(),
            "outcome": case_type.outcome_label(case.outcome) if case.outcome else None,
            "closed_at": case.closed_at,
        }
    if name == "priority":
        return {"priority": case.get_priority_display()}
    if name == "team":
        return {"team": case.team.name}
    if name == "owner":
        return {"owner": case.owner.full_name if case.owner else None}
    if name == "sla":
        return {"sla_state": getattr(case, "sla_state", None), "sla_due_at": case.sla_due_at}
    if name == "data":
        answers = json.dumps(case.data, ensure_ascii=False, sort_keys=True)
        return {"data": answers if case.data else None}
    if name == "subject":
        return {"subject_person_id": case.subject_person_id}
    if name == "location":
        return {
            "uprn": case.uprn,
            "address": case.address_text,
            "latitude": case.latitude,
            "longitude": case.longitude,
        }
    if name == "reporter":
        return {"reporter": "; ".join(str(v) for v in case.reporter.values() if v) or None}
    if name == "work":
        return {
            "channel": case.get_channel_display(),
            "external_ref": case.external_ref,
            "outcome_note": case.outcome_note,
        }
    return {name: getattr(case, name)}
