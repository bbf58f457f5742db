"""Records the governance pages need in the browser tests, made with fixed ids so pages.PAGES
can name them, and the governance role for the signed-in officer (Ailsa, from conftest)."""

import uuid
from datetime import timedelta

from django.utils import timezone

from burgh.identity.models import (
    AccessLogEntry,
    BreakGlassGrant,
    DataSharingAgreement,
    LawfulBasis,
    Organisation,
    Purpose,
    RecordRestriction,
    User,
)
from burgh.identity.services.restrictions import months_after
from burgh.people.models import Person
from tests.factories import OrganisationFactory, RoleAssignmentFactory, RoleFactory, UserFactory

PERSON = "people.person"
SIGNED_IN_EMAIL = "ailsa.macleod@kinloch.example"

AGREEMENT_ID = "4d7c0a4e-7b1f-4f3a-9a51-1c2b3d4e5f60"
RESTRICTION_ID = "5e8d1b5f-8c2a-4b4b-8b62-2d3c4e5f6a71"
GRANT_ID = "6f9e2c60-9d3b-4c5c-9c73-3e4d5f6a7b82"
REVIEWED_GRANT_ID = "7a0f3d71-ae4c-4d6d-8d84-4f5e6a7b8c93"
PERSON_ID = "8b1a4e82-bf5d-4e7e-9e95-5a6f7b8c9da4"
RESTRICTED_PERSON_ID = "9c2b5f93-c06e-4f8f-afa6-6b7a8c9daeb5"

GOVERNANCE_PERMISSIONS = [
    "governance.manage_sharing_agreements",
    "governance.manage_restrictions",
    "governance.review_break_glass",
    "governance.view_access_log",
]


def governance_records() -> None:
    """Make Ailsa an information-governance officer and fill the register around her."""
    officer = User.objects.get(email=SIGNED_IN_EMAIL)
    RoleAssignmentFactory(
        user=officer,
        role=RoleFactory(
            name="Information governance officer",
            slug="information-governance-officer",
            permissions=GOVERNANCE_PERMISSIONS,
        ),
    )
    council = officer.organisation
    assert council is not None
    nhs = OrganisationFactory(name="NHS Kinloch", slug="nhs-kinloch", kind=Organisation.Kind.HEALTH)
    duty = UserFactory(
        organisation=council,
        full_name="Duncan Reid",
        email="duncan.reid@kinloch.example",
        job_title="Out-of-hours social worker",
    )
    now = timezone.now()
    today = timezone.localdate()
    eilidh = Person.objects.create(id=PERSON_ID, given_name="Eilidh", family_name="Fraser")
    Person.objects.create(id=RESTRICTED_PERSON_ID, given_name="Hamish", family_name="Ross")

    agreement = DataSharingAgreement.objects.create(
        id=AGREEMENT_ID,
        reference="DSA-2026-001",
        title="Hospital discharge support",
        description="Discharge teams see who is going home and where.",
        purpose=Purpose.HEALTH_AND_SOCIAL_CARE,
        lawful_basis=LawfulBasis.CONSENT,
        shared_fields={PERSON: ["given_name", "family_name", "date_of_birth", "address"]},
        starts_on=today - timedelta(days=60),
        review_on=today - timedelta(days=1),
        responsible_officer=officer,
    )
    agreement.partners.set([nhs])

    restriction = RecordRestriction.objects.create(
        id=RESTRICTION_ID,
        kind=PERSON,
        record_id=RESTRICTED_PERSON_ID,
        category=RecordRestriction.Category.STAFF_OR_RELATIVE,
        reason="Brother of a member of the adult care team.",
        restricted_by=officer,
        review_every_months=6,
        review_on=months_after(today, 6),
    )
    restriction.named_users.set([officer])

    grant = BreakGlassGrant.objects.create(
        id=GRANT_ID,
        user=duty,
        kind=PERSON,
        record_id=eilidh.pk,
        person_id=eilidh.pk,
        record_label="Eilidh Fraser",
        purpose=Purpose.SAFEGUARDING,
        reason="Police called about a welfare concern during the night.",
        starts_at=now - timedelta(minutes=10),
        expires_at=now + timedelta(minutes=50),
    )
    BreakGlassGrant.objects.create(
        id=REVIEWED_GRANT_ID,
        user=duty,
        kind=PERSON,
        record_id=eilidh.pk,
        person_id=eilidh.pk,
        record_label="Eilidh Fraser",
        purpose=Purpose.EMERGENCY_RESPONSE,
        reason="Flooding on the street, checking who lives at the address.",
        starts_at=now - timedelta(days=20),
        expires_at=now - timedelta(days=20) + timedelta(minutes=30),
        reviewed_at=now - timedelta(days=19),
        reviewed_by=officer,
        review_outcome=BreakGlassGrant.Review.APPROPRIATE,
        review_notes="Fire and rescue request on file.",
    )
    entries = [
        (duty, AccessLogEntry.Action.EMERGENCY_ACCESS, "allowed", "break_glass", grant),
        (duty, AccessLogEntry.Action.VIEWED, "allowed", "break_glass", grant),
        (duty, AccessLogEntry.Action.VIEWED, "refused", "no_relationship", None),
    ]
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            at=now - timedelta(minutes=minutes),
            user=user,
            organisation=str(council),
            kind=PERSON,
            record_id=eilidh.pk,
            person_id=eilidh.pk,
            action=action,
            purpose=Purpose.SAFEGUARDING,
            outcome=outcome,
            rule=rule,
            break_glass=used,
            request_id=uuid.uuid4().hex,
        )
        for minutes, (user, action, outcome, rule, used) in zip((8, 9, 11), entries, strict=True)
    )
