"""Staff index models: provisioning records, line management, skills and capacity."""

from burgh.staff.models.profiles import StaffContact, StaffProfile, TeamProvisioning
from burgh.staff.models.structure import (
    LineManagement,
    Skill,
    SkillLevel,
    StaffCapacity,
    StaffSkill,
)

__all__ = [
    "LineManagement",
    "Skill",
    "SkillLevel",
    "StaffCapacity",
    "StaffContact",
    "StaffProfile",
    "StaffSkill",
    "TeamProvisioning",
]
