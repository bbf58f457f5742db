"""Reviewing emergency access: the queue, what was done under it, and the verdict."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from burgh.identity import policy
from burgh.identity.models import BreakGlassGrant, Purpose
from burgh.identity.services.emergency_access import take_emergency_access
from tests.identity.access_helpers import GOVERNANCE, PERSON, page_text, resident, staff

pytestmark = pytest.mark.django_db

QUEUE = reverse("access:break-glass")


@pytest.fixture
def duty_worker(council):
    return staff(
        council,
        ["people.view_person", "people.break_glass"],
        full_name="Duncan Out-of-hours",
        email="duncan.ooh@kinloch.example",
    )


@pytest.fixture
def grant(duty_worker, eilidh, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        taken = take_emergency_access(
            duty_worker,
            PERSON,
            eilidh.pk,
            reason="Police called about a welfare concern at night.",
            purpose=Purpose.SAFEGUARDING,
            minutes=60,
        )
    # Something done under it: the record was opened.
    policy.read(duty_worker, PERSON, eilidh.pk, purpose=Purpose.SAFEGUARDING)
    return taken


def test_the_governance_team_is_emailed_a_link_to_the_review_page(ig, grant, mailoutbox, client):
    assert len(mailoutbox) == 1
    link = reverse("access:break-glass-review", args=[grant.pk])
    assert link in mailoutbox[0].body
    assert client.get(link).status_code == 200


def test_the_queue_shows_each_unreviewed_use_and_whether_it_is_active(client, ig, grant):
    BreakGlassGrant.objects.filter(pk=grant.pk).update(
        starts_at=timezone.now() - timedelta(hours=3),
        expires_at=timezone.now() - timedelta(hours=2),
    )
    active = BreakGlassGrant.objects.create(
        user=grant.user,
        kind=PERSON,
        record_id=resident("Hamish", "Ross").pk,
        record_label="Hamish Ross",
        purpose=Purpose.EMERGENCY_RESPONSE,
        reason="House fire, checking who lives there.",
        expires_at=timezone.now() + timedelta(minutes=30),
    )

    text = page_text(client.get(QUEUE))

    assert "Awaiting review (2)" in text
    assert "Duncan Out-of-hours Kinloch Council Eilidh Fraser" in text
    assert "Safeguarding a child or an adult at risk 'Police called about a welfare concern" in text
    assert "House fire, checking who lives there." in text
    # Oldest first; only the use still running is tagged.
    assert text.index("Eilidh Fraser") < text.index("Hamish Ross")
    assert text.count("Active now") == 1
    assert active.is_active()


def test_the_review_page_shows_what_was_done_under_the_grant(client, ig, grant):
    text = page_text(client.get(reverse("access:break-glass-review", args=[grant.pk])))

    assert "Duncan Out-of-hours opened Eilidh Fraser" in text
    assert "Took emergency access" in text
    assert "Viewed the record" in text
    assert "Active now" in text
    assert "Was this use of emergency access appropriate?" in text


def test_reviewing_records_the_outcome_and_moves_it_to_reviewed(client, ig, grant):
    url = reverse("access:break-glass-review", args=[grant.pk])

    needs_notes = client.post(url, {"outcome": "inappropriate", "notes": ""})
    no_choice = client.post(url, {"notes": ""})
    grant.refresh_from_db()
    assert grant.reviewed_at is None
    assert '<a href="#notes">Enter what was not appropriate and what happens next.</a>' in (
        needs_notes.content.decode()
    )
    assert '<a href="#outcome">Select whether the use was appropriate</a>' in (
        no_choice.content.decode()
    )

    response = client.post(
        url, {"outcome": "appropriate", "notes": "Police request logged."}, follow=True
    )

    grant.refresh_from_db()
    assert grant.review_outcome == BreakGlassGrant.Review.APPROPRIATE
    assert grant.reviewed_by == ig
    text = page_text(response)
    assert "Your review of Duncan Out-of-hours's emergency access is recorded." in text
    assert "Every use of emergency access has been reviewed." in text
    reviewed = page_text(client.get(QUEUE, {"show": "reviewed"}))
    assert "Eilidh Fraser" in reviewed
    assert "Appropriate" in reviewed
    assert "Morag Campbell" in reviewed
    done = page_text(client.get(url))
    assert "Police request logged." in done
    assert "Record the review" not in done


def test_no_one_may_review_their_own_use(client, council, eilidh):
    both = staff(
        council,
        [*GOVERNANCE, "people.view_person", "people.break_glass"],
        full_name="Isla Both",
        email="isla.both@kinloch.example",
    )
    own = take_emergency_access(
        both,
        PERSON,
        eilidh.pk,
        reason="Urgent safeguarding call out of hours.",
        purpose=Purpose.SAFEGUARDING,
        minutes=30,
    )
    client.force_login(both)
    url = reverse("access:break-glass-review", args=[own.pk])

    shown = page_text(client.get(url))
    response = client.post(url, {"outcome": "appropriate"})

    own.refresh_from_db()
    assert "someone else in information governance must review it" in shown
    assert "Someone else must review your own use of emergency access." in page_text(response)
    assert own.reviewed_at is None


def test_pages_refuse_people_without_the_permission(client, council, grant):
    client.force_login(staff(council, ["governance.view_access_log"]))
    url = reverse("access:break-glass-review", args=[grant.pk])

    assert client.get(QUEUE).status_code == 403
    assert client.get(url).status_code == 403
    assert client.post(url, {"outcome": "appropriate"}).status_code == 403
    grant.refresh_from_db()
    assert grant.reviewed_at is None
