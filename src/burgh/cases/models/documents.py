"""Documents on a case: uploads and generated letters, each a line of versions."""

from django.conf import settings
from django.db import models

from burgh.cases.models.cases import Case
from burgh.core.models import BurghModel


class CaseDocument(BurghModel):
    class Kind(models.TextChoices):
        UPLOAD = "upload", "Uploaded document"
        LETTER = "letter", "Letter"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.UPLOAD)
    title = models.CharField(max_length=200)
    current_version = models.PositiveIntegerField(default=1)
    # None: a process flow did it (burgh.flows), not a person.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["case", "created_at"]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """One stored file. The bytes live in the document store, outside the web root."""

    class Scan(models.TextChoices):
        CLEAN = "clean", "Scanned: no virus found"
        NOT_SCANNED = "not_scanned", "Not scanned (no virus scanner is configured)"

    id = models.BigAutoField(primary_key=True)
    document = models.ForeignKey(CaseDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file_name = models.CharField(max_length=200)
    mime_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_key = models.CharField(max_length=100)
    scan = models.CharField(max_length=12, choices=Scan.choices)
    # None: a process flow did it (burgh.flows), not a person.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.file_name} v{self.number}"
