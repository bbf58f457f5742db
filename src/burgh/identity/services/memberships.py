"""Ending memberships: a person leaves a team on a given day, and the record stays for audit."""

from datetime import date

from django.db import transaction
from django.db.models import Q

from burgh.core.changes import record_change
from burgh.core.concurrency import save_if_version
from burgh.identity.models import Membership, Team, User


def end_membership(membership: Membership, *, on: date, by: User | None = None) -> Membership:
    """Make `on` the last day of `membership`; one already ending by then is left as it is.

    A membership starting after `on` cannot end before it starts, so it ends on its first day.
    """
    last_day = on
    if membership.valid_from is not None and membership.valid_from > on:
        last_day = membership.valid_from
    if membership.valid_to is not None and membership.valid_to <= last_day:
        return membership
    with transaction.atomic():
        before = membership.valid_to
        membership = save_if_version(membership, membership.version, {"valid_to": last_day})
        record_change(
            membership,
            "ended",
            {
                "user": str(membership.user_id),
                "team": str(membership.team_id),
                "valid_to": {"from": before.isoformat() if before else None, "to": str(last_day)},
            },
            actor=by,
            stream=membership.team,
        )
    return membership


def open_memberships(
    *, user: User | None = None, team: Team | None = None, on: date
) -> list[Membership]:
    """Memberships not yet ended on `on` (in force that day, or starting later)."""
    found = Membership.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    if user is not None:
        found = found.filter(user=user)
    if team is not None:
        found = found.filter(team=team)
    return list(found.select_related("team", "user").order_by("valid_from", "created_at"))


def end_memberships(
    *, user: User | None = None, team: Team | None = None, on: date, by: User | None = None
) -> int:
    """End every open membership of `user` (or in `team`) on `on`; how many were ended."""
    ended = 0
    for membership in open_memberships(user=user, team=team, on=on):
        end_membership(membership, on=on, by=by)
        ended += 1
    return ended
