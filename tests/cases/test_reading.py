"""Reading cases: queues and SLA states, the policy on sensitive cases, a person's cases."""

from datetime import timedelta

import pytest
from django.utils import timezone

from burgh.cases import services
from burgh.cases.models import Case
from burgh.cases.services import IntakeRequest, QueueFilter
from burgh.core.errors import InvalidInputError
from burgh.core.models import AuditEntry
from burgh.identity import policy
from burgh.identity.models import AccessLogEntry
from tests.cases.setting import ROAD_UPRN


def log_pothole(cases, **overrides):
    values = {
        "case_type": "pothole",
        "channel": "staff",
        "data": {"depth": "under-40mm"},
        "uprn": ROAD_UPRN,
    }
    values.update(overrides)
    return services.intake(cases.adviser, IntakeRequest(**values)).case


def log_referral(cases):
    request = IntakeRequest(
        case_type="child-protection-referral",
        channel="staff",
        data={"concern": "Neglect"},
        subject_person_id=cases.morag.pk,
    )
    return services.intake(cases.adviser, request).case


def states(cases):
    found = services.queue(cases.roads_leader, QueueFilter(scope="team", team=cases.roads))
    return {case.pk: case.sla_state for case in found.queryset}


def test_the_queue_shows_each_cases_sla_state(cases):
    now = timezone.now()
    on_track, at_risk, breached = (log_pothole(cases) for _ in range(3))
    Case.objects.filter(pk=at_risk.pk).update(
        sla_warn_at=now - timedelta(hours=1), sla_due_at=now + timedelta(hours=5)
    )
    Case.objects.filter(pk=breached.pk).update(
        sla_warn_at=now - timedelta(days=2), sla_due_at=now - timedelta(hours=1)
    )

    assert states(cases) == {
        on_track.pk: "on_track",
        at_risk.pk: "at_risk",
        breached.pk: "breached",
    }
    for state, expected in (("at_risk", at_risk), ("breached", breached), ("on_track", on_track)):
        found = services.queue(
            cases.roads_leader, QueueFilter(scope="team", team=cases.roads, sla_state=state)
        )
        assert [case.pk for case in found.queryset] == [expected.pk]


def test_the_database_and_the_clock_agree_on_every_state(cases):
    from burgh.cases.services import clock

    case = log_pothole(cases)
    services.change_status(cases.roads_leader, case.pk, "inspection")
    services.change_status(cases.roads_leader, case.pk, "awaiting-contractor")
    paused = log_pothole(cases)
    closed = log_pothole(cases)
    services.close_case(cases.roads_leader, closed.pk, "repaired")
    found = services.queue(
        cases.roads_leader, QueueFilter(scope="team", team=cases.roads, include_closed=True)
    )

    rows = list(found.queryset)
    assert {row.sla_state for row in rows} >= {"paused", "on_track", "met"}
    for row in rows:
        assert row.sla_state == clock.state(row, timezone.now()), row.reference
    assert paused.pk in {row.pk for row in rows}


def test_a_queue_filter_that_makes_no_sense_is_refused(cases):
    with pytest.raises(InvalidInputError):
        services.queue(cases.roads_leader, QueueFilter(scope="team"))
    with pytest.raises(InvalidInputError):
        services.queue(cases.roads_leader, QueueFilter(scope="all", sla_state="late"))


def test_a_sensitive_case_is_seen_only_by_its_team_and_every_read_is_audited(cases):
    referral = log_referral(cases)

    for outsider in (cases.adviser, cases.roads_leader, cases.inspector):
        with pytest.raises(policy.RecordNotFoundError):
            services.read_case(outsider, referral.pk)
        assert (
            not services.queue(outsider, QueueFilter(scope="all"))
            .queryset.filter(pk=referral.pk)
            .exists()
        )
    read = services.read_case(cases.social_worker, referral.pk)

    assert read.rule == "team"
    audit = AuditEntry.objects.get(action="cases.case.read", subject_id=str(referral.pk))
    assert audit.actor_id == str(cases.social_worker.pk)
    assert audit.purpose == "service_delivery"
    assert AccessLogEntry.objects.filter(
        record_id=referral.pk, user=cases.adviser, outcome=AccessLogEntry.Outcome.REFUSED
    ).exists()


def test_an_adviser_finds_non_sensitive_cases_as_directory_entries(cases):
    pothole = log_pothole(cases)

    read = services.read_case(cases.adviser, pothole.pk)

    assert read.rule == "directory"
    assert "description" not in read.fields
    assert "status" in read.fields
    assert not AuditEntry.objects.filter(action="cases.case.read").exists()


def test_a_persons_cases_are_those_the_viewer_may_see_newest_first(cases):
    referral = log_referral(cases)
    pothole = log_pothole(cases, subject_person_id=cases.morag.pk)

    _, mine = services.cases_of_person(cases.social_worker, [cases.morag.pk])
    _, theirs = services.cases_of_person(cases.adviser, [cases.morag.pk])

    assert [case.pk for case in mine] == [referral.pk]
    assert [case.pk for case in theirs] == [pothole.pk]


def test_a_case_merged_into_another_is_not_listed_twice_for_the_person(cases):
    first = log_pothole(cases, subject_person_id=cases.morag.pk)
    second = log_pothole(cases, subject_person_id=cases.morag.pk)
    services.merge_cases(cases.roads_leader, second.pk, first.pk, reason="Same pothole")

    _, found = services.cases_of_person(cases.roads_leader, [cases.morag.pk])

    assert [case.pk for case in found] == [first.pk]
