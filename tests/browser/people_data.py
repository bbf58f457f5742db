"""Records the people pages need in the browser tests, with fixed ids so pages.PAGES can name
them, and a social worker's role for the signed-in officer (Ailsa, from conftest)."""

from datetime import date, timedelta

from django.utils import timezone

from burgh.identity.models import (
    ConsentRecord,
    DataSharingAgreement,
    LawfulBasis,
    Membership,
    Organisation,
    Purpose,
    User,
)
from burgh.people.models import Household, HouseholdMember, Involvement, Person
from burgh.places.models import Property, Street
from tests.factories import OrganisationFactory, RoleAssignmentFactory, RoleFactory, TeamFactory

SIGNED_IN_EMAIL = "ailsa.macleod@kinloch.example"
# On the social worker's caseload.
MORAG_ID = "1d4f6a80-2b3c-4d5e-8f90-a1b2c3d4e5f6"
# Nobody the social worker works with: the one to take emergency access to.
EWAN_ID = "2e5a7b91-3c4d-4e6f-9a01-b2c3d4e5f6a7"
CONSENT_ID = "3f6b8ca2-4d5e-4f70-8b12-c3d4e5f6a7b8"

SOCIAL_WORKER_PERMISSIONS = [
    "people.view_person",
    "people.break_glass",
    "people.export_people",
    "people.record_consent",
]


def social_worker() -> None:
    """Make Ailsa a social worker with Morag on her team's caseload, and Ewan unknown to her."""
    worker = User.objects.get(email=SIGNED_IN_EMAIL)
    council = worker.organisation
    assert council is not None
    RoleAssignmentFactory(
        user=worker,
        role=RoleFactory(
            name="Social worker", slug="social-worker", permissions=SOCIAL_WORKER_PERMISSIONS
        ),
    )
    team = TeamFactory(organisation=council, name="Children and families")
    Membership.objects.create(user=worker, team=team)
    street = Street.objects.create(usrn="34600020", name="Mill Lane", town="Ardmhor")
    Property.objects.create(
        uprn="134000000001",
        sub_building="Flat 0/1",
        building_number="3",
        street=street,
        postcode="KL6 2AB",
    )
    morag = Person.objects.create(
        id=MORAG_ID,
        given_name="Morag",
        family_name="Campbell",
        date_of_birth=date(1984, 3, 27),
        email="morag.campbell@example.com",
        phone="07700 900123",
    )
    HouseholdMember.objects.create(
        household=Household.objects.create(uprn="134000000001"), person=morag
    )
    Involvement.objects.create(
        person=morag,
        team=team,
        worker=worker,
        reason="Child protection plan",
        started_on=timezone.localdate() - timedelta(days=30),
    )
    Person.objects.create(
        id=EWAN_ID, given_name="Ewan", family_name="MacDonald", date_of_birth=date(1971, 11, 2)
    )
    nhs = OrganisationFactory(name="NHS Kinloch", slug="nhs-kinloch", kind=Organisation.Kind.HEALTH)
    agreement = DataSharingAgreement.objects.create(
        reference="DSA-2026-001",
        title="Hospital discharge support",
        purpose=Purpose.HEALTH_AND_SOCIAL_CARE,
        lawful_basis=LawfulBasis.CONSENT,
        shared_fields={"people.person": ["given_name", "family_name", "phone"]},
        starts_on=timezone.localdate() - timedelta(days=60),
        review_on=timezone.localdate() + timedelta(days=300),
        responsible_officer=worker,
    )
    agreement.partners.set([nhs])
    ConsentRecord.objects.create(
        id=CONSENT_ID,
        person_id=morag.pk,
        agreement=agreement,
        basis=LawfulBasis.CONSENT,
        purpose=agreement.purpose,
        given_by="the resident",
        recorded_by=worker,
    )


def social_worker_with_directory() -> None:
    """As `social_worker`, able to find anyone too: Ewan is listed with identifying fields only."""
    social_worker()
    RoleAssignmentFactory(
        user=User.objects.get(email=SIGNED_IN_EMAIL),
        role=RoleFactory(name="Directory", slug="directory", permissions=["people.search"]),
    )
