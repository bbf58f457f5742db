"""The cases API as an integration uses it: case types, logging a case, reading it through the
policy, changing it safely (If-Match, Idempotency-Key) and the work on it."""

import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest

from burgh.cases import services
from burgh.cases.models import (
    Case,
    CaseDecision,
    CaseLink,
    CaseNote,
    CaseParty,
    CaseTask,
    ChronologyEntry,
    PersonFlag,
)
from burgh.cases.services import IntakeRequest
from burgh.core.models import AuditEntry, IdempotencyRecord, OutboxEvent
from burgh.identity.models import AccessLogEntry
from burgh.identity.services.tokens import issue_api_token
from tests.api.conftest import ApiClient, problem
from tests.cases.setting import HOME_UPRN, ROAD_UPRN

CASES = "/api/v1/cases"
BOTH = ("cases:read", "cases:write")
DIRECTORY_KEYS = {
    "id",
    "version",
    "reference",
    "case_type",
    "status",
    "status_label",
    "stage",
    "outcome",
    "closed_at",
    "team",
    "received_at",
    "sla_state",
    "sla_due_at",
    "sla_at_risk_at",
}
WORK_KEYS = {"parties", "links", "tasks", "decisions"}


@pytest.fixture
def api_for():
    def _client(user, scopes=BOTH):
        _token, raw = issue_api_token(
            user, name="Case system", scopes=list(scopes), expires_in=timedelta(days=30)
        )
        return ApiClient(raw)

    return _client


def pothole(cases, **changes):
    values = {
        "case_type": "pothole",
        "channel": "staff",
        "data": {"depth": "over-40mm"},
        "uprn": ROAD_UPRN,
    }
    return services.intake(cases.adviser, IntakeRequest(**{**values, **changes})).case


def referral(cases):
    request = IntakeRequest(
        case_type="child-protection-referral",
        channel="staff",
        data={"concern": "Bruising seen at school"},
        subject_person_id=cases.morag.pk,
    )
    return services.intake(cases.children_leader, request).case


def state():
    """What a refused request must leave as it was (the refusal itself goes on the record)."""
    return (
        list(Case.objects.order_by("id").values()),
        ChronologyEntry.objects.count(),
        CaseLink.objects.count(),
        CaseNote.objects.count(),
        OutboxEvent.objects.count(),
        IdempotencyRecord.objects.count(),
        AuditEntry.objects.filter(action__startswith="cases.", outcome="success")
        .exclude(action="cases.case.read")
        .count(),
    )


@contextmanager
def unchanged():
    before = state()
    yield
    assert state() == before


def etag(client, case):
    response = client.get(f"{CASES}/{case.pk}")
    assert response.status_code == 200, response.content
    return response["ETag"]


class TestCaseTypes:
    def test_the_active_types_with_their_statuses_outcomes_decisions_and_sla(self, cases, api_for):
        types = api_for(cases.adviser).get(f"{CASES}/case-types").json()

        by_code = {item["code"]: item for item in types}
        assert set(by_code) == {"pothole", "child-protection-referral"}
        pothole_type = by_code["pothole"]
        assert pothole_type["statuses"][0] == {
            "code": "reported",
            "label": "Reported",
            "stage": "open",
        }
        assert pothole_type["transitions"]["reported"] == ["inspection"]
        assert {o["code"] for o in pothole_type["outcomes"]} == {"repaired", "below-intervention"}
        assert pothole_type["sla"]["description"] == "5 working days; at risk 1 working day before"
        referral_type = by_code["child-protection-referral"]
        assert referral_type["sensitive"] is True
        assert referral_type["decision_kinds"][0] == {
            "code": "section-decision",
            "label": "Section decision",
            "needs_authorisation": True,
        }

    def test_one_type_says_what_data_to_send_as_a_json_schema(self, cases, api_for):
        body = api_for(cases.adviser).get(f"{CASES}/case-types/pothole").json()

        schema = body["data_schema"]
        assert schema["required"] == ["depth"]
        assert schema["properties"]["depth"]["enum"] == ["under-40mm", "over-40mm"]
        assert schema["properties"]["near_school"]["type"] == "boolean"
        assert schema["additionalProperties"] is False
        assert [field["name"] for field in body["fields"]] == ["depth", "near_school"]

    def test_a_retired_or_unknown_type_is_not_found(self, cases, api_for):
        cases.pothole.active = False
        cases.pothole.save()
        client = api_for(cases.adviser)

        assert [t["code"] for t in client.get(f"{CASES}/case-types").json()] == [
            "child-protection-referral"
        ]
        problem(client.get(f"{CASES}/case-types/pothole"), 404)
        problem(client.get(f"{CASES}/case-types/no-such-type"), 404)

    def test_a_token_without_the_scope_is_refused(self, cases, api_for):
        body = problem(api_for(cases.adviser, ["people:read"]).get(f"{CASES}/case-types"), 403)

        assert body["required_scope"] == "cases:read"


class TestIntake:
    def log(self, client, headers=None, **changes):
        body = {"case_type": "pothole", "data": {"depth": "over-40mm"}, "uprn": ROAD_UPRN}
        return client.post(CASES, {**body, **changes}, headers=headers)

    def test_an_adviser_logs_a_case_and_sees_its_directory_entry(self, cases, api_for):
        response = self.log(api_for(cases.adviser), external_ref="CRM-1")

        assert response.status_code == 201, response.content
        body = response.json()
        case = Case.objects.get()
        assert response["Location"] == f"{CASES}/{case.pk}"
        assert response["ETag"] == f'"{case.version}"'
        assert set(body) == DIRECTORY_KEYS | {"possible_duplicates"}
        assert body["reference"] == case.reference
        assert body["status"] == "reported"
        assert body["team"] == {"id": str(cases.roads.pk), "name": "Roads Maintenance"}
        assert body["possible_duplicates"] == []
        assert (case.channel, case.external_ref, case.priority) == ("api", "CRM-1", 2)

    def test_open_cases_at_the_same_place_are_offered_as_possible_duplicates(self, cases, api_for):
        first = pothole(cases)

        body = self.log(api_for(cases.adviser)).json()

        [offered] = body["possible_duplicates"]
        received = datetime.fromisoformat(offered.pop("received_at"))
        assert offered == {"id": str(first.pk), "reference": first.reference, "status": "reported"}
        assert abs(received - first.received_at) < timedelta(milliseconds=1)

    def test_the_answer_carries_the_reference_of_a_case_the_caller_may_not_see(
        self, cases, api_for
    ):
        response = api_for(cases.adviser).post(
            CASES,
            {
                "case_type": "child-protection-referral",
                "data": {"concern": "Left alone overnight"},
                "subject_person_id": str(cases.morag.pk),
            },
        )

        assert response.status_code == 201, response.content
        case = Case.objects.get()
        assert response.json() == {
            "id": str(case.pk),
            "version": case.version,
            "reference": case.reference,
            "possible_duplicates": [],
        }

    def test_an_unknown_case_type_is_named_and_nothing_is_saved(self, cases, api_for):
        with unchanged():
            body = problem(self.log(api_for(cases.adviser), case_type="potholes"), 422)

        assert "'potholes'" in body["detail"]
        assert [e["pointer"] for e in body["errors"]] == ["#/case_type"]

    def test_a_missing_required_answer_points_into_data(self, cases, api_for):
        with unchanged():
            body = problem(self.log(api_for(cases.adviser), data={"near_school": True}), 422)

        assert [e["pointer"] for e in body["errors"]] == ["#/data/depth"]
        assert "how deep" in body["errors"][0]["detail"].lower()

    def test_an_unknown_field_in_the_body_is_refused(self, cases, api_for):
        with unchanged():
            body = problem(self.log(api_for(cases.adviser), colour="red"), 422)

        assert body["errors"][0]["pointer"] == "#/colour"

    def test_a_retry_with_the_same_key_replays_the_first_answer(self, cases, api_for):
        client = api_for(cases.adviser)
        key = {"Idempotency-Key": str(uuid.uuid4())}

        first = self.log(client, headers=key)
        again = self.log(client, headers=key)

        assert (first.status_code, again.status_code) == (201, 201)
        assert again["Idempotent-Replayed"] == "true"
        assert again.json() == first.json()
        assert again["Location"] == first["Location"]
        assert Case.objects.count() == 1

    def test_the_same_key_with_another_body_is_422_and_logs_nothing_more(self, cases, api_for):
        client = api_for(cases.adviser)
        key = {"Idempotency-Key": str(uuid.uuid4())}
        self.log(client, headers=key)

        with unchanged():
            body = problem(self.log(client, headers=key, title="Another pothole"), 422)

        assert body["type"].endswith("/idempotency-key-reused")
        assert Case.objects.count() == 1

    def test_a_worker_without_leave_to_log_requests_is_refused(self, cases, api_for):
        with unchanged():
            problem(self.log(api_for(cases.inspector)), 403)


class TestReading:
    def test_the_team_reads_every_field_and_the_work_with_an_etag(self, cases, api_for):
        case = pothole(cases)

        response = api_for(cases.inspector).get(f"{CASES}/{case.pk}")

        assert response["ETag"] == f'"{case.version}"'
        body = response.json()
        assert set(body) >= WORK_KEYS
        assert body["data"] == {"depth": "over-40mm"}
        assert body["uprn"] == ROAD_UPRN
        assert body["channel"] == "staff"

    def test_an_adviser_reads_the_directory_entry_only(self, cases, api_for):
        case = pothole(cases)

        body = api_for(cases.adviser).get(f"{CASES}/{case.pk}").json()

        assert set(body) == DIRECTORY_KEYS
        problem(api_for(cases.adviser).get(f"{CASES}/{case.pk}/chronology"), 403)

    @pytest.mark.parametrize("who", ["adviser", "inspector", "roads_leader"])
    def test_a_sensitive_case_is_not_found_outside_its_team(self, cases, api_for, who):
        case = referral(cases)
        client = api_for(getattr(cases, who))

        hidden = client.get(f"{CASES}/{case.pk}")
        missing = client.get(f"{CASES}/{uuid.uuid4()}")

        assert problem(hidden, 404) == {
            **problem(missing, 404),
            "instance": hidden.wsgi_request.path,
        }
        assert not AuditEntry.objects.filter(action="cases.case.read").exists()

    @pytest.mark.parametrize("keyed", [False, True])
    def test_a_refused_change_is_logged_though_it_changes_nothing(self, cases, api_for, keyed):
        case = referral(cases)
        headers = {"Idempotency-Key": str(uuid.uuid4())} if keyed else {}

        response = api_for(cases.inspector).post(
            f"{CASES}/{case.pk}/notes", {"body": "Looked in"}, headers=headers
        )

        problem(response, 404)
        assert not case.notes.exists()
        refused = AccessLogEntry.objects.get(record_id=case.pk, user=cases.inspector)
        assert (refused.action, refused.outcome) == ("changed", "refused")

    def test_its_team_reads_a_sensitive_case_and_the_read_is_audited_and_logged(
        self, cases, api_for
    ):
        case = referral(cases)

        response = api_for(cases.social_worker).get(f"{CASES}/{case.pk}")

        assert response.status_code == 200
        assert response.json()["data"] == {"concern": "Bruising seen at school"}
        audit = AuditEntry.objects.get(action="cases.case.read")
        assert (audit.subject_id, audit.actor_id) == (str(case.pk), str(cases.social_worker.pk))
        assert AccessLogEntry.objects.filter(
            user=cases.social_worker, record_id=case.pk, action="viewed", outcome="allowed"
        ).exists()

    def test_a_persons_cases_include_those_of_a_record_merged_into_them(self, cases, api_for):
        from burgh.people.models import Person

        case = referral(cases)
        duplicate = Person.objects.create(given_name="Morag", family_name="Macleod")
        Case.objects.filter(pk=case.pk).update(subject_person_id=duplicate.pk)
        duplicate.merged_into = cases.morag
        duplicate.save()

        worker = api_for(cases.social_worker).get(f"{CASES}/people/{cases.morag.pk}").json()
        adviser = api_for(cases.adviser).get(f"{CASES}/people/{cases.morag.pk}").json()
        nobody = api_for(cases.social_worker).get(f"{CASES}/people/{uuid.uuid4()}").json()

        assert [item["reference"] for item in worker["items"]] == [case.reference]
        assert adviser == {"items": []}
        assert nobody == {"items": []}


class TestChangingSafely:
    def test_a_change_without_if_match_is_428_and_changes_nothing(self, cases, api_for):
        case = pothole(cases)

        with unchanged():
            body = problem(
                api_for(cases.inspector).patch(f"{CASES}/{case.pk}", {"title": "Deep"}), 428
            )

        assert body["errors"][0]["pointer"] == "header.If-Match"

    def test_two_workers_editing_one_case_the_second_gets_412_not_an_overwrite(
        self, cases, api_for
    ):
        case = pothole(cases)
        first, second = api_for(cases.inspector), api_for(cases.second_inspector)
        read_by_first, read_by_second = etag(first, case), etag(second, case)

        saved = first.patch(
            f"{CASES}/{case.pk}", {"title": "Deep pothole"}, headers={"If-Match": read_by_first}
        )
        with unchanged():
            refused = second.patch(
                f"{CASES}/{case.pk}", {"title": "Shallow"}, headers={"If-Match": read_by_second}
            )

        assert saved.status_code == 200, saved.content
        assert saved.json()["title"] == "Deep pothole"
        body = problem(refused, 412)
        assert body["current_etag"] == saved["ETag"] != read_by_second
        case.refresh_from_db()
        assert case.title == "Deep pothole"

    def test_details_are_checked_against_the_case_type(self, cases, api_for):
        case = pothole(cases)
        client = api_for(cases.inspector)
        current = etag(client, case)

        with unchanged():
            body = problem(
                client.patch(
                    f"{CASES}/{case.pk}",
                    {"data": {"depth": "bottomless"}, "priority": 7},
                    headers={"If-Match": current},
                ),
                422,
            )

        assert {e["pointer"] for e in body["errors"]} == {"#/data/depth", "#/priority"}

    def test_an_invalid_transition_lists_the_statuses_allowed(self, cases, api_for):
        case = pothole(cases)
        client = api_for(cases.inspector)
        current = etag(client, case)

        with unchanged():
            response = client.post(
                f"{CASES}/{case.pk}/status",
                {"status": "awaiting-contractor"},
                headers={"If-Match": current},
            )

        body = problem(response, 422)
        assert body["type"].endswith("/invalid-transition")
        assert body["errors"][0]["pointer"] == "#/status"
        assert "inspection (Awaiting inspection)" in body["errors"][0]["detail"]

    def test_a_case_moves_on_closes_and_reopens_each_time_with_a_new_etag(self, cases, api_for):
        case = pothole(cases)
        client = api_for(cases.inspector)
        path = f"{CASES}/{case.pk}"

        moved = client.post(
            f"{path}/status", {"status": "inspection"}, headers={"If-Match": etag(client, case)}
        )
        closed = client.post(
            f"{path}/close",
            {"outcome": "repaired", "note": "Filled"},
            headers={"If-Match": moved["ETag"]},
        )
        stale = client.post(
            f"{path}/reopen", {"reason": "Sunk again"}, headers={"If-Match": moved["ETag"]}
        )
        reopened = client.post(
            f"{path}/reopen", {"reason": "Sunk again"}, headers={"If-Match": closed["ETag"]}
        )

        assert moved.json()["status"] == "inspection"
        assert (closed.json()["stage"], closed.json()["outcome"]) == ("closed", "repaired")
        problem(stale, 412)
        assert reopened.status_code == 200, reopened.content
        assert reopened.json()["status"] == "reported"
        assert len({moved["ETag"], closed["ETag"], reopened["ETag"]}) == 3

    def test_closing_with_an_unknown_outcome_names_the_outcomes(self, cases, api_for):
        case = pothole(cases)
        client = api_for(cases.inspector)
        current = etag(client, case)

        with unchanged():
            body = problem(
                client.post(
                    f"{CASES}/{case.pk}/close",
                    {"outcome": "fixed"},
                    headers={"If-Match": current},
                ),
                422,
            )

        assert "repaired (Repaired)" in body["errors"][0]["detail"]


class TestAllocation:
    def test_a_leader_allocates_a_case_to_a_worker(self, cases, api_for):
        case = pothole(cases)
        client = api_for(cases.roads_leader)

        response = client.post(
            f"{CASES}/{case.pk}/allocate",
            {"owner": str(cases.inspector.pk)},
            headers={"If-Match": etag(client, case)},
        )

        assert response.status_code == 200, response.content
        assert response.json()["owner"] == {"id": str(cases.inspector.pk), "name": "Iain Inspector"}

    def test_an_unknown_owner_is_pointed_at(self, cases, api_for):
        case = pothole(cases)
        client = api_for(cases.roads_leader)
        current = etag(client, case)

        with unchanged():
            body = problem(
                client.post(
                    f"{CASES}/{case.pk}/allocate",
                    {"owner": str(uuid.uuid4())},
                    headers={"If-Match": current},
                ),
                422,
            )

        assert body["errors"][0]["pointer"] == "#/owner"

    def test_bulk_allocation_is_all_or_none_with_each_failure_pointed_at(self, cases, api_for):
        first, second = pothole(cases), pothole(cases, uprn=HOME_UPRN)
        hidden = referral(cases)
        client = api_for(cases.roads_leader)
        body = {"owner": str(cases.inspector.pk), "cases": [str(first.pk), str(hidden.pk)]}

        with unchanged():
            refused = problem(client.post(f"{CASES}/allocate", body), 422)
        done = client.post(f"{CASES}/allocate", {**body, "cases": [str(first.pk), str(second.pk)]})

        assert [e["pointer"] for e in refused["errors"]] == ["#/cases/1"]
        assert done.status_code == 200, done.content
        assert [item["id"] for item in done.json()["items"]] == [str(first.pk), str(second.pk)]
        assert set(Case.objects.values_list("owner", flat=True)) == {cases.inspector.pk, None}

    def test_a_case_moved_to_a_team_out_of_sight_is_answered_by_id_and_version(
        self, cases, api_for
    ):
        case = pothole(cases)
        body = {
            "cases": [str(case.pk)],
            "team": str(cases.children.pk),
            "owner": str(cases.social_worker.pk),
        }

        response = api_for(cases.roads_leader).post(f"{CASES}/allocate", body)

        assert response.status_code == 200, response.content
        case.refresh_from_db()
        assert response.json() == {"items": [{"id": str(case.pk), "version": case.version}]}
        assert case.team == cases.children

    def test_two_take_nexts_give_two_different_cases_then_204(self, cases, api_for):
        pothole(cases)
        pothole(cases, uprn=HOME_UPRN)
        path = f"{CASES}/teams/{cases.roads.pk}/take-next"
        first, second = api_for(cases.inspector), api_for(cases.second_inspector)

        one, two, none = first.post(path), second.post(path), first.post(path)

        assert (one.status_code, two.status_code) == (200, 200)
        assert one.json()["id"] != two.json()["id"]
        assert one.json()["owner"]["id"] == str(cases.inspector.pk)
        assert one["ETag"]
        assert none.status_code == 204
        assert none.content == b""

    def test_take_next_from_a_team_you_are_not_in_is_refused(self, cases, api_for):
        pothole(cases)

        with unchanged():
            response = api_for(cases.social_worker).post(
                f"{CASES}/teams/{cases.roads.pk}/take-next"
            )
        problem(response, 403)


class TestLinksAndMerges:
    def test_linking_takes_if_match_and_a_stale_one_links_nothing(self, cases, api_for):
        case, other = pothole(cases), pothole(cases, uprn=HOME_UPRN)
        client = api_for(cases.inspector)
        current = etag(client, case)
        Case.objects.filter(pk=case.pk).update(version=case.version + 5)

        with unchanged():
            stale = client.post(
                f"{CASES}/{case.pk}/links", {"other": str(other.pk)}, headers={"If-Match": current}
            )
        body = problem(stale, 412)
        linked = client.post(
            f"{CASES}/{case.pk}/links",
            {"other": str(other.pk), "note": "Same street"},
            headers={"If-Match": body["current_etag"]},
        )

        assert linked.status_code == 200, linked.content
        assert CaseLink.objects.get().note == "Same street"
        detail = client.get(f"{CASES}/{other.pk}").json()
        assert detail["links"] == [
            {"case_id": str(case.pk), "reference": case.reference, "kind": "related"}
        ]

    def test_a_case_becomes_a_child_of_another(self, cases, api_for):
        case, parent = pothole(cases), pothole(cases, uprn=HOME_UPRN)
        client = api_for(cases.inspector)

        response = client.post(
            f"{CASES}/{case.pk}/parent",
            {"parent": str(parent.pk)},
            headers={"If-Match": etag(client, case)},
        )

        assert response.json()["parent_id"] == str(parent.pk)
        assert response["ETag"] == f'"{case.version + 1}"'

    def test_a_duplicate_is_merged_and_the_merge_undone(self, cases, api_for):
        standing, duplicate = pothole(cases), pothole(cases)
        client = api_for(cases.inspector)

        merged = client.post(
            f"{CASES}/{duplicate.pk}/merge",
            {"target": str(standing.pk), "reason": "Same pothole"},
            headers={"If-Match": etag(client, duplicate)},
        )
        assert merged.status_code == 200, merged.content
        assert merged["ETag"] == etag(client, duplicate)
        merge_id = merged.json()["id"]
        assert client.get(f"{CASES}/{duplicate.pk}").json()["merged_into_id"] == str(standing.pk)

        undone = client.post(f"{CASES}/merges/{merge_id}/undo", {"reason": "Two potholes"})
        again = client.post(f"{CASES}/merges/{merge_id}/undo", {"reason": "Two potholes"})

        assert undone.json()["undone_at"]
        problem(again, 409)
        assert client.get(f"{CASES}/{duplicate.pk}").json()["stage"] == "open"
        problem(client.post(f"{CASES}/merges/{uuid.uuid4()}/undo", {"reason": "None"}), 404)


class TestWorkOnACase:
    def test_a_note_is_added_once_however_often_it_is_sent(self, cases, api_for):
        case = pothole(cases)
        client = api_for(cases.inspector)
        key = {"Idempotency-Key": "note-1"}
        note = {"body": "Rang the reporter", "kind": "phone", "contact_with": "Mrs Reid"}

        first = client.post(f"{CASES}/{case.pk}/notes", note, headers=key)
        again = client.post(f"{CASES}/{case.pk}/notes", note, headers=key)

        assert first.status_code == 201, first.content
        assert again["Idempotent-Replayed"] == "true"
        assert CaseNote.objects.count() == 1
        assert first.json()["kind"] == "phone"
        assert first["ETag"] == '"1"'

    def test_a_note_is_corrected_with_its_etag(self, cases, api_for):
        case = pothole(cases)
        client = api_for(cases.inspector)
        note = client.post(f"{CASES}/{case.pk}/notes", {"body": "Rang the repoter"}).json()
        path = f"{CASES}/notes/{note['id']}"

        without = client.patch(path, {"body": "Rang the reporter"})
        fixed = client.patch(path, {"body": "Rang the reporter"}, headers={"If-Match": '"1"'})
        stale = client.patch(path, {"body": "Rang them"}, headers={"If-Match": '"1"'})

        problem(without, 428)
        assert fixed.status_code == 200, fixed.content
        assert fixed["ETag"] == '"2"'
        assert problem(stale, 412)["current_etag"] == '"2"'
        assert client.get(path).json()["body"] == "Rang the reporter"
        problem(api_for(cases.adviser).get(path), 403)

    def test_tasks_are_added_and_finished(self, cases, api_for):
        case = pothole(cases)
        client = api_for(cases.inspector)
        added = client.post(
            f"{CASES}/{case.pk}/tasks",
            {"title": "Inspect", "owner": str(cases.inspector.pk), "due_on": "2026-12-20"},
        )
        other = client.post(f"{CASES}/{case.pk}/tasks", {"title": "Cone it off"}).json()

        done = client.post(f"{CASES}/tasks/{added.json()['id']}/done", {"note": "Deep"})
        cancelled = client.post(f"{CASES}/tasks/{other['id']}/cancel", {})
        twice = client.post(f"{CASES}/tasks/{other['id']}/cancel", {})

        assert added.status_code == 201, added.content
        assert (done.json()["state"], done.json()["completion_note"]) == ("done", "Deep")
        assert cancelled.json()["state"] == "cancelled"
        problem(twice, 409)
        assert CaseTask.objects.filter(state="open").count() == 0

    def test_a_decision_needing_authorisation_takes_a_second_person(self, cases, api_for):
        case = referral(cases)
        worker, leader = api_for(cases.social_worker), api_for(cases.children_leader)
        decision = worker.post(
            f"{CASES}/{case.pk}/decisions",
            {"kind": "section-decision", "summary": "Investigate", "reasons": "Injuries seen"},
        ).json()
        path = f"{CASES}/decisions/{decision['id']}/authorise"

        assert decision["state"] == "awaiting"
        refused = problem(leader.post(path, {"approve": False}), 422)
        authorised = leader.post(path, {"approve": True, "note": "Agreed"})
        unknown = worker.post(
            f"{CASES}/{case.pk}/decisions", {"kind": "hunch", "summary": "x", "reasons": "y"}
        )

        assert refused["errors"][0]["pointer"] == "#/note"
        assert authorised.json()["state"] == "authorised"
        assert problem(unknown, 422)["errors"][0]["pointer"] == "#/kind"
        assert CaseDecision.objects.count() == 1

    def test_people_and_warning_flags_are_added_from_the_case(self, cases, api_for):
        case = referral(cases)
        client = api_for(cases.social_worker)

        party = client.post(
            f"{CASES}/{case.pk}/parties", {"role": "professional", "name": "Dr Shona Bain"}
        )
        flag = client.post(
            f"{CASES}/{case.pk}/flags",
            {"person_id": str(cases.morag.pk), "kind": "safeguarding", "note": "Subject of CP"},
        )

        assert party.status_code == 201, party.content
        assert party.json()["name"] == "Dr Shona Bain"
        assert flag.status_code == 201, flag.content
        assert PersonFlag.objects.get().case_id == case.pk
        assert CaseParty.objects.filter(case=case).count() == 2  # the subject and the doctor
        detail = client.get(f"{CASES}/{case.pk}").json()
        assert {p["role"] for p in detail["parties"]} == {"subject", "professional"}

    def test_the_chronology_filters_and_pages(self, cases, api_for):
        case = pothole(cases)
        client = api_for(cases.inspector)
        for number in range(3):
            client.post(
                f"{CASES}/{case.pk}/notes",
                {"body": f"Visit {number}", "significant": number == 1},
            )
        path = f"{CASES}/{case.pk}/chronology"

        first = client.get(path, limit=2)
        rest = client.get(path, limit=2, cursor=first.json()["next_cursor"]).json()
        notes = client.get(path, kind="note").json()["items"]
        significant = client.get(path, significant="true").json()["items"]
        found = client.get(path, text="visit 2").json()["items"]

        summaries = [e["summary"] for e in first.json()["items"] + rest["items"]]
        assert summaries[0].startswith("Pothole logged")
        assert len(summaries) == 4
        assert 'rel="next"' in first["Link"]
        assert [e["summary"] for e in notes] == [f"Case note: Visit {n}" for n in range(3)]
        assert [e["summary"] for e in significant] == ["Case note: Visit 1"]
        assert [e["summary"] for e in found] == ["Case note: Visit 2"]
        assert notes[0]["ref_type"] == "casenote"
        refused = problem(client.get(path, kind="gossip"), 422)
        assert "kind" in refused["errors"][0]["pointer"]
