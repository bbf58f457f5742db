"""The resident's access log: what a resident may be told about who saw their records."""

import pytest

from burgh.identity import policy
from burgh.identity.models import AccessLogEntry, Purpose
from burgh.identity.services.access_log import access_log_for_person
from burgh.identity.services.emergency_access import take_emergency_access
from tests.identity.access_helpers import (
    PERSON,
    agreement,
    member,
    partner,
    resident,
    staff,
    team_working_with,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def eilidh():
    return resident()


def test_council_staff_are_named_and_partners_shown_by_organisation_only(council, eilidh):
    caseworker = member(
        staff(council, ["people.view_person"], full_name="Rory Caseworker"),
        team_working_with(eilidh, council),
    )
    nhs = partner("NHS Kinloch")
    agreement(caseworker, [nhs])
    nurse = member(
        staff(nhs, ["people.view_person"], full_name="Nurse Ann"),
        team_working_with(eilidh, nhs),
    )

    policy.read(caseworker, PERSON, eilidh.pk, purpose=Purpose.SERVICE_DELIVERY)
    policy.read(nurse, PERSON, eilidh.pk, purpose=Purpose.HEALTH_AND_SOCIAL_CARE)

    nurse_entry, council_entry = access_log_for_person(eilidh.pk)
    assert council_entry.who == "Rory Caseworker, Kinloch Council"
    assert council_entry.action_label == "Viewed the record"
    assert council_entry.purpose_label == "Delivering a council service to the resident"
    assert council_entry.record == "person record"
    assert nurse_entry.who == "NHS Kinloch"
    assert nurse_entry.staff_name == ""
    assert "Nurse Ann" not in repr(nurse_entry)
    assert nurse_entry.purpose == Purpose.HEALTH_AND_SOCIAL_CARE
    assert not council_entry.emergency
    assert not nurse_entry.emergency


def test_emergency_access_is_in_the_log_and_refusals_are_not(council, eilidh):
    duty = staff(
        council, ["people.view_person", "people.break_glass"], full_name="Duncan Out-of-hours"
    )
    with pytest.raises(policy.AccessRefusedError):
        policy.read(duty, PERSON, eilidh.pk, purpose=Purpose.SAFEGUARDING)
    take_emergency_access(
        duty,
        PERSON,
        eilidh.pk,
        reason="Police called about a welfare concern at night.",
        purpose=Purpose.SAFEGUARDING,
        minutes=30,
    )
    policy.read(duty, PERSON, eilidh.pk, purpose=Purpose.SAFEGUARDING)

    entries = access_log_for_person(eilidh.pk)

    assert [entry.action for entry in entries] == [
        AccessLogEntry.Action.VIEWED,
        AccessLogEntry.Action.EMERGENCY_ACCESS,
    ]
    assert all(entry.emergency for entry in entries)
    assert entries[1].action_label == "Took emergency access"
    assert entries[0].who == "Duncan Out-of-hours, Kinloch Council"


def test_only_the_residents_own_records_newest_first_and_limited(council, eilidh):
    other = resident("Hamish", "Ross")
    reader = staff(council, ["people.view_all_people"], full_name="Ailsa Reader")
    policy.read(reader, PERSON, other.pk)
    for purpose in (Purpose.SERVICE_DELIVERY, Purpose.SAFEGUARDING, Purpose.CRIME_PREVENTION):
        policy.read(reader, PERSON, eilidh.pk, purpose=purpose)

    entries = access_log_for_person(eilidh.pk)
    latest = access_log_for_person(eilidh.pk, limit=1)

    assert [entry.purpose for entry in entries] == [
        Purpose.CRIME_PREVENTION,
        Purpose.SAFEGUARDING,
        Purpose.SERVICE_DELIVERY,
    ]
    assert latest == entries[:1]
    assert [entry.who for entry in access_log_for_person(other.pk)] == [
        "Ailsa Reader, Kinloch Council"
    ]
