"""The access-control register: sharing agreements, consent, restrictions, break-glass, log."""

from datetime import date, datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from burgh.core.models import BurghModel
from burgh.identity.models.accounts import Organisation, User


class Purpose(models.TextChoices):
    """Why someone reads a resident's data; stated with every read and kept in the access log."""

    SERVICE_DELIVERY = "service_delivery", "Delivering a council service to the resident"
    SAFEGUARDING = "safeguarding", "Safeguarding a child or an adult at risk"
    HEALTH_AND_SOCIAL_CARE = "health_and_social_care", "Integrated health and social care"
    CRIME_PREVENTION = "crime_prevention", "Preventing or detecting crime"
    EMERGENCY_RESPONSE = "emergency_response", "Responding to an emergency"
    INFORMATION_GOVERNANCE = "information_governance", "Information governance and audit"


class LawfulBasis(models.TextChoices):
    """UK GDPR article 6(1) bases a council relies on to share personal data."""

    CONSENT = "consent", "Consent (UK GDPR article 6(1)(a))"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (article 6(1)(c))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (article 6(1)(d))"
    PUBLIC_TASK = "public_task", "Public task (article 6(1)(e))"


class AgreementQuerySet(models.QuerySet["DataSharingAgreement"]):
    def in_force(self, day: date) -> "AgreementQuerySet":
        """Agreements sharing on `day`: started, not past their end date, not terminated."""
        return self.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=day),
            terminated_at__isnull=True,
            starts_on__lte=day,
        )


class DataSharingAgreement(BurghModel):
    """A register entry: who receives which records and fields, why, on what basis, until when."""

    objects = AgreementQuerySet.as_manager()

    reference = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    partners = models.ManyToManyField(Organisation, related_name="sharing_agreements")
    purpose = models.CharField(max_length=40, choices=Purpose.choices)
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    # {"people.person": ["given_name", "family_name", ...]}: the record kinds shared, and for
    # each the only fields a partner receives.
    shared_fields = models.JSONField(default=dict)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    review_on = models.DateField()
    responsible_officer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="sharing_agreements_responsible"
    )
    # Ending an agreement early takes effect at once, not at the next midnight.
    terminated_at = models.DateTimeField(null=True, blank=True)
    termination_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="agreement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def in_force(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        day = timezone.localdate(now)
        return (
            self.terminated_at is None
            and self.starts_on <= day
            and (self.ends_on is None or day <= self.ends_on)
        )

    @property
    def needs_consent(self) -> bool:
        return self.lawful_basis == LawfulBasis.CONSENT


class ConsentRecord(BurghModel):
    """A resident's consent, or another lawful basis, for sharing under one agreement.

    `person_id` is the person index's id: identity keeps no copy of the resident's details.
    A consent is withdrawn by setting `ended_at`; another basis ends the same way when it no
    longer applies. Rows are never deleted, so the history of who agreed to what stays.
    """

    person_id = models.UUIDField(db_index=True)
    agreement = models.ForeignKey(
        DataSharingAgreement, on_delete=models.PROTECT, related_name="consents"
    )
    basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    purpose = models.CharField(max_length=40, choices=Purpose.choices)
    # Who gave it: "the resident", or a named attorney or guardian.
    given_by = models.CharField(max_length=200)
    given_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=200, blank=True)
    end_recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-given_at"]
        indexes = [models.Index(fields=["agreement", "person_id"])]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} for {self.agreement.reference}"


class RecordRestriction(BurghModel):
    """A record only the named users may see; to everybody else it does not exist."""

    class Category(models.TextChoices):
        STAFF_OR_RELATIVE = "staff_or_relative", "A member of staff or their relative"
        ADOPTION = "adoption", "Adoption"
        HIGH_PROFILE = "high_profile", "A high-profile person"
        PROTECTION = "protection", "Witness or victim protection"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=80)
    record_id = models.UUIDField()
    category = models.CharField(max_length=30, choices=Category.choices)
    reason = models.TextField()
    named_users = models.ManyToManyField(User, related_name="restricted_records")
    restricted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    review_every_months = models.PositiveSmallIntegerField(default=6)
    review_on = models.DateField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["review_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "record_id"],
                condition=Q(lifted_at__isnull=True),
                name="one_live_restriction_per_record",
            ),
        ]
        indexes = [models.Index(fields=["kind", "record_id"])]

    def __str__(self) -> str:
        return f"Restricted {self.kind} {self.record_id}"

    def review_overdue(self, day: date | None = None) -> bool:
        return self.review_on < (day or timezone.localdate())


class BreakGlassGrant(BurghModel):
    """Emergency access to one record by someone with no relationship to it, for a bounded time."""

    class Review(models.TextChoices):
        APPROPRIATE = "appropriate", "Appropriate"
        INAPPROPRIATE = "inappropriate", "Not appropriate: follow up with the person's manager"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="break_glass_grants")
    kind = models.CharField(max_length=80)
    record_id = models.UUIDField()
    # The resident the record is about, for their access log.
    person_id = models.UUIDField(null=True, blank=True, db_index=True)
    record_label = models.CharField(max_length=200)
    purpose = models.CharField(max_length=40, choices=Purpose.choices)
    reason = models.TextField()
    starts_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_outcome = models.CharField(max_length=20, choices=Review.choices, blank=True)
    review_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["user", "kind", "expires_at"]),
            models.Index(fields=["reviewed_at", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"Emergency access by {self.user} to {self.record_label}"

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now < self.expires_at


class AccessLogEntry(models.Model):
    """One read of, or refused attempt at, one record: the source of "who has seen this record".

    The hash-chained audit trail holds one entry per request; this table holds one row per
    record touched, indexed for the information-governance page and the resident's access log.
    """

    class Action(models.TextChoices):
        VIEWED = "viewed", "Viewed the record"
        LISTED = "listed", "Saw it in a list or search"
        EXPORTED = "exported", "Exported it"
        CHANGED = "changed", "Changed it"
        EMERGENCY_ACCESS = "emergency_access", "Took emergency access"

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        REFUSED = "refused", "Refused"

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    organisation = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=80)
    record_id = models.UUIDField()
    person_id = models.UUIDField(null=True, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    purpose = models.CharField(max_length=40, choices=Purpose.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    # The policy rule that allowed or refused, as `why()` names it.
    rule = models.CharField(max_length=40)
    break_glass = models.ForeignKey(
        BreakGlassGrant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["kind", "record_id", "at"]),
            models.Index(fields=["person_id", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.kind} {self.record_id} ({self.outcome})"
