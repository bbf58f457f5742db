"""The SLA clock on a case: its columns kept in step with `cases.sla` as the case moves."""

from datetime import datetime

from burgh.cases import sla
from burgh.cases.models import Case, CaseType, Stage


def policy_of(case_type: CaseType) -> sla.SlaPolicy | None:
    if not case_type.sla:
        return None
    paused = [s["code"] for s in case_type.statuses if s["stage"] == Stage.PAUSED]
    return sla.SlaPolicy.from_definition({**case_type.sla, "pause_statuses": paused})


def _clock(case: Case) -> sla.SlaClock | None:
    if case.sla_due_at is None or case.sla_warn_at is None:
        return None
    return sla.SlaClock(
        due_at=case.sla_due_at,
        warn_at=case.sla_warn_at,
        paused_at=case.sla_paused_at,
        remaining_seconds=case.sla_remaining_seconds,
    )


def _store(case: Case, clock: sla.SlaClock) -> list[str]:
    if case.sla_due_at != clock.due_at:
        # A new deadline is announced afresh as it comes near.
        case.sla_announced = ""
    case.sla_due_at = clock.due_at
    case.sla_warn_at = clock.warn_at
    case.sla_paused_at = clock.paused_at
    case.sla_remaining_seconds = clock.remaining_seconds
    return [
        "sla_due_at",
        "sla_warn_at",
        "sla_paused_at",
        "sla_remaining_seconds",
        "sla_announced",
    ]


def start(case: Case, at: datetime) -> None:
    """Start the clock of a new case (not saved here); a case born paused starts paused."""
    policy = policy_of(case.case_type)
    if policy is None:
        return
    calendar = sla.WorkingCalendar.default()
    started = sla.start_clock(policy, at, calendar)
    if case.stage == Stage.PAUSED:
        started = sla.pause_clock(started, at, policy, calendar)
    _store(case, started)


def follow_stage(case: Case, old_stage: str, at: datetime) -> list[str]:
    """Pause the clock when the case leaves `open`, run it again when it returns; the fields
    changed. A closed case's clock stops as a paused one does, so a reopened case resumes."""
    policy = policy_of(case.case_type)
    current = _clock(case)
    if policy is None or current is None or old_stage == case.stage:
        return []
    calendar = sla.WorkingCalendar.default()
    if case.stage == Stage.OPEN:
        return _store(case, sla.resume_clock(current, at, policy, calendar))
    if old_stage == Stage.OPEN:
        return _store(case, sla.pause_clock(current, at, policy, calendar))
    return []


def state(case: Case, now: datetime) -> sla.SlaState | None:
    current = _clock(case)
    if current is None:
        return None
    return sla.sla_state(current, now, closed_at=case.closed_at)
