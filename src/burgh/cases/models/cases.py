"""Cases: one record per service request or case, whichever channel it came in by."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from burgh.cases.models.types import CaseType, Priority, Stage
from burgh.core.models import BurghModel
from burgh.identity.models import Team


class Channel(models.TextChoices):
    STAFF = "staff", "Contact centre or staff"
    API = "api", "API"
    OPEN311 = "open311", "Open311"
    BULK = "bulk", "Bulk import"
    PORTAL = "portal", "Resident portal"


class CaseNumber(models.Model):
    """Hands out case numbers: a database sequence, so concurrent intakes never wait on a row."""

    id = models.BigAutoField(primary_key=True)

    def __str__(self) -> str:
        return f"case number {self.pk}"


class Case(BurghModel):
    reference = models.CharField(max_length=20, unique=True)
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=40)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.OPEN)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # The queue the case sits in, and the worker it is allocated to (none: in the shared queue).
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_cases",
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    # The person the case is about, by person-index id (people.services resolves it).
    subject_person_id = models.UUIDField(null=True, blank=True)
    # Where: a UPRN from the place index when the address matched, and what was reported.
    uprn = models.CharField(max_length=12, blank=True)
    address_text = models.CharField(max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    # Who reported it when they are not (or not yet) in the person index: an Open311 reporter.
    reporter = models.JSONField(default=dict, blank=True)
    external_ref = models.CharField(max_length=120, blank=True)
    # A photograph or other media the reporter linked to (Open311 `media_url`).
    media_url = models.URLField(max_length=500, blank=True)
    received_at = models.DateTimeField()
    # The SLA clock (cases.sla): due and at-risk instants, and where a paused clock stopped.
    sla_due_at = models.DateTimeField(null=True, blank=True)
    sla_warn_at = models.DateTimeField(null=True, blank=True)
    sla_paused_at = models.DateTimeField(null=True, blank=True)
    sla_remaining_seconds = models.BigIntegerField(null=True, blank=True)
    # What the SLA sweep has announced for the current deadline: "", "at_risk" or "breached".
    sla_announced = models.CharField(max_length=10, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=40, blank=True)
    outcome_note = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_cases"
    )
    # Copied from the case type at intake: restricted to the team working it and its managers.
    sensitive = models.BooleanField(default=False)
    retention_class = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            # The team queue: open work of a team, most urgent and soonest due first.
            models.Index(
                fields=["team", "priority", "sla_due_at", "id"],
                name="case_team_queue",
                condition=~Q(stage="closed"),
            ),
            # "Take next": the shared (unallocated) open work of a team, in the order it is taken.
            models.Index(
                fields=["team", "priority", "sla_due_at", "id"],
                name="case_team_unallocated",
                condition=Q(owner__isnull=True, stage="open"),
            ),
            # Which case types a team's open work holds (the queue page's type filter).
            models.Index(
                fields=["team", "case_type"], name="case_team_type", condition=~Q(stage="closed")
            ),
            models.Index(fields=["owner", "stage", "sla_due_at"], name="case_owner"),
            # The SLA sweep: running clocks whose next announcement may be due.
            models.Index(
                fields=["sla_warn_at"],
                name="case_sla_unannounced",
                condition=Q(stage="open") & ~Q(sla_announced="breached"),
            ),
            models.Index(fields=["subject_person_id", "received_at"], name="case_subject"),
            models.Index(fields=["case_type", "uprn", "stage"], name="case_type_place"),
            models.Index(fields=["case_type", "easting", "northing"], name="case_type_grid"),
            # Intake's duplicate search by a reported position (Open311 sends latitude and
            # longitude): open cases only, which is all it looks for.
            models.Index(
                fields=["case_type", "latitude", "longitude"],
                name="case_type_position",
                condition=~Q(stage="closed") & Q(latitude__isnull=False),
            ),
            models.Index(fields=["received_at", "id"], name="case_received"),
            models.Index(fields=["updated_at"], name="case_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.stage == Stage.CLOSED


class CaseParty(BurghModel):
    """Someone the case involves, with their role: a person in the index, or a named outsider."""

    class Role(models.TextChoices):
        SUBJECT = "subject", "Subject"
        REPORTER = "reporter", "Reporter"
        PARENT = "parent", "Parent"
        CARER = "carer", "Carer"
        PROFESSIONAL = "professional", "Professional"
        REPRESENTATIVE = "representative", "Representative"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(max_length=20, choices=Role.choices)
    person_id = models.UUIDField(null=True, blank=True)
    # For someone not in the person index (a GP, a police officer): name and how to reach them.
    name = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    contact = models.CharField(max_length=200, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["role", "created_at"]
        indexes = [models.Index(fields=["person_id", "case"], name="case_party_person")]
        constraints = [
            models.CheckConstraint(
                condition=Q(person_id__isnull=False) | ~Q(name=""), name="party_is_someone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} on {self.case_id}"


class CaseLink(BurghModel):
    """Two cases that belong together (one incident, one family) or one duplicating another."""

    class Kind(models.TextChoices):
        RELATED = "related", "Related"
        DUPLICATE = "duplicate", "Duplicate of"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_out")
    other = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "other"], name="case_link_once"),
            models.CheckConstraint(condition=~Q(case=models.F("other")), name="case_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.other_id}"


class CaseAllocation(models.Model):
    """Every allocation and re-allocation, with who made it and why."""

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allocations")
    at = models.DateTimeField()
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # manual, bulk, take_next, round_robin, least_loaded, routing
    how = models.CharField(max_length=20)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["case", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.owner_id or self.team_id} ({self.how})"


class CaseMerge(BurghModel):
    """A duplicate merged into the case that stands, with what moved, so it can be undone."""

    source = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="merges_out")
    target = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="merges_in")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    # The source's status before, and the ids of the parties, notes, documents, tasks moved.
    before = models.JSONField(default=dict)
    moved = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.source_id} merged into {self.target_id}"
