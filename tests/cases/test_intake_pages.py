"""Logging a request as a contact-centre adviser sees it, and the person page's case panels."""

import re
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from burgh.cases import services
from burgh.cases.models import Case, CaseLink, PersonFlag
from burgh.cases.pages.intake import SESSION_KEY
from burgh.identity.models import AccessLogEntry
from burgh.people.models import Person
from burgh.people.services.merging import merge_people
from burgh.people.services.resolution import resolve
from burgh.people.services.sources import IncomingRecord, register_source_system
from tests.cases.setting import HOME_UPRN, ROAD_UPRN, Setting, grant
from tests.clients import page_client

NEW = "/cases/new/"
CALLER = "/cases/new/caller/"
WHERE = "/cases/new/where/"
CHECK = "/cases/new/check/"
DONE = "/cases/new/done/"


def html_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    html = str(response.content.decode())
    assert " style=" not in html, "inline styles are refused by the CSP"
    return html


def title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match
    return str(unescape(match.group(1))).split(" \u2013 ")[0].strip()


def h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, "no h1"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def text(html: str) -> str:
    main = re.search(r"<main[^>]*>(.*?)</main>", html, re.S)
    assert main
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main.group(1))).split())


def error_summary(html: str) -> list[str]:
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert summary, "no error summary"
    items = re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


def back_link(html: str) -> str:
    match = re.search(r'<a href="([^"]+)" class="govuk-back-link"', html)
    assert match, "no back link"
    return unescape(match.group(1))


def in_index(cases: Setting) -> Person:
    """Morag, as the council tax system sent her, so a search with typos finds her."""
    register_source_system("council-tax", "Council tax", trust=50)
    sent = resolve(
        IncomingRecord(
            "council-tax",
            "CTR1000001",
            {
                "given_name": "Morag",
                "family_name": "MacLeod",
                "date_of_birth": "1962-04-09",
                "address": "12 High Street, Kinloch",
                "postcode": "KL1 1AA",
            },
        )
    ).person
    merge_people(cases.morag, sent, actor=None, reason="Test set-up")
    return cases.morag


def pothole(**overrides: Any) -> services.IntakeRequest:
    values: dict[str, Any] = {
        "case_type": "pothole",
        "channel": "staff",
        "data": {"depth": "under-40mm"},
    }
    values.update(overrides)
    return services.IntakeRequest(**values)


def choose(client: Client, code: str = "pothole") -> Any:
    return client.post(NEW, {"case_type": code})


def journey(client: Client) -> dict[str, Any]:
    kept: dict[str, Any] = client.session[SESSION_KEY]
    return kept


@pytest.fixture
def adviser(cases):
    return page_client(cases.adviser)


class TestChoosingTheRequest:
    def test_someone_not_signed_in_is_sent_to_sign_in(self, client, cases):
        response = client.get(NEW)

        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in?next=/cases/new/")

    def test_only_those_who_log_requests_may(self, cases):
        for path in (NEW, CALLER, WHERE, CHECK, DONE, f"/cases/new/person/{cases.morag.pk}/"):
            assert page_client(cases.administrator).get(path).status_code == 403

    def test_the_requests_are_offered_by_service(self, adviser):
        html = html_of(adviser.get(NEW))

        assert title(html) == "What is the request?"
        assert h1(html) == "What is the request?"
        assert back_link(html) == "/"
        services_shown = re.findall(r'<h2 class="govuk-heading-s[^"]*">(.*?)</h2>', html)
        assert [unescape(s) for s in services_shown] == [
            "Children's Social Work",
            "Roads and Transport",
        ]
        assert re.search(r'<input[^>]*id="case_type"[^>]*value="child-protection-referral"', html)
        assert re.search(r'<input[^>]*id="case_type-2"[^>]*value="pothole"', html)

    def test_the_filter_narrows_the_list_without_javascript(self, adviser):
        html = html_of(adviser.get(NEW, {"q": "roads"}))

        assert "1 request matches the filter" in html
        assert 'value="pothole"' in html
        assert "child-protection-referral" not in html
        # The type-ahead asks for the same page and swaps in the list.
        assert 'hx-get="/cases/new/"' in html

    def test_a_filter_that_fits_nothing_says_so(self, adviser):
        html = html_of(adviser.get(NEW, {"q": "dragons"}))

        assert "No request fits that filter" in text(html)

    def test_choosing_nothing_is_an_error(self, adviser):
        html = html_of(adviser.post(NEW, {}))

        assert title(html).startswith("Error: ")
        assert error_summary(html) == ["Select the request the caller is making"]
        assert '<a href="#case_type">' in html

    def test_choosing_one_goes_on_to_the_caller(self, adviser):
        response = choose(adviser)

        assert response.status_code == 302
        assert response["Location"] == CALLER
        assert journey(adviser)["case_type"] == "pothole"

    def test_no_step_can_be_skipped(self, adviser):
        for path in (CALLER, WHERE, "/cases/new/questions/1/", CHECK):
            response = adviser.get(path)
            assert (response.status_code, response["Location"]) == (302, NEW)
        assert adviser.get(DONE)["Location"] == NEW


class TestTheCaller:
    def test_a_misspelt_name_finds_the_caller(self, cases, adviser):
        morag = in_index(cases)
        choose(adviser)

        response = adviser.post(CALLER, {"action": "search", "name": "Morag MacLoed"})

        # The search is posted and kept in the session: no name in any address.
        assert response.status_code == 302
        assert response["Location"] == CALLER
        html = html_of(adviser.get(CALLER))
        assert title(html) == "Who is calling?"
        assert back_link(html) == NEW
        assert re.search(rf'<input[^>]*id="person"[^>]*value="{morag.pk}"', html)
        assert "Morag MacLeod" in html
        assert "Born 9 April 1962" in html
        assert AccessLogEntry.objects.filter(
            user=cases.adviser, record_id=morag.pk, action="listed"
        ).exists()

    def test_searching_for_nothing_is_an_error(self, adviser):
        choose(adviser)

        html = html_of(adviser.post(CALLER, {"action": "search"}))

        assert error_summary(html) == ["Enter the caller's name, date of birth or postcode"]

    def test_a_search_that_finds_no_one_says_what_to_try(self, cases, adviser):
        in_index(cases)
        choose(adviser)
        adviser.post(CALLER, {"action": "search", "name": "Xanthippe Zog"})

        html = html_of(adviser.get(CALLER))

        assert "No one found" in html
        assert "search by their date of birth or postcode" in html

    def test_choosing_nobody_from_the_results_is_an_error(self, cases, adviser):
        in_index(cases)
        choose(adviser)
        adviser.post(CALLER, {"action": "search", "name": "Morag MacLeod"})

        html = html_of(adviser.post(CALLER, {"action": "choose"}))

        assert error_summary(html) == ["Select the caller, or search again"]

    def test_the_chosen_callers_warnings_show_without_their_notes(self, cases, adviser):
        morag = in_index(cases)
        PersonFlag.objects.create(
            person_id=morag.pk,
            kind="lone_worker",
            note="Dog on the premises; visit in pairs",
            raised_by=cases.roads_leader,
        )
        choose(adviser)
        adviser.post(CALLER, {"action": "search", "name": "Morag MacLoed"})

        response = adviser.post(CALLER, {"action": "choose", "person": str(morag.pk)})

        assert response["Location"] == WHERE
        html = html_of(adviser.get(WHERE))
        assert "Warnings about Morag MacLeod" in html
        assert "Lone-worker risk" in html
        # An adviser sees a directory entry only, so not what the warning says.
        assert "Dog on the premises" not in html

    def test_going_on_without_a_caller_when_the_request_needs_none(self, adviser):
        choose(adviser)

        response = adviser.post(CALLER, {"action": "none"})

        assert response["Location"] == WHERE
        assert journey(adviser)["no_caller"] is True

    def test_a_request_about_a_person_cannot_go_on_without_one(self, cases, adviser):
        choose(adviser, "child-protection-referral")

        html = html_of(adviser.post(CALLER, {"action": "none"}))

        assert "Continue without a caller" not in html
        assert error_summary(html) == ["A child protection referral needs the person it is about"]

    def test_from_a_persons_page_the_caller_is_already_chosen(self, cases, adviser):
        response = adviser.get(f"/cases/new/person/{cases.morag.pk}/")

        assert response["Location"] == NEW
        # Their name is not in the address: it is in the session.
        assert "Morag" not in response["Location"]
        assert "Caller: <strong>Morag MacLeod</strong>" in html_of(adviser.get(NEW))
        assert choose(adviser)["Location"] == WHERE

    def test_from_an_unknown_person_is_not_found(self, adviser):
        html_of(adviser.get("/cases/new/person/00000000-0000-4000-8000-000000000000/"), 404)


class TestWhere:
    def test_the_place_picker_comes_back_with_the_property(self, adviser):
        choose(adviser)
        adviser.post(CALLER, {"action": "none"})
        html = html_of(adviser.get(WHERE))
        assert title(html) == "Where is it?"
        assert back_link(html) == CALLER
        assert 'href="/places/?next=/cases/new/where/"' in html
        # A pothole must say where it is.
        assert "Continue without an address" not in html

        response = adviser.get(WHERE, {"uprn": ROAD_UPRN})

        assert response["Location"] == "/cases/new/questions/1/"
        assert journey(adviser)["place"] == {
            "uprn": ROAD_UPRN,
            "address": "40 High Street, Kinloch, KL1 1AA",
        }

    def test_a_property_not_in_the_gazetteer_is_refused(self, adviser):
        choose(adviser)
        adviser.post(CALLER, {"action": "none"})

        html = html_of(adviser.get(WHERE, {"uprn": "999999999999"}))

        assert error_summary(html) == [
            "That property is not in use in the gazetteer: choose another"
        ]

    def test_a_typed_address_is_matched_to_the_gazetteer(self, adviser):
        choose(adviser)
        adviser.post(CALLER, {"action": "none"})

        adviser.post(WHERE, {"action": "type", "address": "40 High St, Kinloch KL1 1AA"})

        place = journey(adviser)["place"]
        assert place["typed"] == "40 High St, Kinloch KL1 1AA"
        assert place["uprn"] == ROAD_UPRN

    def test_a_typed_address_is_needed_when_typing(self, adviser):
        choose(adviser)
        adviser.post(CALLER, {"action": "none"})

        html = html_of(adviser.post(WHERE, {"action": "type", "address": " "}))

        assert error_summary(html) == ["Enter the address, or say where it is"]


MULTI_PAGE_FIELDS = [
    {
        "name": "depth",
        "label": "How deep is it?",
        "type": "radios",
        "required": True,
        "options": [
            {"value": "under-40mm", "label": "Less than 40mm"},
            {"value": "over-40mm", "label": "40mm or more"},
        ],
    },
    {
        "name": "width",
        "label": "How wide is it, in centimetres?",
        "type": "number",
        "min": 1,
        "show_if": {"field": "depth", "equals": "over-40mm"},
    },
    {"name": "near_school", "label": "Is it near a school?", "type": "yes_no", "page": 2},
    {
        "name": "school_name",
        "label": "Name of the school",
        "type": "text",
        "required": True,
        "page": 3,
        "show_if": {"field": "near_school", "equals": True},
    },
]


def at_questions(cases: Setting, client: Client, **overrides: Any) -> None:
    from tests.cases.setting import pothole_definition

    if overrides:
        definition = pothole_definition("kinloch/roads-maintenance", **overrides)
        services.save_case_type(None, definition)
    choose(client)
    client.post(CALLER, {"action": "none"})
    client.get(WHERE, {"uprn": ROAD_UPRN})


class TestQuestions:
    def test_the_case_types_questions_are_asked(self, cases, adviser):
        at_questions(cases, adviser)

        html = html_of(adviser.get("/cases/new/questions/1/"))

        assert title(html) == "Pothole"
        assert back_link(html) == WHERE
        assert "How deep is it?" in html
        assert "Anything else the caller told you (optional)" in html

    def test_a_missing_answer_is_shown_in_an_error_summary(self, cases, adviser):
        at_questions(cases, adviser)

        html = html_of(adviser.post("/cases/new/questions/1/", {}))

        assert title(html).startswith("Error: ")
        assert error_summary(html) == ["Select how deep is it"]
        assert '<a href="#depth">' in html

    def test_one_page_a_page_and_show_if_respected(self, cases, adviser):
        at_questions(cases, adviser, fields=MULTI_PAGE_FIELDS)

        html = html_of(adviser.get("/cases/new/questions/1/"))
        # Page 3 is asked only when there is a school near.
        assert "(page 1 of 2)" in title(html)
        # Revealed under its answer (GOV.UK's conditional reveal), checked only when asked.
        assert 'id="conditional-depth-2"' in html
        assert "Anything else the caller told you" not in html
        response = adviser.post("/cases/new/questions/1/", {"depth": "under-40mm", "width": "x"})
        assert response["Location"] == "/cases/new/questions/2/"
        assert "width" not in journey(adviser)["answers"]

        response = adviser.post("/cases/new/questions/2/", {"near_school": "no"})

        # Page 3 asks only about a school: with none near, it is not asked.
        assert response["Location"] == CHECK
        html = html_of(adviser.get(CHECK))
        assert "Name of the school" not in html
        assert "Is it near a school?" in html

    def test_an_answer_on_an_earlier_page_brings_in_a_later_page(self, cases, adviser):
        at_questions(cases, adviser, fields=MULTI_PAGE_FIELDS)
        adviser.post("/cases/new/questions/1/", {"depth": "over-40mm", "width": "30"})

        response = adviser.post("/cases/new/questions/2/", {"near_school": "yes"})

        assert response["Location"] == "/cases/new/questions/3/"
        html = html_of(adviser.post("/cases/new/questions/3/", {"school_name": ""}))
        assert error_summary(html) == ["Enter the name of the school"]
        assert "Anything else the caller told you" in html


def at_check(cases: Setting, client: Client, **answers: str) -> None:
    at_questions(cases, client)
    client.post("/cases/new/questions/1/", {"depth": "over-40mm", **answers})


class TestCheckAndLog:
    def test_check_answers_lists_everything_with_change_links(self, cases, adviser):
        at_check(cases, adviser, description="Cyclist came off here last night")

        html = html_of(adviser.get(CHECK))

        assert title(html) == "Check the request before you log it"
        assert back_link(html) == "/cases/new/questions/1/"
        keys = [unescape(k) for k in re.findall(r"summary-list__key\">(.*?)</dt>", html)]
        assert keys == [
            "Request",
            "Caller",
            "Where",
            "How deep is it?",
            "Is it near a school?",
            "Anything else",
        ]
        assert "40mm or more" in html
        assert "Cyclist came off here last night" in html
        changes = re.findall(r'<a class="govuk-link" href="([^"]+)">Change', html)
        assert changes == [NEW, CALLER, WHERE, *["/cases/new/questions/1/"] * 3]
        assert "It may already have been reported" not in html

    def test_logging_it_gives_the_reference_team_and_date_to_tell_the_caller(self, cases, adviser):
        at_check(cases, adviser)

        response = adviser.post(CHECK, {})

        assert response["Location"] == DONE
        case = Case.objects.get()
        assert (case.uprn, case.data, case.channel) == (ROAD_UPRN, {"depth": "over-40mm"}, "staff")
        assert case.priority == 2
        html = html_of(adviser.get(DONE))
        assert title(html) == "Request logged"
        assert h1(html) == "Request logged"
        due = timezone.localtime(case.sla_due_at)
        assert f"Reference {case.reference}" in text(html)
        assert "It has gone to Roads Maintenance." in html
        assert f"We aim to resolve this by {due.day} {due:%B %Y}." in html
        # What was said is gone from the session; a new request starts afresh.
        assert set(journey(adviser)) >= {"done"}
        assert journey(adviser)["answers"] == {}
        html_of(adviser.get(NEW))
        assert adviser.get(DONE)["Location"] == NEW

    def test_an_open_request_at_the_same_place_is_offered_to_link_to(self, cases, adviser):
        earlier = services.intake(None, pothole(uprn=ROAD_UPRN)).case
        at_check(cases, adviser)

        html = html_of(adviser.get(CHECK))

        assert "It may already have been reported" in html
        assert f"Link to {earlier.reference} instead" in html
        assert "No, log it as a new request" in html
        html = html_of(adviser.post(CHECK, {}))
        assert error_summary(html) == [
            "Select whether to link this to an open request or log a new one"
        ]

        response = adviser.post(CHECK, {"duplicate": str(earlier.pk)})

        assert response["Location"] == DONE
        logged = Case.objects.exclude(pk=earlier.pk).get()
        assert CaseLink.objects.filter(case=logged, other=earlier, kind="duplicate").exists()
        html = html_of(adviser.get(DONE))
        assert f"It is linked to {earlier.reference}" in html

    def test_choosing_a_new_request_logs_it_unlinked(self, cases, adviser):
        services.intake(None, pothole(uprn=ROAD_UPRN))
        at_check(cases, adviser)

        adviser.post(CHECK, {"duplicate": "new"})

        assert Case.objects.count() == 2
        assert not CaseLink.objects.exists()

    def test_a_caller_is_logged_as_the_person_it_is_about(self, cases, adviser):
        adviser.get(f"/cases/new/person/{cases.morag.pk}/")
        choose(adviser)
        adviser.get(WHERE, {"uprn": HOME_UPRN})
        adviser.post("/cases/new/questions/1/", {"depth": "under-40mm"})

        adviser.post(CHECK, {})

        assert Case.objects.get().subject_person_id == cases.morag.pk

    def test_what_intake_refuses_is_listed_with_where_to_put_it_right(self, cases, adviser):
        at_check(cases, adviser)
        # Meanwhile an administrator adds a question the request has not answered.
        from tests.cases.setting import pothole_definition

        fields = [
            *pothole_definition("x")["fields"],
            {"name": "lane", "label": "Which lane is it in?", "type": "text", "required": True},
        ]
        services.save_case_type(
            None, pothole_definition("kinloch/roads-maintenance", fields=fields)
        )

        html = html_of(adviser.post(CHECK, {}))

        assert title(html).startswith("Error: ")
        assert error_summary(html) == ["Enter which lane is it in"]
        assert '<a href="/cases/new/questions/1/">Enter which lane is it in</a>' in html
        assert not Case.objects.exists()


def sign_of_cases(html: str) -> list[list[str]]:
    section = re.search(r'id="cases".*?(<tbody.*?</tbody>)', html, re.S)
    assert section, "no cases table"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", section.group(1), re.S)
    return [
        [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]


class TestPersonPage:
    def test_the_cases_about_a_person_are_listed_newest_first(self, cases):
        first = services.intake(None, pothole(uprn=ROAD_UPRN, subject_person_id=cases.morag.pk))
        second = services.intake(None, pothole(uprn=HOME_UPRN, subject_person_id=cases.morag.pk))

        html = html_of(page_client(cases.adviser).get(f"/people/{cases.morag.pk}/"))

        assert "Cases (2)" in html
        rows = sign_of_cases(html)
        received = timezone.localtime(first.case.received_at)
        assert rows[1] == [
            first.case.reference,
            "Pothole",
            "Reported",
            "Roads Maintenance",
            f"{received.day} {received:%B %Y}",
            "On track",
        ]
        assert rows[0][0] == second.case.reference
        assert f'href="/cases/new/person/{cases.morag.pk}/"' in html
        assert "Log a request for this person" in html

    def test_sensitive_cases_are_not_listed_for_an_adviser(self, cases):
        services.intake(
            None,
            services.IntakeRequest(
                case_type="child-protection-referral",
                channel="staff",
                data={"concern": "Bruising"},
                subject_person_id=cases.morag.pk,
            ),
        )

        adviser_html = html_of(page_client(cases.adviser).get(f"/people/{cases.morag.pk}/"))
        worker_html = html_of(page_client(cases.social_worker).get(f"/people/{cases.morag.pk}/"))

        assert "Cases (0)" in adviser_html
        assert "There are no cases about this person that you may see" in adviser_html
        assert "Child protection referral" in worker_html

    def test_cases_on_a_merged_in_record_are_listed(self, cases):
        other = Person.objects.create(given_name="M", family_name="MacLeod")
        logged = services.intake(None, pothole(uprn=ROAD_UPRN, subject_person_id=other.pk)).case
        merge_people(cases.morag, other, actor=None, reason="The same resident")

        html = html_of(page_client(cases.adviser).get(f"/people/{cases.morag.pk}/"))

        assert logged.reference in html

    def test_someone_who_may_not_see_cases_or_log_them_gets_no_section(self, cases):
        grant(cases.administrator, "people.search")

        html = html_of(page_client(cases.administrator).get(f"/people/{cases.morag.pk}/"))

        assert 'id="cases"' not in html

    def test_warnings_show_their_kind_to_all_and_their_note_to_full_readers(self, cases):
        PersonFlag.objects.create(
            person_id=cases.morag.pk,
            kind="violence",
            note="Threatened staff with a knife in 2025",
            raised_by=cases.roads_leader,
        )
        grant(cases.roads_leader, "people.view_all_people")

        adviser_html = html_of(page_client(cases.adviser).get(f"/people/{cases.morag.pk}/"))
        leader_html = html_of(page_client(cases.roads_leader).get(f"/people/{cases.morag.pk}/"))

        for html in (adviser_html, leader_html):
            assert "Risk of violence or aggression" in html
            assert html.index('id="warnings"') < html.index("You can see this record because")
        assert "Threatened staff" not in adviser_html
        assert "Risk of violence or aggression: Threatened staff with a knife in 2025" in text(
            leader_html
        )

    def test_a_removed_warning_is_not_shown(self, cases):
        PersonFlag.objects.create(
            person_id=cases.morag.pk,
            kind="lone_worker",
            note="-",
            raised_by=cases.roads_leader,
            removed_at=timezone.now(),
        )

        html = html_of(page_client(cases.adviser).get(f"/people/{cases.morag.pk}/"))

        assert 'id="warnings"' not in html


def test_no_address_holds_what_the_caller_said(cases, adviser):
    in_index(cases)
    choose(adviser)
    responses = [
        adviser.post(CALLER, {"action": "search", "name": "Morag MacLoed", "postcode": "KL1 1AA"})
    ]
    for response in responses:
        location = urlsplit(response["Location"])
        assert not location.query
