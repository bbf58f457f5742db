"""A case's life: status changes by the case type's transitions, details, closing with an
outcome, reopening, links between cases, parent and child, and merging duplicates (undoable)."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from burgh.cases import fields as case_fields
from burgh.cases.access import CHANGE_CASE
from burgh.cases.models import (
    Case,
    CaseDocument,
    CaseLink,
    CaseMerge,
    CaseNote,
    CaseParty,
    CaseTask,
    Stage,
)
from burgh.cases.services import clock
from burgh.cases.services.common import (
    CaseClosedError,
    announce,
    bump,
    case_to_change,
    check_version,
    chronicle,
    require,
    require_open,
    text,
)
from burgh.core.errors import ConflictError, InvalidInputError
from burgh.identity import policy
from burgh.identity.models import User


class InvalidTransitionError(InvalidInputError):
    slug = "invalid-transition"
    title = "The case cannot move to that status"


def change_status(
    by: User | None,
    case_id: Any,
    status: str,
    *,
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """Move an open case to `status`, if its case type allows that transition."""
    require(by, CHANGE_CASE, "change cases")
    with transaction.atomic():
        case = case_to_change(by, case_id)
        check_version(case, expected_version)
        require_open(case, "change its status")
        case_type = case.case_type
        allowed = case_type.transitions.get(case.status, [])
        if case_type.status(status) is None:
            raise InvalidTransitionError(
                f"{case_type.name} has no status {status!r}.",
                errors=[{"pointer": "#/status", "detail": _choices(case_type, allowed)}],
            )
        if case_type.stage_of(status) == Stage.CLOSED:
            raise InvalidTransitionError(
                f"To move the case to “{case_type.status_label(status)}”, close it with an "
                "outcome.",
                errors=[
                    {"pointer": "#/status", "detail": "Close the case with an outcome instead."}
                ],
            )
        if status not in allowed:
            raise InvalidTransitionError(
                f"A {case_type.name} cannot go from “{case_type.status_label(case.status)}” to "
                f"“{case_type.status_label(status)}”.",
                errors=[{"pointer": "#/status", "detail": _choices(case_type, allowed)}],
            )
        note = text(note, "#/note", "a note", limit=2000, required=False)
        before, old_stage = case.status, case.stage
        case.status, case.stage = status, case_type.stage_of(status)
        changed = clock.follow_stage(case, old_stage, timezone.now())
        bump(case, ["status", "stage", *changed])
        summary = (
            f"Status changed from {case_type.status_label(before)} to "
            f"{case_type.status_label(status)}"
        )
        chronicle(
            case,
            "status",
            summary + (f": {note}" if note else ""),
            by=by,
            detail={"from": before, "to": status},
        )
        announce(case, "status_changed", {"from": before, "to": status, "stage": case.stage}, by=by)
    return case


def _choices(case_type: Any, allowed: list[str]) -> str:
    if not allowed:
        return "No status change is allowed from here; close the case if the work is done."
    labels = ", ".join(f"{code} ({case_type.status_label(code)})" for code in allowed)
    return f"From here it may go to: {labels}."


def update_details(
    by: User | None,
    case_id: Any,
    changes: Mapping[str, Any],
    *,
    expected_version: int,
) -> Case:
    """Change a case's title, description, priority or form details.

    `expected_version` is the version the editor read: if someone else changed the case since,
    the edit is refused (StaleVersionError) rather than silently overwriting theirs.
    """
    require(by, CHANGE_CASE, "change cases")
    unknown = sorted(set(changes) - {"title", "description", "priority", "data"})
    if unknown:
        raise InvalidInputError(
            "Only the title, description, priority and details can be changed here.",
            errors=[
                {"pointer": f"#/{name}", "detail": "Cannot be changed here."} for name in unknown
            ],
        )
    with transaction.atomic():
        case = case_to_change(by, case_id)
        check_version(case, expected_version)
        require_open(case, "change it")
        before: dict[str, Any] = {}
        errors: list[dict[str, str]] = []
        values: dict[str, Any] = {}
        if "title" in changes:
            values["title"] = text(changes["title"], "#/title", "a short title", limit=200)
        if "description" in changes:
            values["description"] = text(
                changes["description"], "#/description", "a description", required=False
            )
        if "priority" in changes:
            if changes["priority"] not in (1, 2, 3, 4):
                errors.append({"pointer": "#/priority", "detail": "Give 1 (urgent) to 4 (low)."})
            values["priority"] = changes["priority"]
        if "data" in changes:
            try:
                definition = case_fields.check_definition(case.case_type.fields)
                values["data"] = case_fields.clean_data(definition, changes["data"] or {})
            except InvalidInputError as error:
                errors.extend(error.errors or [])
        if errors:
            raise InvalidInputError("The case cannot be changed.", errors=errors)
        for name, value in values.items():
            before[name] = getattr(case, name)
            setattr(case, name, value)
        changed = [name for name in values if before[name] != values[name]]
        if not changed:
            return case
        bump(case, changed)
        chronicle(
            case,
            "details",
            "Changed " + ", ".join(changed),
            by=by,
            detail={"fields": changed},
        )
        announce(case, "details_changed", {"fields": changed}, by=by)
    return case


def close_case(
    by: User | None,
    case_id: Any,
    outcome: str,
    *,
    note: str = "",
    status: str = "",
    expected_version: int | None = None,
) -> Case:
    """Close a case with one of its type's outcomes (and a closed status, the first if unsaid)."""
    require(by, CHANGE_CASE, "close cases")
    with transaction.atomic():
        case = case_to_change(by, case_id)
        check_version(case, expected_version)
        if case.is_closed:
            raise CaseClosedError(f"Case {case.reference} is already closed.")
        case_type = case.case_type
        errors: list[dict[str, str]] = []
        outcomes = {o["code"] for o in case_type.outcomes}
        if outcome not in outcomes:
            labels = ", ".join(f"{o['code']} ({o['label']})" for o in case_type.outcomes)
            errors.append({"pointer": "#/outcome", "detail": f"Choose an outcome: {labels}."})
        closed = [s["code"] for s in case_type.statuses if s["stage"] == Stage.CLOSED]
        status = status or closed[0]
        if status not in closed:
            errors.append(
                {"pointer": "#/status", "detail": f"Give a closed status: {', '.join(closed)}."}
            )
        awaiting = case.decisions.filter(state="awaiting").count()
        if awaiting:
            errors.append(
                {
                    "pointer": "#/outcome",
                    "detail": f"{awaiting} decision(s) still wait for a manager's authorisation.",
                }
            )
        if errors:
            raise InvalidInputError(f"Case {case.reference} cannot be closed.", errors=errors)
        note = text(note, "#/note", "a closing note", limit=5000, required=False)
        now = timezone.now()
        old_stage = case.stage
        case.status, case.stage = status, Stage.CLOSED
        case.outcome, case.outcome_note, case.closed_at = outcome, note, now
        changed = clock.follow_stage(case, old_stage, now)
        bump(case, ["status", "stage", "outcome", "outcome_note", "closed_at", *changed])
        chronicle(
            case,
            "closed",
            f"Closed: {case_type.outcome_label(outcome)}" + (f". {note}" if note else ""),
            by=by,
            detail={"outcome": outcome, "status": status},
            significant=True,
        )
        announce(case, "closed", {"outcome": outcome, "status": status}, by=by)
    return case


def reopen_case(
    by: User | None,
    case_id: Any,
    reason: str,
    *,
    status: str = "",
    expected_version: int | None = None,
) -> Case:
    """Reopen a closed case (not a merged one), saying why; its SLA clock runs on from where it
    stopped."""
    require(by, CHANGE_CASE, "reopen cases")
    with transaction.atomic():
        case = case_to_change(by, case_id)
        check_version(case, expected_version)
        if not case.is_closed:
            raise ConflictError(f"Case {case.reference} is open.")
        case_type = case.case_type
        reason = text(reason, "#/reason", "why the case is reopened", limit=2000)
        status = status or case_type.initial_status
        if case_type.stage_of(status) == Stage.CLOSED or case_type.status(status) is None:
            raise InvalidTransitionError(
                "Reopen the case in one of its open statuses.",
                errors=[{"pointer": "#/status", "detail": "Give an open status."}],
            )
        old_stage = case.stage
        case.status, case.stage = status, case_type.stage_of(status)
        case.outcome, case.outcome_note, case.closed_at = "", "", None
        changed = clock.follow_stage(case, old_stage, timezone.now())
        bump(case, ["status", "stage", "outcome", "outcome_note", "closed_at", *changed])
        chronicle(case, "reopened", f"Reopened: {reason}", by=by, significant=True)
        announce(case, "reopened", {"status": status, "reason": reason}, by=by)
    return case


def link_cases(
    by: User | None,
    case_id: Any,
    other_id: Any,
    *,
    note: str = "",
    expected_version: int | None = None,
) -> CaseLink:
    """Record that two cases belong together (both must be ones `by` may change)."""
    require(by, CHANGE_CASE, "link cases")
    with transaction.atomic():
        case = case_to_change(by, case_id)
        check_version(case, expected_version)
        other = case_to_change(by, other_id)
        if case.pk == other.pk:
            raise InvalidInputError(
                "A case cannot be linked to itself.",
                errors=[{"pointer": "#/other", "detail": "Choose another case."}],
            )
        if CaseLink.objects.filter(case__in=[case, other], other__in=[case, other]).exists():
            raise ConflictError(f"{case.reference} and {other.reference} are already linked.")
        note = text(note, "#/note", "a note", limit=300, required=False)
        link = CaseLink.objects.create(
            case=case, other=other, kind=CaseLink.Kind.RELATED, note=note
        )
        for one, two in ((case, other), (other, case)):
            bump(one, [])
            chronicle(one, "link", f"Linked to {two.reference}", by=by, ref=two)
        announce(case, "linked", {"other": str(other.pk)}, by=by)
    return link


def set_parent(
    by: User | None, case_id: Any, parent_id: Any | None, *, expected_version: int | None = None
) -> Case:
    """Make a case the child of another (an incident and the requests it gave rise to)."""
    require(by, CHANGE_CASE, "change cases")
    with transaction.atomic():
        case = case_to_change(by, case_id)
        check_version(case, expected_version)
        parent = case_to_change(by, parent_id) if parent_id else None
        if parent is not None:
            ancestor: Case | None = parent
            for _depth in range(50):
                if ancestor is None:
                    break
                if ancestor.pk == case.pk:
                    raise InvalidInputError(
                        "A case cannot be the parent of one of its own parents.",
                        errors=[{"pointer": "#/parent", "detail": "Choose another case."}],
                    )
                ancestor = ancestor.parent
        case.parent = parent
        bump(case, ["parent"])
        summary = f"Now a child of {parent.reference}" if parent else "No longer a child case"
        chronicle(case, "link", summary, by=by)
        if parent is not None:
            chronicle(parent, "link", f"{case.reference} added as a child case", by=by)
        announce(case, "parent_set", {"parent": str(parent.pk) if parent else None}, by=by)
    return case


MOVED = (
    ("parties", CaseParty),
    ("notes", CaseNote),
    ("documents", CaseDocument),
    ("tasks", CaseTask),
)


def merge_cases(
    by: User | None,
    source_id: Any,
    target_id: Any,
    *,
    reason: str,
    expected_version: int | None = None,
) -> CaseMerge:
    """Merge a duplicate into the case that stands: its people, notes, documents and tasks
    move across and it closes as merged. `undo_merge` puts everything back."""
    require(by, CHANGE_CASE, "merge cases")
    if by is None:
        raise InvalidInputError("A merge is made by a member of staff.")
    with transaction.atomic():
        source = case_to_change(by, source_id)
        check_version(source, expected_version)
        target = case_to_change(by, target_id)
        reason = text(reason, "#/reason", "why these are the same case", limit=300)
        if source.pk == target.pk:
            raise InvalidInputError(
                "A case cannot be merged into itself.",
                errors=[{"pointer": "#/target", "detail": "Choose another case."}],
            )
        if source.case_type_id != target.case_type_id:
            raise InvalidInputError(
                "Only cases of the same type can be merged; link them instead.",
                errors=[{"pointer": "#/target", "detail": "Choose a case of the same type."}],
            )
        require_open(target, "merge into it")
        before = {
            "status": source.status,
            "stage": source.stage,
            "outcome": source.outcome,
            "outcome_note": source.outcome_note,
            "closed_at": source.closed_at.isoformat() if source.closed_at else None,
        }
        moved: dict[str, list[str]] = {}
        for name, model in MOVED:
            ids = [str(pk) for pk in model.objects.filter(case=source).values_list("pk", flat=True)]
            model.objects.filter(case=source).update(case=target)
            moved[name] = ids
        closed = [s["code"] for s in source.case_type.statuses if s["stage"] == Stage.CLOSED]
        now = timezone.now()
        old_stage = source.stage
        source.status, source.stage, source.closed_at = closed[0], Stage.CLOSED, now
        source.outcome, source.outcome_note = "merged", f"Merged into {target.reference}: {reason}"
        source.merged_into = target
        changed = clock.follow_stage(source, old_stage, now)
        bump(
            source,
            ["status", "stage", "closed_at", "outcome", "outcome_note", "merged_into", *changed],
        )
        merge = CaseMerge.objects.create(
            source=source, target=target, by=by, reason=reason, before=before, moved=moved
        )
        chronicle(source, "merge", f"Merged into {target.reference}: {reason}", by=by, ref=merge)
        chronicle(
            target,
            "merge",
            f"{source.reference} merged into this case: {reason}",
            by=by,
            ref=merge,
            significant=True,
        )
        announce(source, "merged", {"into": str(target.pk), "merge": str(merge.pk)}, by=by)
    return merge


def undo_merge(by: User | None, merge_id: Any, *, reason: str) -> CaseMerge:
    """Put a merged case back as it was, with everything that moved (and nothing added since)."""
    require(by, CHANGE_CASE, "undo merges")
    with transaction.atomic():
        merge = CaseMerge.objects.select_for_update().filter(pk=merge_id).first()
        if merge is None:
            raise policy.RecordNotFoundError("There is no merge with that id.")
        if merge.undone_at is not None:
            raise ConflictError("This merge was already undone.")
        reason = text(reason, "#/reason", "why the merge is undone", limit=300)
        target = case_to_change(by, merge.target_id)
        source = (
            Case.objects.select_for_update().select_related("case_type").get(pk=merge.source_id)
        )
        for name, model in MOVED:
            model.objects.filter(case=target, pk__in=merge.moved.get(name, [])).update(case=source)
        before = merge.before
        old_stage = source.stage
        source.status, source.stage = before["status"], before["stage"]
        source.outcome, source.outcome_note = before["outcome"], before["outcome_note"]
        source.closed_at = (
            datetime.fromisoformat(before["closed_at"]) if before["closed_at"] else None
        )
        source.merged_into = None
        changed = clock.follow_stage(source, old_stage, timezone.now())
        bump(
            source,
            ["status", "stage", "closed_at", "outcome", "outcome_note", "merged_into", *changed],
        )
        merge.undone_at, merge.undone_by = timezone.now(), by
        merge.version += 1
        merge.save(update_fields=["undone_at", "undone_by", "version", "updated_at"])
        for one, other in ((source, target), (target, source)):
            chronicle(one, "merge", f"Merge with {other.reference} undone: {reason}", by=by)
        announce(source, "merge_undone", {"from": str(target.pk), "merge": str(merge.pk)}, by=by)
    return merge
