"""Reading cases through the access policy: queues, a case, its chronology, a person's cases.

Every list, search and count starts from `policy.visible`, so nothing the reader may not see
is loaded; a case page starts from `policy.read`, which logs the access with its purpose.
Reading a case of a sensitive type is also written to the audit trail.
"""

import operator
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from typing import Any
from uuid import UUID

from django.db.models import Case as When_
from django.db.models import CharField, F, Q, QuerySet, Value, When
from django.utils import timezone

from burgh.cases.access import CASE
from burgh.cases.models import Case, ChronologyEntry, PersonFlag, Stage
from burgh.core import audit
from burgh.core.errors import InvalidInputError, PermissionDeniedError
from burgh.identity import policy
from burgh.identity.models import Purpose, Team, User

SLA_STATES = ("on_track", "at_risk", "breached", "paused", "met", "missed", "none")
SCOPES = ("team", "unallocated", "mine", "all")


def with_sla_state(cases: QuerySet[Case], now: datetime | None = None) -> QuerySet[Case]:
    """Annotate `sla_state` in the database, so a queue can filter and count by it; the same
    verdicts as `cases.sla.sla_state` gives one case."""
    now = now or timezone.now()
    return cases.annotate(
        sla_state=When_(
            *(When(condition, then=Value(state)) for state, condition in _states(now)),
            default=Value("on_track"),
            output_field=CharField(),
        )
    )


def _states(now: datetime) -> list[tuple[str, Q]]:
    """Each SLA state as a filter, in the order they are decided (the first that holds wins)."""
    due = F("sla_due_at")
    stopped_in_time = Q(sla_paused_at__isnull=False, sla_paused_at__lt=due) | Q(
        sla_paused_at__isnull=True, closed_at__lte=due
    )
    closed, paused = Q(stage=Stage.CLOSED), Q(stage=Stage.PAUSED)
    return [
        ("none", Q(sla_due_at__isnull=True)),
        ("met", closed & stopped_in_time),
        ("missed", closed),
        # A pause never hides a breach that had already happened.
        ("breached", (paused & Q(sla_due_at__lte=F("sla_paused_at"))) | Q(sla_due_at__lte=now)),
        ("paused", paused),
        ("at_risk", Q(sla_warn_at__lte=now)),
        ("on_track", Q(pk__isnull=False)),
    ]


def sla_filter(state: str, now: datetime) -> Q:
    """Cases in `state`: it holds and none decided before it does."""
    found = Q(pk__isnull=False)
    for name, condition in _states(now):
        if name == state:
            return found & condition
        found &= ~condition
    raise ValueError(state)


@dataclass(frozen=True)
class QueueFilter:
    scope: str = "team"
    team: Team | None = None
    owner: UUID | None = None
    status: str = ""
    case_type: str = ""
    priority: int | None = None
    sla_state: str = ""
    reference: str = ""
    include_closed: bool = False


def check_filter(found: QueueFilter) -> None:
    errors = []
    if found.scope not in SCOPES:
        errors.append({"pointer": "#/scope", "detail": f"Give one of: {', '.join(SCOPES)}."})
    if found.scope in ("team", "unallocated") and found.team is None:
        errors.append({"pointer": "#/team", "detail": "Choose the team whose queue to show."})
    if found.sla_state and found.sla_state not in SLA_STATES:
        errors.append({"pointer": "#/sla", "detail": f"Give one of: {', '.join(SLA_STATES)}."})
    if found.priority is not None and found.priority not in (1, 2, 3, 4):
        errors.append({"pointer": "#/priority", "detail": "Give 1 (urgent) to 4 (low)."})
    if errors:
        raise InvalidInputError("The queue filter is not right.", errors=errors)


def queue(
    by: User | policy.Viewer,
    found: QueueFilter,
    *,
    purpose: Purpose = Purpose.SERVICE_DELIVERY,
    action: policy.Action = policy.Action.LIST,
) -> policy.Visible[Case]:
    """The cases `by` may see in a queue (or export from it, with `action`): a team's, its
    unallocated work, their own or all, narrowed by the filter, most urgent and soonest due
    first, with `sla_state` annotated."""
    check_filter(found)
    now = timezone.now()
    cases = Case.objects.filter(merged_into__isnull=True)
    if found.scope in ("team", "unallocated"):
        cases = cases.filter(team=found.team)
    if found.scope == "unallocated":
        cases = cases.filter(owner__isnull=True)
    if found.scope == "mine":
        cases = cases.filter(owner=by.user if isinstance(by, policy.Viewer) else by)
    if found.owner is not None:
        cases = cases.filter(owner_id=found.owner)
    if not found.include_closed and found.sla_state not in ("met", "missed"):
        cases = cases.exclude(stage=Stage.CLOSED)
    if found.status:
        cases = cases.filter(status=found.status)
    if found.case_type:
        cases = cases.filter(case_type__code=found.case_type)
    if found.priority is not None:
        cases = cases.filter(priority=found.priority)
    if found.sla_state:
        cases = cases.filter(sla_filter(found.sla_state, now))
    if found.reference:
        cases = cases.filter(reference__iexact=found.reference.strip())
    visible = policy.visible(by, CASE, action=action, purpose=purpose, queryset=cases)
    filtered_on = [
        name
        for name, used in (
            ("owner", found.owner is not None),
            ("status", bool(found.status)),
            ("case_type", bool(found.case_type)),
            ("priority", found.priority is not None),
            ("sla", bool(found.sla_state)),
            ("reference", bool(found.reference)),
        )
        if used
    ]
    # Fetched once each for the page, not joined to every row: a queue holds a few types,
    # teams and workers, and a case type is costly to build (its definition is JSON).
    visible.queryset = with_sla_state(
        showing(visible, *filtered_on).prefetch_related("case_type", "team", "owner"), now
    ).order_by("priority", F("sla_due_at").asc(nulls_last=True), "id")
    return visible


def showing(visible: policy.Visible[Case], *fields: str) -> QuerySet[Case]:
    """The rows of `visible` that may show every one of `fields`.

    A filter must match, and a filter form offer, only values the reader may see: otherwise a
    partner who follows a case's status could learn its type by filtering on it.
    """
    grants = visible.grants.for_action(visible.action)
    allowing = [grant.q for grant in grants if set(fields) <= grant.fields]
    if len(allowing) == len(grants):
        return visible.queryset
    if not allowing:
        return visible.queryset.none()
    return visible.queryset.filter(reduce(operator.or_, allowing))


@dataclass(frozen=True)
class CaseRead:
    case: Case
    fields: frozenset[str]
    rule: str
    sla_state: str


def read_case(
    by: User,
    case_id: Any,
    *,
    purpose: Purpose = Purpose.SERVICE_DELIVERY,
    action: policy.Action = policy.Action.VIEW,
) -> CaseRead:
    """One case for `by`, if the policy allows; logged, and audited when sensitive."""
    case, decision = policy.read(by, CASE, case_id, purpose=purpose, action=action)
    if case.sensitive:
        audit.record(
            "cases.case.read",
            subject=case,
            actor=by,
            purpose=purpose,
            detail={"reference": case.reference, "rule": str(decision.rule)},
        )
    found = with_sla_state(
        Case.objects.filter(pk=case.pk).select_related("case_type", "team", "owner")
    ).get()
    return CaseRead(found, decision.fields, str(decision.rule), getattr(found, "sla_state", "none"))


def read_work(by: User, case_id: Any, *, purpose: Purpose = Purpose.SERVICE_DELIVERY) -> CaseRead:
    """A case read for the work on it (chronology, notes, documents): refused to a reader who
    may see only its directory entry."""
    found = read_case(by, case_id, purpose=purpose)
    if "work" not in found.fields:
        raise PermissionDeniedError(
            f"You may see case {found.case.reference} in the directory only, not the work on it."
        )
    return found


def chronology(
    case: Case,
    *,
    kinds: Collection[str] = (),
    significant_only: bool = False,
    text: str = "",
) -> QuerySet[ChronologyEntry]:
    """The case's timeline, oldest first, filtered; call it only for a case read through
    `read_case` (the chronology shows what the case shows)."""
    entries = ChronologyEntry.objects.filter(case=case)
    if kinds:
        entries = entries.filter(kind__in=list(kinds))
    if significant_only:
        entries = entries.filter(significant=True)
    if text.strip():
        entries = entries.filter(summary__icontains=text.strip())
    return entries.select_related("actor").order_by("at", "id")


def cases_of_person(
    by: User,
    person_ids: Sequence[UUID],
    *,
    purpose: Purpose = Purpose.SERVICE_DELIVERY,
    limit: int = 200,
) -> tuple[policy.Visible[Case], list[Case]]:
    """Every case about or involving these person ids (a person and the ids merged into them)
    that `by` may see, newest first, logged as listed."""
    from burgh.cases.models import CaseParty

    involved = CaseParty.objects.filter(person_id__in=list(person_ids), ended_at__isnull=True)
    cases = Case.objects.filter(
        Q(subject_person_id__in=list(person_ids)) | Q(pk__in=involved.values("case_id")),
        merged_into__isnull=True,
    )
    visible = policy.visible(by, CASE, purpose=purpose, queryset=cases)
    rows = list(
        with_sla_state(visible.queryset.select_related("case_type", "team", "owner")).order_by(
            "-received_at", "-id"
        )[:limit]
    )
    policy.log_listed(by, CASE, rows, purpose=purpose)
    return visible, rows


def live_flags(person_ids: Iterable[UUID]) -> list[PersonFlag]:
    """Warning flags in force on these people: shown wherever they appear."""
    return list(
        PersonFlag.objects.filter(person_id__in=list(person_ids), removed_at__isnull=True)
        .select_related("raised_by", "case")
        .order_by("kind", "created_at")
    )
