"""Queues and allocation: a team leader allocates, a worker takes the next, or Burgh does.

"Take next" hands each case to one worker only: on PostgreSQL the candidate row is locked with
`FOR UPDATE SKIP LOCKED`, so twenty workers pressing the button at once each get a different
case without waiting on each other; elsewhere a conditional update (`... WHERE owner IS NULL`)
lets exactly one claim succeed and the others move to the next candidate.
"""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.db.models import Count, F, Max, QuerySet
from django.utils import timezone

from burgh.cases.access import ALLOCATE, TAKE_NEXT
from burgh.cases.models import Allocation, Case, CaseAllocation, Stage
from burgh.cases.services.common import (
    announce,
    case_to_change,
    check_version,
    chronicle,
    may_lead,
    require,
    require_open,
    text,
)
from burgh.cases.services.reading import sla_filter
from burgh.core.errors import ConflictError, InvalidInputError, PermissionDeniedError
from burgh.identity import policy
from burgh.identity.models import Membership, Team, User
from burgh.staff import services as staff

# How many candidates a claim tries before concluding the queue is empty (SQLite path).
CLAIM_ATTEMPTS = 20


class OverCapacityError(ConflictError):
    slug = "over-capacity"
    title = "The worker has no room for more cases"


def open_caseloads(user_ids: Sequence[UUID]) -> dict[UUID, int]:
    """How many open cases each of `user_ids` holds now."""
    rows = (
        # `stage IN (open, paused)`, not `NOT closed`, so the owner index is used.
        Case.objects.filter(owner_id__in=user_ids, stage__in=(Stage.OPEN, Stage.PAUSED))
        .values("owner_id")
        .annotate(n=Count("id"))
    )
    return {row["owner_id"]: row["n"] for row in rows}


def team_members(team: Team) -> list[User]:
    today = timezone.localdate()
    members = Membership.objects.in_force(today).filter(team=team).values("user_id")
    return list(User.objects.filter(pk__in=members, is_active=True).order_by("full_name"))


def _is_member(user: User, team: Team) -> bool:
    today = timezone.localdate()
    return Membership.objects.in_force(today).filter(team=team, user=user).exists()


def _leads(by: User | None, team_id: Any) -> bool:
    return by is None or may_lead(policy.viewer_for(by), team_id, ALLOCATE)


def allocate_case(
    by: User | None,
    case_id: Any,
    owner: User | None,
    *,
    team: Team | None = None,
    reason: str = "",
    expected_version: int | None = None,
    allow_over_capacity: bool = False,
    how: str = "manual",
) -> Case:
    """Allocate a case to `owner` in `team` (its own team if None); None returns it to the
    team's shared queue. Re-allocating a case someone holds needs a reason."""
    require(by, ALLOCATE, "allocate cases")
    with transaction.atomic():
        case = case_to_change(by, case_id)
        check_version(case, expected_version)
        require_open(case, "allocate it")
        target = team or case.team
        if not _leads(by, case.team_id):
            raise PermissionDeniedError(
                f"Only a leader or manager of {case.team} can allocate its cases."
            )
        reason = text(reason, "#/reason", "why", limit=300, required=False)
        errors: list[dict[str, str]] = []
        if (
            case.owner_id is not None
            and case.owner_id != (owner.pk if owner else None)
            and not reason
        ):
            errors.append(
                {
                    "pointer": "#/reason",
                    "detail": f"Say why the case is moving from {case.owner}.",
                }
            )
        if owner is not None:
            if not owner.is_active:
                errors.append({"pointer": "#/owner", "detail": f"{owner}'s account is disabled."})
            elif not _is_member(owner, target):
                errors.append(
                    {"pointer": "#/owner", "detail": f"{owner} is not a member of {target}."}
                )
        if errors:
            raise InvalidInputError("The case cannot be allocated.", errors=errors)
        if owner is not None and owner.pk != case.owner_id and not allow_over_capacity:
            _check_room(owner)
        previous_owner, previous_team = case.owner, case.team
        now = timezone.now()
        case.owner, case.team, case.allocated_at = owner, target, now if owner else None
        case.version += 1
        case.save(update_fields=["owner", "team", "allocated_at", "version", "updated_at"])
        CaseAllocation.objects.create(
            case=case, at=now, team=target, owner=owner, by=by, how=how, reason=reason
        )
        where = f"{owner} ({target})" if owner else f"the {target} shared queue"
        moved = f" from {previous_owner}" if previous_owner and previous_owner != owner else ""
        chronicle(
            case,
            "allocated",
            f"Allocated to {where}{moved}" + (f": {reason}" if reason else ""),
            by=by,
            detail={"how": how, "team": str(target.pk), "owner": str(owner.pk) if owner else None},
        )
        announce(
            case,
            "allocated",
            {
                "team": str(target.pk),
                "owner": str(owner.pk) if owner else None,
                "previous_owner": str(previous_owner.pk) if previous_owner else None,
                "previous_team": str(previous_team.pk),
                "how": how,
            },
            by=by,
        )
    return case


def _check_room(owner: User) -> None:
    ceiling = staff.caseload_capacities([owner.pk]).get(owner.pk)
    if ceiling is None:
        return
    held = open_caseloads([owner.pk]).get(owner.pk, 0)
    if held >= ceiling:
        raise OverCapacityError(
            f"{owner} already holds {held} open cases and their capacity is {ceiling}. "
            "Choose someone with room, or allocate over capacity with a reason.",
            extra={"held": held, "capacity": ceiling},
        )


def allocate_cases(
    by: User | None,
    case_ids: Sequence[Any],
    owner: User | None,
    *,
    team: Team | None = None,
    reason: str = "",
    allow_over_capacity: bool = False,
) -> list[Case]:
    """Allocate many cases at once: all of them, or (if any cannot be) none, with every reason."""
    if not case_ids:
        raise InvalidInputError(
            "Choose at least one case.", errors=[{"pointer": "#/cases", "detail": "Choose cases."}]
        )
    case_ids = list(dict.fromkeys(case_ids))
    errors: list[dict[str, str]] = []
    done: list[Case] = []
    # One transaction: each allocation is counted in the next one's capacity check.
    with transaction.atomic():
        for index, case_id in enumerate(case_ids):
            try:
                with transaction.atomic():
                    done.append(
                        allocate_case(
                            by,
                            case_id,
                            owner,
                            team=team,
                            reason=reason,
                            allow_over_capacity=allow_over_capacity,
                            how="bulk",
                        )
                    )
            except (InvalidInputError, ConflictError, PermissionDeniedError) as error:
                errors.append({"pointer": f"#/cases/{index}", "detail": error.detail})
            except policy.RecordNotFoundError:
                errors.append(
                    {"pointer": f"#/cases/{index}", "detail": "No such case, or you cannot see it."}
                )
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise InvalidInputError(
            f"None of the {len(case_ids)} cases was allocated: {len(errors)} could not be.",
            errors=errors,
        )
    return done


def take_next(by: User, team: Team) -> Case | None:
    """Give `by` the most urgent unallocated case in `team`'s queue, or None if there is none."""
    require(by, TAKE_NEXT, "take cases from a queue")
    if team.pk not in policy.viewer_for(by).member_of:
        raise PermissionDeniedError(f"You are not a member of {team}.")
    _check_room(by)
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            case = (
                _waiting(team)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("case_type")
                .first()
            )
            if case is None:
                return None
            _give(case, by, how="take_next")
            return case
    for _attempt in range(CLAIM_ATTEMPTS):
        candidate = _waiting(team).values_list("pk", flat=True).first()
        if candidate is None:
            return None
        with transaction.atomic():
            claimed = Case.objects.filter(pk=candidate, owner__isnull=True).update(
                owner=by, allocated_at=timezone.now(), version=F("version") + 1
            )
            if claimed:
                case = Case.objects.select_related("case_type").get(pk=candidate)
                _record_give(case, by, how="take_next")
                return case
    return None


def _waiting(team: Team) -> QuerySet[Case]:
    return Case.objects.filter(
        team=team, owner__isnull=True, stage=Stage.OPEN, merged_into__isnull=True
    ).order_by("priority", F("sla_due_at").asc(nulls_last=True), "id")


def _give(case: Case, owner: User, *, how: str) -> None:
    case.owner, case.allocated_at = owner, timezone.now()
    case.version += 1
    case.save(update_fields=["owner", "allocated_at", "version", "updated_at"])
    _record_give(case, owner, how=how)


def _record_give(case: Case, owner: User, *, how: str) -> None:
    by = owner if how == "take_next" else None
    CaseAllocation.objects.create(
        case=case,
        at=case.allocated_at or timezone.now(),
        team_id=case.team_id,
        owner=owner,
        by=by,
        how=how,
    )
    summary = (
        f"Taken from the queue by {owner}"
        if how == "take_next"
        else f"Allocated to {owner} ({how.replace('_', ' ')})"
    )
    chronicle(case, "allocated", summary, by=by, detail={"how": how, "owner": str(owner.pk)})
    announce(
        case,
        "allocated",
        {"team": str(case.team_id), "owner": str(owner.pk), "previous_owner": None, "how": how},
        by=by,
    )


def allocate_automatically(case: Case) -> User | None:
    """Allocate a new case by its type's rule (round robin or least loaded), within capacity
    and skill; with no one to take it, it stays in the shared queue."""
    chosen = choose_automatically(case)
    give_automatically(case, chosen)
    return chosen


def give_automatically(case: Case, chosen: User | None) -> None:
    """Record `choose_automatically`'s choice: the allocation, or that nobody had room."""
    if chosen is not None:
        _give(case, chosen, how=str(case.case_type.allocation))
    elif case.case_type.allocation != Allocation.MANUAL:
        chronicle(
            case, "allocated", "No one in the team had room: left in the shared queue", by=None
        )


def choose_automatically(case: Case) -> User | None:
    """Who the case type's rule gives a new case to; None under manual allocation or when
    nobody has room. Only reads, so intake can choose before it takes the audit trail's lock."""
    rule = case.case_type.allocation
    if rule == Allocation.MANUAL:
        return None
    team = case.team
    if case.case_type.required_skill:
        candidates = staff.members_with_skill(team, case.case_type.required_skill)
    else:
        candidates = team_members(team)
    ids = [user.pk for user in candidates]
    loads = open_caseloads(ids)
    ceilings = staff.caseload_capacities(ids)
    with_room = [u for u in candidates if loads.get(u.pk, 0) < ceilings.get(u.pk, 0)]
    if not with_room:
        return None
    last = dict(
        CaseAllocation.objects.filter(team=team, owner_id__in=ids)
        .values("owner_id")
        .annotate(last=Max("at"))
        .values_list("owner_id", "last")
    )
    never = timezone.now().replace(year=1970)
    if rule == Allocation.ROUND_ROBIN:
        chosen = min(with_room, key=lambda u: (last.get(u.pk) or never, str(u.pk)))
    else:
        chosen = min(
            with_room,
            key=lambda u: (
                loads.get(u.pk, 0) / max(ceilings[u.pk], 1),
                last.get(u.pk) or never,
                str(u.pk),
            ),
        )
    return chosen


def caseloads(team: Team) -> list[dict[str, Any]]:
    """Each member of `team` with their open cases, capacity and room, for balancing work."""
    members = team_members(team)
    ids = [user.pk for user in members]
    loads = open_caseloads(ids)
    ceilings = staff.caseload_capacities(ids)
    overdue = dict(
        Case.objects.filter(sla_filter("breached", timezone.now()), owner_id__in=ids)
        .values("owner_id")
        .annotate(n=Count("id"))
        .values_list("owner_id", "n")
    )
    rows = []
    for user in members:
        held, ceiling = loads.get(user.pk, 0), ceilings.get(user.pk)
        rows.append(
            {
                "user": user,
                "open": held,
                "capacity": ceiling,
                "room": None if ceiling is None else ceiling - held,
                "breached": overdue.get(user.pk, 0),
                "over": ceiling is not None and held > ceiling,
            }
        )
    return rows


__all__ = [
    "OverCapacityError",
    "allocate_automatically",
    "allocate_case",
    "allocate_cases",
    "caseloads",
    "choose_automatically",
    "give_automatically",
    "open_caseloads",
    "take_next",
    "team_members",
]
