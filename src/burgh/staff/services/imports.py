"""Loading the staff index in bulk (the demo council, a migration from an HR system)."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from burgh.core import audit
from burgh.core.errors import InvalidInputError
from burgh.identity.models import User
from burgh.staff.models import LineManagement, Skill, StaffCapacity, StaffSkill

BATCH_SIZE = 1000


@dataclass(frozen=True)
class LineManagementRecord:
    staff: str  # email addresses
    manager: str
    valid_from: date | None = None


@dataclass(frozen=True)
class SkillRecord:
    name: str
    category: str = ""
    description: str = ""


@dataclass(frozen=True)
class StaffSkillRecord:
    email: str
    skill: str  # the skill's name
    level: int
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class CapacityRecord:
    email: str
    contracted_hours: Decimal
    caseload_capacity: int


@dataclass(frozen=True)
class StaffIndexImportReport:
    skills: int
    line_management: int
    staff_skills: int
    capacities: int


def import_staff_index(
    *,
    skills: Sequence[SkillRecord],
    line_management: Sequence[LineManagementRecord],
    staff_skills: Sequence[StaffSkillRecord],
    capacities: Sequence[CapacityRecord],
) -> StaffIndexImportReport:
    """Write a whole staff index at once; one audit entry records the counts.

    Skills already in the catalogue (same name) are reused; everyone named must have an account.
    """
    emails = {r.staff for r in line_management} | {r.manager for r in line_management}
    emails |= {r.email for r in staff_skills} | {r.email for r in capacities}
    with transaction.atomic():
        users = {u.email: u for u in User.objects.filter(email__in=emails)}
        missing = sorted(emails - users.keys())
        if missing:
            raise InvalidInputError(f"These staff have no account: {', '.join(missing[:10])}.")
        catalogue = {s.name: s for s in Skill.objects.filter(name__in=[r.name for r in skills])}
        new_skills = [
            Skill(
                name=r.name,
                slug=slugify(r.name)[:80],
                category=r.category,
                description=r.description,
            )
            for r in skills
            if r.name not in catalogue
        ]
        Skill.objects.bulk_create(new_skills)
        catalogue.update({s.name: s for s in new_skills})
        LineManagement.objects.bulk_create(
            (
                LineManagement(
                    staff=users[r.staff], manager=users[r.manager], valid_from=r.valid_from
                )
                for r in line_management
            ),
            batch_size=BATCH_SIZE,
        )
        StaffSkill.objects.bulk_create(
            (
                StaffSkill(
                    user=users[r.email],
                    skill=catalogue[r.skill],
                    level=r.level,
                    valid_from=r.valid_from,
                    valid_to=r.valid_to,
                )
                for r in staff_skills
            ),
            batch_size=BATCH_SIZE,
        )
        StaffCapacity.objects.bulk_create(
            (
                StaffCapacity(
                    user=users[r.email],
                    contracted_hours=r.contracted_hours,
                    caseload_capacity=r.caseload_capacity,
                )
                for r in capacities
            ),
            batch_size=BATCH_SIZE,
        )
        report = StaffIndexImportReport(
            skills=len(new_skills),
            line_management=len(line_management),
            staff_skills=len(staff_skills),
            capacities=len(capacities),
        )
        audit.record("staff.index_imported", detail=asdict(report))
    return report
