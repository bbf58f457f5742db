"""Involvements: a team taking a person on, the worker allocated, the work ending.

Involvements are the "legitimate relationship" the access policy reads, so changing one
changes who may see the person: each write needs `people.change_person` on that person (asked
of the policy, so a restricted record stays invisible), is audited, announced and logged in
the person's access log.
"""

from datetime import date
from typing import Any

from django.db import transaction

from burgh.core.changes import record_change
from burgh.core.errors import ConflictError, InvalidInputError
from burgh.identity import policy
from burgh.identity.models import AccessLogEntry, Purpose, Team, User
from burgh.people.access import PERSON
from burgh.people.models import Involvement, Person

MAX_REASON_LENGTH = 200


def may_change(by: User, person_id: Any, purpose: Purpose) -> tuple[policy.Viewer, policy.Rule]:
    """The policy's leave to change this person, logged; refused as a read would be."""
    viewer = policy.viewer_for(by)
    kind = policy.get(PERSON)
    decision = policy.why(viewer, kind, person_id, action=policy.Action.CHANGE, purpose=purpose)
    if not decision.allowed:
        with transaction.atomic():
            policy.log_access(
                viewer,
                kind,
                [(person_id, person_id)],
                action=AccessLogEntry.Action.CHANGED,
                purpose=purpose,
                allowed=False,
                rule=str(decision.rule),
            )
        if decision.disclosed:
            raise policy.AccessRefusedError(
                f"You cannot change this person record: {decision.explanation}.",
                decision=decision,
            )
        raise policy.RecordNotFoundError(
            "There is no person record with that id, or you cannot see it."
        )
    return viewer, decision.rule


def log_change(viewer: policy.Viewer, person_id: Any, purpose: Purpose, rule: str) -> None:
    policy.log_access(
        viewer,
        policy.get(PERSON),
        [(person_id, person_id)],
        action=AccessLogEntry.Action.CHANGED,
        purpose=purpose,
        allowed=True,
        rule=rule,
    )


def _check_worker(worker: User | None, team: Team, errors: list[dict[str, str]]) -> None:
    if worker is None:
        return
    if not worker.is_active:
        errors.append({"pointer": "#/worker", "detail": "The worker's account is disabled."})
    elif worker.organisation_id != team.organisation_id:
        errors.append(
            {"pointer": "#/worker", "detail": "The worker must work for the team's organisation."}
        )


def _snapshot(involvement: Involvement) -> dict[str, Any]:
    return {
        "person": str(involvement.person_id),
        "team": str(involvement.team_id),
        "worker": str(involvement.worker_id) if involvement.worker_id else None,
        "reason": involvement.reason,
        "started_on": involvement.started_on.isoformat(),
        "ended_on": involvement.ended_on.isoformat() if involvement.ended_on else None,
    }


def start_involvement(
    by: User,
    person: Person,
    team: Team,
    worker: User | None,
    reason: str,
    started_on: date,
    *,
    purpose: Purpose = Purpose.SERVICE_DELIVERY,
) -> Involvement:
    """Record that `team` works with `person` from `started_on`, with `worker` allocated."""
    viewer, rule = may_change(by, person.pk, purpose)
    errors: list[dict[str, str]] = []
    reason = reason.strip()
    if not reason:
        errors.append({"pointer": "#/reason", "detail": "Enter why the team is involved."})
    elif len(reason) > MAX_REASON_LENGTH:
        errors.append(
            {
                "pointer": "#/reason",
                "detail": f"The reason must be {MAX_REASON_LENGTH} characters or fewer.",
            }
        )
    if team.ends_on is not None and team.ends_on < started_on:
        errors.append({"pointer": "#/team", "detail": "The team has ended by that date."})
    _check_worker(worker, team, errors)
    if errors:
        raise InvalidInputError("The involvement cannot be started.", errors=errors)
    with transaction.atomic():
        involvement = Involvement.objects.create(
            person=person, team=team, worker=worker, reason=reason, started_on=started_on
        )
        log_change(viewer, person.pk, purpose, rule)
        record_change(involvement, "started", _snapshot(involvement), actor=by, stream=person)
    return involvement


def end_involvement(
    by: User,
    involvement: Involvement,
    ended_on: date,
    *,
    purpose: Purpose = Purpose.SERVICE_DELIVERY,
) -> Involvement:
    """Close an involvement on `ended_on`; its team keeps access until the end of that day."""
    viewer, rule = may_change(by, involvement.person_id, purpose)
    with transaction.atomic():
        locked = Involvement.objects.select_for_update().get(pk=involvement.pk)
        if locked.ended_on is not None:
            raise ConflictError(f"This involvement already ended on {locked.ended_on:%d %B %Y}.")
        if ended_on < locked.started_on:
            raise InvalidInputError(
                "An involvement cannot end before it started.",
                errors=[
                    {
                        "pointer": "#/ended_on",
                        "detail": (
                            f"The end date must be on or after {locked.started_on:%d %B %Y}."
                        ),
                    }
                ],
            )
        locked.ended_on = ended_on
        locked.version += 1
        locked.save(update_fields=["ended_on", "version", "updated_at"])
        log_change(viewer, locked.person_id, purpose, rule)
        record_change(
            locked,
            "ended",
            {"person": str(locked.person_id), "ended_on": ended_on.isoformat()},
            actor=by,
            stream=locked.person,
        )
    involvement.refresh_from_db()
    return involvement


def allocate_worker(
    by: User,
    involvement: Involvement,
    worker: User | None,
    *,
    purpose: Purpose = Purpose.SERVICE_DELIVERY,
) -> Involvement:
    """Allocate `worker` to an open involvement (None leaves it with the team alone)."""
    viewer, rule = may_change(by, involvement.person_id, purpose)
    with transaction.atomic():
        locked = (
            Involvement.objects.select_for_update().select_related("team").get(pk=involvement.pk)
        )
        if locked.ended_on is not None:
            raise ConflictError("This involvement has ended: start a new one instead.")
        errors: list[dict[str, str]] = []
        _check_worker(worker, locked.team, errors)
        if errors:
            raise InvalidInputError("The worker cannot be allocated.", errors=errors)
        previous = locked.worker_id
        locked.worker = worker
        locked.version += 1
        locked.save(update_fields=["worker", "version", "updated_at"])
        log_change(viewer, locked.person_id, purpose, rule)
        record_change(
            locked,
            "allocated",
            {
                "person": str(locked.person_id),
                "from": str(previous) if previous else None,
                "to": str(worker.pk) if worker else None,
            },
            actor=by,
            stream=locked.person,
        )
    involvement.refresh_from_db()
    return involvement
