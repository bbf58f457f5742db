"""The organisation chart: directorates, services and teams, with who is in each on a day."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from django.utils import timezone

from burgh.identity.models import Membership, Organisation, Team, User
from burgh.identity.models.accounts import in_force_on
from burgh.staff.models import LineManagement, StaffCapacity, StaffSkill
from burgh.staff.services.structure import Capacity

LEADING = (Membership.Position.LEADER, Membership.Position.MANAGER)


@dataclass(frozen=True)
class HeldSkill:
    name: str
    level: str


@dataclass(frozen=True)
class StaffEntry:
    user: User
    position: str
    position_label: str
    line_manager: User | None
    skills: tuple[HeldSkill, ...]
    capacity: Capacity | None

    @property
    def leads(self) -> bool:
        return self.position in LEADING


@dataclass
class Unit:
    team: Team
    members: list[StaffEntry] = field(default_factory=list)
    children: list["Unit"] = field(default_factory=list)

    @property
    def leaders(self) -> list[StaffEntry]:
        return [member for member in self.members if member.leads]

    @property
    def headcount(self) -> int:
        return len(self.members) + sum(child.headcount for child in self.children)


def organisation_chart(organisation: Organisation, *, on: date | None = None) -> list[Unit]:
    """The organisation's units running on `on` (today), top level first, with active members.

    A fixed number of queries whatever the size of the organisation.
    """
    day = on or timezone.localdate()
    teams = [
        team
        for team in Team.objects.filter(organisation=organisation).order_by("name")
        if team.is_active_on(day)
    ]
    units = {team.pk: Unit(team) for team in teams}
    memberships = (
        Membership.objects.in_force(day)
        .filter(team__in=teams, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    )
    users = {m.user_id for m in memberships}
    managers = _line_managers(users, day)
    skills = _skills(users, day)
    capacities = {
        c.user_id: Capacity(c.contracted_hours, c.caseload_capacity)
        for c in StaffCapacity.objects.filter(user_id__in=users)
    }
    for m in memberships:
        units[m.team_id].members.append(
            StaffEntry(
                user=m.user,
                position=m.position,
                position_label=m.get_position_display(),
                line_manager=managers.get(m.user_id),
                skills=skills.get(m.user_id, ()),
                capacity=capacities.get(m.user_id),
            )
        )
    for unit in units.values():
        # Leaders first, then everyone else by name.
        unit.members.sort(key=lambda entry: (not entry.leads, entry.user.full_name))
    roots: list[Unit] = []
    for team in teams:
        parent = units.get(team.parent_id) if team.parent_id else None
        (parent.children if parent is not None else roots).append(units[team.pk])
    return roots


def _line_managers(users: set[UUID], day: date) -> dict[UUID, User]:
    found = LineManagement.objects.filter(in_force_on(day), staff_id__in=users).select_related(
        "manager"
    )
    return {arrangement.staff_id: arrangement.manager for arrangement in found}


def _skills(users: set[UUID], day: date) -> dict[UUID, tuple[HeldSkill, ...]]:
    held: dict[UUID, list[HeldSkill]] = defaultdict(list)
    for skill in (
        StaffSkill.objects.filter(in_force_on(day), user_id__in=users)
        .select_related("skill")
        .order_by("skill__name")
    ):
        held[skill.user_id].append(HeldSkill(skill.skill.name, skill.get_level_display()))
    return {user: tuple(skills) for user, skills in held.items()}
