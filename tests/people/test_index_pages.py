"""The person index as data stewards and the contact centre see it: the review queue, a review,
the golden record with its sources, overrides, merges and unmerges, and the ranked search."""

import re
import uuid
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from burgh.identity.models import AccessLogEntry, RecordRestriction
from burgh.people.models import LinkLabel, MatchReview, Person, SourceRecord
from tests.clients import page_client
from tests.people.index_data import Index, make_index, send
from tests.people.setting import grant

pytestmark = pytest.mark.django_db

QUEUE = "/people/reviews/"


@pytest.fixture
def index(setting) -> Index:
    return make_index(setting)


def html_of(response, status: int = 200) -> str:
    assert response.status_code == status, (response.status_code, response.get("Location"))
    html = response.content.decode()
    assert " style=" not in html, "inline styles are refused by the CSP"
    return html


def text_of(html: str) -> str:
    """The page's words, tags dropped, spaces squeezed: what a reader sees."""
    main = re.search(r"<main[^>]*>(.*)</main>", html, re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main.group(1) if main else html)).split())


def title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match
    return unescape(match.group(1)).strip()


def rows_of(html: str, table_id: str | None = None) -> list[list[str]]:
    """Each body row of the first table (or the one with `table_id`) as its cells' text."""
    if table_id:
        table = re.search(rf'<table[^>]*id="{table_id}"[^>]*>(.*?)</table>', html, re.S)
    else:
        table = re.search(r"<table[^>]*>(.*?)</table>", html, re.S)
    assert table, "no table"
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", table.group(1), re.S)
    assert body
    return [
        [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)
    ]


def restrict(setting, person: Person) -> None:
    restriction = RecordRestriction.objects.create(
        kind="people.person",
        record_id=person.pk,
        category=RecordRestriction.Category.HIGH_PROFILE,
        reason="Councillor",
        restricted_by=setting.officer,
        review_on=timezone.localdate() + timedelta(days=180),
    )
    restriction.named_users.set([setting.officer])


def second_review() -> MatchReview:
    """A second pair, newer than the first: Ewan Grant, and an initial-only record of him."""
    send(
        "nhs-chi",
        "CHI-0203851234",
        {
            "given_name": "Ewan",
            "family_name": "Grant",
            "date_of_birth": "1985-03-02",
            "sex": "male",
            "address": "12 Shore Road, Ardmhor",
            "postcode": "KL6 1BD",
        },
        day=5,
    )
    sent = send(
        "housing",
        "HT010002",
        {
            "given_name": "E",
            "family_name": "Grant",
            "date_of_birth": "1985-03-02",
            "address": "7 Glebe Road, Inverbrae",
            "postcode": "KL4 1AA",
        },
        day=6,
    )
    assert sent.review is not None, sent.outcome
    return sent.review


class TestReviewQueue:
    def test_a_steward_sees_the_pairs_waiting_oldest_first_with_their_weight(self, index):
        older = index.review
        assert older is not None
        newer = second_review()

        html = html_of(page_client(index.steward).get(QUEUE))

        assert title(html).startswith("Matches to review")
        assert "2 pairs are waiting" in text_of(html)
        rows = rows_of(html)
        assert [row[0] for row in rows] == [
            "I MacKay, born 14 May 1990 Housing management",
            "E Grant, born 2 March 1985 Housing management",
        ]
        assert rows[0][2] == f"{older.weight:.1f}"
        assert f'href="/people/reviews/{older.pk}/"' in html
        assert f'href="/people/reviews/{newer.pk}/"' in html

    def test_the_navigation_leads_stewards_and_only_stewards_to_the_queue(self, setting, index):
        link = f'href="{QUEUE}"'
        assert link in html_of(page_client(index.steward).get("/"))
        grant(setting.adviser, "people.view_all_people")
        adviser_home = html_of(page_client(setting.adviser).get("/"))
        assert "Find a person" in adviser_home
        assert link not in adviser_home

    def test_someone_who_may_not_review_is_refused(self, setting, index):
        grant(setting.adviser, "people.view_all_people")

        html_of(page_client(setting.adviser).get(QUEUE), 403)
        html_of(page_client(setting.adviser).get(f"/people/reviews/{index.review.pk}/"), 403)

    def test_a_pair_with_a_restricted_person_is_not_in_the_queue(self, setting, index):
        restrict(setting, index.isla)

        html = html_of(page_client(index.steward).get(QUEUE))

        assert "0 pairs are waiting" in text_of(html)
        assert "MacKay" not in html
        html_of(page_client(index.steward).get(f"/people/reviews/{index.review.pk}/"), 404)

    def test_the_people_listed_are_in_their_access_logs(self, index):
        page_client(index.steward).get(QUEUE)

        listed = set(
            AccessLogEntry.objects.filter(user=index.steward, action="listed").values_list(
                "record_id", flat=True
            )
        )
        review = index.review
        assert listed == {review.record.person_id, review.candidate.person_id}


class TestReview:
    def path(self, index: Index) -> str:
        return f"/people/reviews/{index.review.pk}/"

    def test_the_records_side_by_side_say_in_words_where_they_differ(self, index):
        html = html_of(page_client(index.steward).get(self.path(index)))

        assert title(html).startswith("Are these the same person?")
        rows = {row[0]: row[1:] for row in rows_of(html, "compare")}
        assert rows["Given name"] == ["I", "Isla", "Different"]
        assert rows["Family name"] == ["MacKay", "MacKay", "Same"]
        assert rows["Date of birth"] == ["14 May 1990", "14 May 1990", "Same"]
        assert rows["Address"][2] == "Different"
        assert rows["Sex"] == ["Not recorded", "Female", "Only one has it"]
        assert "National identifier" in rows

    def test_the_explanation_gives_each_comparison_its_weight_the_total_and_probability(
        self, index
    ):
        review = index.review
        html = html_of(page_client(index.steward).get(self.path(index)))
        words = text_of(html)

        for level in review.explanation:
            assert level["label"][0].upper() + level["label"][1:] in words
        sign = "+" if review.weight > 0 else "\u2212"
        assert f"Total weight {sign}{abs(review.weight):.2f}" in words
        assert "Starting point" in words
        postcode = next(lv for lv in review.explanation if lv["comparison"] == "postcode")
        assert f"\u2212{abs(postcode['weight']):.2f} against the same person" in words
        assert f"Probability that these are the same person: {review.probability * 100:.1f}%" in (
            words
        )

    def test_opening_a_review_is_in_both_peoples_access_logs(self, index):
        page_client(index.steward).get(self.path(index))

        viewed = set(
            AccessLogEntry.objects.filter(user=index.steward, action="viewed").values_list(
                "record_id", flat=True
            )
        )
        assert viewed == {index.review.record.person_id, index.review.candidate.person_id}

    def test_saying_nothing_is_an_error_linked_to_the_choices(self, index):
        html = html_of(page_client(index.steward).post(self.path(index), {"note": "Unsure"}))

        assert title(html).startswith("Error: ")
        assert '<a href="#decision">Select whether these are the same person</a>' in html
        index.review.refresh_from_db()
        assert index.review.status == "pending"

    def test_not_a_match_keeps_them_apart_and_leaves_the_queue(self, index):
        client = page_client(index.steward)

        response = client.post(
            self.path(index), {"decision": "not_match", "note": "Different middle name"}
        )

        assert response.status_code == 302
        assert response["Location"] == QUEUE
        review = MatchReview.objects.get(pk=index.review.pk)
        assert (review.status, review.note, review.decided_by) == (
            "not_match",
            "Different middle name",
            index.steward,
        )
        assert LinkLabel.objects.filter(review=review, same=False).exists()
        html = html_of(client.get(QUEUE))
        assert "The two records were kept apart as different people." in text_of(html)
        assert "0 pairs are waiting" in text_of(html)

    def test_a_match_joins_them_and_the_next_pair_opens(self, index):
        newer = second_review()
        retired = index.review.record.person_id

        response = page_client(index.steward).post(self.path(index), {"decision": "match"})

        assert response["Location"] == f"/people/reviews/{newer.pk}/"
        assert Person.objects.get(pk=retired).merged_into_id == index.isla.pk
        assert set(
            SourceRecord.objects.filter(person=index.isla).values_list("system__slug", flat=True)
        ) == {
            "nhs-chi",
            "council-tax",
            "housing",
        }

    def test_a_decided_review_shows_the_decision_and_no_form(self, index):
        client = page_client(index.steward)
        client.post(self.path(index), {"decision": "not_match"})

        html = html_of(client.get(self.path(index)))

        assert "Not the same person: decided by Shona Duff" in text_of(html)
        assert 'name="decision"' not in html


class TestGoldenRecord:
    def test_each_value_shows_its_source_and_the_rule_that_chose_it(self, index):
        html = html_of(page_client(index.steward).get(f"/people/{index.isla.pk}/"))

        rows = {row[0]: row[1:] for row in rows_of(html.split('id="golden"')[1])}
        assert rows["Given name"][:3] == [
            "Isla",
            "NHS patient index (CHI-1405901234)",
            "Most trusted source",
        ]
        assert rows["Postcode"][:3] == ["KL14QT", "Council tax (CTR3000101)", "Most recent"]
        assert rows["Sex"][0] == "Female"

    def test_the_source_records_behind_the_person_are_listed_as_received(self, index):
        html = html_of(page_client(index.steward).get(f"/people/{index.isla.pk}/"))
        words = text_of(html)

        assert "Source records (2)" in words
        assert "Council tax: CTR3000101" in words
        assert "NHS patient index: CHI-1405901234" in words
        assert "FLAT 2/1, 14 HARBOUR STREET, KINLOCH" in words
        assert "Linked automatically" in words

    def test_the_directory_sees_neither_sources_nor_source_records(self, setting, index):
        html = html_of(page_client(setting.adviser).get(f"/people/{index.isla.pk}/"))

        assert "Isla" in html
        for withheld in ("Where these details come from", "Source records", "CHI-1405901234"):
            assert withheld not in html


class TestOverride:
    def path(self, index: Index, field: str = "family_name") -> str:
        return f"/people/{index.isla.pk}/override/{field}"

    def test_a_steward_sets_a_value_that_wins_over_every_source(self, index):
        client = page_client(index.steward)

        response = client.post(
            self.path(index), {"value": "MacKay-Ross", "reason": "Marriage certificate seen"}
        )

        assert response["Location"] == f"/people/{index.isla.pk}/#golden"
        html = html_of(client.get(f"/people/{index.isla.pk}/"))
        rows = {row[0]: row[1:] for row in rows_of(html.split('id="golden"')[1])}
        assert rows["Family name"][:3] == [
            "MacKay-Ross",
            "Set by a data steward",
            "Set by a data steward",
        ]
        assert "Family name is now set by you" in text_of(html)
        assert Person.objects.get(pk=index.isla.pk).family_name == "MacKay-Ross"

    def test_a_date_of_birth_is_typed_as_a_date(self, index):
        client = page_client(index.steward)
        bad = {"value_day": "31", "value_month": "2", "value_year": "1990", "reason": "GP letter"}

        html = html_of(client.post(self.path(index, "date_of_birth"), bad))
        assert '<a href="#value_day">Date of birth must be a real date</a>' in html

        good = {**bad, "value_day": "15"}
        client.post(self.path(index, "date_of_birth"), good)
        assert str(Person.objects.get(pk=index.isla.pk).date_of_birth) == "1990-02-15"

    def test_a_reason_is_needed(self, index):
        html = html_of(page_client(index.steward).post(self.path(index), {"value": "Ross"}))

        assert '<a href="#reason">Enter why you are setting it</a>' in html
        assert Person.objects.get(pk=index.isla.pk).family_name == "MacKay"

    def test_removing_it_lets_the_sources_decide_again(self, index):
        client = page_client(index.steward)
        client.post(self.path(index), {"value": "Ross", "reason": "Deed poll"})

        client.post(self.path(index), {"action": "clear"})

        assert Person.objects.get(pk=index.isla.pk).family_name == "MacKay"

    def test_the_address_picker_fills_in_the_uprn_or_address_it_chose(self, index):
        from burgh.places.services import import_gazetteer

        import_gazetteer(
            [
                {
                    "uprn": "134000000777",
                    "organisation": "",
                    "sub_building": "Flat 0/2",
                    "building_name": "",
                    "building_number": "3",
                    "street": "Harbour Street",
                    "locality": "",
                    "town": "Kinloch",
                    "postcode": "KL1 4QT",
                }
            ]
        )
        client = page_client(index.steward)
        form = html_of(client.get(self.path(index, "uprn")))
        assert f"/places/?next=%2Fpeople%2F{index.isla.pk}%2Foverride%2Fuprn" in form
        assert "Find the address in the gazetteer" not in html_of(client.get(self.path(index)))

        chosen = html_of(client.get(self.path(index, "uprn") + "?uprn=134000000777"))
        assert 'value="134000000777"' in chosen
        address = html_of(client.get(self.path(index, "address") + "?uprn=134000000777"))
        assert 'value="Flat 0/2, 3 Harbour Street, Kinloch, KL1 4QT"' in address
        unknown = html_of(client.get(self.path(index, "uprn") + "?uprn=999"))
        assert 'value="999"' not in unknown

    def test_only_those_who_manage_source_records_may(self, setting, index):
        grant(setting.social_worker, "people.view_all_people")

        html_of(page_client(setting.social_worker).get(self.path(index)), 403)
        html = html_of(page_client(setting.social_worker).get(f"/people/{index.isla.pk}/"))
        assert "/override/" not in html


class TestMergeAndUnmerge:
    def other(self, index: Index) -> Person:
        return Person.objects.get(pk=index.review.record.person_id)

    def test_a_steward_finds_the_other_person_by_name(self, index):
        html = html_of(
            page_client(index.steward).get(f"/people/{index.isla.pk}/merge", {"other": "I MacKay"})
        )

        other = self.other(index)
        assert "1 person found" in text_of(html)
        assert f'href="/people/{index.isla.pk}/merge/{other.pk}"' in html

    def test_an_id_goes_straight_to_the_check(self, index):
        other = self.other(index)

        response = page_client(index.steward).get(
            f"/people/{index.isla.pk}/merge", {"other": str(other.pk)}
        )

        assert response["Location"] == f"/people/{index.isla.pk}/merge/{other.pk}"

    def test_the_check_shows_both_and_merging_leaves_the_old_id_leading_here(self, index):
        other = self.other(index)
        client = page_client(index.steward)
        confirm = f"/people/{index.isla.pk}/merge/{other.pk}"

        html = html_of(client.get(confirm))
        rows = {row[0]: row[1:] for row in rows_of(html)}
        assert rows["Date of birth"] == ["14 May 1990", "14 May 1990", "Same"]
        assert rows["Postcode"] == ["KL14QT", "KL6 2AB", "Different"]
        assert "Enter the reason" in html_of(client.post(confirm, {"reason": ""}))

        response = client.post(confirm, {"reason": "Same CHI number on the housing file"})

        assert response["Location"] == f"/people/{index.isla.pk}/"
        retired = html_of(client.get(f"/people/{other.pk}/"))
        assert title(retired).startswith("This record was merged")
        assert f'href="/people/{index.isla.pk}/"' in retired
        person = html_of(client.get(f"/people/{index.isla.pk}/"))
        assert "Source records (3)" in text_of(person)
        assert f"Person {other.pk} was merged into this one (1 record)" in text_of(person)
        assert "Same CHI number on the housing file" in text_of(person)

    def test_unmerge_restores_the_old_id_with_its_records(self, index):
        other = self.other(index)
        client = page_client(index.steward)
        client.post(f"/people/{index.isla.pk}/merge/{other.pk}", {"reason": "Looked alike"})
        person = html_of(client.get(f"/people/{index.isla.pk}/"))
        unmerge = re.search(r'href="(/people/merges/[^"]+/unmerge)"', person)
        assert unmerge

        html_of(client.post(unmerge.group(1), {"reason": ""}))
        response = client.post(unmerge.group(1), {"reason": "Different people after all"})

        assert response["Location"] == f"/people/{other.pk}/"
        restored = html_of(client.get(f"/people/{other.pk}/"))
        assert "Source records (1)" in text_of(restored)
        assert "Housing management: HT010001" in text_of(restored)
        assert Person.objects.get(pk=other.pk).merged_into_id is None
        assert "This merge has already been undone" in text_of(
            html_of(client.get(unmerge.group(1)))
        )

    def test_merging_needs_the_permission(self, setting, index):
        grant(setting.social_worker, "people.view_all_people")
        other = self.other(index)

        html_of(page_client(setting.social_worker).get(f"/people/{index.isla.pk}/merge"), 403)
        html_of(
            page_client(setting.social_worker).post(
                f"/people/{index.isla.pk}/merge/{other.pk}", {"reason": "x"}
            ),
            403,
        )
        assert Person.objects.get(pk=other.pk).merged_into_id is None

    def test_a_retired_id_is_not_found_by_someone_who_cannot_see_where_it_went(
        self, setting, index
    ):
        other = self.other(index)
        page_client(index.steward).post(
            f"/people/{index.isla.pk}/merge/{other.pk}", {"reason": "Same person"}
        )
        restrict(setting, index.isla)

        retired = html_of(page_client(index.steward).get(f"/people/{other.pk}/"), 404)
        never = html_of(page_client(index.steward).get(f"/people/{uuid.uuid4()}/"), 404)
        assert title(retired) == title(never)


class TestRankedSearch:
    def test_a_name_with_a_typo_finds_the_person_first(self, setting, index):
        html = html_of(page_client(setting.adviser).get("/people/", {"q": "Ilsa Mackay"}))

        best = html.split('id="best"')[1]
        first = rows_of(best)[0]
        assert first[:2] == ["Isla MacKay", "14 May 1990"]
        assert f'href="/people/{index.isla.pk}/"' in best

    def test_a_postcode_alone_ranks_without_listing_or_exporting_everyone(self, setting, index):
        grant(setting.adviser, "people.export_people")

        html = html_of(page_client(setting.adviser).get("/people/", {"postcode": "KL1 4QT"}))

        assert "Best matches" in html
        assert "Isla MacKay" in text_of(html)
        assert "people found" not in html
        assert "Export these results" not in html
        response = page_client(setting.adviser).get("/people/export", {"postcode": "KL1 4QT"})
        assert response.status_code == 302

    def test_a_restricted_person_is_not_ranked(self, setting, index):
        restrict(setting, index.isla)

        html = html_of(page_client(setting.adviser).get("/people/", {"q": "Isla MacKay"}))

        assert f"/people/{index.isla.pk}/" not in html

    def test_an_empty_search_asks_for_any_of_the_four(self, setting):
        html = html_of(page_client(setting.adviser).get("/people/", {"q": ""}))

        assert '<a href="#q">Enter a name, date of birth, postcode or address</a>' in html
