"""Links between Burgh accounts and people at the council's OpenID Connect identity provider."""

from django.db import models

from burgh.core.models import BurghModel
from burgh.identity.models.accounts import User


class OidcIdentity(BurghModel):
    """One person at one identity provider (issuer and subject), linked to one Burgh account.

    The first sign-in links by verified email address; every later one matches on issuer and
    subject alone, which the provider never reassigns, unlike email addresses.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="oidc_identities")
    issuer = models.CharField(max_length=500)
    subject = models.CharField(max_length=255)
    # The address that made the link, kept to explain the link later; it is not matched again.
    linked_email = models.EmailField()
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "identity provider link"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_subject_once"),
            # A second account at the same provider may not take over a linked Burgh account.
            models.UniqueConstraint(fields=["user", "issuer"], name="oidc_one_link_per_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"
