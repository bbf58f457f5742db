"""The chronology: one append-only timeline of everything that happened on a case."""

from django.conf import settings
from django.db import models


class EntryKind(models.TextChoices):
    CREATED = "created", "Case created"
    STATUS = "status", "Status changed"
    ALLOCATED = "allocated", "Allocated"
    NOTE = "note", "Note"
    CONTACT = "contact", "Contact"
    DOCUMENT = "document", "Document"
    LETTER = "letter", "Letter"
    TASK = "task", "Task"
    DECISION = "decision", "Decision"
    PARTY = "party", "People involved"
    FLAG = "flag", "Warning flag"
    LINK = "link", "Linked cases"
    MERGE = "merge", "Merge"
    FLOW = "flow", "Process step"
    EVENT = "event", "From another system"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"
    DETAILS = "details", "Details changed"


class ChronologyEntry(models.Model):
    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="chronology")
    at = models.DateTimeField()
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    summary = models.CharField(max_length=500)
    detail = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    significant = models.BooleanField(default=False)
    # The record the entry is about (a note, a document, a task), for links from the timeline.
    ref_type = models.CharField(max_length=40, blank=True)
    ref_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["case", "at", "id"]
        indexes = [models.Index(fields=["case", "at", "id"], name="chronology_case")]
        verbose_name_plural = "chronology entries"

    def __str__(self) -> str:
        return f"{self.case_id} {self.at:%Y-%m-%d %H:%M} {self.kind}"
