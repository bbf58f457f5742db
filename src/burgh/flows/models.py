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
    # The parsed process and the processes it calls, as SpiffWorkflow serialises them: JSON
    # text, kept as written (PostgreSQL's jsonb would reorder its keys).
    spec = models.TextField()
    elements = models.PositiveIntegerField()
    calls = models.JSONField(default=list)
    stages = models.JSONField(default=list, help_text="The stages a case moves through, in order.")

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


class ProcessInstance(BurghModel):
    """A case's process: which version it runs and where it is. One per case."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Finished"
        FAILED = "failed", "Stopped by an error"
        CANCELLED = "cancelled", "Cancelled"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="process")
    definition = models.ForeignKey(
        ProcessDefinition, on_delete=models.PROTECT, related_name="instances"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RUNNING)
    # SpiffWorkflow's JSON of the running workflow, without the definition's specification,
    # as text: its tasks must come back in the order written (a task's data is kept as what
    # changed from its parent's, so a parent is restored first), which jsonb would not keep.
    state = models.TextField(blank=True)
    stage = models.CharField(max_length=200, blank=True)
    # When the earliest timer falls due: the timer sweep's index.
    next_timer_at = models.DateTimeField(null=True, blank=True)
    # The messages and signals it waits for, by name.
    waiting_for = models.JSONField(default=list, blank=True)
    failure = models.TextField(blank=True)
    # Messages and signals a failing step took (kind, name, payload), handed again on a retry.
    held = models.JSONField(default=list, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_timer_at"],
                name="flows_instance_timer",
                condition=models.Q(status="running", next_timer_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.definition} for case {self.case_id}"


class ProcessTask(BurghModel):
    """A user task of a case's process waiting for someone: on the case page and in its
    team's queue, with its form, owner and due date."""

    class Status(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "No longer needed"

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="tasks")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="process_tasks")
    # SpiffWorkflow's id of the task, and the user task's id in the BPMN file.
    task_id = models.UUIDField()
    element = models.CharField(max_length=200)
    name = models.CharField(max_length=300)
    form = models.JSONField(
        default=list, help_text="The step's questions, as case-type field definitions."
    )
    team = models.ForeignKey(
        "identity.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # The answers given; while the step is open, the form's default answers.
    answers = models.JSONField(default=dict, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instance", "task_id"], name="flows_task_once")
        ]
        indexes = [
            models.Index(fields=["team", "due_at"], name="flows_task_team_open",
                         condition=models.Q(status="open")),
            models.Index(fields=["case", "status"], name="flows_task_case"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name


class DecisionRecord(models.Model):
    """One evaluation of a decision table for a case (in its process, or routing it): its
    inputs, the rules that fired and what it decided."""

    id = models.BigAutoField(primary_key=True)
    # None: made outside a process (the case type's routing when the case was logged).
    instance = models.ForeignKey(
        ProcessInstance, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="process_decisions"
    )
    at = models.DateTimeField()
    element = models.CharField(max_length=200)
    decision = models.CharField(max_length=200)
    inputs = models.JSONField(default=dict)
    rules = models.JSONField(default=list)
    outputs = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.decision} at {self.element}"


class Webhook(BurghModel):
    """Another system's address that processes may call by name (`call_webhook`), registered
    by the council's IT team: an analyst's file names the webhook, never a URL or a secret."""

    name = models.SlugField(max_length=80, unique=True, help_text="What processes call it by.")
    url = models.URLField(
        max_length=500,
        help_text="Where the call is sent: https, or http only to this machine (localhost).",
    )
    # Standard Webhooks' signing secret ("whsec_" and base64): the receiver verifies with it.
    secret = models.CharField(max_length=200, editable=False)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
