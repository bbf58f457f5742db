"""Restricting a record, changing who may see it, reviewing and lifting the restriction."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from burgh.identity import policy
from burgh.identity.models import AccessLogEntry, RecordRestriction
from burgh.identity.services.restrictions import months_after, restrict_record
from tests.identity.access_helpers import (
    PERSON,
    member,
    page_text,
    partner,
    resident,
    staff,
    team_working_with,
)

pytestmark = pytest.mark.django_db

LIST = reverse("access:restrictions")
NEW = reverse("access:restriction-new")


@pytest.fixture
def caseworker(council, eilidh):
    team = team_working_with(eilidh, council, name="Adult care")
    return member(
        staff(council, ["people.view_person"], email="rory.caseworker@kinloch.example"), team
    )


def _new_url(person) -> str:
    return f"{NEW}?kind={PERSON}&record={person.pk}"


def test_restricting_a_record_hides_it_from_all_but_the_people_named(
    client, ig, council, eilidh, caseworker
):
    named = staff(council, ["people.view_person"], email="senior.sw@kinloch.example")
    assert policy.why(caseworker, PERSON, eilidh.pk).allowed

    form = client.get(_new_url(eilidh))
    response = client.post(
        _new_url(eilidh),
        {
            "category": "staff_or_relative",
            "reason": "She is the sister of a social worker in the team.",
            "named_users": "Senior.SW@kinloch.example\n\n",
            "review_every_months": "3",
        },
    )

    restriction = RecordRestriction.objects.get(record_id=eilidh.pk)
    assert "Person record: Eilidh Fraser" in page_text(form)
    assert response.status_code == 302
    assert response["Location"] == reverse("access:restriction", args=[restriction.pk])
    assert list(restriction.named_users.all()) == [named]
    assert restriction.review_on == months_after(timezone.localdate(), 3)
    assert policy.why(caseworker, PERSON, eilidh.pk).rule == policy.Rule.RESTRICTED
    assert policy.why(named, PERSON, eilidh.pk).rule == policy.Rule.NAMED_ON_RESTRICTION
    text = page_text(client.get(response["Location"]))
    assert "Eilidh Fraser's person record is restricted to the people named." in text
    assert "A member of staff or their relative" in text
    assert "senior.sw@kinloch.example" in text


def test_bad_input_shows_errors_and_restricts_nothing(client, ig, council, eilidh):
    partner_user = staff(partner(), [])

    empty = client.post(_new_url(eilidh), {"review_every_months": "30"})
    unknown = client.post(
        _new_url(eilidh),
        {
            "category": "adoption",
            "reason": "Adopted child.",
            "named_users": "nobody@kinloch.example\nnot an email",
            "review_every_months": "6",
        },
    )
    outsider = client.post(
        _new_url(eilidh),
        {
            "category": "adoption",
            "reason": "Adopted child.",
            "named_users": partner_user.email,
            "review_every_months": "6",
        },
    )

    page = empty.content.decode()
    assert '<a href="#category">Select why the record is restricted</a>' in page
    assert '<a href="#reason">Enter why the record is restricted</a>' in page
    assert '<a href="#named_users">Enter the email address of at least one person</a>' in page
    assert '<a href="#review_every_months">Months must be from 1 to 24</a>' in page
    assert "Enter email addresses in the correct format" in page_text(unknown)
    assert "Only council staff can be named: " + partner_user.email in page_text(outsider)
    assert not RecordRestriction.objects.exists()


def test_the_lookup_leads_to_the_form_and_says_when_there_is_no_such_record(client, ig, eilidh):
    asked = client.get(NEW)
    missing = client.get(f"{NEW}?kind={PERSON}&record={uuid.uuid4()}")
    malformed = client.get(f"{NEW}?kind={PERSON}&record=12")

    assert "Restrict a record" in page_text(asked)
    assert "There is no person record with that id" in page_text(missing)
    assert "Enter the record&#x27;s id as it appears in its web address" in (
        malformed.content.decode()
    )


def test_a_record_already_restricted_goes_to_its_restriction(client, ig, eilidh):
    existing = restrict_record(
        by=ig,
        kind=PERSON,
        record_id=eilidh.pk,
        category=RecordRestriction.Category.HIGH_PROFILE,
        reason="Local councillor.",
        named_users=[ig],
    )

    response = client.get(_new_url(eilidh))

    assert response["Location"] == reverse("access:restriction", args=[existing.pk])


@pytest.fixture
def restricted(ig, eilidh, council):
    return restrict_record(
        by=ig,
        kind=PERSON,
        record_id=eilidh.pk,
        category=RecordRestriction.Category.PROTECTION,
        reason="Witness in a trial.",
        named_users=[ig],
        review_every_months=6,
    )


def test_the_list_shows_live_restrictions_overdue_first_with_the_records_names(
    client, ig, restricted, council
):
    other = resident("Hamish", "Ross")
    later = restrict_record(
        by=ig,
        kind=PERSON,
        record_id=other.pk,
        category=RecordRestriction.Category.ADOPTION,
        reason="Adoption.",
        named_users=[ig],
    )
    RecordRestriction.objects.filter(pk=later.pk).update(
        review_on=timezone.localdate() - timedelta(days=3)
    )

    text = page_text(client.get(LIST))

    assert text.index("Hamish Ross") < text.index("Eilidh Fraser")
    assert text.count("Review overdue") == 1
    assert "Witness or victim protection" in text
    # Seeing restricted records' names is itself on their access logs.
    assert AccessLogEntry.objects.filter(
        record_id=other.pk, user=ig, rule="manage_restrictions"
    ).exists()


def test_changing_the_named_people(client, ig, restricted, council, caseworker, eilidh):
    url = reverse("access:restriction-named-users", args=[restricted.pk])

    refused = client.post(url, {"named_users": ""})
    response = client.post(url, {"named_users": f"{ig.email}\n{caseworker.email}"}, follow=True)

    assert "Enter the email address of at least one person" in page_text(refused)
    assert set(restricted.named_users.all()) == {ig, caseworker}
    assert "The people named on the restriction have been changed." in page_text(response)
    assert policy.why(caseworker, PERSON, eilidh.pk).rule == policy.Rule.TEAM


def test_confirming_the_review_rolls_the_review_date(client, ig, restricted):
    RecordRestriction.objects.filter(pk=restricted.pk).update(
        review_on=timezone.localdate() - timedelta(days=10)
    )
    before = page_text(client.get(reverse("access:restriction", args=[restricted.pk])))

    response = client.post(
        reverse("access:restriction-review", args=[restricted.pk]),
        {"notes": "Trial is still running."},
        follow=True,
    )

    restricted.refresh_from_db()
    expected = months_after(timezone.localdate(), 6)
    assert "Review overdue" in before
    assert restricted.review_on == expected
    text = page_text(response)
    assert f"The next review is due by {expected.day} {expected:%B %Y}." in text
    assert "Review overdue" not in text


def test_lifting_needs_a_reason_and_then_ends_the_restriction(
    client, ig, restricted, caseworker, eilidh
):
    url = reverse("access:restriction-lift", args=[restricted.pk])

    refused = client.post(url, {"reason": " "})
    restricted.refresh_from_db()
    assert restricted.lifted_at is None
    assert '<a href="#reason">Enter why the restriction is lifted</a>' in refused.content.decode()
    assert "<title>Error: " in refused.content.decode()

    response = client.post(url, {"reason": "The trial has ended."}, follow=True)

    restricted.refresh_from_db()
    assert restricted.lifted_at is not None
    assert "The restriction is lifted." in page_text(response)
    assert "Eilidh Fraser" not in page_text(response)  # no longer in the live list
    assert policy.why(caseworker, PERSON, eilidh.pk).allowed
    lifted = page_text(client.get(reverse("access:restriction", args=[restricted.pk])))
    assert "Lifted on" in lifted
    assert "The trial has ended." in lifted
    assert "Lift the restriction" not in lifted


def test_pages_refuse_people_without_the_permission(client, council, restricted, eilidh):
    client.force_login(staff(council, ["governance.manage_sharing_agreements"]))

    for url in (
        LIST,
        _new_url(eilidh),
        reverse("access:restriction", args=[restricted.pk]),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("access:restriction-lift", args=[restricted.pk]), {"reason": "Sneaky"}
    )
    assert response.status_code == 403
    restricted.refresh_from_db()
    assert restricted.lifted_at is None
