"""Who is asking: everything about a user the policy weighs, read fresh for every request.

Read once per request (`identity.memo`), never kept between requests, so a role taken away, a
membership or team that has ended, an agreement terminated or a break-glass grant expired counts
on the very next request (ASVS 8.3.2). Building a viewer costs a handful of small queries
whatever the size of the data.
"""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.utils import timezone

from burgh.identity import memo
from burgh.identity.models import (
    BreakGlassGrant,
    DataSharingAgreement,
    Membership,
    Organisation,
    Team,
    User,
)
from burgh.identity.permissions import current_memberships, granted


@dataclass(frozen=True)
class Viewer:
    user: User
    now: datetime
    day: date
    active: bool
    # Council staff act for the data controller; everybody else is a partner agency.
    council: bool
    organisation: str
    permissions: frozenset[str]
    member_of: frozenset[UUID]
    # Teams the user leads or manages, with every team beneath them.
    manages: frozenset[UUID]
    # Agreements in force naming the user's organisation as a partner (partners only).
    agreements: tuple[DataSharingAgreement, ...]
    # Emergency access grants running now.
    break_glass: tuple[BreakGlassGrant, ...]

    def has(self, permission: str) -> bool:
        return permission in self.permissions


def viewer_for(user: User, *, now: datetime | None = None) -> Viewer:
    if now is None:
        key = ("viewer", user.pk, user.is_active)
        return memo.remembered(key, lambda: _read(user, timezone.now()))
    return _read(user, now)


def _read(user: User, now: datetime) -> Viewer:
    day = timezone.localdate(now)
    organisation: Organisation | None = user.organisation if user.organisation_id else None
    council = organisation is not None and organisation.kind == Organisation.Kind.COUNCIL
    if not user.is_active:
        return Viewer(
            user,
            now,
            day,
            False,
            council,
            str(organisation or ""),
            frozenset(),
            frozenset(),
            frozenset(),
            (),
            (),
        )
    permissions = granted(user, on=day)
    memberships = current_memberships(user, on=day)
    member_of = frozenset(m.team_id for m in memberships)
    led = {
        m.team_id
        for m in memberships
        if m.position in (Membership.Position.LEADER, Membership.Position.MANAGER)
    }
    agreements: tuple[DataSharingAgreement, ...] = ()
    if organisation is not None and not council:
        agreements = tuple(DataSharingAgreement.objects.in_force(day).filter(partners=organisation))
    break_glass = tuple(
        BreakGlassGrant.objects.filter(user=user, starts_at__lte=now, expires_at__gt=now)
    )
    return Viewer(
        user=user,
        now=now,
        day=day,
        active=True,
        council=council,
        organisation=str(organisation or ""),
        permissions=permissions,
        member_of=member_of,
        manages=_with_descendants(led),
        agreements=agreements,
        break_glass=break_glass,
    )


def _with_descendants(team_ids: set[UUID]) -> frozenset[UUID]:
    if not team_ids:
        return frozenset()
    children: dict[UUID, list[UUID]] = {}
    for team_id, parent_id in Team.objects.filter(parent__isnull=False).values_list(
        "id", "parent_id"
    ):
        children.setdefault(parent_id, []).append(team_id)
    found = set(team_ids)
    stack = list(team_ids)
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return frozenset(found)
