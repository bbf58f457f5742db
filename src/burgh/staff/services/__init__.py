"""The staff index's services: what allocation and access ask about staff, and every write.

Reads: `current_teams`, `line_manager`, `reports`, `capacity`, `caseload_capacities`,
`staff_with_skill`, `members_with_skill`.
Writes (audited, with events): `set_line_manager`, `end_line_management`, `create_skill`,
`give_skill`, `set_capacity` here; provisioning through SCIM in `provisioning` and `groups`.
"""

from burgh.staff.services.structure import (
    Capacity,
    InvalidDatesError,
    LineManagementCycleError,
    capacity,
    caseload_capacities,
    create_skill,
    current_teams,
    end_line_management,
    give_skill,
    line_manager,
    members_with_skill,
    reports,
    set_capacity,
    set_line_manager,
    staff_with_skill,
)

__all__ = [
    "Capacity",
    "InvalidDatesError",
    "LineManagementCycleError",
    "capacity",
    "caseload_capacities",
    "create_skill",
    "current_teams",
    "end_line_management",
    "give_skill",
    "line_manager",
    "members_with_skill",
    "reports",
    "set_capacity",
    "set_line_manager",
    "staff_with_skill",
]
