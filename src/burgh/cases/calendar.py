"""The council's working calendar: when an SLA clock runs, in Europe/London time, with
Scotland's bank holidays and the council's own closures."""

import calendar as month_calendar
import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import assert_never
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

LONDON = ZoneInfo("Europe/London")
MONDAY_TO_FRIDAY = frozenset(range(5))
COUNCIL_CLOSURE = "Council closure"
ONE_DAY = timedelta(days=1)
ONE_SECOND = timedelta(seconds=1)
ZERO = timedelta(0)


class SlaUnit(StrEnum):
    """How an SLA amount is counted; each unit's rule is in `WorkingCalendar.add`."""

    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"
    CALENDAR_HOURS = "calendar_hours"
    CALENDAR_DAYS = "calendar_days"
    CALENDAR_MONTHS = "calendar_months"


@functools.cache
def scottish_bank_holidays(year: int) -> Mapping[date, str]:
    """Scotland's bank holidays in `year` (observed days included), by date."""
    # Cached per year: a case queue asks about the same two or three years thousands of times,
    # and the library rebuilds the whole year on every call.
    found = holidays.country_holidays("GB", subdiv="SCT", years=year)
    return MappingProxyType({day: name for day, name in found.items() if day.year == year})


@dataclass(frozen=True)
class WorkingCalendar:
    """Working hours (Europe/London wall time) on working weekdays, less Scottish bank
    holidays and `extra_closures` (local holidays the council adds)."""

    day_starts: time = time(9)
    day_ends: time = time(17)
    weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    extra_closures: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if self.day_starts.tzinfo is not None or self.day_ends.tzinfo is not None:
            raise ValueError("Working hours are London wall-clock times, without a zone")
        if not self.day_starts < self.day_ends:
            raise ValueError("The working day must end after it starts, on the same day")
        if not self.weekdays or not self.weekdays <= frozenset(range(7)):
            raise ValueError("Working weekdays are a non-empty set of 0 (Monday) to 6 (Sunday)")

    @classmethod
    def default(cls) -> "WorkingCalendar":
        """The council's calendar from `BURGH_WORKING_DAY` ("09:00-17:00") and
        `BURGH_EXTRA_CLOSURES` (ISO dates); the defaults apply outside Django."""
        hours = _setting("BURGH_WORKING_DAY", "09:00-17:00")
        closures = _setting("BURGH_EXTRA_CLOSURES", ())
        try:
            starts, ends = (time.fromisoformat(part.strip()) for part in str(hours).split("-"))
            working_hours = cls(day_starts=starts, day_ends=ends)
        except ValueError as error:
            raise ImproperlyConfigured(
                f"BURGH_WORKING_DAY must be 'HH:MM-HH:MM' in London time, the end after the "
                f"start (for example '09:00-17:00'); got {hours!r}"
            ) from error
        if isinstance(closures, str) or not isinstance(closures, list | tuple | set | frozenset):
            raise ImproperlyConfigured(
                f"BURGH_EXTRA_CLOSURES must be a list of ISO dates; got {closures!r}"
            )
        try:
            extra = frozenset(date.fromisoformat(str(day)) for day in closures)
        except ValueError as error:
            raise ImproperlyConfigured(
                f"BURGH_EXTRA_CLOSURES must hold ISO dates such as '2026-07-20': {error}"
            ) from error
        return replace(working_hours, extra_closures=extra)

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() in self.weekdays
            and day not in self.extra_closures
            and day not in scottish_bank_holidays(day.year)
        )

    def holidays_between(self, first: date, last: date) -> list[tuple[date, str]]:
        """Bank holidays and council closures from `first` to `last` inclusive, for pages.

        Listed whatever the weekday, so Boxing Day on a Saturday shows beside its observed
        Monday and a reader sees why the Monday is closed."""
        found: dict[date, str] = {}
        for year in range(first.year, last.year + 1):
            for day, name in scottish_bank_holidays(year).items():
                if first <= day <= last:
                    found[day] = name
        for day in self.extra_closures:
            if first <= day <= last:
                found.setdefault(day, COUNCIL_CLOSURE)
        return sorted(found.items())

    def add(self, start: datetime, amount: int, unit: SlaUnit) -> datetime:
        """The instant (UTC) that is `amount` units after `start`; zero units is `start`."""
        start = _utc(start)
        if amount < 0:
            raise ValueError(f"An SLA amount is never negative; got {amount}")
        if amount == 0:
            return start
        match unit:
            case SlaUnit.WORKING_HOURS:
                # Only time inside working hours counts; a due instant that falls exactly at
                # closing time stays there rather than moving to the next morning.
                return self._after_working_time(start, timedelta(hours=amount))
            case SlaUnit.WORKING_DAYS:
                # The day of receipt never counts, whatever the hour: day one is the first
                # working day after it, so a request received on Saturday, on a bank holiday
                # or at 16:59 on Friday all have Monday (if open) as day one. Due at close of
                # business on the last day, as Scottish FOI and complaints practice expects.
                day = _local_date(start)
                for _ in range(amount):
                    day = self.next_working_day(day)
                return self._opening_hours(day)[1]
            case SlaUnit.CALENDAR_HOURS:
                # Real elapsed time: 48 hours across a clock change is still 48 hours.
                return start + timedelta(hours=amount)
            case SlaUnit.CALENDAR_DAYS:
                # Like working days, the day of receipt does not count: due at the end of the
                # London day `amount` days later (for "within 24 hours" use calendar hours).
                return _end_of_local_day(_local_date(start) + amount * ONE_DAY)
            case SlaUnit.CALENDAR_MONTHS:
                # UK GDPR subject access (ICO guidance): the corresponding date in the month
                # `amount` months on, or that month's last day when there is no such date
                # (31 January -> 28 or 29 February); due at the end of that London day. The
                # ICO also allows until the next working day when that date is closed; not
                # applied here, so the deadline is never later than the law's.
                return _end_of_local_day(_months_after(_local_date(start), amount))
        assert_never(unit)

    def working_seconds_between(self, a: datetime, b: datetime, unit: SlaUnit) -> int:
        """The clock time from `a` to `b` in the unit's sense, in whole seconds (negative when
        `b` is before `a`); a paused clock keeps this much time to its due instant.

        Working hours and working days both count time inside working hours, so a pause over
        a weekend or a night costs nothing. Calendar hours count real time. Calendar days and
        months count London wall-clock time, so a deadline at the end of a day stays at the
        end of a day after a pause across a clock change."""
        a, b = _utc(a), _utc(b)
        if b < a:
            return -self.working_seconds_between(b, a, unit)
        match unit:
            case SlaUnit.WORKING_HOURS | SlaUnit.WORKING_DAYS:
                elapsed = self._working_time_between(a, b)
            case SlaUnit.CALENDAR_HOURS:
                elapsed = b - a
            case SlaUnit.CALENDAR_DAYS | SlaUnit.CALENDAR_MONTHS:
                elapsed = _wall(b) - _wall(a)
            case _:
                assert_never(unit)
        return elapsed // ONE_SECOND

    def advance(self, start: datetime, seconds: int, unit: SlaUnit) -> datetime:
        """The instant `seconds` of clock time (as `working_seconds_between` counts it) after
        `start`: how a resumed clock's due and at-risk instants move on."""
        start = _utc(start)
        if seconds < 0:
            raise ValueError(f"A clock only moves on; got {seconds} seconds")
        elapsed = timedelta(seconds=seconds)
        match unit:
            case SlaUnit.WORKING_HOURS | SlaUnit.WORKING_DAYS:
                return self._after_working_time(start, elapsed)
            case SlaUnit.CALENDAR_HOURS:
                return start + elapsed
            case SlaUnit.CALENDAR_DAYS | SlaUnit.CALENDAR_MONTHS:
                return _from_wall(_wall(start) + elapsed)
        assert_never(unit)

    def next_working_day(self, day: date) -> date:
        day += ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def _opening_hours(self, day: date) -> tuple[datetime, datetime]:
        # Built from London wall time on the day, so 09:00 is 09:00 in GMT and in BST.
        return (
            datetime.combine(day, self.day_starts, tzinfo=LONDON).astimezone(UTC),
            datetime.combine(day, self.day_ends, tzinfo=LONDON).astimezone(UTC),
        )

    def _after_working_time(self, start: datetime, elapsed: timedelta) -> datetime:
        if elapsed <= ZERO:
            return start
        left = elapsed
        day = _local_date(start)
        while True:
            if self.is_working_day(day):
                opens, closes = self._opening_hours(day)
                counted_from = max(opens, start)
                if closes > counted_from:
                    if left <= closes - counted_from:
                        return counted_from + left
                    left -= closes - counted_from
            day += ONE_DAY

    def _working_time_between(self, a: datetime, b: datetime) -> timedelta:
        total = ZERO
        day, last = _local_date(a), _local_date(b)
        while day <= last:
            if self.is_working_day(day):
                opens, closes = self._opening_hours(day)
                overlap = min(closes, b) - max(opens, a)
                if overlap > ZERO:
                    total += overlap
            day += ONE_DAY
        return total


def _setting(name: str, default: object) -> object:
    try:
        return getattr(settings, name, default)
    except ImproperlyConfigured:
        # No Django settings at all (a script, a bare interpreter): the council defaults.
        return default


def _utc(instant: datetime) -> datetime:
    # Arithmetic between two datetimes in the same zone is wall-clock arithmetic in Python,
    # wrong by an hour across a clock change; everything is done in UTC.
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"SLA instants must be timezone-aware; got {instant!r}")
    return instant.astimezone(UTC)


def _local_date(instant: datetime) -> date:
    return instant.astimezone(LONDON).date()


def _end_of_local_day(day: date) -> datetime:
    # The instant the day ends (London midnight), not 23:59:59, so "now >= due" and "closed
    # at or before due" are exact; pages show it as the end of `day`.
    return datetime.combine(day + ONE_DAY, time(0), tzinfo=LONDON).astimezone(UTC)


def _months_after(day: date, months: int) -> date:
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def _wall(instant: datetime) -> datetime:
    return instant.astimezone(LONDON).replace(tzinfo=None)


def _from_wall(wall: datetime) -> datetime:
    # A wall time in the spring-forward gap reads with the earlier offset (01:30 -> 02:30 BST).
    return wall.replace(tzinfo=LONDON).astimezone(UTC)
