"""What an identity provider says about a member of staff or a team, beyond the account itself."""

from typing import Any

from django.db import models

from burgh.core.models import BurghModel
from burgh.identity.models import Team, User


class StaffProfile(BurghModel):
    """The directory attributes of a member of staff, as their identity provider keeps them.

    The account (email, name, job title, active) stays on `identity.User`; this holds the rest.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="staff_profile")
    # The identity provider's sign-in name (Entra's UPN, Okta's login); unique ignoring case.
    user_name = models.CharField(max_length=255)
    user_name_key = models.CharField(max_length=255, unique=True, editable=False)
    external_id = models.CharField(max_length=255, blank=True, db_index=True)
    # As the provider sends it; the account's full name falls back on the name's parts.
    display_name = models.CharField(max_length=255, blank=True)
    formatted_name = models.CharField(max_length=255, blank=True)
    given_name = models.CharField(max_length=120, blank=True)
    middle_name = models.CharField(max_length=120, blank=True)
    family_name = models.CharField(max_length=120, blank=True)
    honorific_prefix = models.CharField(max_length=40, blank=True)
    honorific_suffix = models.CharField(max_length=40, blank=True)
    nick_name = models.CharField(max_length=120, blank=True)
    user_type = models.CharField(max_length=80, blank=True)
    preferred_language = models.CharField(max_length=64, blank=True)
    locale = models.CharField(max_length=64, blank=True)
    timezone = models.CharField(max_length=64, blank=True)
    employee_number = models.CharField(max_length=80, blank=True)
    cost_centre = models.CharField(max_length=120, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    division = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    # Set when the identity provider deleted the account: kept for audit, gone from SCIM.
    deprovisioned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user_name"]

    def __str__(self) -> str:
        return self.user_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.user_name_key = self.user_name.casefold()
        super().save(*args, **kwargs)


class StaffContact(BurghModel):
    """An email address or phone number of a member of staff (SCIM `emails`, `phoneNumbers`)."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email address"
        PHONE = "phone", "Phone number"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_contacts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=255)
    display = models.CharField(max_length=255, blank=True)
    type = models.CharField(max_length=40, blank=True)
    primary = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "position"]
        indexes = [models.Index(fields=["user", "kind"])]

    def __str__(self) -> str:
        return f"{self.value} ({self.type or self.kind})"


class TeamProvisioning(BurghModel):
    """An identity provider's hold on a team (a SCIM Group): its id there, and if it was deleted."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="provisioning")
    external_id = models.CharField(max_length=255, blank=True, db_index=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.team} ({self.external_id or 'no external id'})"
