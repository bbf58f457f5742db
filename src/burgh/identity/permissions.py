"""Permission codes granted by roles; the access policy will build on this check."""

from datetime import date

from django.utils import timezone

from burgh.identity import memo
from burgh.identity.models import Membership, Role, RoleAssignment, User
from burgh.identity.models.accounts import in_force_on

MANAGE_TEAMS = "identity.manage_teams"
# An identity provider's account (through SCIM) creates, changes and removes staff and teams.
PROVISION_STAFF = "identity.provision_staff"


def current_roles(user: User, *, on: date | None = None) -> list[Role]:
    """The roles `user` holds on `on` (today, council time), by assignments in force that day."""
    day = on or timezone.localdate()
    return list(
        Role.objects.filter(
            pk__in=RoleAssignment.objects.in_force(day).filter(user=user).values("role_id")
        )
    )


def current_memberships(user: User, *, on: date | None = None) -> list[Membership]:
    """Memberships in force on `on`, in teams running that day (rapid-response teams end)."""
    day = on or timezone.localdate()
    return list(
        Membership.objects.in_force(day)
        .filter(user=user)
        .select_related("team", "team__parent")
        .order_by("team__name", "team__id")
    )


def menu_permissions(user: User) -> frozenset[str]:
    """The codes `user`'s roles grant today, for choosing which links a page shows: read once
    per request with everything else about the user (`granted`), so a page's menu costs no
    query of its own however many links it weighs."""
    return granted(user) if user.is_active else frozenset()


def has_permission(user: User, code: str, *, on: date | None = None) -> bool:
    """Whether any role `user` holds today grants `code`.

    Read from the database once per request (`identity.memo`), so a role taken away stops
    working on the next request (ASVS 8.3.2). Checked in Python because SQLite cannot search
    inside a JSON list.
    """
    return user.is_active and code in granted(user, on=on)


def granted(user: User, *, on: date | None = None) -> frozenset[str]:
    """Every code `user`'s roles grant on `on` (today), read once per request."""
    day = on or timezone.localdate()
    return memo.remembered(
        ("permissions", user.pk, day),
        lambda: frozenset(
            code for role in current_roles(user, on=day) for code in role.permissions or []
        ),
    )


def holders_of(code: str, *, on: date | None = None) -> list[User]:
    """Active users holding `code` through a role assignment in force on `on`."""
    day = on or timezone.localdate()
    roles = [role for role in Role.objects.all() if code in (role.permissions or [])]
    return list(
        User.objects.filter(
            in_force_on(day, "role_assignments__"),
            role_assignments__role__in=roles,
            is_active=True,
        ).distinct()
    )
