"""SLA clocks for cases: the policy a council writes on a case type, and the due and at-risk
instants it gives a case, paused while the case waits on someone else."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeGuard

from burgh.cases.calendar import SlaUnit, WorkingCalendar
from burgh.core.errors import InvalidInputError

__all__ = [
    "SlaClock",
    "SlaDefinitionError",
    "SlaPolicy",
    "SlaState",
    "SlaUnit",
    "WorkingCalendar",
    "describe_policy",
    "pause_clock",
    "resume_clock",
    "sla_state",
    "start_clock",
]

# Large enough for any real SLA (a year of working hours is about 2,000), small enough that
# a typo cannot send the calendar walking through centuries.
MAX_AMOUNT = 9999
FIELDS = ("unit", "target", "warning", "pause_statuses")
UNITS = tuple(unit.value for unit in SlaUnit)
UNIT_NAMES = {
    SlaUnit.WORKING_HOURS: ("working hour", "working hours"),
    SlaUnit.WORKING_DAYS: ("working day", "working days"),
    SlaUnit.CALENDAR_HOURS: ("hour", "hours"),
    SlaUnit.CALENDAR_DAYS: ("calendar day", "calendar days"),
    SlaUnit.CALENDAR_MONTHS: ("calendar month", "calendar months"),
}


class SlaDefinitionError(InvalidInputError):
    slug = "invalid-sla-definition"
    title = "The SLA definition is not valid"


@dataclass(frozen=True)
class SlaPolicy:
    """Due `target` units after receipt; at risk `warning` units before due; the clock stops
    while the case is in one of `pause_statuses`."""

    unit: SlaUnit
    target: int
    warning: int = 0
    pause_statuses: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not 0 < self.target <= MAX_AMOUNT or not 0 <= self.warning < self.target:
            raise ValueError(f"Not a valid SLA: target {self.target}, warning {self.warning}")

    @classmethod
    def from_definition(cls, data: object, *, pointer: str = "#/sla") -> "SlaPolicy":
        """The policy from the JSON an administrator writes on a case type, or one
        `SlaDefinitionError` naming every problem at once, so the form is fixed in one go."""
        if not isinstance(data, Mapping):
            raise SlaDefinitionError(
                "The SLA definition is not a JSON object",
                errors=[_error(pointer, f"Must be a JSON object with {_listed(FIELDS)}.")],
            )
        errors = [
            _error(f"{pointer}/{_escaped(str(key))}", f"Unknown field; use {_listed(FIELDS)}.")
            for key in data
            if key not in FIELDS
        ]
        unit = data.get("unit")
        units = _listed(UNITS, joiner="or")
        if unit is None:
            errors.append(_error(f"{pointer}/unit", f"Give a unit: {units}."))
        elif unit not in UNITS:
            errors.append(_error(f"{pointer}/unit", f"{unit!r} is not a unit; use {units}."))
        target = data.get("target")
        if not (_is_whole(target) and 1 <= target <= MAX_AMOUNT):
            got = "nothing" if target is None else repr(target)
            detail = f"The target must be a whole number from 1 to {MAX_AMOUNT}; got {got}."
            errors.append(_error(f"{pointer}/target", detail))
            target = None
        warning = data.get("warning", 0)
        if not (_is_whole(warning) and warning >= 0 and (target is None or warning < target)):
            allowed = (
                "of 0 or more, less than the target"
                if target is None
                else f"from 0 to {target - 1}"
            )
            detail = f"The warning must be a whole number {allowed}; got {warning!r}."
            errors.append(_error(f"{pointer}/warning", detail))
        statuses = data.get("pause_statuses", [])
        if not isinstance(statuses, list):
            detail = f"The pause statuses must be a list of case status names; got {statuses!r}."
            errors.append(_error(f"{pointer}/pause_statuses", detail))
        else:
            errors.extend(
                _error(f"{pointer}/pause_statuses/{index}", f"Must be a status name; got {name!r}.")
                for index, name in enumerate(statuses)
                if not isinstance(name, str) or not name.strip()
            )
        if errors or unit is None or target is None:  # unit and target are None only in errors
            problems = f"{len(errors)} problem{'' if len(errors) == 1 else 's'}"
            raise SlaDefinitionError(f"The SLA definition has {problems}", errors=errors)
        return cls(
            unit=SlaUnit(unit),
            target=target,
            warning=warning,
            pause_statuses=frozenset(statuses),
        )

    def to_definition(self) -> dict[str, object]:
        return {
            "unit": self.unit.value,
            "target": self.target,
            "warning": self.warning,
            "pause_statuses": sorted(self.pause_statuses),
        }


class SlaState(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    PAUSED = "paused"
    MET = "met"
    MISSED = "missed"


@dataclass(frozen=True)
class SlaClock:
    """What a case stores: the real due and at-risk instants (UTC) and, while paused, when
    it paused and the clock time then left to due (negative when paused after due).

    A paused clock keeps the due and at-risk instants it had when it paused, so the case
    table finds breaches with `due_at <= coalesce(paused_at, now)` and at-risk cases with
    `paused_at is null and warn_at <= now < due_at`. Time left to the at-risk instant is not
    stored apart: both instants move on together when the clock resumes.
    """

    due_at: datetime
    warn_at: datetime
    paused_at: datetime | None = None
    remaining_seconds: int | None = None


def start_clock(policy: SlaPolicy, received_at: datetime, calendar: WorkingCalendar) -> SlaClock:
    # At risk once target - warning units have run, counted by the same rule as due, so a
    # working-days case turns at risk at close of business too.
    return SlaClock(
        due_at=calendar.add(received_at, policy.target, policy.unit),
        warn_at=calendar.add(received_at, policy.target - policy.warning, policy.unit),
    )


def pause_clock(
    clock: SlaClock, at: datetime, policy: SlaPolicy, calendar: WorkingCalendar
) -> SlaClock:
    """Stop the clock at `at`; a clock already paused keeps its first pause."""
    if clock.paused_at is not None:
        return clock
    return SlaClock(
        due_at=clock.due_at,
        warn_at=clock.warn_at,
        paused_at=at.astimezone(UTC),
        remaining_seconds=calendar.working_seconds_between(at, clock.due_at, policy.unit),
    )


def resume_clock(
    clock: SlaClock, at: datetime, policy: SlaPolicy, calendar: WorkingCalendar
) -> SlaClock:
    """Restart the clock at `at`: due and at-risk move on by the paused clock time in the
    policy's sense (a weekend costs a working-days case nothing). Resuming a running clock
    changes nothing, so a retried task does no harm."""
    paused_at = clock.paused_at
    if paused_at is None:
        return clock
    if at < paused_at:
        raise ValueError(f"A clock cannot resume ({at}) before it paused ({paused_at})")
    if clock.due_at <= paused_at:
        # Breached before it paused: the time already lost is not given back, and the
        # deadline on record stays the one the council missed.
        return SlaClock(due_at=clock.due_at, warn_at=clock.warn_at)
    paused_for = calendar.working_seconds_between(paused_at, at, policy.unit)
    return SlaClock(
        due_at=calendar.advance(clock.due_at, paused_for, policy.unit),
        warn_at=calendar.advance(clock.warn_at, paused_for, policy.unit),
    )


def sla_state(clock: SlaClock, now: datetime, *, closed_at: datetime | None = None) -> SlaState:
    if closed_at is not None:
        if clock.paused_at is not None and closed_at >= clock.paused_at:
            # Closed while waiting on someone: judged by the clock when it stopped.
            return SlaState.MET if clock.paused_at < clock.due_at else SlaState.MISSED
        return SlaState.MET if closed_at <= clock.due_at else SlaState.MISSED
    if clock.paused_at is not None:
        # A pause never hides a breach that had already happened.
        return SlaState.BREACHED if clock.due_at <= clock.paused_at else SlaState.PAUSED
    if now >= clock.due_at:
        return SlaState.BREACHED
    if now >= clock.warn_at:
        return SlaState.AT_RISK
    return SlaState.ON_TRACK


def describe_policy(policy: SlaPolicy) -> str:
    """For pages: "10 working days; at risk 2 working days before"."""
    text = _amount(policy.target, policy.unit)
    if policy.warning:
        text += f"; at risk {_amount(policy.warning, policy.unit)} before"
    return text


def _amount(amount: int, unit: SlaUnit) -> str:
    one, many = UNIT_NAMES[unit]
    return f"{amount} {one if amount == 1 else many}"


def _is_whole(value: object) -> TypeGuard[int]:
    # JSON true is a Python int; a council typing `true` for a target meant something else.
    return isinstance(value, int) and not isinstance(value, bool)


def _error(pointer: str, detail: str) -> dict[str, str]:
    return {"pointer": pointer, "detail": detail}


def _escaped(key: str) -> str:
    # JSON Pointer (RFC 6901): "~" and "/" in a key are written "~0" and "~1".
    return key.replace("~", "~0").replace("/", "~1")


def _listed(names: tuple[str, ...], *, joiner: str = "and") -> str:
    return f"{', '.join(names[:-1])} {joiner} {names[-1]}"
