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


class Involvement(BurghModel):
    """A team's work with a person, and the worker allocated: the "legitimate relationship".

    The access policy lets a team's members, the allocated worker and the team's managers see
    the person while the involvement is open (and on the day it ends).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    team = models.ForeignKey("identity.Team", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        "identity.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=200)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        indexes = [
            models.Index(fields=["team", "person"]),
            models.Index(fields=["worker", "person"]),
        ]

    def __str__(self) -> str:
        return f"{self.team} with {self.person}"
