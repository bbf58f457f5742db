"""The working calendar: Scottish bank holidays, London working hours across clock changes,
and the day-counting rules each SLA unit follows."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from burgh.cases.calendar import LONDON, SlaUnit, WorkingCalendar

CALENDAR = WorkingCalendar()


def london(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2029, 12, 31), timezones=st.just(UTC)
)


def test_st_andrews_day_is_not_a_working_hour():
    # Monday 30 November 2026 is St Andrew's Day, a Scottish bank holiday.
    due = CALENDAR.add(london(2026, 11, 27, 16), 8, SlaUnit.WORKING_HOURS)
    assert due == utc(2026, 12, 1, 16)
    assert not CALENDAR.is_working_day(date(2026, 11, 30))


def test_christmas_and_new_year_2026_27_close_the_observed_days():
    assert CALENDAR.add(london(2026, 12, 24, 16), 2, SlaUnit.WORKING_HOURS) == utc(2026, 12, 29, 10)
    assert CALENDAR.add(london(2026, 12, 24, 10), 3, SlaUnit.WORKING_DAYS) == utc(2026, 12, 31, 17)
    # 2 January 2027 is a Saturday; the holiday is observed on Monday 4 January.
    assert CALENDAR.add(london(2026, 12, 31, 14), 1, SlaUnit.WORKING_DAYS) == utc(2027, 1, 5, 17)
    assert CALENDAR.holidays_between(date(2026, 12, 24), date(2027, 1, 5)) == [
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 26), "Boxing Day"),
        (date(2026, 12, 28), "Boxing Day (observed)"),
        (date(2027, 1, 1), "New Year's Day"),
        (date(2027, 1, 2), "New Year Holiday"),
        (date(2027, 1, 4), "New Year Holiday (observed)"),
    ]


def test_working_hours_are_london_hours_across_both_clock_changes():
    # Clocks go forward on Sunday 29 March 2026: Monday opens at 09:00 BST, 08:00 UTC.
    spring = CALENDAR.add(london(2026, 3, 27, 16), 2, SlaUnit.WORKING_HOURS)
    assert spring == utc(2026, 3, 30, 9)
    assert (
        CALENDAR.working_seconds_between(london(2026, 3, 27, 16), spring, SlaUnit.WORKING_HOURS)
        == 2 * 3600
    )
    # Clocks go back on Sunday 25 October 2026: Friday 16:00 BST is 15:00 UTC.
    autumn = CALENDAR.add(london(2026, 10, 23, 16), 2, SlaUnit.WORKING_HOURS)
    assert autumn == utc(2026, 10, 26, 10)


def test_england_only_bank_holidays_are_working_days_in_scotland():
    # Easter Monday (6 April 2026) and the August bank holiday on 31 August are English.
    assert CALENDAR.is_working_day(date(2026, 4, 6))
    assert CALENDAR.is_working_day(date(2026, 8, 31))
    assert not CALENDAR.is_working_day(date(2026, 8, 3))  # Scotland's first Monday in August
    # Good Friday is closed in both: Thursday 16:00 BST + 2 hours runs into Easter Monday.
    assert CALENDAR.add(london(2026, 4, 2, 16), 2, SlaUnit.WORKING_HOURS) == utc(2026, 4, 6, 9)


def test_working_days_never_count_the_day_of_receipt():
    monday_afternoon = CALENDAR.add(london(2026, 11, 9, 15), 2, SlaUnit.WORKING_DAYS)
    assert monday_afternoon == utc(2026, 11, 11, 17)
    assert CALENDAR.add(london(2026, 11, 9, 8), 2, SlaUnit.WORKING_DAYS) == monday_afternoon
    # Received on a Saturday: Monday is day one.
    assert CALENDAR.add(london(2026, 11, 7, 11), 2, SlaUnit.WORKING_DAYS) == utc(2026, 11, 10, 17)
    # Received on St Andrew's Day: Tuesday is day one.
    assert CALENDAR.add(london(2026, 11, 30, 10), 1, SlaUnit.WORKING_DAYS) == utc(2026, 12, 1, 17)


def test_calendar_days_end_at_london_midnight_and_calendar_hours_are_real_hours():
    # Sunday 29 March 2026 ends at midnight BST, 23:00 UTC.
    assert CALENDAR.add(london(2026, 3, 28, 10), 1, SlaUnit.CALENDAR_DAYS) == utc(2026, 3, 29, 23)
    assert CALENDAR.add(utc(2026, 3, 28, 12), 24, SlaUnit.CALENDAR_HOURS) == utc(2026, 3, 29, 12)


def test_a_calendar_month_is_the_corresponding_date_or_the_months_last_day():
    months = SlaUnit.CALENDAR_MONTHS
    assert CALENDAR.add(london(2026, 1, 31, 10), 1, months) == utc(2026, 3, 1)  # end of 28 Feb
    assert CALENDAR.add(london(2028, 1, 31, 10), 1, months) == utc(2028, 3, 1)  # end of 29 Feb
    # From 29 February 2028 to the end of 29 March, after the clocks went forward on the 26th.
    assert CALENDAR.add(london(2028, 2, 29, 10), 1, months) == utc(2028, 3, 29, 23)
    assert CALENDAR.add(london(2026, 12, 15, 10), 1, months) == utc(2027, 1, 16)
    # 00:30 BST on 1 June is still 31 May in UTC; the London date is the one that counts.
    assert CALENDAR.add(utc(2026, 5, 31, 23, 30), 1, months) == utc(2026, 7, 1, 23)


def test_a_council_closure_is_not_a_working_day_and_is_listed():
    games_day = date(2026, 7, 20)
    calendar = WorkingCalendar(extra_closures=frozenset({games_day}))
    assert not calendar.is_working_day(games_day)
    assert calendar.add(london(2026, 7, 17, 16), 2, SlaUnit.WORKING_HOURS) == utc(2026, 7, 21, 9)
    assert calendar.holidays_between(date(2026, 7, 1), date(2026, 8, 3)) == [
        (games_day, "Council closure"),
        (date(2026, 8, 3), "Summer Bank Holiday"),
    ]


def test_default_calendar_reads_the_councils_settings(settings):
    settings.BURGH_WORKING_DAY = "08:30-16:30"
    settings.BURGH_EXTRA_CLOSURES = ["2026-07-20"]
    calendar = WorkingCalendar.default()
    assert calendar == WorkingCalendar(
        day_starts=time(8, 30), day_ends=time(16, 30), extra_closures=frozenset({date(2026, 7, 20)})
    )
    # Friday 16:00-16:30, Monday closed, Tuesday 08:30-09:00 BST.
    assert calendar.add(london(2026, 7, 17, 16), 1, SlaUnit.WORKING_HOURS) == utc(2026, 7, 21, 8)


def test_default_calendar_without_settings_is_nine_to_five_monday_to_friday():
    assert WorkingCalendar.default() == WorkingCalendar(time(9), time(17), frozenset(range(5)))


@pytest.mark.parametrize(
    ("working_day", "closures"),
    [
        ("9 to 5", []),
        ("17:00-09:00", []),
        ("09:00-17:00", "2026-07-20"),
        ("09:00-17:00", ["20/07/2026"]),
    ],
)
def test_a_malformed_calendar_setting_stops_start_up(settings, working_day, closures):
    settings.BURGH_WORKING_DAY = working_day
    settings.BURGH_EXTRA_CLOSURES = closures
    with pytest.raises(ImproperlyConfigured, match="BURGH_"):
        WorkingCalendar.default()


def test_naive_instants_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        CALENDAR.add(datetime(2026, 11, 27, 16), 8, SlaUnit.WORKING_HOURS)


@given(
    start=instants, unit=st.sampled_from(SlaUnit), n=st.integers(0, 300), more=st.integers(1, 50)
)
def test_more_time_is_always_due_later(start, unit, n, more):
    assert CALENDAR.add(start, n, unit) < CALENDAR.add(start, n + more, unit)


@given(start=instants, hours=st.integers(1, 300))
def test_working_hours_added_are_the_working_hours_between(start, hours):
    due = CALENDAR.add(start, hours, SlaUnit.WORKING_HOURS)
    assert CALENDAR.working_seconds_between(start, due, SlaUnit.WORKING_HOURS) == hours * 3600
    assert CALENDAR.working_seconds_between(due, start, SlaUnit.WORKING_HOURS) == -hours * 3600


@given(start=instants, hours=st.integers(1, 300))
def test_working_hours_fall_due_inside_working_hours(start, hours):
    due = CALENDAR.add(start, hours, SlaUnit.WORKING_HOURS).astimezone(LONDON)
    assert CALENDAR.is_working_day(due.date())
    assert time(9) < due.time() <= time(17)


@given(start=instants, unit=st.sampled_from(SlaUnit), seconds=st.integers(0, 400 * 3600))
def test_advancing_then_measuring_gives_the_same_clock_time(start, unit, seconds):
    start = start.replace(microsecond=0)
    moved = CALENDAR.advance(start, seconds, unit)
    if unit in {SlaUnit.CALENDAR_DAYS, SlaUnit.CALENDAR_MONTHS}:
        # Wall-clock time: an hour that does not exist or happens twice may be out by that hour.
        assert abs(CALENDAR.working_seconds_between(start, moved, unit) - seconds) <= 3600
    else:
        assert CALENDAR.working_seconds_between(start, moved, unit) == seconds
    assert moved - start >= timedelta(0)
