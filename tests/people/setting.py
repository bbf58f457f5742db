"""A small council for the people tests: a social work team, residents, a partner agency.

`make_setting()` builds it; tests/people/conftest.py and the API tests offer it as `setting`.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from burgh.identity.models import (
    DataSharingAgreement,
    LawfulBasis,
    Organisation,
    Purpose,
    Team,
    User,
)
from burgh.people.models import Household, HouseholdMember, Involvement, Person
from burgh.places.models import Property, Street
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    RoleAssignmentFactory,
    RoleFactory,
    TeamFactory,
    UserFactory,
)

# No directory search: it would let them see everyone's identifying fields, and emergency
# access is for records they cannot see at all.
SOCIAL_WORKER = (
    "people.view_person",
    "people.break_glass",
    "people.export_people",
    "people.record_consent",
)
HOME_UPRN = "134000000001"


def grant(user: User, *permissions: str) -> None:
    RoleAssignmentFactory(user=user, role=RoleFactory(permissions=list(permissions)))


@dataclass
class Setting:
    council: Organisation
    nhs: Organisation
    team: Team
    social_worker: User
    adviser: User
    nurse: User
    officer: User
    # On the team's caseload, living at HOME_UPRN.
    morag: Person
    # Nobody the social worker works with.
    stranger: Person
    agreement: DataSharingAgreement


def make_setting() -> Setting:
    today = timezone.localdate()
    council = OrganisationFactory(name="Kinloch Council", slug="kinloch", kind="council")
    nhs = OrganisationFactory(name="NHS Kinloch", slug="nhs", kind=Organisation.Kind.HEALTH)
    team = TeamFactory(organisation=council, name="Children and families")
    social_worker = UserFactory(organisation=council, full_name="Iona Grant")
    MembershipFactory(user=social_worker, team=team)
    grant(social_worker, *SOCIAL_WORKER)
    adviser = UserFactory(organisation=council, full_name="Calum Boyd")
    grant(adviser, "people.search")
    officer = UserFactory(organisation=council, full_name="Fiona Kerr")
    grant(officer, "governance.manage_sharing_agreements", "people.record_consent")
    nurse = UserFactory(organisation=nhs, full_name="Rhona Watt")
    nurse_team = TeamFactory(organisation=nhs, name="Discharge team")
    MembershipFactory(user=nurse, team=nurse_team)
    grant(nurse, "people.view_person")

    street = Street.objects.create(usrn="34600020", name="Mill Lane", town="Ardmhor")
    Property.objects.create(
        uprn=HOME_UPRN, sub_building="Flat 0/1", building_number="3", street=street,
        postcode="KL6 2AB",
    )  # fmt: skip
    morag = Person.objects.create(
        given_name="Morag",
        family_name="Campbell",
        date_of_birth=date(1984, 3, 27),
        email="morag.campbell@example.com",
        phone="07700 900123",
    )
    home = Household.objects.create(uprn=HOME_UPRN)
    HouseholdMember.objects.create(household=home, person=morag, moved_in_on=date(2019, 5, 1))
    for team_working in (team, nurse_team):
        Involvement.objects.create(
            person=morag,
            team=team_working,
            worker=social_worker if team_working == team else None,
            reason="Child protection plan",
            started_on=today - timedelta(days=30),
        )
    stranger = Person.objects.create(
        given_name="Ewan", family_name="MacDonald", date_of_birth=date(1971, 11, 2)
    )
    agreement = DataSharingAgreement.objects.create(
        reference="DSA-2026-001",
        title="Hospital discharge support",
        purpose=Purpose.HEALTH_AND_SOCIAL_CARE,
        lawful_basis=LawfulBasis.CONSENT,
        shared_fields={"people.person": ["given_name", "family_name", "phone"]},
        starts_on=today - timedelta(days=60),
        review_on=today + timedelta(days=300),
        responsible_officer=officer,
    )
    agreement.partners.set([nhs])
    return Setting(
        council=council,
        nhs=nhs,
        team=team,
        social_worker=social_worker,
        adviser=adviser,
        nurse=nurse,
        officer=officer,
        morag=morag,
        stranger=stranger,
        agreement=agreement,
    )
