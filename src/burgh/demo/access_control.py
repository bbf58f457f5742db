"""Loading the demo's access-control data: involvements, sharing agreements, consents, restrictions.

For the demo only, these are written in bulk straight to the models (one summary audit entry,
no event per row): the services that staff use check permissions, audit and announce every
change one at a time, which is right for a council and too slow for a whole demo council.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from burgh.core import audit
from burgh.demo.generator import DemoCouncil
from burgh.identity.models import (
    ConsentRecord,
    DataSharingAgreement,
    Organisation,
    RecordRestriction,
    Team,
    User,
)
from burgh.identity.services.restrictions import months_after
from burgh.people.access import PERSON
from burgh.people.models import HouseholdMember, Involvement

BATCH_SIZE = 2000


@dataclass(frozen=True)
class AccessReport:
    involvements: int
    agreements: int
    consents: int
    restrictions: int


def person_ids(council: DemoCouncil) -> list[UUID]:
    """The database id of each of `council.people`, in order, once its households are loaded.

    A resident is known by their home and their name and date of birth: twins differ in given
    name, fathers and sons of the same name in date of birth.
    """
    found: dict[tuple[str, str, str, dt.date | None], list[UUID]] = defaultdict(list)
    for uprn, given, family, born, person_id in HouseholdMember.objects.values_list(
        "household__uprn",
        "person__given_name",
        "person__family_name",
        "person__date_of_birth",
        "person_id",
    ):
        found[(uprn, given, family, born)].append(person_id)
    return [
        found[
            (
                household.uprn,
                member.person.given_name.strip(),
                member.person.family_name.strip(),
                member.person.date_of_birth,
            )
        ].pop()
        for household in council.households
        for member in household.members
    ]


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def load_access_control(council: DemoCouncil, people: list[UUID]) -> AccessReport:
    """Write the council's involvements, agreements, consents and restrictions in bulk."""
    emails = {
        *(i.worker for i in council.involvements if i.worker),
        *(a.responsible_officer for a in council.agreements),
        *(c.recorded_by for c in council.consents),
        *(r.restricted_by for r in council.restrictions),
        *(email for r in council.restrictions for email in r.named),
    }
    users = dict(User.objects.filter(email__in=emails).values_list("email", "id"))
    teams = {
        (organisation, slug): team_id
        for organisation, slug, team_id in Team.objects.values_list(
            "organisation__slug", "slug", "id"
        )
    }
    organisations = dict(Organisation.objects.values_list("slug", "id"))
    today = timezone.localdate()
    with transaction.atomic():
        Involvement.objects.bulk_create(
            (
                Involvement(
                    person_id=people[i.person],
                    team_id=teams[(i.organisation, i.team)],
                    worker_id=users[i.worker] if i.worker else None,
                    reason=i.reason,
                    started_on=i.started_on,
                    ended_on=i.ended_on,
                )
                for i in council.involvements
            ),
            batch_size=BATCH_SIZE,
        )
        agreements = DataSharingAgreement.objects.bulk_create(
            DataSharingAgreement(
                reference=a.reference,
                title=a.title,
                description=a.description,
                purpose=a.purpose,
                lawful_basis=a.lawful_basis,
                shared_fields={PERSON: list(a.shared_fields)},
                starts_on=a.starts_on,
                review_on=a.review_on,
                responsible_officer_id=users[a.responsible_officer],
            )
            for a in council.agreements
        )
        DataSharingAgreement.partners.through.objects.bulk_create(
            DataSharingAgreement.partners.through(
                datasharingagreement_id=row.pk, organisation_id=organisations[slug]
            )
            for row, plan in zip(agreements, council.agreements, strict=True)
            for slug in plan.partners
        )
        by_reference = {row.reference: row for row in agreements}
        ConsentRecord.objects.bulk_create(
            (
                ConsentRecord(
                    person_id=people[c.person],
                    agreement=by_reference[c.agreement],
                    basis=by_reference[c.agreement].lawful_basis,
                    purpose=by_reference[c.agreement].purpose,
                    given_by=c.given_by,
                    given_at=_noon(c.given_on),
                    recorded_by_id=users[c.recorded_by],
                    ended_at=_noon(c.withdrawn_on) if c.withdrawn_on else None,
                    ended_by=c.given_by if c.withdrawn_on else "",
                    end_recorded_by_id=users[c.recorded_by] if c.withdrawn_on else None,
                )
                for c in council.consents
            ),
            batch_size=BATCH_SIZE,
        )
        restrictions = RecordRestriction.objects.bulk_create(
            RecordRestriction(
                kind=PERSON,
                record_id=people[r.person],
                category=r.category,
                reason=r.reason,
                restricted_by_id=users[r.restricted_by],
                review_every_months=r.review_every_months,
                # Reviews fall due after the demo is loaded, whenever that is.
                review_on=months_after(today, r.review_every_months),
            )
            for r in council.restrictions
        )
        RecordRestriction.named_users.through.objects.bulk_create(
            RecordRestriction.named_users.through(recordrestriction_id=row.pk, user_id=users[email])
            for row, plan in zip(restrictions, council.restrictions, strict=True)
            for email in plan.named
        )
        report = AccessReport(
            involvements=len(council.involvements),
            agreements=len(agreements),
            consents=len(council.consents),
            restrictions=len(restrictions),
        )
        audit.record(
            "demo.access_control_loaded",
            detail={
                **report.__dict__,
                "withdrawn_consents": sum(1 for c in council.consents if c.withdrawn_on),
            },
        )
    return report
