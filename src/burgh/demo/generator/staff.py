"""The council's and partners' organisation: directorates, services, teams, staff and roles,
with line management, skills and capacity."""

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.text import slugify
from faker import Faker

from burgh.demo.generator.model import (
    DemoCouncil,
    DemoOrganisation,
    DemoRole,
    DemoSignIn,
    DemoStaff,
    DemoTeam,
)
from burgh.staff.services.imports import (
    CapacityRecord,
    LineManagementRecord,
    SkillRecord,
    StaffSkillRecord,
)

COUNCIL_SLUG = "kinloch"
COUNCIL_DOMAIN = "kinloch.example"

ROLES = (
    DemoRole(
        "contact-centre-adviser",
        "Contact centre adviser",
        "Takes calls and web contacts, logs service requests and answers from the knowledge base.",
        ("cases.create_request", "cases.view_request", "people.search", "places.search"),
    ),
    DemoRole(
        "caseworker",
        "Caseworker",
        "Works the cases in their team's queue.",
        (
            "cases.view_case",
            "cases.update_case",
            "cases.take_next",
            "people.search",
            "people.view_person",
            "people.record_consent",
            "people.break_glass",
            "places.search",
        ),
    ),
    DemoRole(
        "social-worker",
        "Social worker",
        "Holds social work cases, including sensitive records allocated to them.",
        (
            "cases.view_case",
            "cases.update_case",
            "cases.take_next",
            "people.search",
            "places.search",
            "people.view_person",
            "people.record_consent",
            "people.break_glass",
            "people.export_people",
            "people.view_sensitive",
            "social_work.view_record",
        ),
    ),
    DemoRole(
        "team-leader",
        "Team leader",
        "Leads a team: allocates its work and manages its membership.",
        (
            "identity.manage_teams",
            "cases.view_case",
            "cases.update_case",
            "cases.allocate",
            "cases.authorise_decisions",
            "cases.export_cases",
            "insight.view_team_reports",
            "people.search",
            "places.search",
            "people.view_person",
        ),
    ),
    DemoRole(
        "service-manager",
        "Service manager",
        "Runs a service or directorate: its teams, performance and escalations.",
        (
            "identity.manage_teams",
            "cases.view_case",
            "insight.view_service_reports",
            "people.search",
            "places.search",
            "people.view_person",
        ),
    ),
    DemoRole(
        "data-steward",
        "Data steward",
        "Keeps the people and place indexes right: reviews matches, merges and unmerges.",
        (
            "people.review_matches",
            "people.merge_people",
            "people.manage_source_records",
            "places.manage_gazetteer",
            "people.search",
            "places.search",
            "people.view_all_people",
            "people.change_person",
            "people.export_people",
        ),
    ),
    DemoRole(
        "information-governance-officer",
        "Information governance officer",
        "Handles subject access requests, retention, legal holds, sharing agreements, "
        "restricted records and reviews of emergency access.",
        (
            "governance.manage_requests",
            "governance.manage_sharing_agreements",
            "governance.manage_retention",
            "core.view_audit",
            "people.search",
            "places.search",
            "people.view_all_people",
            "people.record_consent",
            "governance.manage_restrictions",
            "governance.review_break_glass",
            "governance.view_access_log",
        ),
    ),
    DemoRole(
        "it-administrator",
        "IT administrator",
        "Administers the platform: teams, users, roles and API tokens. Needs MFA.",
        (
            "identity.manage_teams",
            "identity.manage_api_tokens",
            "identity.manage_users",
            "identity.provision_staff",
            "identity.manage_roles",
            "core.view_audit",
            "cases.manage_case_types",
            "flows.deploy",
            "flows.send_signals",
        ),
        requires_mfa=True,
    ),
    DemoRole(
        "partner-agency-worker",
        "Partner agency worker",
        "Works for a partner agency: sees referrals and records shared with their organisation.",
        (
            "directory.view_referrals",
            "directory.respond_to_referral",
            "cases.view_case",
            "people.view_person",
        ),
    ),
)


@dataclass(frozen=True)
class TeamPlan:
    name: str
    size: int
    leader_title: str
    member_title: str
    member_roles: tuple[str, ...]


@dataclass(frozen=True)
class ServicePlan:
    name: str
    manager_title: str
    teams: tuple[TeamPlan, ...]


@dataclass(frozen=True)
class DirectoratePlan:
    name: str
    director_title: str
    services: tuple[ServicePlan, ...]


SW = ("social-worker",)
CW = ("caseworker",)

COUNCIL_PLAN = (
    DirectoratePlan(
        "Customer and Digital Services",
        "Director of Customer and Digital Services",
        (
            ServicePlan(
                "Customer Services",
                "Customer Services Manager",
                (
                    TeamPlan(
                        "Contact Centre",
                        15,
                        "Contact Centre Team Leader",
                        "Customer Service Adviser",
                        ("contact-centre-adviser",),
                    ),
                ),
            ),
            ServicePlan(
                "Digital and IT",
                "Head of Digital and IT",
                (
                    TeamPlan(
                        "IT Service Desk",
                        6,
                        "IT Service Desk Lead",
                        "IT Support Analyst",
                        ("it-administrator",),
                    ),
                    TeamPlan(
                        "Data and Systems",
                        5,
                        "Data and Systems Lead",
                        "Data Steward",
                        ("data-steward",),
                    ),
                ),
            ),
        ),
    ),
    DirectoratePlan(
        "Place and Environment",
        "Director of Place and Environment",
        (
            ServicePlan(
                "Waste Services",
                "Waste Services Manager",
                (
                    TeamPlan(
                        "Waste Collection",
                        10,
                        "Waste Collection Team Leader",
                        "Waste Services Officer",
                        CW,
                    ),
                ),
            ),
            ServicePlan(
                "Roads and Transport",
                "Roads Manager",
                (TeamPlan("Roads Maintenance", 7, "Roads Team Leader", "Roads Inspector", CW),),
            ),
            ServicePlan(
                "Housing",
                "Housing Services Manager",
                (
                    TeamPlan(
                        "Housing Options", 9, "Housing Options Team Leader", "Housing Officer", CW
                    ),
                    TeamPlan("Housing Repairs", 5, "Repairs Team Leader", "Repairs Officer", CW),
                ),
            ),
        ),
    ),
    DirectoratePlan(
        "Finance and Corporate Services",
        "Director of Finance and Corporate Services",
        (
            ServicePlan(
                "Revenues",
                "Revenues Manager",
                (TeamPlan("Council Tax", 9, "Council Tax Team Leader", "Council Tax Officer", CW),),
            ),
            ServicePlan(
                "Finance",
                "Chief Finance Officer",
                (
                    TeamPlan(
                        "Finance Operations", 6, "Finance Team Leader", "Finance Assistant", CW
                    ),
                ),
            ),
            ServicePlan(
                "Governance and Assurance",
                "Head of Governance and Assurance",
                (
                    TeamPlan(
                        "Information Governance",
                        5,
                        "Information Governance Lead",
                        "Information Governance Officer",
                        ("information-governance-officer",),
                    ),
                ),
            ),
        ),
    ),
    DirectoratePlan(
        "Health and Social Care",
        "Chief Social Work Officer",
        (
            ServicePlan(
                "Children's Social Work",
                "Children's Services Manager",
                (
                    TeamPlan(
                        "Children and Families North",
                        9,
                        "Senior Social Worker",
                        "Social Worker",
                        SW,
                    ),
                    TeamPlan(
                        "Children and Families South",
                        8,
                        "Senior Social Worker",
                        "Social Worker",
                        SW,
                    ),
                ),
            ),
            ServicePlan(
                "Adult Social Work",
                "Adult Services Manager",
                (
                    TeamPlan(
                        "Adult Social Work Kinloch",
                        9,
                        "Senior Social Worker",
                        "Social Worker",
                        SW,
                    ),
                    TeamPlan(
                        "Adult Social Work Glens", 5, "Senior Social Worker", "Social Worker", SW
                    ),
                ),
            ),
        ),
    ),
)

PARTNERS = (
    (
        DemoOrganisation(
            "nhs-kinloch-and-glens", "NHS Kinloch and Glens", "health", "nhs-kinloch.example"
        ),
        TeamPlan(
            "Community Health",
            4,
            "Community Nursing Team Lead",
            "District Nurse",
            ("partner-agency-worker",),
        ),
    ),
    (
        DemoOrganisation(
            "police-scotland-kinloch",
            "Police Scotland Kinloch Division",
            "police",
            "kinloch-police.example",
        ),
        TeamPlan(
            "Public Protection Unit",
            3,
            "Detective Sergeant",
            "Detective Constable",
            ("partner-agency-worker",),
        ),
    ),
    (
        DemoOrganisation(
            "kinloch-carers-centre", "Kinloch Carers Centre", "charity", "kinlochcarers.example"
        ),
        TeamPlan(
            "Carer Support",
            3,
            "Carer Support Manager",
            "Carer Support Worker",
            ("partner-agency-worker",),
        ),
    ),
    (
        DemoOrganisation(
            "glens-food-share", "Glens Food Share", "charity", "glensfoodshare.example"
        ),
        TeamPlan(
            "Food Share Coordination",
            2,
            "Food Share Coordinator",
            "Volunteer Coordinator",
            ("partner-agency-worker",),
        ),
    ),
)


@dataclass(frozen=True)
class SignInPlan:
    """A known account: takes the place of the first leader or member of a team."""

    email: str
    team: str
    position: str
    is_staff: bool = False


SIGN_IN_PLAN = (
    SignInPlan("adviser@kinloch.example", "contact-centre", "member"),
    SignInPlan("caseworker@kinloch.example", "housing-options", "member"),
    SignInPlan("socialworker@kinloch.example", "children-and-families-north", "member"),
    SignInPlan("teamleader@kinloch.example", "children-and-families-north", "leader"),
    SignInPlan("igofficer@kinloch.example", "information-governance", "member"),
    SignInPlan("steward@kinloch.example", "data-and-systems", "member"),
    SignInPlan("itadmin@kinloch.example", "it-service-desk", "member", is_staff=True),
    SignInPlan("partner@nhs-kinloch.example", "community-health", "member"),
)


def build_organisation(
    fake: Faker, council_name: str
) -> tuple[list[DemoOrganisation], list[DemoTeam], list[DemoStaff]]:
    """The council and its partners, their team structure and every member of staff."""
    maker = _StaffMaker(fake)
    council = DemoOrganisation(COUNCIL_SLUG, council_name, "council", COUNCIL_DOMAIN)
    organisations = [council]
    for plan in COUNCIL_PLAN:
        directorate = maker.team(council, plan.name, "directorate", None)
        maker.person(council, directorate, "manager", plan.director_title, ("service-manager",))
        for service_plan in plan.services:
            service = maker.team(council, service_plan.name, "service", directorate)
            maker.person(
                council, service, "manager", service_plan.manager_title, ("service-manager",)
            )
            for team_plan in service_plan.teams:
                maker.staff_team(council, team_plan, service)
    for partner, team_plan in PARTNERS:
        organisations.append(partner)
        maker.staff_team(partner, team_plan, None)
    return organisations, maker.teams, maker.staff


class _StaffMaker:
    def __init__(self, fake: Faker) -> None:
        self.fake = fake
        self.teams: list[DemoTeam] = []
        self.staff: list[DemoStaff] = []
        self.emails: set[str] = {plan.email for plan in SIGN_IN_PLAN}
        self.sign_ins = {(plan.team, plan.position): plan for plan in SIGN_IN_PLAN}

    def team(
        self, organisation: DemoOrganisation, name: str, kind: str, parent: DemoTeam | None
    ) -> DemoTeam:
        team = DemoTeam(
            organisation.slug, slugify(name), name, kind, parent.slug if parent else None
        )
        self.teams.append(team)
        return team

    def staff_team(
        self, organisation: DemoOrganisation, plan: TeamPlan, parent: DemoTeam | None
    ) -> None:
        team = self.team(organisation, plan.name, "team", parent)
        self.person(
            organisation, team, "leader", plan.leader_title, ("team-leader", *plan.member_roles)
        )
        for _ in range(plan.size - 1):
            self.person(organisation, team, "member", plan.member_title, plan.member_roles)

    def person(
        self,
        organisation: DemoOrganisation,
        team: DemoTeam,
        position: str,
        job_title: str,
        roles: tuple[str, ...],
    ) -> None:
        given, family = str(self.fake.first_name()), str(self.fake.last_name())
        sign_in = self.sign_ins.pop((team.slug, position), None)
        email = sign_in.email if sign_in else self._email(given, family, organisation.email_domain)
        self.staff.append(
            DemoStaff(
                email=email,
                full_name=f"{given} {family}",
                job_title=job_title,
                organisation=organisation.slug,
                team=team.slug,
                position=position,
                roles=roles,
                demo_sign_in=sign_in is not None,
                is_staff=bool(sign_in and sign_in.is_staff),
                is_superuser=bool(sign_in and sign_in.is_staff),
            )
        )

    def _email(self, given: str, family: str, domain: str) -> str:
        local = re.sub(r"[^a-z.-]", "", f"{given}.{family}".lower())
        email, number = f"{local}@{domain}", 2
        while email in self.emails:
            email, number = f"{local}{number}@{domain}", number + 1
        self.emails.add(email)
        return email


def sign_ins(council: DemoCouncil) -> list[DemoSignIn]:
    """The accounts a visitor can sign in with, each with the role it demonstrates."""
    roles = {role.slug: role for role in council.roles}
    order = {plan.email: number for number, plan in enumerate(SIGN_IN_PLAN)}
    accounts = []
    for person in sorted(
        (person for person in council.staff if person.demo_sign_in), key=lambda p: order[p.email]
    ):
        held = [roles[slug] for slug in person.roles]
        note = (
            "asks you to set up an authenticator app" if any(r.requires_mfa for r in held) else ""
        )
        accounts.append(DemoSignIn(person.email, ", ".join(r.name for r in held), note))
    return accounts


SKILLS = (
    SkillRecord(
        "Child protection", "Social work", "Investigating and planning for children at risk."
    ),
    SkillRecord(
        "Adult support and protection", "Social work", "Council officer under the 2007 Act."
    ),
    SkillRecord("Motivational interviewing", "Practice"),
    SkillRecord("Homelessness assessment", "Housing"),
    SkillRecord("Welfare benefits advice", "Advice"),
    SkillRecord("Mental health first aid", "Wellbeing"),
    SkillRecord("Scottish Gaelic", "Languages"),
    SkillRecord("Polish", "Languages"),
    SkillRecord("British Sign Language", "Languages"),
    SkillRecord("HGV driving licence", "Qualifications"),
    SkillRecord("PRINCE2 practitioner", "Qualifications"),
    SkillRecord("Data protection", "Information governance"),
)
# Skills a role brings; anyone may also have one of the general ones.
ROLE_SKILLS = {
    "social-worker": (
        "Child protection",
        "Adult support and protection",
        "Motivational interviewing",
    ),
    "caseworker": ("Homelessness assessment", "Welfare benefits advice"),
    "contact-centre-adviser": ("Welfare benefits advice",),
    "information-governance-officer": ("Data protection",),
    "data-steward": ("Data protection",),
    "service-manager": ("PRINCE2 practitioner",),
}
GENERAL_SKILLS = (
    "Mental health first aid",
    "Scottish Gaelic",
    "Polish",
    "British Sign Language",
    "HGV driving licence",
)
# How many open cases a full-time worker in the role holds (social work: 16 to 18).
FULL_TIME_CASELOAD = {
    "social-worker": 18,
    "caseworker": 30,
    "partner-agency-worker": 20,
    "information-governance-officer": 20,
    "contact-centre-adviser": 10,
}
HOURS = (Decimal("35"),) * 6 + (Decimal("30"), Decimal("28"), Decimal("22.5"), Decimal("17.5"))


@dataclass(frozen=True)
class StaffIndexPlan:
    skills: tuple[SkillRecord, ...]
    line_management: list[LineManagementRecord]
    staff_skills: list[StaffSkillRecord]
    capacities: list[CapacityRecord]


def build_staff_index(
    teams: list[DemoTeam], staff: list[DemoStaff], seed: int, today: date
) -> StaffIndexPlan:
    """Who manages whom (a team's leader its members, a service's manager its team leaders,
    a directorate's head its service managers), skills by role, and contracted hours."""
    rng = random.Random(f"burgh-demo-staff-index-{seed}")
    parent = {(t.organisation, t.slug): t.parent for t in teams}
    head = {(s.organisation, s.team): s.email for s in staff if s.position in ("leader", "manager")}
    started = today - timedelta(days=365)
    lines = []
    for person in staff:
        team = person.team
        if person.position in ("leader", "manager"):
            team = parent.get((person.organisation, person.team)) or ""
        manager = head.get((person.organisation, team)) if team else None
        if manager and manager != person.email:
            lines.append(LineManagementRecord(person.email, manager, started))
    skills, capacities = [], []
    for person in staff:
        names = {name for role in person.roles for name in ROLE_SKILLS.get(role, ())}
        if rng.random() < 0.3:
            names.add(rng.choice(GENERAL_SKILLS))
        for name in sorted(names):
            valid_to = today + timedelta(days=rng.randint(60, 900)) if rng.random() < 0.2 else None
            skills.append(
                StaffSkillRecord(person.email, name, rng.randint(2, 4), started, valid_to)
            )
        hours = rng.choice(HOURS)
        full_caseload = max((FULL_TIME_CASELOAD.get(role, 0) for role in person.roles), default=0)
        caseload = int(full_caseload * hours / Decimal(35)) if person.position == "member" else 0
        capacities.append(CapacityRecord(person.email, hours, caseload))
    return StaffIndexPlan(SKILLS, lines, skills, capacities)
