"""Organisation structure beyond teams: line management, skills and capacity."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q

from burgh.core.models import BurghModel
from burgh.identity.models import User
from burgh.identity.models.accounts import dates_in_order


class LineManagement(BurghModel):
    """Who manages whom, between two dates (both inclusive, either open)."""

    staff = models.ForeignKey(User, on_delete=models.CASCADE, related_name="line_managers")
    manager = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reports")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name_plural = "line management"
        constraints = [
            dates_in_order("line_management_ends_after_start"),
            models.CheckConstraint(condition=~Q(staff=F("manager")), name="no_self_management"),
        ]
        indexes = [models.Index(fields=["staff", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.manager} manages {self.staff}"


class Skill(BurghModel):
    """An entry in the council's skills catalogue (a qualification, a language, a specialism)."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    category = models.CharField(max_length=80, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class SkillLevel(models.IntegerChoices):
    AWARENESS = 1, "Awareness"
    WORKING = 2, "Working"
    PRACTITIONER = 3, "Practitioner"
    EXPERT = 4, "Expert"


class StaffSkill(BurghModel):
    """A skill a member of staff holds at a level, between two dates (a certificate expires)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="holders")
    level = models.PositiveSmallIntegerField(choices=SkillLevel.choices)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["skill__name"]
        constraints = [
            dates_in_order("staff_skill_ends_after_start"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4), name="skill_level_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.skill} ({self.get_level_display()})"


class StaffCapacity(BurghModel):
    """How much work a member of staff can hold: contracted hours and a caseload ceiling."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="capacity")
    contracted_hours = models.DecimalField(max_digits=4, decimal_places=2)
    # The most open cases the person should hold at once; allocation stops offering them above it.
    caseload_capacity = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "staff capacity"
        constraints = [
            models.CheckConstraint(
                condition=Q(contracted_hours__gte=0, contracted_hours__lte=Decimal("60")),
                name="contracted_hours_0_to_60",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.contracted_hours} h, up to {self.caseload_capacity} cases"
