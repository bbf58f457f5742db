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
