"""Involvements: starting, ending and allocating them changes who may see a person."""

from datetime import timedelta

import pytest
from django.utils import timezone

from burgh.core.errors import ConflictError, InvalidInputError
from burgh.core.models import AuditEntry, OutboxEvent
from burgh.identity import policy
from burgh.identity.models import AccessLogEntry, RecordRestriction
from burgh.people.services import allocate_worker, end_involvement, start_involvement
from tests.factories import MembershipFactory, OrganisationFactory, TeamFactory, UserFactory
from tests.people.setting import grant

PERSON = "people.person"


@pytest.fixture
def lead(setting):
    """A team leader in children and families who may change person records."""
    leader = UserFactory(organisation=setting.council, full_name="Ishbel Ross")
    MembershipFactory(user=leader, team=setting.team)
    grant(leader, "people.view_person", "people.change_person")
    return leader


@pytest.fixture
def housing(setting):
    team = TeamFactory(organisation=setting.council, name="Housing support")
    worker = UserFactory(organisation=setting.council, full_name="Archie Scott")
    MembershipFactory(user=worker, team=team)
    grant(worker, "people.view_person")
    return team, worker


def sees(user, person) -> bool:
    return policy.why(user, PERSON, person.pk).allowed


def test_a_new_involvement_lets_the_team_see_the_person(setting, lead, housing):
    team, worker = housing
    assert not sees(worker, setting.morag)

    involvement = start_involvement(
        lead, setting.morag, team, None, "Rent arrears", timezone.localdate()
    )

    assert sees(worker, setting.morag)
    assert involvement.reason == "Rent arrears"
    assert AuditEntry.objects.filter(action="people.involvement.started").count() == 1
    event = OutboxEvent.objects.get(type="gov.burgh.people.involvement.started")
    assert event.subject == f"people/person/{setting.morag.pk}"
    log = AccessLogEntry.objects.get(record_id=setting.morag.pk, action="changed")
    assert (log.user, log.outcome) == (lead, "allowed")


@pytest.mark.parametrize(("last_day", "still_sees"), [(0, True), (1, False)])
def test_ending_an_involvement_closes_access_after_its_last_day(
    setting, lead, housing, last_day, still_sees
):
    team, worker = housing
    today = timezone.localdate()
    involvement = start_involvement(
        lead, setting.morag, team, None, "Rent arrears", today - timedelta(days=10)
    )

    end_involvement(lead, involvement, today - timedelta(days=last_day))

    assert sees(worker, setting.morag) is still_sees


def test_an_involvement_cannot_end_twice_or_before_it_started(setting, lead, housing):
    team, _worker = housing
    today = timezone.localdate()
    involvement = start_involvement(lead, setting.morag, team, None, "Rent arrears", today)

    with pytest.raises(InvalidInputError) as refused:
        end_involvement(lead, involvement, today - timedelta(days=1))
    assert refused.value.errors[0]["pointer"] == "#/ended_on"

    end_involvement(lead, involvement, today)
    with pytest.raises(ConflictError):
        end_involvement(lead, involvement, today)


def test_the_allocated_worker_sees_the_person(setting, lead, housing):
    team, _worker = housing
    involvement = start_involvement(
        lead, setting.morag, team, None, "Rent arrears", timezone.localdate()
    )
    colleague = UserFactory(organisation=setting.council)
    grant(colleague, "people.view_person")
    assert not sees(colleague, setting.morag)

    allocate_worker(lead, involvement, colleague)

    assert sees(colleague, setting.morag)
    assert policy.why(colleague, PERSON, setting.morag.pk).rule == policy.Rule.ALLOCATED
    assert AuditEntry.objects.filter(action="people.involvement.allocated").count() == 1


def test_a_worker_from_another_organisation_cannot_be_allocated(setting, lead):
    [involvement] = setting.morag.involvements.filter(team=setting.team)
    outsider = UserFactory(organisation=OrganisationFactory(slug="elsewhere"))

    with pytest.raises(InvalidInputError) as refused:
        allocate_worker(lead, involvement, outsider)

    assert refused.value.errors[0]["pointer"] == "#/worker"


def test_a_reason_is_needed(setting, lead):
    with pytest.raises(InvalidInputError) as refused:
        start_involvement(lead, setting.morag, setting.team, None, "  ", timezone.localdate())

    assert refused.value.errors[0]["pointer"] == "#/reason"


def test_someone_who_may_only_read_cannot_change_involvements(setting, housing):
    team, _worker = housing

    with pytest.raises(policy.AccessRefusedError):
        start_involvement(
            setting.social_worker, setting.morag, team, None, "Rent arrears", timezone.localdate()
        )

    refusal = AccessLogEntry.objects.get(record_id=setting.morag.pk, action="changed")
    assert (refusal.user, refusal.outcome) == (setting.social_worker, "refused")


def test_a_restricted_person_cannot_be_changed_and_is_not_found(setting, lead, housing):
    team, _worker = housing
    restriction = RecordRestriction.objects.create(
        kind=PERSON,
        record_id=setting.morag.pk,
        category=RecordRestriction.Category.ADOPTION,
        reason="Adoption placement",
        restricted_by=setting.officer,
        review_on=timezone.localdate() + timedelta(days=180),
    )
    restriction.named_users.set([setting.officer])

    with pytest.raises(policy.RecordNotFoundError):
        start_involvement(lead, setting.morag, team, None, "Rent arrears", timezone.localdate())
