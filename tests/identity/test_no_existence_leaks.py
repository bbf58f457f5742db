"""Guessing ids, editing URLs and comparing answers must not reveal that a restricted record exists.

A restricted record, a record the reader has no business knowing of, and an id that was never
used all get the same answer, after the same work (the same database queries), on the API and
on the pages.
"""

import re
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from burgh.identity.models import Organisation, RecordRestriction
from burgh.identity.services import restrictions
from burgh.people.models import Person
from tests.clients import page_client, token_client
from tests.factories import OrganisationFactory, RoleAssignmentFactory, RoleFactory, UserFactory

# Parts of an answer that differ on every request whatever the record.
VARYING = re.compile(
    r'("instance":\s*"[^"]*"|"request_id":\s*"[^"]*"|/people/[0-9a-f-]{36}|'
    r'nonce="[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"|[0-9a-f]{8}-[0-9a-f-]{27})'
)


def _grant(user, *permissions):
    RoleAssignmentFactory(user=user, role=RoleFactory(permissions=list(permissions)))


@pytest.fixture
def records(db):
    council = OrganisationFactory(slug="kinloch", kind=Organisation.Kind.COUNCIL)
    officer = UserFactory(organisation=council)
    _grant(officer, restrictions.MANAGE_RESTRICTIONS)
    restricted = Person.objects.create(given_name="Hidden", family_name="Person")
    restrictions.restrict_record(
        by=officer,
        kind="people.person",
        record_id=restricted.pk,
        category=RecordRestriction.Category.ADOPTION,
        reason="Adoption placement",
        named_users=[officer],
    )
    unrelated = Person.objects.create(given_name="Other", family_name="Resident")
    reader = UserFactory(organisation=council)
    # Sees people they work with only, and cannot take emergency access.
    _grant(reader, "people.view_person")
    adviser = UserFactory(organisation=council)
    _grant(adviser, "people.search")
    return {"restricted": restricted, "unrelated": unrelated, "reader": reader, "adviser": adviser}


def _api(user) -> Client:
    client = token_client(user)
    # The first use of a token records it; warm up so both compared answers do the same work.
    client.get(f"/api/v1/people/{uuid.uuid4()}")
    return client


def _page(user) -> Client:
    client = page_client(user)
    client.get(f"/people/{uuid.uuid4()}/")
    return client


def _answer(client: Client, path: str, method: str = "get", **kwargs) -> tuple[int, str, set, int]:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, **kwargs)
    headers = {name.lower() for name in response.headers} - {"content-length"}
    body = VARYING.sub("<varies>", response.content.decode())
    return response.status_code, body, headers, len(queries)


@pytest.mark.parametrize("who", ["reader", "adviser"])
def test_api_detail_cannot_tell_restricted_from_never_existed(records, who):
    client = _api(records[who])
    restricted = _answer(client, f"/api/v1/people/{records['restricted'].pk}")
    missing = _answer(client, f"/api/v1/people/{uuid.uuid4()}")
    assert restricted[0] == 404
    assert restricted == missing


def test_api_detail_cannot_tell_unrelated_from_never_existed_without_break_glass(records):
    client = _api(records["reader"])
    unrelated = _answer(client, f"/api/v1/people/{records['unrelated'].pk}")
    missing = _answer(client, f"/api/v1/people/{uuid.uuid4()}")
    assert unrelated[0] == 404
    assert unrelated == missing


@pytest.mark.parametrize("who", ["reader", "adviser"])
def test_person_page_cannot_tell_restricted_from_never_existed(records, who):
    client = _page(records[who])
    restricted = _answer(client, f"/people/{records['restricted'].pk}/")
    missing = _answer(client, f"/people/{uuid.uuid4()}/")
    assert restricted[0] == 404
    assert restricted == missing


def test_emergency_access_on_a_restricted_record_answers_as_for_a_missing_one(records):
    breaker = UserFactory(organisation=records["reader"].organisation)
    _grant(breaker, "people.view_person", "people.break_glass")
    client = _api(breaker)
    body = {"reason": "Resident collapsed in the office", "purpose": "safeguarding", "minutes": 15}
    restricted = _answer(
        client,
        f"/api/v1/people/{records['restricted'].pk}/emergency-access",
        method="post",
        data=body,
        content_type="application/json",
    )
    missing = _answer(
        client,
        f"/api/v1/people/{uuid.uuid4()}/emergency-access",
        method="post",
        data=body,
        content_type="application/json",
    )
    assert restricted[0] == 404
    assert restricted == missing


def test_searches_and_counts_leave_restricted_records_out(records):
    client = _api(records["adviser"])
    listed = client.get("/api/v1/people", {"q": "Hidden"}).json()
    assert listed["items"] == []
    assert client.get("/api/v1/people/count", {"q": "Hidden"}).json() == {"count": 0}
    assert client.get("/api/v1/people/count").json() == {"count": 1}
    html = _page(records["adviser"]).get("/people/", {"q": "Hidden"}).content.decode()
    assert "Hidden" not in html.replace('value="Hidden"', "")


def test_refused_attempts_on_a_restricted_record_are_in_its_access_log(records):
    from burgh.identity.models import AccessLogEntry

    _api(records["reader"]).get(f"/api/v1/people/{records['restricted'].pk}")
    entry = AccessLogEntry.objects.get(record_id=records["restricted"].pk)
    assert (entry.user, entry.outcome, entry.rule) == (records["reader"], "refused", "restricted")
