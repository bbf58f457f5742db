"""Who has seen a record, and the tool that says why someone may or may not see it."""

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from burgh.identity import policy
from burgh.identity.models import AccessLogEntry, Purpose, RecordRestriction
from burgh.identity.services.restrictions import restrict_record
from tests.identity.access_helpers import (
    PERSON,
    agreement,
    member,
    page_text,
    partner,
    staff,
    team_working_with,
)

pytestmark = pytest.mark.django_db


def _log(person) -> str:
    return reverse("access:record-access", args=[PERSON, person.pk])


@pytest.fixture
def team(council, eilidh):
    return team_working_with(eilidh, council, name="Adult care")


@pytest.fixture
def caseworker(council, team):
    return member(
        staff(
            council,
            ["people.view_person"],
            full_name="Rory Caseworker",
            email="rory@kinloch.example",
        ),
        team,
    )


@pytest.fixture
def stranger(council):
    return staff(
        council, ["people.view_person"], full_name="Fiona Stranger", email="fiona@kinloch.example"
    )


def test_the_log_lists_reads_and_refusals_newest_first(client, ig, eilidh, caseworker, stranger):
    policy.read(caseworker, PERSON, eilidh.pk, purpose=Purpose.SERVICE_DELIVERY)
    with pytest.raises(policy.RecordNotFoundError):
        policy.read(stranger, PERSON, eilidh.pk, purpose=Purpose.CRIME_PREVENTION)
    AccessLogEntry.objects.filter(user=caseworker).update(at=timezone.now() - timedelta(hours=1))

    text = page_text(client.get(_log(eilidh)))

    assert "Person record: Eilidh Fraser" in text
    assert (
        "Fiona Stranger fiona@kinloch.example Kinloch Council Viewed the record "
        "Preventing or detecting crime Refused No relationship with the record"
    ) in text
    assert (
        "Rory Caseworker rory@kinloch.example Kinloch Council Viewed the record "
        "Delivering a council service to the resident Allowed Their team works with the record"
    ) in text
    assert text.index("Fiona Stranger") < text.index("Rory Caseworker")


def test_the_log_can_be_filtered_by_action_and_outcome(client, ig, eilidh, caseworker, stranger):
    policy.read(caseworker, PERSON, eilidh.pk)
    with pytest.raises(policy.RecordNotFoundError):
        policy.read(stranger, PERSON, eilidh.pk)

    refused = page_text(client.get(_log(eilidh), {"outcome": "refused"}))
    exported = page_text(client.get(_log(eilidh), {"action": "exported"}))

    assert "Fiona Stranger" in refused
    assert "Rory Caseworker" not in refused
    assert "Nothing in the access log matches the filter." in exported


def test_the_log_pages_through_long_histories(client, ig, eilidh, caseworker):
    now = timezone.now()
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            at=now - timedelta(minutes=n),
            user=caseworker,
            organisation="Kinloch Council",
            kind=PERSON,
            record_id=eilidh.pk,
            person_id=eilidh.pk,
            action=AccessLogEntry.Action.LISTED,
            purpose=Purpose.SERVICE_DELIVERY,
            outcome=AccessLogEntry.Outcome.ALLOWED,
            rule="list",
        )
        for n in range(60)
    )

    first = client.get(_log(eilidh), {"outcome": "allowed"}).content.decode()
    second = client.get(_log(eilidh), {"outcome": "allowed", "page": "2"}).content.decode()

    assert first.count("Shown in a list or search") == 50
    assert "?outcome=allowed&amp;page=2" in first
    # The officer's own look is in the log too, at the top, pushing one row on.
    assert second.count("Shown in a list or search") == 11
    again = page_text(client.get(_log(eilidh)))
    assert again.index("Checking who has seen the record") < again.index("Shown in a list")


def test_attempts_on_a_restricted_record_are_shown(client, ig, eilidh, caseworker):
    restrict_record(
        by=ig,
        kind=PERSON,
        record_id=eilidh.pk,
        category=RecordRestriction.Category.STAFF_OR_RELATIVE,
        reason="Relative of staff.",
        named_users=[ig],
    )
    with pytest.raises(policy.RecordNotFoundError):
        policy.read(caseworker, PERSON, eilidh.pk)

    text = page_text(client.get(_log(eilidh)))

    assert "Restricted" in text
    assert "Rory Caseworker" in text
    assert "Refused The record is restricted" in text


def test_attempts_on_a_record_that_does_not_exist_are_shown(client, ig, stranger):
    ghost = uuid.uuid4()
    with pytest.raises(policy.RecordNotFoundError):
        policy.read(stranger, PERSON, ghost)

    response = client.get(reverse("access:record-access", args=[PERSON, ghost]))

    text = page_text(response)
    assert response.status_code == 200
    assert "No such record" in text
    assert "Fiona Stranger" in text
    assert "Refused" in text


def test_an_unknown_kind_of_record_is_not_found(client, ig):
    response = client.get(reverse("access:record-access", args=["cases.nothing", uuid.uuid4()]))

    assert response.status_code == 404


def test_the_why_tool_gives_the_rule_explanation_and_fields(
    client, ig, council, eilidh, caseworker, stranger
):
    nhs = partner()
    agreement(ig, [nhs], reference="DSA-7")
    nurse = member(
        staff(nhs, ["people.view_person"], full_name="Nurse Ann", email="ann@nhs.example"),
        team_working_with(eilidh, nhs, name="District nurses"),
    )

    def ask(person, purpose="service_delivery", action="view"):
        return page_text(
            client.get(
                _log(eilidh),
                {"check-email": person.email, "check-purpose": purpose, "check-action": action},
            )
        )

    allowed = ask(caseworker)
    refused = ask(stranger)
    shared = ask(nurse, purpose="health_and_social_care")
    wrong_purpose = ask(nurse)

    assert "Decision Allowed Rule Their team works with the record" in allowed
    assert "What the policy tells them Your team works with it." in allowed
    assert "Given name, Family name, Date of birth, Address, Email, Phone, Involvements" in allowed
    assert "Decision Refused Rule No relationship with the record" in refused
    assert "Fields they would receive None" in refused
    assert "Decision Allowed Rule Data-sharing agreement (DSA-7)" in shared
    assert re.search(
        r"Fields they would receive Given name, Family name, Date of birth(?!,)", shared
    )
    assert "Rule No data-sharing agreement in force" in wrong_purpose
    # Asking is not an access: nothing is logged for the people asked about.
    assert not AccessLogEntry.objects.exclude(user=ig).exists()


def test_the_why_tool_says_when_it_does_not_know_the_person(client, ig, eilidh):
    response = client.get(
        _log(eilidh), {"check-email": "nobody@kinloch.example", "check-purpose": "safeguarding"}
    )

    page = response.content.decode()
    assert "<title>Error: " in page
    assert '<a href="#check-email">No one with that email address has a Burgh account</a>' in page


def test_the_lookup_leads_to_the_records_log(client, ig, eilidh):
    response = client.get(reverse("access:records"), {"kind": PERSON, "record": str(eilidh.pk)})
    wrong = client.get(reverse("access:records"), {"kind": PERSON, "record": "abc"})

    assert response["Location"] == _log(eilidh)
    assert "Enter the record&#x27;s id as it appears in its web address" in wrong.content.decode()


def test_pages_refuse_people_without_the_permission(client, council, eilidh):
    client.force_login(staff(council, ["governance.manage_restrictions", "people.view_all_people"]))

    assert client.get(_log(eilidh)).status_code == 403
    assert client.get(reverse("access:records")).status_code == 403


def test_the_navigation_offers_governance_only_to_those_with_a_governance_permission(
    client, council
):
    client.force_login(staff(council, ["people.view_person"]))
    assert "Governance" not in page_text(client.get(reverse("core:home")))
    assert client.get(reverse("access:index")).status_code == 403

    client.force_login(staff(council, ["governance.review_break_glass"]))
    home = page_text(client.get(reverse("core:home")))
    index = page_text(client.get(reverse("access:index")))
    assert "Governance" in home
    assert "Emergency access" in index
    assert "Data-sharing agreements" not in index
