"""Intake: a request from any channel becomes a case, routed, clocked, checked and announced."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from burgh.cases import services
from burgh.cases.models import Case, ChronologyEntry
from burgh.cases.services import IntakeRequest
from burgh.core.errors import InvalidInputError, PermissionDeniedError
from burgh.core.models import AuditEntry, OutboxEvent
from tests.cases.setting import HOME_UPRN, ROAD_UPRN


def pothole(**overrides):
    values = {"case_type": "pothole", "channel": "staff", "data": {"depth": "under-40mm"}}
    values.update(overrides)
    return IntakeRequest(**values)


def test_a_request_becomes_a_case_in_its_team_queue_with_a_clock(cases):
    received = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    case = services.intake(cases.adviser, pothole(uprn=ROAD_UPRN, received_at=received)).case

    assert case.reference.startswith("C")
    assert len(case.reference) == 8
    assert case.team == cases.roads
    assert case.owner is None
    assert case.status == "reported"
    assert case.stage == "open"
    assert case.address_text == "40 High Street, Kinloch, KL1 1AA"
    assert (case.easting, case.northing) == (290030, 780010)
    # Five working days from a Thursday morning in December: the Thursday after, at 17:00.
    assert case.sla_due_at == datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
    entry = ChronologyEntry.objects.get(case=case)
    assert entry.kind == "created"
    assert "Roads Maintenance" in entry.summary
    event = OutboxEvent.objects.get(type="gov.burgh.cases.case.created")
    assert event.data["reference"] == case.reference
    assert event.data["uprn"] == ROAD_UPRN
    assert AuditEntry.objects.filter(action="cases.case.created", subject_id=str(case.pk)).exists()


def test_routing_rules_set_the_priority(cases):
    deep = services.intake(cases.adviser, pothole(uprn=ROAD_UPRN, data={"depth": "over-40mm"}))
    shallow = services.intake(cases.adviser, pothole(uprn=HOME_UPRN))

    assert deep.case.priority == 2
    assert shallow.case.priority == 3


def test_every_problem_is_reported_at_once_and_nothing_is_saved(cases):
    with pytest.raises(InvalidInputError) as caught:
        services.intake(
            cases.adviser,
            IntakeRequest(
                case_type="pothole",
                channel="staff",
                data={"depth": "bottomless", "colour": "red"},
                reporter={"email": "not-an-address"},
                priority=9,
            ),
        )

    pointers = {error["pointer"] for error in caught.value.errors}
    assert {
        "#/data/depth",
        "#/data/colour",
        "#/reporter/email",
        "#/priority",
        "#/address",
    } <= pointers
    assert not Case.objects.exists()
    assert not OutboxEvent.objects.filter(type__startswith="gov.burgh.cases.case.").exists()


def test_an_unknown_case_type_is_refused_by_name(cases):
    with pytest.raises(InvalidInputError) as caught:
        services.intake(cases.adviser, pothole(case_type="potholes"))

    assert "potholes" in caught.value.detail
    assert caught.value.errors[0]["pointer"] == "#/case_type"


def test_a_missing_required_field_names_it(cases):
    with pytest.raises(InvalidInputError) as caught:
        services.intake(cases.adviser, pothole(uprn=ROAD_UPRN, data={}))

    assert [e["pointer"] for e in caught.value.errors] == ["#/data/depth"]


def test_a_referral_needs_the_person_it_is_about(cases):
    with pytest.raises(InvalidInputError) as caught:
        services.intake(
            cases.adviser,
            IntakeRequest(
                case_type="child-protection-referral", channel="staff", data={"concern": "x"}
            ),
        )

    assert "#/subject_person_id" in {e["pointer"] for e in caught.value.errors}


def test_an_unknown_person_or_property_is_refused(cases):
    with pytest.raises(InvalidInputError) as caught:
        services.intake(
            cases.adviser,
            pothole(uprn="999999999999", subject_person_id="6f1d7b8e-4a36-4a4e-9e0e-0c7c1b4c9f00"),
        )

    assert {"#/uprn", "#/subject_person_id"} <= {e["pointer"] for e in caught.value.errors}


def test_staff_without_the_permission_cannot_log_requests(cases):
    with pytest.raises(PermissionDeniedError):
        services.intake(cases.administrator, pothole(uprn=ROAD_UPRN))


def test_an_open_case_at_the_same_place_is_offered_as_a_duplicate(cases):
    first = services.intake(cases.adviser, pothole(uprn=ROAD_UPRN)).case
    second = services.intake(cases.adviser, pothole(uprn=ROAD_UPRN))

    assert [case.pk for case in second.possible_duplicates] == [first.pk]


def test_a_report_within_the_radius_is_offered_and_one_beyond_is_not(cases):
    first = services.intake(
        cases.adviser, pothole(latitude=Decimal("57.100000"), longitude=Decimal("-4.100000"))
    ).case
    near = services.intake(
        cases.adviser, pothole(latitude=Decimal("57.100100"), longitude=Decimal("-4.100100"))
    )
    far = services.intake(
        cases.adviser, pothole(latitude=Decimal("57.101000"), longitude=Decimal("-4.100000"))
    )

    assert first.pk in [case.pk for case in near.possible_duplicates]
    assert first.pk not in [case.pk for case in far.possible_duplicates]


def test_a_duplicate_can_be_logged_as_one_and_is_linked(cases):
    first = services.intake(cases.adviser, pothole(uprn=ROAD_UPRN)).case
    second = services.intake(cases.adviser, pothole(uprn=ROAD_UPRN, duplicate_of=first.pk)).case

    assert second.links_out.get().other == first
    assert services.intake(cases.adviser, pothole(uprn=ROAD_UPRN)).possible_duplicates


def test_a_sensitive_case_is_never_offered_to_someone_who_cannot_see_it(cases):
    request = IntakeRequest(
        case_type="child-protection-referral",
        channel="staff",
        data={"concern": "bruising"},
        subject_person_id=cases.morag.pk,
        uprn=HOME_UPRN,
    )
    services.intake(cases.adviser, request)

    again = services.intake(cases.adviser, request)

    assert again.possible_duplicates == []
    assert again.case.sensitive


def test_automatic_allocation_goes_to_the_least_loaded_worker_with_room(cases):
    cases.pothole.allocation = "least_loaded"
    cases.pothole.save()
    first = services.intake(cases.adviser, pothole(uprn=ROAD_UPRN)).case
    second = services.intake(cases.adviser, pothole(uprn=HOME_UPRN)).case

    assert {first.owner, second.owner} == {cases.inspector, cases.second_inspector}


def test_a_new_definition_cannot_strand_cases_in_a_status_it_drops(cases):
    from tests.cases.setting import pothole_definition

    services.intake(cases.adviser, pothole(uprn=ROAD_UPRN))
    definition = pothole_definition("kinloch/roads-maintenance")
    definition["statuses"] = [s for s in definition["statuses"] if s["code"] != "reported"]
    definition["initial_status"] = "inspection"
    definition["transitions"] = {"inspection": ["awaiting-contractor"]}

    with pytest.raises(services.CaseTypeDefinitionError) as caught:
        services.save_case_type(None, definition)

    assert "1 case(s) are in the status 'reported'" in caught.value.errors[0]["detail"]
    cases.pothole.refresh_from_db()
    assert cases.pothole.status("reported") is not None


def test_only_an_open_case_of_the_same_type_can_be_the_one_duplicated(cases):
    closed = services.intake(cases.adviser, pothole(uprn=ROAD_UPRN)).case
    services.close_case(cases.roads_leader, closed.pk, "repaired")

    with pytest.raises(InvalidInputError) as caught:
        services.intake(cases.adviser, pothole(uprn=ROAD_UPRN, duplicate_of=closed.pk))

    assert "is closed" in caught.value.errors[0]["detail"]


def test_saving_an_unchanged_definition_changes_nothing(cases):
    from tests.cases.setting import pothole_definition

    saved, created = services.save_case_type(None, pothole_definition("kinloch/roads-maintenance"))

    assert not created
    assert saved.version == 1


def test_making_a_type_sensitive_restricts_its_cases_already_logged(cases):
    from burgh.identity import policy
    from tests.cases.setting import pothole_definition

    case = services.intake(cases.adviser, pothole(uprn=ROAD_UPRN)).case
    services.read_case(cases.adviser, case.pk)

    services.save_case_type(None, pothole_definition("kinloch/roads-maintenance", sensitive=True))

    with pytest.raises(policy.RecordNotFoundError):
        services.read_case(cases.adviser, case.pk)
