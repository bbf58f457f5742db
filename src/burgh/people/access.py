"""How person records plug into the access policy: relationships come from involvements."""

from collections.abc import Collection
from datetime import date
from uuid import UUID

from django.db.models import Q

from burgh.identity import policy
from burgh.people.models import Involvement, Person

PERSON = "people.person"

PERSON_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "address",
    "email",
    "phone",
    "involvements",
)
# Enough for a contact-centre adviser to tell two callers apart, and nothing more.
DIRECTORY_FIELDS = ("given_name", "family_name", "date_of_birth", "address")


def _open_on(day: date) -> Q:
    return Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gte=day))


# `pk IN (people the involvements name)`, not a correlated EXISTS: PostgreSQL costs a correlated
# subquery under OR as one index probe per person (millions at a million people), which set off
# JIT compilation costing most of a second per list; the IN form is costed and run as one hashed
# look-up built from the involvements.
def _worked_by_teams(team_ids: Collection[UUID], day: date) -> Q:
    return Q(
        pk__in=Involvement.objects.filter(_open_on(day), team_id__in=team_ids).values("person_id")
    )


def _allocated_to(user_id: UUID, day: date) -> Q:
    return Q(
        pk__in=Involvement.objects.filter(_open_on(day), worker_id=user_id).values("person_id")
    )


def register() -> None:
    policy.register(
        policy.RecordKind(
            name=PERSON,
            model=Person,
            label="person record",
            fields=PERSON_FIELDS,
            directory_fields=DIRECTORY_FIELDS,
            permissions=policy.KindPermissions(
                view="people.view_person",
                view_all="people.view_all_people",
                directory="people.search",
                change="people.change_person",
                export="people.export_people",
                break_glass="people.break_glass",
            ),
            team_filter=_worked_by_teams,
            worker_filter=_allocated_to,
            person_field="pk",
            describe=lambda person: f"{person.given_name} {person.family_name}",
        )
    )
