"""Residents and the households they live in."""

from django.db import models

from burgh.core.models import BurghModel


class Person(BurghModel):
    given_name = models.CharField(max_length=120)
    family_name = models.CharField(max_length=120)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["family_name", "given_name"])]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Household(BurghModel):
    """People living together at one property, linked to the place index by UPRN."""

    uprn = models.CharField(max_length=12, db_index=True)
    members: "models.ManyToManyField[Person, HouseholdMember]" = models.ManyToManyField(
        Person, through="HouseholdMember", related_name="households"
    )

    def __str__(self) -> str:
        return f"Household at UPRN {self.uprn}"


class HouseholdMember(BurghModel):
    household = models.ForeignKey(Household, on_delete=models.CASCADE)
    person = models.ForeignKey(Person, on_delete=models.CASCADE)
    relationship = models.CharField(max_length=40, blank=True)
    moved_in_on = models.DateField(null=True, blank=True)
    moved_out_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "person"], name="member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.household}"
