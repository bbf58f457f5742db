"""The people pages as staff see them: search, a person's record, emergency access, consent."""

import re
import uuid
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from burgh.identity.models import (
    AccessLogEntry,
    BreakGlassGrant,
    ConsentRecord,
    Purpose,
    RecordRestriction,
)
from burgh.identity.services import sharing
from burgh.people.models import Household, HouseholdMember, Involvement, Person
from tests.clients import page_client
from tests.people.setting import HOME_UPRN, grant

pytestmark = pytest.mark.django_db

SEARCH = "/people/"
HSC = Purpose.HEALTH_AND_SOCIAL_CARE


def html_of(response, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    html = response.content.decode()
    assert " style=" not in html, "inline styles are refused by the CSP"
    return html


def title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match
    return unescape(match.group(1)).strip()


def table_rows(html: str) -> list[list[str]]:
    """Each row of the results table as its cells' text."""
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", html, re.S)
    assert body, "no results table"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]


def headers(html: str) -> list[str]:
    head = re.search(r"<thead[^>]*>(.*?)</thead>", html, re.S)
    assert head
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<th[^>]*>(.*?)</th>", head.group(1), re.S)
    ]


def restrict(setting, person) -> None:
    restriction = RecordRestriction.objects.create(
        kind="people.person",
        record_id=person.pk,
        category=RecordRestriction.Category.HIGH_PROFILE,
        reason="Councillor",
        restricted_by=setting.officer,
        review_on=timezone.localdate() + timedelta(days=180),
    )
    restriction.named_users.set([setting.officer])


class TestSearch:
    def test_someone_not_signed_in_is_sent_to_sign_in(self, client):
        response = client.get(SEARCH)

        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in?next=/people/")

    def test_the_page_asks_for_a_name_and_a_date_of_birth(self, setting):
        html = html_of(page_client(setting.social_worker).get(SEARCH))

        assert title(html).startswith("Find a person")
        assert re.search(r'<input[^>]*id="q"[^>]*name="q"', html)
        for part in ("day", "month", "year"):
            assert f'name="born_on_{part}"' in html
        assert "people found" not in html

    def test_a_search_lists_the_people_found_with_links_to_them(self, setting):
        html = html_of(page_client(setting.social_worker).get(SEARCH, {"q": "morag"}))

        assert "1 person found" in html
        assert f'href="/people/{setting.morag.pk}/"' in html
        assert headers(html) == ["Name", "Date of birth", "Address", "Email", "Phone"]
        assert table_rows(html) == [
            [
                "Morag Campbell",
                "27 March 1984",
                "Flat 0/1, 3 Mill Lane, Ardmhor, KL6 2AB",
                "morag.campbell@example.com",
                "07700 900123",
            ]
        ]

    def test_a_date_of_birth_narrows_the_search(self, setting):
        client = page_client(setting.adviser)
        born = {"born_on_day": "2", "born_on_month": "11", "born_on_year": "1971"}

        html = html_of(client.get(SEARCH, born))

        assert "1 person found" in html
        assert [row[0] for row in table_rows(html)] == ["Ewan MacDonald"]

    def test_the_directory_has_no_column_for_what_it_may_not_see(self, setting):
        html = html_of(page_client(setting.adviser).get(SEARCH, {"q": "campbell"}))

        assert headers(html) == ["Name", "Date of birth", "Address"]
        assert "morag.campbell@example.com" not in html
        assert "07700 900123" not in html

    def test_a_withheld_cell_says_so_and_holds_no_value(self, setting):
        # Morag is the worker's case; the stranger they find only in the directory.
        grant(setting.social_worker, "people.search")
        setting.stranger.email = "ewan.macdonald@example.com"
        setting.stranger.save()

        html = html_of(page_client(setting.social_worker).get(SEARCH, {"q": "m"}))

        assert "2 people found" in html
        morag, ewan = table_rows(html)
        assert morag[3] == "morag.campbell@example.com"
        assert ewan[:3] == ["Ewan MacDonald", "2 November 1971", "Not recorded"]
        assert ewan[3:] == ["Not shared with you", "Not shared with you"]
        assert "ewan.macdonald@example.com" not in html

    def test_a_partner_sees_the_agreed_fields_for_the_agreed_purpose_only(self, setting):
        sharing.record_consent(
            by=setting.officer, person_id=setting.morag.pk, agreement=setting.agreement
        )

        assert "0 people found" in html_of(
            page_client(setting.nurse).get(SEARCH, {"q": "campbell"})
        )
        html = html_of(page_client(setting.nurse, HSC).get(SEARCH, {"q": "campbell"}))

        assert "1 person found" in html
        assert headers(html) == ["Name", "Phone"]
        assert table_rows(html) == [["Morag Campbell", "07700 900123"]]
        assert "1984" not in html
        assert "Mill Lane" not in html

    def test_a_restricted_person_is_neither_listed_nor_counted(self, setting):
        restrict(setting, setting.stranger)

        html = html_of(page_client(setting.adviser).get(SEARCH, {"q": "ewan"}))

        assert "0 people found" in html
        assert "MacDonald" not in html

    def test_an_empty_search_asks_for_something_to_search_for(self, setting):
        html = html_of(page_client(setting.adviser).get(SEARCH, {"q": ""}))

        assert title(html).startswith("Error: ")
        assert '<a href="#q">Enter a name, date of birth, postcode or address</a>' in html

    def test_a_date_that_does_not_exist_is_an_error_linked_to_the_day(self, setting):
        html = html_of(
            page_client(setting.adviser).get(
                SEARCH, {"born_on_day": "31", "born_on_month": "2", "born_on_year": "1990"}
            )
        )

        assert '<a href="#born_on_day">Date of birth must be a real date</a>' in html
        assert 'value="31"' in html, "what was typed is kept"

    def test_a_date_missing_its_year_says_so(self, setting):
        html = html_of(
            page_client(setting.adviser).get(SEARCH, {"born_on_day": "2", "born_on_month": "11"})
        )

        assert "Date of birth must include a year" in html

    def test_results_come_fifty_to_a_page(self, setting):
        Person.objects.bulk_create(
            Person(given_name=f"Given{n:02d}", family_name="Aitken") for n in range(55)
        )
        client = page_client(setting.adviser)

        first = html_of(client.get(SEARCH, {"q": "aitken"}))
        assert "55 people found" in first
        assert len(table_rows(first)) == 50
        following = re.search(r'class="govuk-pagination__next".*?href="([^"]+)"', first, re.S)
        assert following
        second = html_of(client.get(unescape(following.group(1))))
        assert [row[0] for row in table_rows(second)] == [f"Given{n} Aitken" for n in range(50, 55)]

    def test_everyone_on_the_page_is_in_the_access_log(self, setting):
        page_client(setting.adviser).get(SEARCH, {"q": "m"})

        listed = AccessLogEntry.objects.filter(user=setting.adviser, action="listed")
        assert {entry.record_id for entry in listed} == {setting.morag.pk, setting.stranger.pk}

    def test_someone_with_no_people_role_is_told_so(self, setting, staff_user):
        html = html_of(page_client(staff_user).get(SEARCH, {"q": "morag"}))

        assert "None of your roles lets you find people" in html
        assert "0 people found" in html


class TestPurpose:
    def test_every_page_says_why_you_are_looking_with_a_change_link(self, setting):
        html = html_of(page_client(setting.social_worker).get(SEARCH, {"q": "morag"}))

        assert "Why you are looking: <strong>Delivering a council service" in html
        # The link comes back to the search without repeating what was searched for.
        assert 'href="/people/purpose?next=%2Fpeople%2F"' in html

    def test_the_purpose_chosen_is_remembered_for_the_session(self, setting):
        client = page_client(setting.social_worker)

        response = client.post("/people/purpose", {"purpose": "safeguarding", "next": SEARCH})

        assert response.status_code == 302
        assert response["Location"] == SEARCH
        assert "Safeguarding a child or an adult at risk" in html_of(client.get(SEARCH))
        assert client.session["burgh_purpose"] == "safeguarding"

    def test_the_purpose_is_logged_with_each_read(self, setting):
        client = page_client(setting.social_worker, Purpose.SAFEGUARDING)

        client.get(f"/people/{setting.morag.pk}/")

        entry = AccessLogEntry.objects.get(record_id=setting.morag.pk)
        assert (entry.action, entry.purpose) == ("viewed", "safeguarding")

    def test_choosing_nothing_is_an_error(self, setting):
        html = html_of(page_client(setting.social_worker).post("/people/purpose", {}))

        assert '<a href="#purpose">Select why you are looking</a>' in html

    def test_it_never_sends_you_to_another_site(self, setting):
        response = page_client(setting.social_worker).post(
            "/people/purpose", {"purpose": "safeguarding", "next": "//evil.example/people/"}
        )

        assert response["Location"] == SEARCH


class TestExport:
    def test_those_who_may_export_get_a_link_to_a_csv_of_the_results(self, setting):
        client = page_client(setting.social_worker)

        html = html_of(client.get(SEARCH, {"q": "morag"}))
        link = re.search(r'<a class="govuk-link" href="([^"]+)">Export these results \(CSV\)', html)

        assert link
        response = client.get(unescape(link.group(1)))
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        text = b"".join(response.streaming_content).decode()
        assert text.splitlines()[0].startswith("id,given_name,family_name,date_of_birth")
        assert "Campbell" in text

    def test_others_get_no_link_and_no_export(self, setting):
        client = page_client(setting.adviser)

        assert "Export these results" not in html_of(client.get(SEARCH, {"q": "morag"}))
        assert client.get("/people/export", {"q": "morag"}).status_code == 403


class TestPersonPage:
    def test_a_worker_sees_the_record_and_the_involvements(self, setting):
        html = html_of(page_client(setting.social_worker).get(f"/people/{setting.morag.pk}/"))

        assert title(html).startswith("Morag Campbell")
        assert "You can see this record because you are the allocated worker." in html
        for text in ("27 March 1984", "Flat 0/1, 3 Mill Lane", "morag.campbell@example.com"):
            assert text in html
        assert "Children and families" in html
        assert "Child protection plan" in html

    def test_a_partner_sees_only_the_agreed_fields(self, setting):
        sharing.record_consent(
            by=setting.officer, person_id=setting.morag.pk, agreement=setting.agreement
        )

        html = html_of(page_client(setting.nurse, HSC).get(f"/people/{setting.morag.pk}/"))

        assert "07700 900123" in html
        for withheld in ("1984", "Mill Lane", "morag.campbell@example.com", "Involvements"):
            assert withheld not in html

    def test_a_restricted_person_looks_exactly_like_one_that_never_existed(self, setting):
        restrict(setting, setting.stranger)
        client = page_client(setting.adviser)
        client.get(SEARCH, {"q": "m"})  # the audit trail's first entry is made once

        answers = []
        for person_id in (setting.stranger.pk, uuid.uuid4()):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"/people/{person_id}/")
            body = re.sub(r'nonce="[^"]*"|value="[^"]*"', "", response.content.decode())
            answers.append((response.status_code, body, len(queries)))

        assert answers[0][0] == 404
        assert answers[0] == answers[1]
        assert "Page not found" in answers[0][1]

    def test_someone_who_may_break_glass_is_told_why_and_offered_emergency_access(self, setting):
        html = html_of(
            page_client(setting.social_worker).get(f"/people/{setting.stranger.pk}/"), 403
        )

        assert "You cannot see this person" in html
        assert "you have no relationship with this person record" in html
        assert f'href="/people/{setting.stranger.pk}/emergency-access"' in html
        assert "MacDonald" not in html

    def test_someone_who_may_not_break_glass_gets_not_found(self, setting):
        reader = setting.nurse  # a partner: no emergency access

        html_of(page_client(reader, HSC).get(f"/people/{setting.stranger.pk}/"), 404)

    def test_governance_links_show_for_those_who_may_use_them(self, setting):
        client = page_client(setting.social_worker)
        person = f"/people/{setting.morag.pk}/"
        html = html_of(client.get(person))
        assert "Restrict this record" not in html
        assert "Who has seen this record" not in html

        grant(setting.social_worker, "governance.manage_restrictions")
        html = html_of(client.get(person))
        assert (
            f'href="/access/restrictions/new?kind=people.person&amp;record={setting.morag.pk}"'
            in html
        )
        assert "Who has seen this record" not in html

        grant(setting.social_worker, "governance.view_access_log")
        html = html_of(client.get(person))
        assert f'href="/access/records/people.person/{setting.morag.pk}"' in html


class TestEmergencyAccess:
    def path(self, setting) -> str:
        return f"/people/{setting.stranger.pk}/emergency-access"

    def test_the_form_warns_that_governance_reviews_every_use(self, setting):
        html = html_of(page_client(setting.social_worker).get(self.path(setting)))

        assert "information governance team is told" in html
        assert "reviews every use" in html
        for minutes in ("15 minutes", "30 minutes", "1 hour", "4 hours"):
            assert minutes in html
        assert "MacDonald" not in html

    def test_a_missing_reason_is_shown_in_an_error_summary(self, setting):
        html = html_of(
            page_client(setting.social_worker).post(
                self.path(setting), {"reason": "", "minutes": "15", "purpose": "safeguarding"}
            )
        )

        assert title(html).startswith("Error: ")
        assert '<a href="#reason">Enter why you need emergency access</a>' in html
        assert not BreakGlassGrant.objects.exists()

    def test_a_reason_too_short_to_review_is_refused(self, setting):
        html = html_of(
            page_client(setting.social_worker).post(
                self.path(setting), {"reason": "urgent", "minutes": "15", "purpose": "safeguarding"}
            )
        )

        assert "Explain the emergency in a sentence" in html

    def test_taking_it_opens_the_record_and_says_when_it_ends(self, setting):
        client = page_client(setting.social_worker)

        response = client.post(
            self.path(setting),
            {
                "reason": "Police called about a child at the address",
                "minutes": "30",
                "purpose": "safeguarding",
            },
        )

        assert response.status_code == 302
        assert response["Location"] == f"/people/{setting.stranger.pk}/"
        grant_row = BreakGlassGrant.objects.get(user=setting.social_worker)
        assert grant_row.purpose == "safeguarding"
        html = html_of(client.get(response["Location"]))
        assert "govuk-notification-banner--success" in html
        assert "You have emergency access until" in html
        assert "Ewan MacDonald" in html
        again = html_of(client.get(response["Location"]))
        assert "You are using emergency access to this record. It ends at" in again

    def test_the_form_is_not_found_for_a_restricted_record(self, setting):
        restrict(setting, setting.stranger)

        html_of(page_client(setting.social_worker).get(self.path(setting)), 404)

    def test_someone_who_can_already_see_the_record_goes_straight_to_it(self, setting):
        response = page_client(setting.social_worker).get(
            f"/people/{setting.morag.pk}/emergency-access"
        )

        assert response["Location"] == f"/people/{setting.morag.pk}/"


class TestConsent:
    def test_the_section_lists_consents_with_a_way_to_record_one(self, setting):
        sharing.record_consent(
            by=setting.officer,
            person_id=setting.morag.pk,
            agreement=setting.agreement,
            given_by="Morag's attorney",
        )

        html = html_of(page_client(setting.social_worker).get(f"/people/{setting.morag.pk}/"))

        assert 'id="sharing">Sharing and consent' in html
        assert "DSA-2026-001: Hospital discharge support" in html
        assert "Morag&#x27;s attorney" in html
        assert f'href="/people/{setting.morag.pk}/consent/new"' in html

    def test_the_section_is_only_for_those_who_record_consent(self, setting):
        grant(setting.adviser, "people.view_all_people")

        html = html_of(page_client(setting.adviser).get(f"/people/{setting.morag.pk}/"))

        assert "Sharing and consent" not in html

    def test_recording_consent_adds_it_to_the_record(self, setting):
        client = page_client(setting.social_worker)
        path = f"/people/{setting.morag.pk}/consent/new"
        assert "DSA-2026-001: Hospital discharge support" in html_of(client.get(path))

        response = client.post(
            path,
            {"agreement": setting.agreement.pk, "basis": "consent", "given_by": "the resident"},
        )

        assert response["Location"] == f"/people/{setting.morag.pk}/#sharing"
        consent = ConsentRecord.objects.get(person_id=setting.morag.pk)
        assert (consent.recorded_by, consent.basis) == (setting.social_worker, "consent")

    def test_another_basis_needs_a_note_saying_why(self, setting):
        html = html_of(
            page_client(setting.social_worker).post(
                f"/people/{setting.morag.pk}/consent/new",
                {"agreement": setting.agreement.pk, "basis": "vital_interests", "given_by": "x"},
            )
        )

        assert '<a href="#notes">Explain why this lawful basis applies to this person.</a>' in html
        assert not ConsentRecord.objects.exists()

    def test_withdrawing_consent_stops_the_partner_seeing_the_person(self, setting):
        consent = sharing.record_consent(
            by=setting.officer, person_id=setting.morag.pk, agreement=setting.agreement
        )
        nurse = page_client(setting.nurse, HSC)
        html_of(nurse.get(f"/people/{setting.morag.pk}/"))
        client = page_client(setting.social_worker)
        path = f"/people/{setting.morag.pk}/consent/{consent.pk}/withdraw"
        assert "Withdraw consent" in html_of(client.get(path))

        client.post(path, {"withdrawn_by": "the resident, by phone"})

        consent.refresh_from_db()
        assert consent.ended_by == "the resident, by phone"
        html_of(nurse.get(f"/people/{setting.morag.pk}/"), 404)
        withdrawn = html_of(client.get(f"/people/{setting.morag.pk}/"))
        assert "by the resident, by phone" in withdrawn

    def test_consent_pages_are_not_found_for_someone_who_cannot_see_the_person(self, setting):
        # The officer records consent but has no relationship with the stranger.
        html_of(page_client(setting.officer).get(f"/people/{setting.stranger.pk}/consent/new"), 404)

    def test_consent_pages_need_the_permission(self, setting):
        grant(setting.adviser, "people.view_all_people")

        response = page_client(setting.adviser).get(f"/people/{setting.morag.pk}/consent/new")

        assert response.status_code == 403


def test_find_a_person_is_in_the_navigation_of_those_who_may(setting, staff_user):
    link = re.compile(
        r'<a class="govuk-service-navigation__link" href="/people/"[^>]*>\s*Find a person'
    )

    assert link.search(html_of(page_client(setting.adviser).get("/")))
    assert not link.search(html_of(page_client(staff_user).get("/")))
    on_search = html_of(page_client(setting.adviser).get(SEARCH))
    assert re.search(r'href="/people/" aria-current="page"', on_search)


def test_a_page_of_fifty_costs_no_more_queries_than_a_page_of_one(
    setting, django_assert_max_num_queries
):
    grant(setting.social_worker, "people.view_all_people")
    client = page_client(setting.social_worker)
    client.get(SEARCH)
    home = Household.objects.get(uprn=HOME_UPRN)
    Person.objects.create(given_name="Zara", family_name="Aitken")
    with django_assert_max_num_queries(60) as one:
        assert "1 person found" in html_of(client.get(SEARCH, {"q": "aitken"}))
    for number in range(49):
        person = Person.objects.create(given_name=f"Given{number}", family_name="Aitken")
        HouseholdMember.objects.create(household=home, person=person)
        Involvement.objects.create(
            person=person, team=setting.team, reason="Assessment", started_on=timezone.localdate()
        )

    with django_assert_max_num_queries(len(one.captured_queries)):
        html = html_of(client.get(SEARCH, {"q": "aitken"}))

    assert "50 people found" in html
    assert html.count("Mill Lane") == 49
