"""Access changes count on the very next request: consent, agreements, memberships, break-glass.

Each test reads a person through the API, changes one thing, and reads again at once.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from burgh.identity.models import (
    BreakGlassGrant,
    LawfulBasis,
    Membership,
    Organisation,
    Purpose,
    RoleAssignment,
    Team,
)
from burgh.identity.services import sharing
from burgh.people.models import Involvement, Person
from tests.clients import token_client
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    RoleAssignmentFactory,
    RoleFactory,
    UserFactory,
)

HSC = Purpose.HEALTH_AND_SOCIAL_CARE


def _grant(user, *permissions):
    RoleAssignmentFactory(user=user, role=RoleFactory(permissions=list(permissions)))


def _status(client: Client, person: Person, purpose: Purpose = Purpose.SERVICE_DELIVERY) -> int:
    return client.get(f"/api/v1/people/{person.pk}", {"purpose": str(purpose)}).status_code


@pytest.fixture
def setting(db):
    council = OrganisationFactory(slug="kinloch", kind=Organisation.Kind.COUNCIL)
    nhs = OrganisationFactory(slug="nhs", kind=Organisation.Kind.HEALTH)
    officer = UserFactory(organisation=council)
    _grant(officer, sharing.MANAGE_SHARING_AGREEMENTS, sharing.RECORD_CONSENT)
    response_team = Team.objects.create(
        organisation=council,
        name="Flood response",
        slug="flood",
        kind=Team.Kind.RAPID_RESPONSE,
        starts_on=timezone.localdate() - timedelta(days=2),
        ends_on=timezone.localdate() + timedelta(days=5),
    )
    person = Person.objects.create(given_name="Isla", family_name="Reid", phone="07700 900123")
    Involvement.objects.create(
        person=person, team=response_team, reason="Evacuated", started_on=timezone.localdate()
    )
    agreement = sharing.create_agreement(
        by=officer,
        reference="DSA-FLOOD",
        title="Flood response",
        partners=[nhs],
        purpose=HSC,
        lawful_basis=LawfulBasis.CONSENT,
        shared_fields={"people.person": ["given_name", "family_name", "phone"]},
        starts_on=timezone.localdate() - timedelta(days=2),
        review_on=timezone.localdate() + timedelta(days=90),
        responsible_officer=officer,
    )
    nurse = UserFactory(organisation=nhs)
    _grant(nurse, "people.view_person")
    membership = MembershipFactory(user=nurse, team=response_team)
    consent = sharing.record_consent(by=officer, person_id=person.pk, agreement=agreement)
    return {
        "officer": officer,
        "council": council,
        "team": response_team,
        "person": person,
        "agreement": agreement,
        "nurse": nurse,
        "membership": membership,
        "consent": consent,
    }


def test_withdrawn_consent_stops_sharing_on_the_next_request(setting):
    client = token_client(setting["nurse"])
    assert _status(client, setting["person"], HSC) == 200
    sharing.withdraw_consent(setting["consent"], by=setting["officer"])
    assert _status(client, setting["person"], HSC) == 404


def test_terminated_agreement_stops_sharing_on_the_next_request(setting):
    client = token_client(setting["nurse"])
    assert _status(client, setting["person"], HSC) == 200
    sharing.terminate_agreement(setting["agreement"], by=setting["officer"], reason="Flood over")
    assert _status(client, setting["person"], HSC) == 404


def test_agreement_past_its_end_date_stops_sharing(setting):
    client = token_client(setting["nurse"])
    assert _status(client, setting["person"], HSC) == 200
    sharing.update_agreement(
        setting["agreement"],
        by=setting["officer"],
        changes={"ends_on": timezone.localdate() - timedelta(days=1)},
    )
    assert _status(client, setting["person"], HSC) == 404


def test_ended_membership_stops_access_on_the_next_request(setting):
    client = token_client(setting["nurse"])
    assert _status(client, setting["person"], HSC) == 200
    Membership.objects.filter(pk=setting["membership"].pk).update(
        valid_to=timezone.localdate() - timedelta(days=1)
    )
    assert _status(client, setting["person"], HSC) == 404


def test_ended_rapid_response_team_stops_access_for_every_member(setting):
    worker = UserFactory(organisation=setting["council"])
    _grant(worker, "people.view_person")
    MembershipFactory(user=worker, team=setting["team"])
    nurse, council_worker = token_client(setting["nurse"]), token_client(worker)
    assert _status(nurse, setting["person"], HSC) == 200
    assert _status(council_worker, setting["person"]) == 200
    Team.objects.filter(pk=setting["team"].pk).update(
        ends_on=timezone.localdate() - timedelta(days=1)
    )
    assert _status(nurse, setting["person"], HSC) == 404
    assert _status(council_worker, setting["person"]) == 404


def test_removed_role_stops_access_on_the_next_request(setting):
    client = token_client(setting["nurse"])
    assert _status(client, setting["person"], HSC) == 200
    RoleAssignment.objects.filter(user=setting["nurse"]).delete()
    assert _status(client, setting["person"], HSC) == 404


def test_expired_break_glass_stops_access_on_the_next_request(setting):
    stranger = UserFactory(organisation=setting["council"])
    _grant(stranger, "people.view_person", "people.break_glass")
    client = token_client(stranger)
    assert _status(client, setting["person"]) == 403
    response = client.post(
        f"/api/v1/people/{setting['person'].pk}/emergency-access",
        {
            "reason": "Resident collapsed at the rest centre",
            "purpose": "safeguarding",
            "minutes": 15,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert _status(client, setting["person"]) == 200
    BreakGlassGrant.objects.filter(user=stranger).update(expires_at=timezone.now())
    assert _status(client, setting["person"]) == 403


def test_partner_sees_only_the_agreements_fields(setting):
    body = (
        token_client(setting["nurse"])
        .get(f"/api/v1/people/{setting['person'].pk}", {"purpose": str(HSC)})
        .json()
    )
    assert set(body) == {"id", "given_name", "family_name", "phone"}


def test_partner_stating_another_purpose_sees_nothing(setting):
    client = token_client(setting["nurse"])
    assert _status(client, setting["person"], Purpose.CRIME_PREVENTION) == 404


def test_someone_who_sees_only_the_directory_entry_can_take_emergency_access(setting):
    adviser = UserFactory(organisation=setting["council"])
    _grant(adviser, "people.search", "people.view_person", "people.break_glass")
    client = token_client(adviser)
    person = setting["person"]
    before = client.get(f"/api/v1/people/{person.pk}").json()
    assert "phone" not in before
    response = client.post(
        f"/api/v1/people/{person.pk}/emergency-access",
        {"reason": "Caller says the resident is missing", "purpose": "safeguarding", "minutes": 15},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert client.get(f"/api/v1/people/{person.pk}").json()["phone"] == "07700 900123"
