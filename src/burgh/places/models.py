"""The gazetteer: streets with USRNs and properties with UPRNs (BS7666 style)."""

from django.db import models

from burgh.core.models import BurghModel


class Street(BurghModel):
    usrn = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=200)
    locality = models.CharField(max_length=120, blank=True)
    town = models.CharField(max_length=120)

    class Meta:
        ordering = ["town", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.town}"


class Property(BurghModel):
    """A Basic Land and Property Unit: one UPRN and its address."""

    uprn = models.CharField(max_length=12, unique=True)
    organisation = models.CharField(max_length=200, blank=True)
    sub_building = models.CharField(max_length=120, blank=True)
    building_name = models.CharField(max_length=120, blank=True)
    building_number = models.CharField(max_length=20, blank=True)
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="properties")
    postcode = models.CharField(max_length=8, db_index=True)
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    retired_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "properties"
        ordering = ["uprn"]

    def __str__(self) -> str:
        return self.single_line()

    def single_line(self) -> str:
        parts = [
            self.organisation,
            self.sub_building,
            self.building_name,
            f"{self.building_number} {self.street.name}".strip(),
            self.street.locality,
            self.street.town,
            self.postcode,
        ]
        return ", ".join(part for part in parts if part)


class GazetteerImport(BurghModel):
    """One import or refresh of the gazetteer: where it came from and what it changed.

    The newest import's id is the gazetteer's revision: an address index built in memory is
    rebuilt when it changes.
    """

    source = models.CharField(max_length=300, blank=True)
    file_format = models.CharField(max_length=20, default="csv")
    full_refresh = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    retired = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    actor_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("manage_gazetteer", "Can import the gazetteer and decide address match reviews"),
        ]

    def __str__(self) -> str:
        return f"Gazetteer import of {self.created_at:%Y-%m-%d %H:%M} ({self.source})"


class PropertyChange(models.Model):
    """A property's history: each import that added, changed, retired or reinstated it."""

    class Kind(models.TextChoices):
        ADDED = "added", "Added"
        CHANGED = "changed", "Changed"
        RETIRED = "retired", "Retired"
        REINSTATED = "reinstated", "Back in use"

    gazetteer_import = models.ForeignKey(
        GazetteerImport, on_delete=models.PROTECT, related_name="property_changes"
    )
    uprn = models.CharField(max_length=12)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The single-line address before and after, as a resident would have read it.
    before = models.CharField(max_length=400, blank=True)
    after = models.CharField(max_length=400, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["uprn", "at"])]

    def __str__(self) -> str:
        return f"UPRN {self.uprn} {self.kind}"


class PlaceAttribute(BurghModel):
    """What a service records about a place: a waste collection round, a road's maintenance
    category, a council house's stock number. Filled by the services, shown on the property page.
    """

    uprn = models.CharField(max_length=12)
    service = models.CharField(max_length=60)
    name = models.CharField(max_length=80)
    value = models.CharField(max_length=400)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["service", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["uprn", "service", "name"], name="one_place_attribute_per_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service}.{self.name} of UPRN {self.uprn}"


class AddressMatchReview(BurghModel):
    """An address that matched no property confidently, waiting for the gazetteer custodian.

    The custodian picks the property it means, or says it is not in the gazetteer (a new
    build, a property elsewhere); the system that sent it is told through an event.
    """

    class Status(models.TextChoices):
        OPEN = "open", "To review"
        MATCHED = "matched", "Matched"
        NOT_IN_GAZETTEER = "not_in_gazetteer", "Not in the gazetteer"

    address = models.CharField(max_length=400)
    source = models.CharField(max_length=80)
    source_ref = models.CharField(max_length=120, blank=True)
    # [{"uprn", "address", "score"}], best first, as the matcher saw them.
    candidates = models.JSONField(default=list, blank=True)
    best_score = models.FloatField(default=0.0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    uprn = models.CharField(max_length=12, blank=True)
    decided_by = models.ForeignKey(
        "identity.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_ref"],
                condition=models.Q(status="open") & ~models.Q(source_ref=""),
                name="one_open_review_per_source_ref",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.address!r} from {self.source}"
