"""A small council for the case tests: a roads team and a children's team with leaders and
workers, an adviser, residents, a property, and two case types (a public pothole report and
a sensitive child protection referral).

`make_setting()` builds it; tests/cases/conftest.py offers it as `cases`.
"""

from dataclasses import dataclass
from typing import Any

from burgh.cases.models import CaseType
from burgh.cases.services import save_case_type
from burgh.identity.models import Membership, Organisation, Team, User
from burgh.people.models import Person
from burgh.places.models import Property, Street
from burgh.staff.models import StaffCapacity
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    RoleAssignmentFactory,
    RoleFactory,
    TeamFactory,
    UserFactory,
)

ADVISER = ("cases.create_request", "cases.view_request", "people.search", "places.search")
WORKER = (
    "cases.view_case",
    "cases.update_case",
    "cases.take_next",
    "people.search",
    "people.view_person",
    "places.search",
)
LEADER = (
    "cases.view_case",
    "cases.update_case",
    "cases.allocate",
    "cases.authorise_decisions",
    "cases.export_cases",
    "cases.create_request",
    "people.search",
    "people.view_person",
    "places.search",
)
ADMINISTRATOR = ("cases.manage_case_types",)
HOME_UPRN = "134000000001"
ROAD_UPRN = "134000000002"


def grant(user: User, *permissions: str) -> None:
    RoleAssignmentFactory(user=user, role=RoleFactory(permissions=list(permissions)))


def pothole_definition(team_path: str, **overrides: Any) -> dict[str, Any]:
    definition: dict[str, Any] = {
        "code": "pothole",
        "name": "Pothole",
        "service": "Roads and Transport",
        "group": "Roads",
        "public": True,
        "needs_location": True,
        "duplicate_radius_m": 25,
        "fields": [
            {
                "name": "depth",
                "label": "How deep is it?",
                "type": "radios",
                "required": True,
                "options": [
                    {"value": "under-40mm", "label": "Less than 40mm"},
                    {"value": "over-40mm", "label": "40mm or more"},
                ],
            },
            {"name": "near_school", "label": "Is it near a school?", "type": "yes_no"},
        ],
        "statuses": [
            {"code": "reported", "label": "Reported", "stage": "open"},
            {"code": "inspection", "label": "Awaiting inspection", "stage": "open"},
            {"code": "awaiting-contractor", "label": "Awaiting contractor", "stage": "paused"},
            {"code": "repaired", "label": "Repaired", "stage": "closed"},
            {"code": "no-action", "label": "No action needed", "stage": "closed"},
        ],
        "transitions": {
            "reported": ["inspection"],
            "inspection": ["awaiting-contractor", "reported"],
            "awaiting-contractor": ["inspection"],
        },
        "initial_status": "reported",
        "outcomes": [
            {"code": "repaired", "label": "Repaired"},
            {"code": "below-intervention", "label": "Below the intervention level"},
        ],
        "sla": {"unit": "working_days", "target": 5, "warning": 1},
        "default_team": team_path,
        "routing": [{"when": {"depth": "over-40mm"}, "team": team_path, "priority": "high"}],
    }
    definition.update(overrides)
    return definition


def child_protection_definition(team_path: str, **overrides: Any) -> dict[str, Any]:
    definition: dict[str, Any] = {
        "code": "child-protection-referral",
        "name": "Child protection referral",
        "service": "Children's Social Work",
        "sensitive": True,
        "needs_subject": True,
        "fields": [
            {
                "name": "concern",
                "label": "What is the concern?",
                "type": "textarea",
                "required": True,
            }
        ],
        "statuses": [
            {"code": "screening", "label": "Screening", "stage": "open"},
            {"code": "investigation", "label": "Investigation", "stage": "open"},
            {"code": "closed", "label": "Closed", "stage": "closed"},
        ],
        "transitions": {"screening": ["investigation"], "investigation": ["screening"]},
        "initial_status": "screening",
        "outcomes": [
            {"code": "no-further-action", "label": "No further action"},
            {"code": "child-protection-plan", "label": "Child protection plan"},
        ],
        "decision_kinds": [
            {"code": "section-decision", "label": "Section decision", "needs_authorisation": True},
            {"code": "screening-outcome", "label": "Screening outcome"},
        ],
        "sla": {"unit": "calendar_hours", "target": 24, "warning": 4},
        "default_team": team_path,
    }
    definition.update(overrides)
    return definition


@dataclass
class Setting:
    council: Organisation
    roads: Team
    children: Team
    adviser: User
    roads_leader: User
    inspector: User
    second_inspector: User
    children_leader: User
    social_worker: User
    administrator: User
    pothole: CaseType
    child_protection: CaseType
    morag: Person
    home: Property
    road: Property


def _member(team: Team, position: str, *permissions: str, name: str) -> User:
    user = UserFactory(organisation=team.organisation, full_name=name)
    MembershipFactory(user=user, team=team, position=position)
    grant(user, *permissions)
    return user


def make_setting() -> Setting:
    council = Organisation.objects.filter(slug="kinloch").first() or OrganisationFactory(
        name="Kinloch Council", slug="kinloch", kind="council"
    )
    roads = TeamFactory(organisation=council, name="Roads Maintenance", slug="roads-maintenance")
    children = TeamFactory(
        organisation=council, name="Children and Families North", slug="children-north"
    )
    member, leader = Membership.Position.MEMBER, Membership.Position.LEADER
    adviser = UserFactory(organisation=council, full_name="Aileen Adviser")
    grant(adviser, *ADVISER)
    administrator = UserFactory(organisation=council, full_name="Alasdair Admin")
    grant(administrator, *ADMINISTRATOR)
    setting = Setting(
        council=council,
        roads=roads,
        children=children,
        adviser=adviser,
        roads_leader=_member(roads, leader, *LEADER, name="Rhona Leader"),
        inspector=_member(roads, member, *WORKER, name="Iain Inspector"),
        second_inspector=_member(roads, member, *WORKER, name="Ishbel Inspector"),
        children_leader=_member(children, leader, *LEADER, name="Catriona Leader"),
        social_worker=_member(children, member, *WORKER, name="Sandy Worker"),
        administrator=administrator,
        pothole=save_case_type(None, pothole_definition("kinloch/roads-maintenance"))[0],
        child_protection=save_case_type(
            None, child_protection_definition("kinloch/children-north")
        )[0],
        morag=Person.objects.create(given_name="Morag", family_name="MacLeod"),
        home=_property(HOME_UPRN, "12", "High Street", 290000, 780000),
        road=_property(ROAD_UPRN, "40", "High Street", 290030, 780010),
    )
    for worker in (setting.inspector, setting.second_inspector, setting.social_worker):
        StaffCapacity.objects.create(user=worker, contracted_hours=35, caseload_capacity=3)
    return setting


def _property(uprn: str, number: str, street: str, easting: int, northing: int) -> Property:
    road, _ = Street.objects.get_or_create(
        usrn="99000001", defaults={"name": street, "town": "Kinloch"}
    )
    return Property.objects.create(
        uprn=uprn,
        building_number=number,
        street=road,
        postcode="KL1 1AA",
        easting=easting,
        northing=northing,
    )
