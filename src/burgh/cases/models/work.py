"""The work on a case: notes and contacts, tasks, decisions, and warning flags on people."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from burgh.cases.models.cases import Case
from burgh.core.models import BurghModel
from burgh.identity.models import Team


class CaseNote(BurghModel):
    """A note or a record of contact; edits keep every earlier text (CaseNoteRevision)."""

    class Kind(models.TextChoices):
        NOTE = "note", "Case note"
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email"
        VISIT = "visit", "Visit"
        MEETING = "meeting", "Meeting"
        LETTER = "letter", "Letter"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    body = models.TextField()
    # For a contact: with whom, and when it happened (it may be written up later).
    contact_with = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField()
    significant = models.BooleanField(default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case", "occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case_id}"


class CaseNoteRevision(models.Model):
    """A note's text before an edit: the record of what was written, by whom and when."""

    id = models.BigAutoField(primary_key=True)
    note = models.ForeignKey(CaseNote, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["note", "number"]
        constraints = [
            models.UniqueConstraint(fields=["note", "number"], name="note_revision_once")
        ]

    def __str__(self) -> str:
        return f"revision {self.number} of note {self.note_id}"


class CaseTask(BurghModel):
    class State(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    details = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_tasks",
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    # None: a process flow did it (burgh.flows), not a person.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completion_note = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "due_on", "created_at"]
        indexes = [
            models.Index(
                fields=["owner", "due_on"], name="task_owner_open", condition=Q(state="open")
            )
        ]

    def __str__(self) -> str:
        return self.title


class CaseDecision(BurghModel):
    """A decision on a case; one that needs a manager is authorised by a second person."""

    class State(models.TextChoices):
        RECORDED = "recorded", "Recorded"
        AWAITING = "awaiting", "Awaiting authorisation"
        AUTHORISED = "authorised", "Authorised"
        REFUSED = "refused", "Not authorised"
        WITHDRAWN = "withdrawn", "Withdrawn"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=60)
    summary = models.CharField(max_length=300)
    reasons = models.TextField()
    state = models.CharField(max_length=12, choices=State.choices)
    # None: a process flow did it (burgh.flows), not a person.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "proposed_at"]
        indexes = [
            models.Index(
                fields=["case", "proposed_at"],
                name="decision_awaiting",
                condition=Q(state="awaiting"),
            )
        ]
        constraints = [
            # The two-person rule, in the database as well as the service.
            models.CheckConstraint(
                condition=~Q(state__in=["authorised", "refused"])
                | ~Q(decided_by=models.F("proposed_by")),
                name="decision_second_person",
            )
        ]

    def __str__(self) -> str:
        return self.summary


class PersonFlag(BurghModel):
    """A warning marker on a person, shown wherever they appear: safeguarding, lone-worker risk."""

    class Kind(models.TextChoices):
        SAFEGUARDING = "safeguarding", "Safeguarding concern"
        LONE_WORKER = "lone_worker", "Lone-worker risk"
        VIOLENCE = "violence", "Risk of violence or aggression"
        COMMUNICATION = "communication", "Communication need"
        OTHER = "other", "Other warning"

    person_id = models.UUIDField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.TextField()
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="flags_raised"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    review_on = models.DateField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["person_id", "kind", "created_at"]
        indexes = [
            models.Index(
                fields=["person_id"], name="flag_person_live", condition=Q(removed_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.person_id}"
