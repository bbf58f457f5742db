"""Deployed process flows and decision tables, each key's versions kept side by side."""

from django.conf import settings
from django.db import models

from burgh.core.models.base import BurghModel


class Deployment(BurghModel):
    """One deploy: the files as sent, who sent them, and what they defined."""

    deployed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    # Where it came from: the admin page, the API or the command line.
    source = models.CharField(max_length=20)
    files = models.JSONField(help_text="The files' names, in the order sent.")

    class Meta:
        ordering = ["-created_at"]


class ProcessDefinition(BurghModel):
    """A BPMN process, one version of its key. A running instance keeps to its version."""

    key = models.CharField(max_length=200, help_text="The process's id in the BPMN file.")
    number = models.PositiveIntegerField(help_text="Its version: 1, 2, ... for each key.")
    name = models.CharField(max_length=300)
    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, related_name="processes")
    file_name = models.CharField(max_length=300)
    xml = models.TextField(help_text="The BPMN file as deployed, diagram included.")
    # The parsed process and the processes it calls, as SpiffWorkflow serialises them.
    spec = models.JSONField()
    elements = models.PositiveIntegerField()
    calls = models.JSONField(default=list)

    class Meta:
        ordering = ["key", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["key", "number"], name="flows_process_key_number")
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.number}"


class DecisionDefinition(BurghModel):
    """A DMN decision table, one version of its key."""

    key = models.CharField(max_length=200, help_text="The decision's id in the DMN file.")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=300)
    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, related_name="decisions")
    file_name = models.CharField(max_length=300)
    xml = models.TextField()

    class Meta:
        ordering = ["key", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["key", "number"], name="flows_decision_key_number")
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.number}"
