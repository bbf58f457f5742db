"""Users, organisations, teams, memberships, roles and API tokens."""

import uuid
from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from burgh.core.models import BurghModel


class Organisation(BurghModel):
    """The council itself or a partner agency working on the platform."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        HEALTH = "health", "Health board"
        POLICE = "police", "Police"
        CHARITY = "charity", "Charity or voluntary organisation"
        OTHER = "other", "Other public body"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: council staff and partner agency staff."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    is_active = models.BooleanField(default=True)
    # Django admin site access; council IT administrators only.
    is_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    failed_sign_ins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # Changing it ends every session of this user ("sign out everywhere").
    session_epoch = models.UUIDField(default=uuid.uuid4)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def get_session_auth_hash(self) -> str:
        # The epoch joins the password hash so a new epoch invalidates every open session.
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "burgh.identity.User.session",
            f"{self.password}:{self.session_epoch}",
            algorithm="sha256",
        ).hexdigest()

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class Team(BurghModel):
    """A directorate, service or team; rapid-response teams have start and end dates."""

    class Kind(models.TextChoices):
        DIRECTORATE = "directorate", "Directorate"
        SERVICE = "service", "Service"
        TEAM = "team", "Team"
        RAPID_RESPONSE = "rapid_response", "Rapid-response team"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TEAM)
    description = models.TextField(blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="team_slug_per_org"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="team_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: date) -> bool:
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )


def in_force_on(day: date, prefix: str = "") -> Q:
    """Valid on `day`: `valid_from`/`valid_to` (both inclusive, either open) take `day` in.

    The one definition of "current" for memberships, role assignments and line management;
    `prefix` reaches the dates through a relation (`"assignments__"`).
    """
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def dates_in_order(name: str) -> models.CheckConstraint:
    """A record valid between two dates cannot end before it starts."""
    return models.CheckConstraint(
        condition=Q(valid_to__isnull=True)
        | Q(valid_from__isnull=True)
        | Q(valid_to__gte=models.F("valid_from")),
        name=name,
    )


class MembershipQuerySet(models.QuerySet["Membership"]):
    def in_force(self, day: date) -> "MembershipQuerySet":
        """Memberships valid on `day`, in teams running that day (rapid-response teams end)."""
        return self.filter(in_force_on(day)).filter(
            Q(team__starts_on__isnull=True) | Q(team__starts_on__lte=day),
            Q(team__ends_on__isnull=True) | Q(team__ends_on__gte=day),
        )


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def in_force(self, day: date) -> "RoleAssignmentQuerySet":
        return self.filter(in_force_on(day))


class Membership(BurghModel):
    """A user's place in a team, valid between two dates (both inclusive)."""

    class Position(models.TextChoices):
        MEMBER = "member", "Member"
        LEADER = "leader", "Team leader"
        MANAGER = "manager", "Service manager"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    position = models.CharField(max_length=20, choices=Position.choices, default=Position.MEMBER)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["user", "team"])]
        constraints = [dates_in_order("membership_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.position})"


class Role(BurghModel):
    """A named bundle of permissions; an administrator can require MFA for a role."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    # Permission codes such as "identity.manage_teams"; read by the access policy.
    permissions = models.JSONField(default=list, blank=True)
    requires_mfa = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RoleAssignment(BurghModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="assignments")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_assignment_per_role"),
            dates_in_order("role_assignment_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.role}"


class ApiToken(BurghModel):
    """A bearer token for the API: only a SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=120)
    # Public part of the token, shown in lists so a user can tell their tokens apart.
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class SignInFailure(models.Model):
    """A failed sign-in from an address, kept briefly to throttle guessing across accounts."""

    source_ip = models.CharField(max_length=45)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["source_ip", "at"])]

    def __str__(self) -> str:
        return f"{self.source_ip} at {self.at:%Y-%m-%d %H:%M}"
