"""Family relationships a service records between two people in the index."""

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from burgh.core.changes import record_change
from burgh.core.errors import ConflictError, InvalidInputError
from burgh.identity.models import Purpose, Team, User
from burgh.identity.permissions import current_memberships
from burgh.people.models import FamilyRelationship, Person
from burgh.people.services.golden import require_current
from burgh.people.services.involvements import log_change, may_change

RELATIONSHIPS = tuple(FamilyRelationship.Relationship.values)


def _snapshot(tie: FamilyRelationship) -> dict[str, str | None]:
    return {
        "person": str(tie.person_id),
        "relative": str(tie.relative_id),
        "relationship": tie.relationship,
        "team": str(tie.recorded_by_id),
        "started_on": tie.started_on.isoformat() if tie.started_on else None,
        "ended_on": tie.ended_on.isoformat() if tie.ended_on else None,
    }


def _check_team(actor: User | None, team: Team) -> None:
    if actor is None:
        return
    if team.pk not in {membership.team_id for membership in current_memberships(actor)}:
        raise InvalidInputError(
            "Record a relationship for a team you belong to.",
            errors=[{"pointer": "#/team", "detail": "You are not a member of this team."}],
        )


def record_relationship(
    person: Person,
    relative: Person,
    relationship: str,
    *,
    team: Team,
    actor: User | None,
    started_on: date | None = None,
    purpose: Purpose = Purpose.SERVICE_DELIVERY,
) -> FamilyRelationship:
    """Record that `relative` is `person`'s `relationship` (parent, child, sibling, spouse...).

    Staff need the policy's leave to change both people's records; None is the system.
    """
    errors = []
    if relationship not in RELATIONSHIPS:
        errors.append(
            {"pointer": "#/relationship", "detail": f"Choose one of {', '.join(RELATIONSHIPS)}."}
        )
    if person.pk == relative.pk:
        errors.append({"pointer": "#/relative", "detail": "A person cannot be their own relative."})
    if started_on is not None and started_on > timezone.localdate():
        errors.append({"pointer": "#/started_on", "detail": "The start cannot be in the future."})
    if errors:
        raise InvalidInputError("The relationship is not right.", errors=errors)
    _check_team(actor, team)
    leave = [may_change(actor, pk, purpose) for pk in (person.pk, relative.pk)] if actor else []
    with transaction.atomic():
        locked = {
            row.pk: row
            for row in Person.objects.select_for_update().filter(pk__in=[person.pk, relative.pk])
        }
        require_current(locked[person.pk])
        require_current(locked[relative.pk])
        if FamilyRelationship.objects.filter(
            person=person, relative=relative, relationship=relationship, ended_on__isnull=True
        ).exists():
            raise ConflictError("This relationship is already recorded.")
        tie = FamilyRelationship.objects.create(
            person=person,
            relative=relative,
            relationship=relationship,
            recorded_by=team,
            started_on=started_on,
        )
        for (viewer, rule), pk in zip(leave, (person.pk, relative.pk), strict=False):
            log_change(viewer, pk, purpose, rule)
        record_change(tie, "recorded", _snapshot(tie), actor=actor, stream=person)
    return tie


def end_relationship(
    tie: FamilyRelationship,
    *,
    actor: User | None,
    ended_on: date | None = None,
    purpose: Purpose = Purpose.SERVICE_DELIVERY,
) -> FamilyRelationship:
    """End a relationship (a separation, a guardianship ending) on `ended_on` (today)."""
    leave = may_change(actor, tie.person_id, purpose) if actor else None
    day = ended_on or timezone.localdate()
    with transaction.atomic():
        locked = FamilyRelationship.objects.select_for_update().get(pk=tie.pk)
        if locked.ended_on is not None:
            raise ConflictError(f"This relationship already ended on {locked.ended_on:%d %B %Y}.")
        if locked.started_on is not None and day < locked.started_on:
            raise InvalidInputError(
                "A relationship cannot end before it started.",
                errors=[
                    {
                        "pointer": "#/ended_on",
                        "detail": f"The end must be on or after {locked.started_on:%d %B %Y}.",
                    }
                ],
            )
        locked.ended_on = day
        locked.version += 1
        locked.save(update_fields=["ended_on", "version", "updated_at"])
        if leave is not None:
            log_change(leave[0], locked.person_id, purpose, leave[1])
        record_change(locked, "ended", _snapshot(locked), actor=actor, stream=locked.person)
    tie.refresh_from_db()
    return tie


def relationships_of(person: Person, *, current_only: bool = True) -> list[FamilyRelationship]:
    """Ties recorded either way round (`person` as the person or as the relative)."""
    ties = FamilyRelationship.objects.filter(Q(person=person) | Q(relative=person))
    if current_only:
        ties = ties.filter(ended_on__isnull=True)
    return list(ties.select_related("person", "relative", "recorded_by"))
