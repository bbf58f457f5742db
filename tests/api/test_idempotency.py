"""Idempotency-Key: a retried create returns the first answer and never makes a second record."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from burgh.core.idempotency import purge_idempotency_records
from burgh.core.models import IdempotencyRecord, OutboxEvent
from burgh.identity.models import Team
from tests.api.conftest import ApiClient, problem

pytestmark = pytest.mark.django_db

FLOOD_TEAM = {
    "name": "River Leven flood response",
    "kind": "rapid_response",
    "starts_on": "2026-01-10",
    "ends_on": "2026-02-10",
}


def _create(api, body=FLOOD_TEAM, key="6f1c1f1e-flood"):
    return api.post("/api/v1/teams", body, headers={"Idempotency-Key": key})


def test_a_create_answers_201_with_location_and_etag(api):
    response = _create(api)

    assert response.status_code == 201, response.content
    team = Team.objects.get()
    assert response["Location"] == f"/api/v1/teams/{team.pk}"
    assert response["ETag"] == '"1"'
    assert "Idempotent-Replayed" not in response


def test_a_retry_with_the_same_key_replays_the_first_answer(api):
    first = _create(api)

    retry = _create(api)

    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.content == first.content
    assert retry["Location"] == first["Location"]
    assert retry["ETag"] == first["ETag"]
    assert Team.objects.count() == 1
    assert OutboxEvent.objects.filter(type="gov.burgh.identity.team.created").count() == 1


def test_the_same_body_with_keys_in_another_order_is_the_same_request(api):
    _create(api)

    retry = api.post(
        "/api/v1/teams",
        '{"ends_on":"2026-02-10","starts_on":"2026-01-10",'
        '"kind":"rapid_response","name":"River Leven flood response"}',
        headers={"Idempotency-Key": "6f1c1f1e-flood"},
    )

    assert retry["Idempotent-Replayed"] == "true"


def test_the_same_key_with_a_different_body_is_422(api, unchanged):
    _create(api)

    with unchanged():
        response = _create(api, {**FLOOD_TEAM, "name": "Another team"})

    body = problem(response, 422)
    assert body["type"] == "https://burgh.example/problems/idempotency-key-reused"
    assert "6f1c1f1e-flood" in body["detail"]


def test_a_retry_while_the_first_is_still_running_is_409(api, monkeypatch):
    from burgh.identity import api as identity_api

    real_create_team = identity_api.create_team
    retries = []

    def create_team_while_client_retries(**kwargs):
        # The client gives up waiting and retries before the first request finishes.
        retries.append(_create(api))
        return real_create_team(**kwargs)

    monkeypatch.setattr(identity_api, "create_team", create_team_while_client_retries)

    first = _create(api)

    assert first.status_code == 201
    body = problem(retries[0], 409)
    assert body["type"] == "https://burgh.example/problems/idempotency-key-in-use"
    assert retries[0]["Retry-After"] == "1"
    assert Team.objects.count() == 1


def test_keys_belong_to_their_user(api, api_as, council):
    from tests.factories import RoleAssignmentFactory, RoleFactory, UserFactory

    colleague = UserFactory(organisation=council)
    RoleAssignmentFactory(user=colleague, role=RoleFactory(slug="team-admin"))
    _create(api)

    theirs = _create(api_as(colleague), {**FLOOD_TEAM, "name": "Their team"})

    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert Team.objects.count() == 2


def test_a_refused_create_releases_the_key_so_a_corrected_retry_works(api, manager):
    from burgh.identity.models import RoleAssignment

    RoleAssignment.objects.filter(user=manager).delete()
    problem(_create(api), 403)
    assert not IdempotencyRecord.objects.exists()

    from tests.factories import RoleAssignmentFactory, RoleFactory

    RoleAssignmentFactory(user=manager, role=RoleFactory(slug="team-admin"))
    retry = _create(api)

    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry


def test_a_malformed_key_is_400(api, unchanged):
    with unchanged():
        response = _create(api, key="has spaces in it")

    body = problem(response, 400)
    assert body["errors"][0]["pointer"] == "header.Idempotency-Key"


def test_a_create_without_a_key_still_works(api):
    response = api.post("/api/v1/teams", FLOOD_TEAM)

    assert response.status_code == 201
    assert not IdempotencyRecord.objects.exists()


def test_an_abandoned_claim_is_taken_over_by_a_retry(api, manager):
    # A worker died after claiming the key: its record was never completed.
    _create(api)
    record = IdempotencyRecord.objects.get()
    fingerprint = record.request_hash
    Team.objects.all().delete()
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        state=IdempotencyRecord.IN_PROGRESS,
        response_status=None,
        created_at=timezone.now() - timedelta(minutes=10),
    )

    retry = _create(api)

    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry
    assert IdempotencyRecord.objects.get().request_hash == fingerprint
    assert Team.objects.count() == 1


def test_old_records_are_purged_and_recent_ones_kept(api):
    _create(api, key="old")
    _create(api, {**FLOOD_TEAM, "name": "Second team"}, key="new")
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(hours=25)
    )

    removed = purge_idempotency_records(timedelta(hours=24))

    assert removed == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_retries_on_postgres_create_one_team(manager, issue, monkeypatch):
    # Only the race is under test; waking the outbox relay after commit is not.
    monkeypatch.setattr("burgh.core.events._wake_relay", lambda: None)
    _token, raw = issue(manager)
    start = threading.Barrier(3)
    statuses: list[int] = []

    def send():
        try:
            start.wait()
            statuses.append(_create(ApiClient(raw)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Team.objects.count() == 1
    assert 201 in statuses
    assert set(statuses) <= {201, 409}
