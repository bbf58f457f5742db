"""What every case write shares: the policy's leave to change a case, and the chronology line."""

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils import timezone

from burgh.cases.access import CASE
from burgh.cases.models import Case, ChronologyEntry, EntryKind
from burgh.core import context
from burgh.core.changes import record_change
from burgh.core.concurrency import check_version as refuse_stale
from burgh.core.errors import ConflictError, InvalidInputError, PermissionDeniedError
from burgh.identity import policy
from burgh.identity.models import AccessLogEntry, Purpose, User
from burgh.identity.permissions import has_permission

MAX_TEXT = 20_000


def require(by: User | None, permission: str, what: str) -> None:
    """Staff need `permission`; None is the system itself (a command, a feed, a flow)."""
    if by is not None and not has_permission(by, permission):
        raise PermissionDeniedError(f"None of your roles lets you {what}.")


def may_lead(viewer: policy.Viewer, team_id: Any, permission: str) -> bool:
    """Whether `viewer` leads or manages the team and holds `permission`: the rule for what a
    team leader alone does to the team's cases (allocating, authorising decisions)."""
    return viewer.has(permission) and team_id in viewer.manages


def case_to_change(
    by: User | None, case_id: Any, *, purpose: Purpose = Purpose.SERVICE_DELIVERY
) -> Case:
    """The case, locked for this transaction, once the policy lets `by` change it.

    Call inside `transaction.atomic()`. Refused as a read would be, so a case the writer may
    not see stays invisible; the access is logged either way.
    """
    if by is not None:
        viewer = policy.viewer_for(by)
        kind = policy.get(CASE)
        decision = policy.why(viewer, kind, case_id, action=policy.Action.CHANGE, purpose=purpose)
        policy.log_access(
            viewer,
            kind,
            [(case_id, None)],
            action=AccessLogEntry.Action.CHANGED,
            purpose=purpose,
            allowed=decision.allowed,
            rule=str(decision.rule),
        )
        if not decision.allowed:
            if decision.disclosed:
                raise policy.AccessRefusedError(
                    f"You cannot change this case: {decision.explanation}.", decision=decision
                )
            raise policy.RecordNotFoundError("There is no case with that id, or you cannot see it.")
    try:
        case = Case.objects.select_for_update().select_related("case_type").get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise policy.RecordNotFoundError(
            "There is no case with that id, or you cannot see it."
        ) from None
    if case.merged_into_id is not None:
        raise ConflictError(
            f"Case {case.reference} was merged into another case: work on that one.",
            extra={"merged_into": str(case.merged_into_id)},
        )
    return case


def require_open(case: Case, doing: str) -> None:
    if case.is_closed:
        raise CaseClosedError(
            f"Case {case.reference} is closed: reopen it before you {doing}.",
        )


class CaseClosedError(ConflictError):
    slug = "case-closed"
    title = "The case is closed"


def check_version(case: Case, expected_version: int | None) -> None:
    """Refuse a change made on an older read of the case (two advisers, one case)."""
    if expected_version is not None:
        refuse_stale(case, expected_version)


def bump(case: Case, fields: list[str]) -> None:
    """Save `fields` of a locked case and move its version on, so other readers' ETags go stale."""
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])


def text(
    value: str, pointer: str, label: str, *, limit: int = MAX_TEXT, required: bool = True
) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise InvalidInputError(
            f"Enter {label}.", errors=[{"pointer": pointer, "detail": f"Enter {label}."}]
        )
    if len(cleaned) > limit:
        raise InvalidInputError(
            f"{label[0].upper()}{label[1:]} is too long.",
            errors=[{"pointer": pointer, "detail": f"Use {limit:,} characters or fewer."}],
        )
    return cleaned


def chronicle(
    case: Case,
    kind: str,
    summary: str,
    *,
    by: User | None,
    detail: Mapping[str, Any] | None = None,
    significant: bool = False,
    ref: models.Model | None = None,
    at: Any = None,
) -> ChronologyEntry:
    """Add a line to the case's chronology (in the caller's transaction)."""
    return ChronologyEntry.objects.create(
        case=case,
        at=at or timezone.now(),
        kind=EntryKind(kind),
        summary=summary[:500],
        detail=dict(detail or {}),
        actor=by,
        actor_label=str(by) if by is not None else system_label(),
        significant=significant,
        ref_type=(ref._meta.model_name or "") if ref is not None else "",
        ref_id=str(ref.pk) if ref is not None else "",
    )


def system_label() -> str:
    """Who the chronology says did what no person did: a process flow names itself (it acts
    on the "flow" channel), anything else is Burgh."""
    acting = context.current()
    return acting.actor_label if acting.channel == "flow" and acting.actor_label else "Burgh"


def announce(case: Case, verb: str, detail: dict[str, Any], *, by: User | None) -> None:
    """Audit `cases.case.<verb>` and emit `gov.burgh.cases.case.<verb>`, ordered by the case."""
    record_change(case, verb, {"reference": case.reference, **detail}, actor=by)
