"""Case types: what a council administrator defines, as data, for each kind of request or case."""

from django.db import models

from burgh.core.models import BurghModel
from burgh.identity.models import Team


class Stage(models.TextChoices):
    """What a status means to the clock and the queues, whatever the case type calls it."""

    OPEN = "open", "Open"
    # The SLA clock stops (awaiting the customer, a third party, a court date).
    PAUSED = "paused", "Paused"
    CLOSED = "closed", "Closed"


class Priority(models.IntegerChoices):
    # Lower numbers come first in every queue.
    URGENT = 1, "Urgent"
    HIGH = 2, "High"
    NORMAL = 3, "Normal"
    LOW = 4, "Low"


class Allocation(models.TextChoices):
    """How a new case reaches a worker once it is in its team's queue."""

    MANUAL = "manual", "A team leader allocates, or a worker takes the next"
    ROUND_ROBIN = "round_robin", "Round robin among the team's workers"
    LEAST_LOADED = "least_loaded", "The least-loaded worker with room and the skill"


class CaseType(BurghModel):
    """One kind of request or case. Everything about it is data an administrator can change.

    `fields`, `statuses`, `transitions`, `sla`, `routing`, `outcomes` and `decision_kinds` are
    JSON checked by `cases.services.casetypes` before they are saved (docs/case-types.md).
    """

    code = models.SlugField(max_length=60, unique=True)  # the Open311 service_code
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    service = models.CharField(max_length=120)  # the council service that owns it
    group = models.CharField(max_length=120, blank=True)  # Open311 `group`
    keywords = models.CharField(max_length=300, blank=True)
    # Listed and accepted on Open311 (residents and their apps may report it).
    public = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    fields = models.JSONField(default=list)
    statuses = models.JSONField(default=list)
    transitions = models.JSONField(default=dict)
    initial_status = models.CharField(max_length=40)
    outcomes = models.JSONField(default=list)
    decision_kinds = models.JSONField(default=list)
    sla = models.JSONField(default=dict)
    routing = models.JSONField(default=list)
    default_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    default_priority = models.PositiveSmallIntegerField(
        choices=Priority.choices, default=Priority.NORMAL
    )
    allocation = models.CharField(
        max_length=20, choices=Allocation.choices, default=Allocation.MANUAL
    )
    # Automatic allocation offers a case only to workers holding this skill (a staff skill slug).
    required_skill = models.CharField(max_length=80, blank=True)
    # Restricted by default: only the team working it and its managers see such cases.
    sensitive = models.BooleanField(default=False)
    needs_subject = models.BooleanField(default=False)
    needs_location = models.BooleanField(default=False)
    # An open case of this type this close (metres) is offered as a duplicate; 0 = same UPRN.
    duplicate_radius_m = models.PositiveIntegerField(default=0)
    retention_class = models.CharField(max_length=80, blank=True)
    statutory_timescale = models.CharField(max_length=300, blank=True)
    # The process flow its cases run (a deployed BPMN process's key); each case starts the
    # latest version when it is logged.
    process_key = models.CharField(max_length=200, blank=True)
    # A deployed DMN decision table that routes its cases (outputs `team`, as
    # organisation/team, and `priority`), in place of the routing rules.
    routing_decision = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["service", "name"]

    def __str__(self) -> str:
        return self.name

    def status(self, code: str) -> dict[str, str] | None:
        return next((s for s in self.statuses if s["code"] == code), None)

    def status_label(self, code: str) -> str:
        found = self.status(code)
        return found["label"] if found else code

    def stage_of(self, code: str) -> str:
        found = self.status(code)
        return found["stage"] if found else Stage.OPEN

    def outcome_label(self, code: str) -> str:
        return next((o["label"] for o in self.outcomes if o["code"] == code), code)


class LetterTemplate(BurghModel):
    """A DOCX letter template with {{ placeholders }} filled from a case (docs/letters.md)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    file_name = models.CharField(max_length=200)
    storage_key = models.CharField(max_length=100)
    # The placeholders the template uses, read when it was uploaded.
    variables = models.JSONField(default=list)
    case_types = models.ManyToManyField(CaseType, related_name="letter_templates", blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
