"""Ending memberships: a person leaves a team, and the record of their time in it stays."""

from datetime import date

from django.db import transaction
from django.db.models import Q

from burgh.core import audit
from burgh.core.changes import record_change
from burgh.core.concurrency import save_if_version
from burgh.identity.models import Membership, Team, User


def end_membership(membership: Membership, *, last_day: date, by: User | None = None) -> None:
    """Make `last_day` the membership's last day in force; one ending sooner is left alone.

    A membership that would only start after `last_day` never came into force, so it is
    withdrawn: the row goes, and the audit trail and the event keep what it was.
    """
    if membership.valid_to is not None and membership.valid_to <= last_day:
        return
    detail: dict[str, object] = {
        "user": str(membership.user_id),
        "team": str(membership.team_id),
        "position": membership.position,
        "valid_from": membership.valid_from.isoformat() if membership.valid_from else None,
    }
    with transaction.atomic():
        if membership.valid_from is not None and membership.valid_from > last_day:
            record_change(membership, "withdrawn", detail, actor=by, stream=membership.team)
            membership.delete()
            return
        before = membership.valid_to
        membership = save_if_version(membership, membership.version, {"valid_to": last_day})
        detail["valid_to"] = {"from": before.isoformat() if before else None, "to": str(last_day)}
        record_change(membership, "ended", detail, actor=by, stream=membership.team)


def open_memberships(
    *, user: User | None = None, team: Team | None = None, after: date
) -> list[Membership]:
    """Memberships still in force after `after`, or starting later."""
    found = Membership.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=after))
    if user is not None:
        found = found.filter(user=user)
    if team is not None:
        found = found.filter(team=team)
    return list(found.select_related("team", "user").order_by("valid_from", "created_at"))


def end_memberships(
    *, user: User | None = None, team: Team | None = None, last_day: date, by: User | None = None
) -> int:
    """End every membership of `user` (or in `team`) still open after `last_day`; how many."""
    if user is None and team is None:
        raise ValueError("name the user or the team whose memberships end")
    memberships = open_memberships(user=user, team=team, after=last_day)
    for membership in memberships:
        end_membership(membership, last_day=last_day, by=by)
    if memberships:
        audit.record(
            "identity.memberships_ended",
            subject=user if user is not None else team,
            actor=by,
            detail={"count": len(memberships), "last_day": last_day.isoformat()},
        )
    return len(memberships)
