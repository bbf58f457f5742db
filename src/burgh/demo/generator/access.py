"""Who works with whom: involvements, sharing agreements, consents and restricted records.

Enough for each demo sign-in to see access control at work: the social worker and the
caseworker have their own people, the team leader sees their team's, the NHS partner sees the
residents of its team who consented, and a few records are restricted to named staff.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from burgh.demo.generator.model import (
    DemoAgreement,
    DemoConsent,
    DemoHousehold,
    DemoInvolvement,
    DemoPerson,
    DemoRestriction,
    DemoStaff,
)
from burgh.demo.generator.residents import REFERENCE_DATE

IG_OFFICER = "igofficer@kinloch.example"
SOCIAL_WORKER = "socialworker@kinloch.example"
CASEWORKER = "caseworker@kinloch.example"
PARTNER = "partner@nhs-kinloch.example"
# How many residents each demo sign-in has allocated to them, when the council is big enough.
HANDFUL = 5
# Work starts in this window, before the reference day, so it is open whenever the demo runs.
EARLIEST_START = date(2023, 1, 4)
LATEST_START = date(2025, 9, 30)
SHARE_OPEN = 0.9
ALLOCATED = 0.7
CONSENTED = 0.65

INTEGRATED_CARE = "DSA-2026-001"
ADULT_PROTECTION = "DSA-2026-002"
# The consent-based agreement: what the NHS partner receives about a consenting resident.
INTEGRATED_CARE_FIELDS = ("given_name", "family_name", "date_of_birth", "address", "phone")
PROTECTION_FIELDS = ("given_name", "family_name", "date_of_birth", "address")


@dataclass(frozen=True)
class WorkPlan:
    """A team that works with residents: its share of them, who they are and why."""

    organisation: str
    team: str
    share: float
    youngest: int
    oldest: int
    reasons: tuple[str, ...]
    # The demo sign-in in the team, who gets a handful of its residents allocated.
    sign_in: str | None = None


WORK = (
    WorkPlan(
        "kinloch",
        "children-and-families-north",
        0.012,
        0,
        17,
        ("Child protection", "Child in need assessment", "Looked-after child review"),
        SOCIAL_WORKER,
    ),
    WorkPlan(
        "kinloch",
        "children-and-families-south",
        0.01,
        0,
        17,
        ("Child protection", "Family support", "Child in need assessment"),
    ),
    WorkPlan(
        "kinloch",
        "adult-social-work-kinloch",
        0.012,
        65,
        120,
        ("Adult support and protection", "Care needs assessment", "Care at home review"),
    ),
    WorkPlan(
        "kinloch",
        "adult-social-work-glens",
        0.008,
        18,
        120,
        ("Care needs assessment", "Carer support plan", "Adult support and protection"),
    ),
    WorkPlan(
        "kinloch",
        "housing-options",
        0.02,
        18,
        120,
        ("Homelessness assessment", "Housing application", "Temporary accommodation"),
        CASEWORKER,
    ),
    WorkPlan(
        "nhs-kinloch-and-glens",
        "community-health",
        0.015,
        60,
        120,
        ("District nursing", "Falls prevention", "Palliative care at home"),
        PARTNER,
    ),
    WorkPlan(
        "police-scotland-kinloch",
        "public-protection-unit",
        0.003,
        16,
        120,
        ("Adult support and protection referral", "Child protection inquiry"),
    ),
)
# Every team gets at least this many residents, so a small demo still shows each rule.
MINIMUM = 2 * HANDFUL

AGREEMENTS = (
    DemoAgreement(
        reference=INTEGRATED_CARE,
        title="Integrated health and social care in Kinloch and the Glens",
        description=(
            "The council shares contact details of residents who agree with the community "
            "health team caring for them, so that nurses and social workers visit as one service."
        ),
        partners=("nhs-kinloch-and-glens",),
        purpose="health_and_social_care",
        lawful_basis="consent",
        shared_fields=INTEGRATED_CARE_FIELDS,
        starts_on=date(2025, 4, 1),
        review_on=date(2027, 3, 31),
        responsible_officer=IG_OFFICER,
    ),
    DemoAgreement(
        reference=ADULT_PROTECTION,
        title="Adult and child protection: multi-agency information sharing",
        description=(
            "Council, health board and police share what they need to protect a child or an "
            "adult at risk of harm (Adult Support and Protection (Scotland) Act 2007)."
        ),
        partners=("nhs-kinloch-and-glens", "police-scotland-kinloch"),
        purpose="safeguarding",
        lawful_basis="public_task",
        shared_fields=PROTECTION_FIELDS,
        starts_on=date(2025, 4, 1),
        review_on=date(2026, 9, 30),
        responsible_officer=IG_OFFICER,
    ),
)


def build_access(
    rng: random.Random, households: list[DemoHousehold], staff: list[DemoStaff]
) -> tuple[list[DemoInvolvement], list[DemoAgreement], list[DemoConsent], list[DemoRestriction]]:
    """Involvements, agreements, consents and restrictions; residents are `people` indexes."""
    people = [member.person for household in households for member in household.members]
    involvements: list[DemoInvolvement] = []
    for plan in WORK:
        involvements += _team_work(rng, plan, people, staff)
    consents = _consents(rng, involvements)
    restrictions = _restrictions(rng, people, involvements)
    return involvements, list(AGREEMENTS), consents, restrictions


def _age(person: DemoPerson) -> int:
    return (REFERENCE_DATE - person.date_of_birth).days // 365


def _team_work(
    rng: random.Random, plan: WorkPlan, people: list[DemoPerson], staff: list[DemoStaff]
) -> list[DemoInvolvement]:
    candidates = [
        i for i, person in enumerate(people) if plan.youngest <= _age(person) <= plan.oldest
    ]
    wanted = max(MINIMUM, round(plan.share * len(people)))
    chosen = rng.sample(candidates, min(wanted, len(candidates)))
    workers = [
        s.email
        for s in staff
        if s.team == plan.team and s.organisation == plan.organisation and s.position == "member"
    ]
    made = []
    for number, index in enumerate(chosen):
        person = people[index]
        started = EARLIEST_START + timedelta(
            days=rng.randint(0, (LATEST_START - EARLIEST_START).days)
        )
        started = max(started, person.date_of_birth)
        if plan.sign_in and number < HANDFUL:
            worker: str | None = plan.sign_in
            ended = None
        else:
            worker = rng.choice(workers) if workers and rng.random() < ALLOCATED else None
            # Some work has finished: it no longer gives the team a reason to see the person.
            ended = None if rng.random() < SHARE_OPEN else started + timedelta(days=90)
        made.append(
            DemoInvolvement(
                person=index,
                organisation=plan.organisation,
                team=plan.team,
                worker=worker,
                reason=rng.choice(plan.reasons),
                started_on=started,
                ended_on=ended,
            )
        )
    return made


def _consents(rng: random.Random, involvements: list[DemoInvolvement]) -> list[DemoConsent]:
    """Most of the community health team's residents agree to integrated care; one withdraws."""
    cared_for = sorted(
        {i.person for i in involvements if i.team == "community-health" and i.ended_on is None}
    )
    consenting = [person for person in cared_for if rng.random() < CONSENTED]
    consents = []
    for number, person in enumerate(consenting):
        given_on = date(2025, 4, 1) + timedelta(days=rng.randint(0, 180))
        consents.append(
            DemoConsent(
                person=person,
                agreement=INTEGRATED_CARE,
                given_by="the resident" if rng.random() < 0.85 else "their welfare attorney",
                given_on=given_on,
                recorded_by=IG_OFFICER,
                # The last to agree changed their mind: the partner no longer sees them.
                withdrawn_on=(
                    given_on + timedelta(days=60)
                    if number == len(consenting) - 1 and len(consenting) > 1
                    else None
                ),
            )
        )
    return consents


def _restrictions(
    rng: random.Random, people: list[DemoPerson], involvements: list[DemoInvolvement]
) -> list[DemoRestriction]:
    """An adoption on the social worker's caseload, a relative of staff, a public figure."""
    social_workers = [i.person for i in involvements if i.worker == SOCIAL_WORKER]
    involved = {i.person for i in involvements}
    uninvolved = [index for index in range(len(people)) if index not in involved]
    restrictions = []
    if social_workers:
        restrictions.append(
            DemoRestriction(
                person=social_workers[-1],
                category="adoption",
                reason="Adoption in progress: only the allocated social worker may see the record.",
                named=(SOCIAL_WORKER,),
                restricted_by=IG_OFFICER,
            )
        )
    for category, reason in (
        ("staff_or_relative", "A close relative of a member of council staff."),
        ("high_profile", "An elected member of the council."),
    ):
        if uninvolved:
            restrictions.append(
                DemoRestriction(
                    person=uninvolved.pop(rng.randrange(len(uninvolved))),
                    category=category,
                    reason=reason,
                    named=(IG_OFFICER,),
                    restricted_by=IG_OFFICER,
                )
            )
    return restrictions
