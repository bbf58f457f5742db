"""The work on a case: notes and contacts (with edit history), tasks, decisions under the
two-person rule, the people involved, warning flags on people, and marking what matters."""

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone

from burgh.cases.access import AUTHORISE_DECISIONS, CHANGE_CASE
from burgh.cases.models import (
    CaseDecision,
    CaseNote,
    CaseNoteRevision,
    CaseParty,
    CaseTask,
    ChronologyEntry,
    PersonFlag,
)
from burgh.cases.services.common import (
    announce,
    case_to_change,
    check_version,
    chronicle,
    may_lead,
    require,
    require_open,
    text,
)
from burgh.core.changes import record_change
from burgh.core.errors import ConflictError, InvalidInputError, PermissionDeniedError
from burgh.identity import policy
from burgh.identity.models import Team, User
from burgh.people.services import current_person


def add_note(
    by: User,
    case_id: Any,
    body: str,
    *,
    kind: str = CaseNote.Kind.NOTE,
    contact_with: str = "",
    occurred_at: datetime | None = None,
    significant: bool = False,
) -> CaseNote:
    """Add a case note, or a record of a contact (a call, a visit) that may be written up later."""
    require(by, CHANGE_CASE, "add notes to cases")
    if kind not in CaseNote.Kind.values:
        raise InvalidInputError(
            "That is not a kind of note.",
            errors=[
                {"pointer": "#/kind", "detail": f"Give one of: {', '.join(CaseNote.Kind.values)}."}
            ],
        )
    body = text(body, "#/body", "the note", limit=20_000)
    contact_with = text(
        contact_with, "#/contact_with", "who the contact was with", limit=200, required=False
    )
    now = timezone.now()
    occurred_at = occurred_at or now
    if occurred_at > now + timedelta(minutes=5):
        raise InvalidInputError(
            "A note cannot be about something that has not happened yet.",
            errors=[{"pointer": "#/occurred_at", "detail": "Give a time in the past."}],
        )
    with transaction.atomic():
        case = case_to_change(by, case_id)
        note = CaseNote.objects.create(
            case=case,
            kind=kind,
            body=body,
            contact_with=contact_with,
            occurred_at=occurred_at,
            significant=significant,
            author=by,
        )
        entry_kind = "note" if kind == CaseNote.Kind.NOTE else "contact"
        label = note.get_kind_display()
        summary = (
            f"{label}"
            + (f" with {contact_with}" if contact_with else "")
            + f": {_first_line(body)}"
        )
        chronicle(
            case, entry_kind, summary, by=by, ref=note, significant=significant, at=occurred_at
        )
        announce(case, "note_added", {"note": str(note.pk), "kind": kind}, by=by)
    return note


def _first_line(body: str, limit: int = 300) -> str:
    line = body.strip().splitlines()[0] if body.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def edit_note(by: User, note_id: Any, body: str, *, expected_version: int) -> CaseNote:
    """Change a note's text; the text it had is kept as a revision. Only its author may."""
    require(by, CHANGE_CASE, "edit notes")
    body = text(body, "#/body", "the note", limit=20_000)
    with transaction.atomic():
        note = CaseNote.objects.select_for_update().filter(pk=note_id).first()
        if note is None:
            raise policy.RecordNotFoundError("There is no such note, or you cannot see it.")
        case_to_change(by, note.case_id)
        if note.author_id != by.pk:
            raise PermissionDeniedError("Only the note's author can edit it; add a note instead.")
        check_version(note, expected_version)  # type: ignore[arg-type]
        if note.body == body:
            return note
        number = note.revisions.count() + 1
        CaseNoteRevision.objects.create(
            note=note,
            number=number,
            body=note.body,
            written_by=note.author,
            written_at=note.updated_at,
        )
        note.body = body
        note.version += 1
        note.save(update_fields=["body", "version", "updated_at"])
        chronicle(note.case, "note", f"Note edited: {_first_line(body)}", by=by, ref=note)
        announce(note.case, "note_edited", {"note": str(note.pk), "revision": number}, by=by)
    return note


def add_task(
    by: User | None,
    case_id: Any,
    title: str,
    *,
    owner: User | None = None,
    team: Team | None = None,
    due_on: date | None = None,
    details: str = "",
) -> CaseTask:
    require(by, CHANGE_CASE, "add tasks to cases")
    title = text(title, "#/title", "what needs doing", limit=200)
    details = text(details, "#/details", "details", limit=5000, required=False)
    if owner is not None and not owner.is_active:
        raise InvalidInputError(
            "The task cannot be given to a disabled account.",
            errors=[{"pointer": "#/owner", "detail": f"{owner}'s account is disabled."}],
        )
    with transaction.atomic():
        case = case_to_change(by, case_id)
        require_open(case, "add tasks")
        task = CaseTask.objects.create(
            case=case,
            title=title,
            details=details,
            owner=owner,
            team=team,
            due_on=due_on,
            created_by=by,
        )
        who = f" for {owner}" if owner else (f" for {team}" if team else "")
        due = f", due {due_on:%-d %B %Y}" if due_on else ""
        chronicle(case, "task", f"Task added{who}{due}: {title}", by=by, ref=task)
        announce(
            case,
            "task_added",
            {"task": str(task.pk), "owner": str(owner.pk) if owner else None},
            by=by,
        )
    return task


def finish_task(by: User, task_id: Any, *, done: bool = True, note: str = "") -> CaseTask:
    """Mark a task done (or cancelled, `done=False`)."""
    require(by, CHANGE_CASE, "complete tasks")
    note = text(note, "#/note", "a note", limit=2000, required=False)
    with transaction.atomic():
        task = CaseTask.objects.select_for_update().filter(pk=task_id).first()
        if task is None:
            raise policy.RecordNotFoundError("There is no such task, or you cannot see it.")
        case = case_to_change(by, task.case_id)
        if task.state != CaseTask.State.OPEN:
            raise ConflictError(f"The task is already {task.get_state_display().lower()}.")
        task.state = CaseTask.State.DONE if done else CaseTask.State.CANCELLED
        task.completed_at, task.completed_by, task.completion_note = timezone.now(), by, note
        task.version += 1
        task.save()
        verb = "done" if done else "cancelled"
        chronicle(
            case,
            "task",
            f"Task {verb}: {task.title}" + (f". {note}" if note else ""),
            by=by,
            ref=task,
        )
        announce(
            case, "task_completed" if done else "task_cancelled", {"task": str(task.pk)}, by=by
        )
    return task


def record_decision(
    by: User | None, case_id: Any, kind: str, summary: str, reasons: str
) -> CaseDecision:
    """Record a decision; a kind that needs a manager waits for a second person to authorise.
    `by` None is a process flow proposing it: any manager of the team may authorise it."""
    require(by, CHANGE_CASE, "record decisions")
    summary = text(summary, "#/summary", "the decision", limit=300)
    reasons = text(reasons, "#/reasons", "the reasons for the decision", limit=20_000)
    with transaction.atomic():
        case = case_to_change(by, case_id)
        require_open(case, "record decisions")
        kinds = {k["code"]: k for k in case.case_type.decision_kinds}
        if kind not in kinds:
            known = ", ".join(f"{code} ({k['label']})" for code, k in kinds.items()) or "none"
            raise InvalidInputError(
                f"A {case.case_type.name} has no decision of that kind.",
                errors=[{"pointer": "#/kind", "detail": f"Give one of: {known}."}],
            )
        needs = bool(kinds[kind].get("needs_authorisation"))
        decision = CaseDecision.objects.create(
            case=case,
            kind=kind,
            summary=summary,
            reasons=reasons,
            state=CaseDecision.State.AWAITING if needs else CaseDecision.State.RECORDED,
            proposed_by=by,
            proposed_at=timezone.now(),
        )
        label = kinds[kind]["label"]
        waiting = " (awaiting a manager's authorisation)" if needs else ""
        chronicle(
            case, "decision", f"{label}: {summary}{waiting}", by=by, ref=decision, significant=True
        )
        announce(
            case,
            "decision_recorded",
            {"decision": str(decision.pk), "kind": kind, "state": decision.state},
            by=by,
        )
    return decision


def authorise_decision(
    by: User, decision_id: Any, *, approve: bool, note: str = ""
) -> CaseDecision:
    """A manager authorises (or refuses) a decision someone else proposed: the two-person rule."""
    require(by, AUTHORISE_DECISIONS, "authorise decisions")
    note = text(note, "#/note", "why you refuse it", limit=5000, required=not approve)
    with transaction.atomic():
        decision = CaseDecision.objects.select_for_update().filter(pk=decision_id).first()
        if decision is None:
            raise policy.RecordNotFoundError("There is no such decision, or you cannot see it.")
        case = case_to_change(by, decision.case_id)
        if decision.state != CaseDecision.State.AWAITING:
            raise ConflictError(
                f"This decision is {decision.get_state_display().lower()}, not awaiting "
                "authorisation."
            )
        if decision.proposed_by_id == by.pk:
            raise PermissionDeniedError(
                "You proposed this decision: another manager must authorise it (two-person rule)."
            )
        if not may_lead(policy.viewer_for(by), case.team_id, AUTHORISE_DECISIONS):
            raise PermissionDeniedError(
                f"Only a leader or manager of {case.team} can authorise it."
            )
        decision.state = CaseDecision.State.AUTHORISED if approve else CaseDecision.State.REFUSED
        decision.decided_by, decision.decided_at, decision.decision_note = by, timezone.now(), note
        decision.version += 1
        decision.save()
        verb = "authorised" if approve else "not authorised"
        chronicle(
            case,
            "decision",
            f"Decision {verb}: {decision.summary}" + (f". {note}" if note else ""),
            by=by,
            ref=decision,
            significant=True,
        )
        announce(
            case,
            "decision_authorised" if approve else "decision_refused",
            {"decision": str(decision.pk), "proposed_by": str(decision.proposed_by_id)},
            by=by,
        )
        # A process flow that asked for the authorisation (request_authorisation) waits for it.
        from burgh.flows.services import deliver_message

        deliver_message(
            case.pk,
            "decision_authorised",
            {"decision": str(decision.pk), "kind": decision.kind, "approved": approve},
        )
    return decision


def add_party(
    by: User,
    case_id: Any,
    role: str,
    *,
    person_id: UUID | str | None = None,
    name: str = "",
    organisation: str = "",
    contact: str = "",
) -> CaseParty:
    """Add someone to a case with their role: a person from the index, or a named outsider."""
    require(by, CHANGE_CASE, "add people to cases")
    errors: list[dict[str, str]] = []
    if role not in CaseParty.Role.values:
        errors.append(
            {"pointer": "#/role", "detail": f"Give one of: {', '.join(CaseParty.Role.values)}."}
        )
    person: UUID | None = None
    if person_id:
        try:
            person = current_person(person_id).pk
        except ObjectDoesNotExist:
            errors.append({"pointer": "#/person_id", "detail": "There is no person with that id."})
    name = " ".join(name.split())[:200]
    if person is None and not name and "#/person_id" not in {e["pointer"] for e in errors}:
        errors.append(
            {"pointer": "#/name", "detail": "Choose a person from the index or give a name."}
        )
    if errors:
        raise InvalidInputError("The person cannot be added.", errors=errors)
    with transaction.atomic():
        case = case_to_change(by, case_id)
        if (
            person is not None
            and case.parties.filter(person_id=person, role=role, ended_at__isnull=True).exists()
        ):
            raise ConflictError("That person is already on the case in that role.")
        party = CaseParty.objects.create(
            case=case,
            role=role,
            person_id=person,
            name=name,
            organisation=" ".join(organisation.split())[:200],
            contact=" ".join(contact.split())[:200],
        )
        who = name or "a person from the index"
        chronicle(
            case, "party", f"{who} added as {party.get_role_display().lower()}", by=by, ref=party
        )
        announce(
            case,
            "party_added",
            {"party": str(party.pk), "role": role, "person": str(person) if person else None},
            by=by,
        )
    return party


def raise_flag(
    by: User,
    person_id: UUID | str,
    kind: str,
    note: str,
    *,
    case_id: Any = None,
    review_on: date | None = None,
) -> PersonFlag:
    """Put a warning on a person (raised from a case the writer may change, or by the system)."""
    require(by, CHANGE_CASE, "raise warning flags")
    if kind not in PersonFlag.Kind.values:
        raise InvalidInputError(
            "That is not a kind of warning.",
            errors=[
                {
                    "pointer": "#/kind",
                    "detail": f"Give one of: {', '.join(PersonFlag.Kind.values)}.",
                }
            ],
        )
    note = text(note, "#/note", "what staff need to know", limit=2000)
    try:
        person = current_person(person_id).pk
    except ObjectDoesNotExist:
        raise InvalidInputError(
            "There is no such person.",
            errors=[{"pointer": "#/person_id", "detail": "There is no person with that id."}],
        ) from None
    with transaction.atomic():
        case = case_to_change(by, case_id) if case_id else None
        flag = PersonFlag.objects.create(
            person_id=person, kind=kind, note=note, case=case, raised_by=by, review_on=review_on
        )
        if case is not None:
            chronicle(
                case,
                "flag",
                f"Warning raised: {flag.get_kind_display()}",
                by=by,
                ref=flag,
                significant=True,
            )
        record_change(flag, "raised", {"person": str(person), "kind": kind}, actor=by)
    return flag


def remove_flag(by: User, flag_id: Any, reason: str) -> PersonFlag:
    require(by, CHANGE_CASE, "remove warning flags")
    reason = text(reason, "#/reason", "why the warning no longer applies", limit=2000)
    with transaction.atomic():
        flag = PersonFlag.objects.select_for_update().filter(pk=flag_id).first()
        if flag is None or flag.removed_at is not None:
            raise ConflictError("There is no such warning in force.")
        if flag.case_id is not None:
            case = case_to_change(by, flag.case_id)
            chronicle(
                case,
                "flag",
                f"Warning removed: {flag.get_kind_display()}. {reason}",
                by=by,
                ref=flag,
            )
        flag.removed_at, flag.removed_by, flag.removal_reason = timezone.now(), by, reason
        flag.version += 1
        flag.save()
        record_change(flag, "removed", {"person": str(flag.person_id), "reason": reason}, actor=by)
    return flag


def mark_significant(by: User, entry_id: int, significant: bool = True) -> ChronologyEntry:
    """Mark a chronology entry as a significant event (or unmark it), for the case summary."""
    require(by, CHANGE_CASE, "mark significant events")
    with transaction.atomic():
        entry = ChronologyEntry.objects.select_for_update().filter(pk=entry_id).first()
        if entry is None:
            raise policy.RecordNotFoundError("There is no such chronology entry.")
        case = case_to_change(by, entry.case_id)
        if entry.significant != significant:
            entry.significant = significant
            entry.save(update_fields=["significant"])
            announce(
                case, "significant_marked", {"entry": entry.pk, "significant": significant}, by=by
            )
    return entry


def record_external_event(
    by: User | None,
    case_id: Any,
    source: str,
    summary: str,
    *,
    occurred_at: datetime | None = None,
    detail: dict[str, Any] | None = None,
    significant: bool = False,
) -> ChronologyEntry:
    """Put something another system did (a works order raised, a payment taken, a letter
    returned) on the case's chronology, naming that system."""
    require(by, CHANGE_CASE, "add events to cases")
    source = text(source, "#/source", "the system it came from", limit=80)
    summary = text(summary, "#/summary", "what happened", limit=400)
    now = timezone.now()
    if occurred_at is not None and occurred_at > now + timedelta(minutes=5):
        raise InvalidInputError(
            "An event cannot have happened in the future.",
            errors=[{"pointer": "#/occurred_at", "detail": "Give a time in the past."}],
        )
    with transaction.atomic():
        case = case_to_change(by, case_id)
        entry = chronicle(
            case,
            "event",
            f"{source}: {summary}",
            by=by,
            detail={"source": source, **(detail or {})},
            significant=significant,
            at=occurred_at or now,
        )
        announce(case, "event_recorded", {"source": source, "entry": entry.pk}, by=by)
    return entry


def record_process_step(
    case_id: Any,
    summary: str,
    *,
    by: User | None = None,
    detail: dict[str, Any] | None = None,
    significant: bool = False,
) -> ChronologyEntry:
    """Put a step of the case's process flow on its chronology (a step done, a decision
    table's verdict, a timer that fired). The flow's own services call this, having checked
    whoever acted; `by` None is the flow acting on its own."""
    with transaction.atomic():
        case = case_to_change(None, case_id)
        return chronicle(
            case, "flow", summary, by=by, detail=dict(detail or {}), significant=significant
        )
