"""SLA policies and clocks: what an administrator writes, when a case falls due and turns at
risk, and what a pause while waiting on the customer costs."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from burgh.cases.sla import (
    SlaClock,
    SlaDefinitionError,
    SlaPolicy,
    SlaState,
    SlaUnit,
    WorkingCalendar,
    describe_policy,
    pause_clock,
    resume_clock,
    sla_state,
    start_clock,
)
from burgh.core.errors import InvalidInputError

CALENDAR = WorkingCalendar()
TEN_WORKING_DAYS = SlaPolicy(
    SlaUnit.WORKING_DAYS, target=10, warning=2, pause_statuses=frozenset({"awaiting-customer"})
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def ten_day_clock() -> SlaClock:
    # Received Monday 9 November 2026 at 15:00: day one is Tuesday 10th, day ten Monday 23rd.
    return start_clock(TEN_WORKING_DAYS, utc(2026, 11, 9, 15), CALENDAR)


# Calendar days and months count London wall-clock time, which an hour that happens twice
# blurs; they have their own test across a clock change.
MEASURED_EXACTLY = {SlaUnit.WORKING_HOURS, SlaUnit.WORKING_DAYS, SlaUnit.CALENDAR_HOURS}
whole_second_instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2029, 12, 31), timezones=st.just(UTC)
).map(lambda instant: instant.replace(microsecond=0))
policies = st.builds(
    lambda unit, target, warning, statuses: SlaPolicy(unit, target, warning % target, statuses),
    st.sampled_from(SlaUnit),
    st.integers(1, 60),
    st.integers(0, 59),
    st.frozensets(st.text(min_size=1).filter(str.strip), max_size=3),
)


def test_an_administrators_definition_reads_and_writes_back():
    definition = {
        "unit": "working_days",
        "target": 10,
        "warning": 2,
        "pause_statuses": ["awaiting-customer"],
    }
    policy = SlaPolicy.from_definition(definition)
    assert policy == TEN_WORKING_DAYS
    assert policy.to_definition() == definition
    assert SlaPolicy.from_definition({"unit": "calendar_months", "target": 1}) == SlaPolicy(
        SlaUnit.CALENDAR_MONTHS, target=1, warning=0, pause_statuses=frozenset()
    )


def test_a_bad_definition_names_every_problem_at_once():
    with pytest.raises(SlaDefinitionError) as raised:
        SlaPolicy.from_definition(
            {"unit": "weeks", "target": 0, "warning": -1, "pause_statuses": ["ok", ""], "warn": 2}
        )
    assert isinstance(raised.value, InvalidInputError)
    assert raised.value.detail == "The SLA definition has 5 problems"
    assert raised.value.status == 422
    assert raised.value.errors == [
        {
            "pointer": "#/sla/warn",
            "detail": "Unknown field; use unit, target, warning and pause_statuses.",
        },
        {
            "pointer": "#/sla/unit",
            "detail": "'weeks' is not a unit; use working_hours, working_days, calendar_hours, "
            "calendar_days or calendar_months.",
        },
        {
            "pointer": "#/sla/target",
            "detail": "The target must be a whole number from 1 to 9999; got 0.",
        },
        {
            "pointer": "#/sla/warning",
            "detail": "The warning must be a whole number of 0 or more, less than the target; "
            "got -1.",
        },
        {"pointer": "#/sla/pause_statuses/1", "detail": "Must be a status name; got ''."},
    ]


@pytest.mark.parametrize(
    ("definition", "pointer", "detail"),
    [
        (["working_days", 10], "#/case_type/sla", "Must be a JSON object"),
        ({"target": 10}, "#/case_type/sla/unit", "Give a unit: working_hours,"),
        ({"unit": "working_days"}, "#/case_type/sla/target", "got nothing."),
        ({"unit": "working_days", "target": True}, "#/case_type/sla/target", "got True."),
        ({"unit": "working_days", "target": 10.0}, "#/case_type/sla/target", "got 10.0."),
        (
            {"unit": "working_days", "target": 10, "warning": 10},
            "#/case_type/sla/warning",
            "from 0 to 9; got 10.",
        ),
        (
            {"unit": "working_days", "target": 10, "pause_statuses": "awaiting-customer"},
            "#/case_type/sla/pause_statuses",
            "must be a list of case status names",
        ),
        ({"unit": "working_days", "target": 1, "a/b": 1}, "#/case_type/sla/a~1b", "Unknown"),
    ],
)
def test_each_bad_definition_points_at_its_field(definition, pointer, detail):
    with pytest.raises(SlaDefinitionError) as raised:
        SlaPolicy.from_definition(definition, pointer="#/case_type/sla")
    [error] = raised.value.errors
    assert error["pointer"] == pointer
    assert detail in error["detail"]


@given(policy=policies)
def test_any_policy_survives_a_trip_through_json(policy):
    assert SlaPolicy.from_definition(json.loads(json.dumps(policy.to_definition()))) == policy


def test_a_ten_working_day_case_turns_at_risk_and_breaches_at_close_of_business():
    clock = ten_day_clock()
    assert clock == SlaClock(due_at=utc(2026, 11, 23, 17), warn_at=utc(2026, 11, 19, 17))
    assert sla_state(clock, utc(2026, 11, 19, 16, 59)) == SlaState.ON_TRACK
    assert sla_state(clock, utc(2026, 11, 19, 17)) == SlaState.AT_RISK
    assert sla_state(clock, utc(2026, 11, 23, 17)) == SlaState.BREACHED
    after = utc(2026, 12, 1)
    assert sla_state(clock, after, closed_at=utc(2026, 11, 23, 17)) == SlaState.MET
    assert sla_state(clock, after, closed_at=utc(2026, 11, 23, 17, 1)) == SlaState.MISSED


def test_a_pause_over_the_weekend_costs_a_working_days_case_nothing():
    paused = pause_clock(ten_day_clock(), utc(2026, 11, 13, 17), TEN_WORKING_DAYS, CALENDAR)
    assert paused.remaining_seconds == 6 * 8 * 3600  # 16th-20th and 23rd November
    assert sla_state(paused, utc(2026, 11, 30)) == SlaState.PAUSED
    resumed = resume_clock(paused, utc(2026, 11, 16, 9), TEN_WORKING_DAYS, CALENDAR)
    assert resumed == ten_day_clock()


def test_a_pause_moves_due_and_at_risk_on_by_the_working_time_it_took():
    # Friday 16:00 to Monday 10:00 is two working hours.
    paused = pause_clock(ten_day_clock(), utc(2026, 11, 13, 16), TEN_WORKING_DAYS, CALENDAR)
    resumed = resume_clock(paused, utc(2026, 11, 16, 10), TEN_WORKING_DAYS, CALENDAR)
    assert resumed == SlaClock(due_at=utc(2026, 11, 24, 11), warn_at=utc(2026, 11, 20, 11))


def test_a_working_hours_pause_over_st_andrews_weekend():
    policy = SlaPolicy(SlaUnit.WORKING_HOURS, target=8, warning=2)
    clock = start_clock(policy, utc(2026, 11, 27, 16), CALENDAR)
    assert clock == SlaClock(due_at=utc(2026, 12, 1, 16), warn_at=utc(2026, 12, 1, 14))
    paused = pause_clock(clock, utc(2026, 11, 27, 16, 30), policy, CALENDAR)
    assert paused.remaining_seconds == 7 * 3600 + 1800
    # Half an hour on Friday and half an hour on Tuesday morning; Monday is a bank holiday.
    resumed = resume_clock(paused, utc(2026, 12, 1, 9, 30), policy, CALENDAR)
    assert resumed == SlaClock(due_at=utc(2026, 12, 1, 17), warn_at=utc(2026, 12, 1, 15))


def test_a_calendar_days_pause_across_the_clock_change_keeps_the_end_of_a_day():
    policy = SlaPolicy(SlaUnit.CALENDAR_DAYS, target=5)
    # Received Wednesday 21 October 2026 10:00 BST: due at the end of Monday 26th (GMT).
    clock = start_clock(policy, utc(2026, 10, 21, 9), CALENDAR)
    assert clock.due_at == utc(2026, 10, 27)
    # Paused Friday noon BST, resumed Monday noon GMT: three London days, 73 real hours.
    paused = pause_clock(clock, utc(2026, 10, 23, 11), policy, CALENDAR)
    resumed = resume_clock(paused, utc(2026, 10, 26, 12), policy, CALENDAR)
    assert resumed.due_at == utc(2026, 10, 30)


def test_a_subject_access_request_received_on_31_january_is_due_at_the_end_of_february():
    policy = SlaPolicy.from_definition({"unit": "calendar_months", "target": 1})
    assert start_clock(policy, utc(2028, 1, 31, 10), CALENDAR).due_at == utc(2028, 3, 1)
    assert start_clock(policy, utc(2026, 1, 31, 10), CALENDAR).due_at == utc(2026, 3, 1)


def test_pausing_twice_keeps_the_first_pause_and_resuming_a_running_clock_does_nothing():
    clock = ten_day_clock()
    paused = pause_clock(clock, utc(2026, 11, 13, 16), TEN_WORKING_DAYS, CALENDAR)
    assert pause_clock(paused, utc(2026, 11, 16, 12), TEN_WORKING_DAYS, CALENDAR) == paused
    assert resume_clock(clock, utc(2026, 11, 16, 12), TEN_WORKING_DAYS, CALENDAR) == clock
    with pytest.raises(ValueError, match="before it paused"):
        resume_clock(paused, utc(2026, 11, 13, 15), TEN_WORKING_DAYS, CALENDAR)


def test_pausing_after_due_keeps_the_case_breached_and_the_deadline_missed():
    clock = ten_day_clock()
    paused = pause_clock(clock, utc(2026, 11, 24, 10), TEN_WORKING_DAYS, CALENDAR)
    assert paused.remaining_seconds == -3600  # an hour late: Tuesday 09:00-10:00
    assert sla_state(paused, utc(2026, 11, 24, 11)) == SlaState.BREACHED
    assert sla_state(paused, utc(2026, 12, 1), closed_at=utc(2026, 11, 30)) == SlaState.MISSED
    resumed = resume_clock(paused, utc(2026, 12, 1, 9), TEN_WORKING_DAYS, CALENDAR)
    assert resumed == clock
    assert sla_state(resumed, utc(2026, 12, 1, 9)) == SlaState.BREACHED


def test_closing_a_case_while_its_clock_is_paused_is_judged_by_the_stopped_clock():
    paused = pause_clock(ten_day_clock(), utc(2026, 11, 20, 12), TEN_WORKING_DAYS, CALENDAR)
    # Closed after the original due instant, but the clock stopped with time left.
    closed = utc(2026, 11, 27, 12)
    assert sla_state(paused, closed, closed_at=closed) == SlaState.MET


@given(policy=policies, received=whole_second_instants, after=st.integers(0, 90 * 86400))
def test_a_pause_of_no_time_changes_nothing(policy, received, after):
    clock = start_clock(policy, received, CALENDAR)
    at = received + timedelta(seconds=after)
    paused = pause_clock(clock, at, policy, CALENDAR)
    assert resume_clock(paused, at, policy, CALENDAR) == clock


@given(
    policy=policies.filter(lambda policy: policy.unit in MEASURED_EXACTLY),
    received=whole_second_instants,
    after=st.integers(0, 30 * 86400),
    paused_for=st.integers(0, 30 * 86400),
)
def test_resuming_keeps_the_clock_time_that_was_left(policy, received, after, paused_for):
    clock = start_clock(policy, received, CALENDAR)
    at = received + timedelta(seconds=after)
    assume(at < clock.due_at)
    paused = pause_clock(clock, at, policy, CALENDAR)
    resumed_at = at + timedelta(seconds=paused_for)
    resumed = resume_clock(paused, resumed_at, policy, CALENDAR)
    assert resumed.due_at >= clock.due_at
    assert resumed.due_at - resumed.warn_at >= timedelta(0)
    left = CALENDAR.working_seconds_between(resumed_at, resumed.due_at, policy.unit)
    assert left == paused.remaining_seconds > 0


def test_describe_policy_for_pages():
    assert describe_policy(TEN_WORKING_DAYS) == "10 working days; at risk 2 working days before"
    assert describe_policy(SlaPolicy(SlaUnit.CALENDAR_MONTHS, 1)) == "1 calendar month"
    assert (
        describe_policy(SlaPolicy(SlaUnit.CALENDAR_HOURS, 48, 1))
        == "48 hours; at risk 1 hour before"
    )
    assert describe_policy(SlaPolicy(SlaUnit.WORKING_HOURS, 1)) == "1 working hour"
