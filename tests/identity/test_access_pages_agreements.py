"""The data-sharing agreements register as an information-governance officer uses it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from burgh.core.models import AuditEntry
from burgh.identity.models import ConsentRecord, DataSharingAgreement, Purpose
from burgh.identity.services.sharing import record_consent
from tests.identity.access_helpers import (
    PERSON,
    agreement,
    date_fields,
    page_text,
    partner,
    resident,
    staff,
)

pytestmark = pytest.mark.django_db

AGREEMENTS = reverse("access:agreements")
NEW = reverse("access:agreement-new")


@pytest.fixture
def nhs():
    return partner("NHS Kinloch")


def _form(nhs, responsible, **changes):
    today = timezone.localdate()
    data = {
        "reference": "DSA-2026-004",
        "title": "Falls prevention",
        "description": "Shared so the falls team can visit.",
        "partners": [str(nhs.pk)],
        "purpose": Purpose.HEALTH_AND_SOCIAL_CARE.value,
        "lawful_basis": "consent",
        "shared-people-person": ["given_name", "family_name", "address"],
        **date_fields("starts_on", today),
        **date_fields("ends_on", None),
        **date_fields("review_on", today + timedelta(days=365)),
        "responsible_officer": str(responsible.pk),
    }
    data.update(changes)
    return data


def test_the_register_lists_each_agreement_with_its_status_and_overdue_reviews(
    client, ig, council, nhs
):
    today = timezone.localdate()
    agreement(ig, [nhs], reference="DSA-A", title="In force one")
    agreement(
        ig,
        [nhs],
        reference="DSA-B",
        title="Overdue one",
        review_on=today - timedelta(days=1),
    )
    agreement(ig, [nhs], reference="DSA-C", title="Future one", starts_on=today + timedelta(days=5))
    agreement(
        ig,
        [nhs],
        reference="DSA-D",
        title="Finished one",
        starts_on=today - timedelta(days=400),
        ends_on=today - timedelta(days=1),
    )
    agreement(ig, [nhs], reference="DSA-E", title="Stopped one", terminated_at=timezone.now())

    response = client.get(AGREEMENTS)

    text = page_text(response)
    assert response.status_code == 200
    assert "DSA-A In force one NHS Kinloch Integrated health and social care" in text
    assert "In force" in text
    assert "Not started" in text
    assert "Ended" in text
    assert "Terminated" in text
    assert text.count("Review overdue") == 1
    assert "Morag Campbell" in text


def test_adding_an_agreement_puts_it_on_the_register_with_the_fields_chosen(client, ig, nhs):
    response = client.post(NEW, _form(nhs, ig))

    saved = DataSharingAgreement.objects.get(reference="DSA-2026-004")
    assert response.status_code == 302
    assert response["Location"] == reverse("access:agreement", args=[saved.pk])
    assert list(saved.partners.all()) == [nhs]
    assert saved.shared_fields == {PERSON: ["given_name", "family_name", "address"]}
    assert saved.needs_consent
    assert AuditEntry.objects.filter(action="identity.datasharingagreement.created").exists()
    detail = page_text(client.get(response["Location"]))
    assert "Agreement DSA-2026-004 is on the register." in detail
    assert "Person records : Given name, Family name, Address" in detail


def test_bad_input_shows_every_error_and_saves_nothing(client, ig, nhs):
    response = client.post(
        NEW,
        _form(
            nhs,
            ig,
            title="",
            partners=[],
            **date_fields("starts_on", None),
            review_on_month="",
        ),
    )

    text = page_text(response)
    assert response.status_code == 200
    assert "<title>Error: " in response.content.decode()
    assert "There is a problem" in text
    assert '<a href="#title">Enter the agreement&#x27;s title</a>' in response.content.decode()
    assert '<a href="#partners">Select at least one partner organisation</a>' in (
        response.content.decode()
    )
    assert '<a href="#starts_on_day">Enter the start date</a>' in response.content.decode()
    assert "Review date must include a month" in text
    # What was typed is kept.
    assert 'value="DSA-2026-004"' in response.content.decode()
    assert not DataSharingAgreement.objects.exists()


def test_the_services_rules_appear_against_the_fields_they_concern(client, ig, nhs, council):
    today = timezone.localdate()
    partner_staff = staff(nhs, [])
    response = client.post(
        NEW,
        _form(
            nhs,
            ig,
            **{"shared-people-person": []},
        ),
    )
    page = response.content.decode()
    # The summary links to the first kind's fields (kinds are listed by name: cases first).
    assert '<a href="#shared-cases-case">Choose at least one record kind.</a>' in page

    response = client.post(
        NEW,
        _form(
            nhs,
            ig,
            **date_fields("ends_on", today - timedelta(days=1)),
        ),
    )
    assert '<a href="#ends_on_day">The end date must be on or after the start date.</a>' in (
        response.content.decode()
    )

    # A partner's user is not offered as responsible officer, so cannot be chosen.
    response = client.post(NEW, _form(nhs, partner_staff))
    assert "Select the responsible officer from the list" in response.content.decode()
    assert not DataSharingAgreement.objects.exists()


def test_a_reference_already_on_the_register_is_refused_against_the_reference(client, ig, nhs):
    agreement(ig, [nhs], reference="DSA-2026-004")

    response = client.post(NEW, _form(nhs, ig))

    assert (
        '<a href="#reference">An agreement with reference DSA-2026-004 is already registered.</a>'
        in response.content.decode()
    )
    assert DataSharingAgreement.objects.count() == 1


def test_the_form_offers_only_partner_organisations_and_council_staff(client, ig, nhs, council):
    police = partner("Police Scotland")
    nhs_worker = staff(nhs, [], full_name="Nurse Outsider")

    page = client.get(NEW).content.decode()

    assert "NHS Kinloch" in page
    assert "Police Scotland" in page
    assert f'value="{council.pk}"' not in page
    assert "Morag Campbell" in page
    assert nhs_worker.full_name not in page
    assert police.name in page


def test_changing_an_agreement(client, ig, nhs):
    police = partner("Police Scotland")
    found = agreement(ig, [nhs])
    edit = reverse("access:agreement-edit", args=[found.pk])
    form_page = client.get(edit).content.decode()
    assert 'value="Hospital discharge support"' in form_page
    assert 'value="date_of_birth" checked' in form_page

    data = _form(nhs, ig, title="Hospital discharge and falls", version=str(found.version))
    data["partners"] = [str(nhs.pk), str(police.pk)]
    response = client.post(edit, data)

    found.refresh_from_db()
    assert response.status_code == 302
    assert found.title == "Hospital discharge and falls"
    assert set(found.partners.all()) == {nhs, police}
    assert found.shared_fields == {PERSON: ["given_name", "family_name", "address"]}


def test_a_change_made_meanwhile_is_not_overwritten(client, ig, nhs):
    found = agreement(ig, [nhs])
    edit = reverse("access:agreement-edit", args=[found.pk])
    stale = str(found.version)
    DataSharingAgreement.objects.filter(pk=found.pk).update(version=found.version + 1)

    response = client.post(edit, _form(nhs, ig, title="My version", version=stale))

    found.refresh_from_db()
    assert "Someone else changed this agreement while you were editing it" in page_text(response)
    assert found.title == "Hospital discharge support"
    assert f'name="version" value="{found.version}"' in response.content.decode()


def test_the_detail_page_counts_the_consents_recorded_under_it(client, ig, nhs, council):
    found = agreement(ig, [nhs])
    consenter = staff(council, ["people.record_consent"])
    first = record_consent(by=consenter, person_id=resident().pk, agreement=found)
    record_consent(by=consenter, person_id=resident("Calum").pk, agreement=found)
    ConsentRecord.objects.filter(pk=first.pk).update(ended_at=timezone.now())

    text = page_text(client.get(reverse("access:agreement", args=[found.pk])))

    assert "Hospital discharge support" in text
    assert "Consents recorded 2 recorded, 1 not withdrawn" in text


def test_terminating_warns_that_partners_lose_access_and_ends_it_at_once(client, ig, nhs):
    found = agreement(ig, [nhs])
    terminate = reverse("access:agreement-terminate", args=[found.pk])

    warning = page_text(client.get(terminate))
    refused = client.post(terminate, {"reason": ""})
    done = client.post(terminate, {"reason": "The pilot has finished."}, follow=True)

    assert "NHS Kinloch will lose access to every record shared under this agreement at once" in (
        warning
    )
    assert '<a href="#reason">Enter the reason the agreement is ending</a>' in (
        refused.content.decode()
    )
    found.refresh_from_db()
    assert found.terminated_at is not None
    assert found.termination_reason == "The pilot has finished."
    text = page_text(done)
    assert "has been terminated" in text
    assert "Terminated on" in text
    assert "Change the agreement" not in text
    # A terminated agreement cannot be changed or terminated again.
    assert client.get(reverse("access:agreement-edit", args=[found.pk]))["Location"].endswith(
        reverse("access:agreement", args=[found.pk])
    )


def test_pages_refuse_people_without_the_permission(client, council, nhs):
    found = agreement(staff(council, []), [nhs])
    client.force_login(staff(council, ["governance.manage_restrictions"]))

    for url in (
        AGREEMENTS,
        NEW,
        reverse("access:agreement", args=[found.pk]),
        reverse("access:agreement-edit", args=[found.pk]),
        reverse("access:agreement-terminate", args=[found.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "You do not have permission to see this page" in page_text(response)
    response = client.post(
        reverse("access:agreement-terminate", args=[found.pk]), {"reason": "Because"}
    )
    assert response.status_code == 403
    found.refresh_from_db()
    assert found.terminated_at is None


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(AGREEMENTS)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:sign-in"))
