"""The demo council's case work: the nine case types in case_types/, and a season of cases.

The case types are saved through `save_case_type`, as an administrator's files would be. The
cases are written in bulk straight to the case tables, with one summary audit entry and no
event per case, as access_control.py does for involvements: intake, allocation and closing
check, audit and announce each step one case at a time, which is right for a council and too
slow for a whole demo council. Routing (`route`), the answers (`fields.clean_data`) and the
SLA clock (`services.clock`) are the services' own, so a demo case sits in the queue, and is
due when, a real one would be. Each case lives a life its type allows: it moves through the
type's transitions, is allocated or waits in its team's shared queue, gathers notes and
decisions in its chronology, and the older ones close with an outcome, most in time.
"""

import json
import random
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from math import cos, radians
from pathlib import Path
from typing import Any
from uuid import UUID

from django.utils import timezone

from burgh.cases import fields as case_fields
from burgh.cases.calendar import LONDON
from burgh.cases.models import (
    Case,
    CaseAllocation,
    CaseDecision,
    CaseNote,
    CaseNumber,
    CaseParty,
    CaseType,
    Channel,
    ChronologyEntry,
    Stage,
)
from burgh.cases.services import clock as sla_clock
from burgh.cases.services import route, save_case_type
from burgh.cases.services.intake import reference_for
from burgh.core import audit
from burgh.demo.generator import DemoCouncil
from burgh.flows.services import deploy_definitions, start_for_case
from burgh.identity.models import Team, User
from burgh.places.services import addresses
from burgh.staff.services import caseload_capacities

CASE_TYPES_DIR = Path(__file__).with_name("case_types")
# The process flows five of the types run (docs/process-flows.md), as an analyst deploys them.
FLOWS_DIR = Path(__file__).with_name("flows")
CASES_PER_RESIDENT = 0.6
HISTORY_DAYS = 120
BATCH_SIZE = 2000
# A worker is given new demo cases until this share of their caseload is full.
FULL_ENOUGH = 0.85
# Cases that stall (waiting on a contractor, a missing form), long past due: the backlog.
STALLED = 0.05
# The demo sign-ins hold this many open cases each when their team has that many, so that
# signing in as them shows a caseload.
SIGN_IN_CASES = 5


@dataclass(frozen=True)
class Script:
    """How a case type's demo cases come about and go: share, channels, who and where,
    answers more likely than others, how they close, what is noted and decided."""

    share: float
    channels: tuple[str, ...]
    # subject: none, adult, older, child, householder; place: home, street, none.
    subject: str = "none"
    place: str = "home"
    # The question whose answer follows the type's name in a case's title (default: the first
    # question with options).
    title_field: str = ""
    # Residents a team already works with are more likely subjects (social work).
    known_to: str = ""
    # Of the cases that close, the share closed after their SLA, and how far after (times).
    late: float = 0.12
    overrun: tuple[float, float] = (1.05, 3.0)
    # outcome → weight; outcomes in `second_closed` close in the type's second closed status.
    outcomes: dict[str, int] = field(default_factory=dict)
    second_closed: frozenset[str] = frozenset()
    answers: dict[str, dict[Any, int]] = field(default_factory=dict)
    notes: tuple[tuple[str, str], ...] = ()
    # status reached → (decision kind, summary, reasons)
    decisions: dict[str, tuple[str, str, str]] = field(default_factory=dict)


SCRIPTS = {
    "missed-bin": Script(
        0.25,
        ("open311", "portal", "staff", "portal"),
        subject="none",
        late=0.08,
        outcomes={"collected": 12, "not-presented": 3, "contaminated": 2, "no-access": 1},
        second_closed=frozenset({"not-presented", "contaminated", "no-access", "duplicate"}),
        answers={"out_by_7am": {True: 9, False: 1}, "assisted_collection": {True: 1, False: 9}},
        notes=(
            ("note", "In-cab record shows the crew reported the street complete at 10:42."),
            ("phone", "Resident called to say the bin is still full; return visit confirmed."),
            ("note", "Crew supervisor asked to check the round sheet for this street."),
        ),
    ),
    "pothole": Script(
        0.13,
        ("open311", "portal", "staff"),
        place="street",
        late=0.2,
        outcomes={"repaired": 10, "below-intervention": 4, "trunk-road": 1, "not-found": 1},
        second_closed=frozenset(
            {"below-intervention", "trunk-road", "utility-reinstatement", "not-found", "duplicate"}
        ),
        answers={"caused_damage": {True: 1, False: 8}},
        notes=(
            ("visit", "Inspected: 45mm deep, 400mm across, in the nearside wheel track."),
            ("note", "Added to the patching gang's list for the week."),
            ("visit", "Inspected: 25mm deep, below intervention level. Will monitor."),
        ),
    ),
    "fly-tipping": Script(
        0.09,
        ("open311", "portal", "staff"),
        place="street",
        late=0.15,
        outcomes={"cleared": 10, "cleared-by-landowner": 2, "not-found": 2, "fixed-penalty": 1},
        second_closed=frozenset({"not-found", "reported-to-sepa", "duplicate"}),
        answers={
            "waste_types": {
                "household-bags": 10,
                "furniture": 8,
                "appliances": 4,
                "building-rubble": 4,
                "garden": 5,
                "tyres": 2,
                "asbestos": 1,
                "other": 1,
            },
            "size": {"single-item": 3, "car-boot": 6, "small-van": 3, "transit-van": 2, "lorry": 1},
            "seen_dumping": {True: 1, False: 8},
        },
        notes=(
            ("visit", "Inspected: six black bags and a broken chair. Clearance booked."),
            ("note", "Bags searched for evidence; a name and address found on a letter."),
            ("visit", "Nothing found at the location given."),
        ),
    ),
    "housing-repair": Script(
        0.15,
        ("staff", "portal", "staff"),
        subject="householder",
        title_field="repair_area",
        late=0.2,
        outcomes={"repaired": 12, "made-safe": 2, "tenant-responsibility": 1, "no-access": 1},
        second_closed=frozenset({"no-access", "cancelled-by-tenant"}),
        answers={
            "repair_category": {"emergency": 2, "urgent": 5, "routine": 10},
            "vulnerable_household": {True: 1, False: 4},
        },
        notes=(
            ("phone", "Tenant called: the leak is getting worse. Plumber asked to attend today."),
            ("visit", "Carded: no answer at the door. Tenant asked to call to rearrange."),
            ("note", "Works order raised with the heating contractor."),
        ),
    ),
    "council-tax-change-of-address": Script(
        0.1,
        ("portal", "staff", "portal"),
        subject="adult",
        outcomes={"account-moved": 8, "account-opened": 4, "no-change": 1, "withdrawn": 1},
        second_closed=frozenset({"withdrawn"}),
        answers={"move_type": {"moving-within": 3, "moving-in": 1}},
        notes=(
            ("note", "Tenancy start date confirmed with the landlord."),
            ("email", "Asked the resident for their solicitor's letter confirming entry date."),
        ),
    ),
    "complaint": Script(
        0.06,
        ("portal", "staff", "staff"),
        subject="adult",
        place="none",
        late=0.2,
        outcomes={"upheld": 3, "partially-upheld": 3, "not-upheld": 5, "resolved": 3},
        second_closed=frozenset({"withdrawn"}),
        answers={"complaint_stage": {"frontline": 5, "investigation": 1}},
        notes=(
            ("phone", "Spoke to the customer to agree the points of complaint."),
            ("note", "Asked the service for its records of the visits in question."),
        ),
        decisions={
            "stage-2": (
                "stage-2-response",
                "Stage 2 response: partially upheld",
                "The missed visits are confirmed by the service's own records.",
            )
        },
    ),
    "adult-social-care-referral": Script(
        0.09,
        ("staff", "api", "staff"),
        subject="older",
        title_field="needs",
        known_to="adult-social-work-kinloch",
        late=0.25,
        overrun=(1.05, 1.8),
        outcomes={
            "support-arranged": 6,
            "equipment-provided": 3,
            "signposted": 4,
            "no-eligible-needs": 2,
            "asp-no-further-action": 1,
            "declined": 1,
        },
        answers={
            "harm_concern": {True: 1, False: 4},
            "person_aware": {True: 5, False: 1},
            "needs": {
                "personal-care": 6,
                "mobility": 5,
                "memory": 4,
                "carer-support": 3,
                "hospital-discharge": 3,
                "equipment-adaptations": 3,
                "mental-health": 2,
                "money-or-housing": 1,
            },
        },
        notes=(
            ("phone", "Spoke to the daughter: mum is managing with help twice a day."),
            ("visit", "Home visit with the occupational therapist. Needs rails and a stair lift."),
            ("meeting", "Discussed at the duty meeting: to be allocated for assessment."),
            ("phone", "GP confirms a diagnosis of vascular dementia in the spring."),
        ),
        decisions={
            "assessment": (
                "eligibility",
                "Eligible: substantial risk to independence",
                "Needs help with personal care twice a day; carer at risk of breakdown.",
            ),
            "asp-inquiry": (
                "asp-investigation",
                "Proceed to an adult protection investigation",
                "Concern of financial harm by a lodger; the adult may be unable to safeguard "
                "their own property.",
            ),
        },
    ),
    "child-protection-referral": Script(
        0.06,
        ("staff", "api", "staff"),
        subject="child",
        title_field="concern_types",
        known_to="children-and-families-north",
        late=0.45,
        overrun=(3.0, 30.0),
        outcomes={
            "single-agency-support": 5,
            "no-further-action": 4,
            "child-in-need": 4,
            "child-protection-plan": 2,
            "referred-to-reporter": 1,
        },
        answers={
            "immediate_danger": {True: 1, False: 7},
            "concern_types": {
                "neglect": 6,
                "domestic-abuse": 5,
                "parental-substance-use": 4,
                "emotional-abuse": 3,
                "physical-abuse": 3,
                "online-harm": 1,
                "sexual-abuse": 1,
            },
        },
        notes=(
            ("phone", "Checked with the school: attendance 78% this term, often hungry."),
            ("phone", "Police concern report received: called to a domestic incident."),
            ("visit", "Child seen at home with mother; home conditions poor."),
            ("meeting", "Inter-agency referral discussion with police and the health visitor."),
        ),
        decisions={
            "ird": (
                "strategy-discussion",
                "Joint investigation agreed with police",
                "Disclosure at school of being hit with a belt; marks seen by the teacher.",
            ),
            "cppm-planned": (
                "section-decision",
                "Refer to the Children's Reporter",
                "Compulsory measures of supervision may be needed (2011 Act, s.66).",
            ),
        },
    ),
    "subject-access-request": Script(
        0.07,
        ("portal", "staff"),
        subject="adult",
        place="none",
        late=0.1,
        outcomes={"disclosed": 4, "disclosed-redacted": 6, "no-data-held": 1, "withdrawn": 1},
        second_closed=frozenset({"id-not-provided", "withdrawn"}),
        answers={"requester_is_subject": {True: 6, False: 1}},
        notes=(
            ("email", "Identity documents received and checked."),
            ("note", "Search request sent to housing, council tax and social work."),
            ("note", "Third-party information redacted from the social work file."),
        ),
        decisions={
            "extended": (
                "extension",
                "Extend by two months",
                "Over 2,000 pages of social work records from 1985 onwards need review.",
            )
        },
    ),
}

# Answers to the free-text questions, chosen from at random.
TEXTS: dict[str, tuple[str, ...]] = {
    "access_notes": ("Cars parked across the lane all morning.", "The gate was open."),
    "landmark": (
        "Outside the house, near the lamp post.",
        "In the lay-by just past the bus stop.",
        "At the corner, by the post box.",
    ),
    "witness_account": ("A white van stopped about 9pm and two men threw bags out.",),
    "vehicle_registration": ("KL19 XYZ",),
    "other_waste": ("A child's car seat.",),
    "room": ("Kitchen", "Bathroom", "Living room", "Back bedroom", "Hall"),
    "access_arrangements": ("Weekdays after 2pm.", "Any time, I work from home."),
    "account_number": ("80012345", "80145521", "80099812"),
    "referrer_name": ("Dr A. Ross, Kinloch Medical Practice", "Mrs J. Munro (daughter)"),
    "harm_details": (
        "Neighbour says a lodger has taken her bank card and she has no food in the house.",
    ),
    "circumstances": (
        "Lives alone since her husband died last year. Two falls in the last month.",
        "Lives with his wife, who is his only carer and is now unwell herself.",
        "Discharged from Kinloch General after a hip operation; stairs are a problem.",
    ),
    "communication_needs": ("Hard of hearing: speak clearly, face to face.", "Gaelic speaker."),
    "concern_details": (
        "Arrived at school without a coat again, said there was no food at home at the weekend.",
        "Police attended a domestic incident at the home; the children were present.",
        "Told a teacher that dad hits her when he has been drinking.",
    ),
    "other_children": ("A brother aged 4.", "Two sisters, aged 9 and 12."),
    "what_happened": (
        "Our bins have been missed three weeks running and nobody called back.",
        "I reported a leak in my roof six weeks ago and no one has come out.",
        "I was charged Council Tax for a month after I had moved out.",
        "The adviser I spoke to was rude and hung up on me.",
    ),
    "put_right": ("An apology and for the bins to be collected.", "A refund of the overcharge."),
    "stage_1_reference": ("C0000012",),
    "representative_name": ("Kinloch Legal LLP", "Mrs Fiona Grant (mother)"),
    "period": ("From 2015 to now.", "My time in care, 1985 to 1992.", "The last two years."),
    "request_details": (
        "All the records social work holds about me from when I was in care.",
        "Copies of every letter and note about my housing application.",
        "The CCTV footage of the car park on the night my car was damaged.",
    ),
}
PHONES = tuple(f"07700 900{number:03d}" for number in range(100, 1000, 37))


@dataclass(frozen=True)
class CasesReport:
    case_types: int
    cases: int
    closed: int
    allocated: int
    # Open, in a team's shared queue.
    queued: int
    breached: int
    at_risk: int


def case_type_definitions() -> list[dict[str, Any]]:
    """The demo's case type definitions, as an administrator would write them, by file name."""
    return [json.loads(path.read_text("utf-8")) for path in sorted(CASE_TYPES_DIR.glob("*.json"))]


def deploy_demo_flows() -> None:
    files = [(path.name, path.read_bytes()) for path in sorted(FLOWS_DIR.iterdir())]
    deploy_definitions(None, files, source="command")


def load_case_types() -> dict[str, CaseType]:
    deploy_demo_flows()
    return {
        definition["code"]: save_case_type(None, definition)[0]
        for definition in case_type_definitions()
    }


def load_demo_cases(
    council: DemoCouncil, person_ids: list[UUID], *, now: datetime | None = None
) -> CasesReport:
    """The case types, and cases of them received over the last few months, at `now`."""
    types = load_case_types()
    maker = _CaseMaker(council, person_ids, types, now or timezone.now())
    count = max(len(SCRIPTS) * 3, round(council.residents * CASES_PER_RESIDENT))
    codes = sorted(SCRIPTS)
    weights = [SCRIPTS[code].share for code in codes]
    # Every type at least a few times, then as the shares say; oldest first.
    chosen = [code for code in codes for _ in range(3)]
    chosen += maker.rng.choices(codes, weights, k=count - len(chosen))
    ages = sorted((_age(maker.rng) for _ in chosen), reverse=True)
    for code, age in zip(maker.rng.sample(chosen, len(chosen)), ages, strict=True):
        maker.make(code, age)
    return maker.save()


def _age(rng: random.Random) -> timedelta:
    # More recent cases than old ones, as in any live queue.
    return timedelta(days=HISTORY_DAYS * rng.random() ** 2.5)


class _CaseMaker:
    def __init__(
        self,
        council: DemoCouncil,
        person_ids: list[UUID],
        types: dict[str, CaseType],
        now: datetime,
    ) -> None:
        self.rng = random.Random(f"burgh-demo-cases-{council.seed}")
        self.now, self.types = now, types
        self.today = now.astimezone(LONDON).date()
        self.fields = {code: case_fields.check_definition(t.fields) for code, t in types.items()}
        users = dict(User.objects.values_list("email", "id"))
        self.names = dict(User.objects.values_list("id", "full_name"))
        self.teams = {t.slug: t for t in Team.objects.filter(organisation__slug="kinloch")}
        self.members: dict[str, list[UUID]] = defaultdict(list)
        self.leaders: dict[str, UUID] = {}
        for person in council.staff:
            if person.position == "member":
                self.members[person.team].append(users[person.email])
            elif person.position == "leader":
                self.leaders[person.team] = users[person.email]
        self.advisers = self.members["contact-centre"]
        self.sign_ins = {users[person.email] for person in council.staff if person.demo_sign_in}
        self.capacity = caseload_capacities(list(users.values()))
        self.load: Counter[UUID] = Counter()
        self._residents(council, person_ids)
        self._places(council)
        self.cases: list[Case] = []
        self.rows: dict[str, list[Any]] = defaultdict(list)

    def _residents(self, council: DemoCouncil, person_ids: list[UUID]) -> None:
        self.homes: dict[UUID, str] = {}
        self.emails: dict[UUID, tuple[str, str]] = {}
        groups: dict[str, list[UUID]] = defaultdict(list)
        index = 0
        for household in council.households:
            for member in household.members:
                person, person_id = member.person, person_ids[index]
                index += 1
                self.homes[person_id] = household.uprn
                name = f"{person.given_name} {person.family_name}"
                self.emails[person_id] = (name, person.email)
                years = _years(person.date_of_birth, self.today)
                groups["child" if years < 18 else "adult"].append(person_id)
                if years >= 65:
                    groups["older"].append(person_id)
                if member.relationship == "householder":
                    groups["householder"].append(person_id)
        for involvement in council.involvements:
            if involvement.ended_on is None:
                groups[involvement.team].append(person_ids[involvement.person])
        # In the council's order, not the ids' (new each load), so a seed picks the same people.
        self.groups = {name: list(dict.fromkeys(ids)) for name, ids in groups.items()}
        self.groups["householder"] = self.groups.get("householder") or self.groups["adult"]

    def _places(self, council: DemoCouncil) -> None:
        rows = council.gazetteer_rows()
        self.homes_to_let = [unit.uprn for unit in council.properties if unit.residential]
        self.postcodes = {row["uprn"]: row["postcode"] for row in rows}
        self.streets = {row["uprn"]: row["street"] for row in rows}
        self.grid = {row["uprn"]: (int(row["easting"]), int(row["northing"])) for row in rows}
        self.addresses = addresses(self.postcodes)
        self.days = {
            row["uprn"]: row["value"].lower()
            for row in council.waste_collection_rows()
            if row["name"] == "collection_day"
        }
        # Potholes and fly-tips gather on a few bad roads, as they do.
        streets = sorted({row["usrn"] for row in rows})
        bad = set(self.rng.sample(streets, max(1, len(streets) // 3)))
        self.roadside = [row["uprn"] for row in rows if row["usrn"] in bad]

    def make(self, code: str, age: timedelta) -> None:
        rng, script, case_type = self.rng, SCRIPTS[code], self.types[code]
        received = self._office_hours(self.now - age, any_time=code in ("missed-bin", "pothole"))
        channel = rng.choice(script.channels)
        subject = self._subject(script)
        uprn = self._place(script, subject)
        data = self._answers(code, uprn, subject, received)
        team_row, priority = route(case_type, data, channel=channel)
        team = self.teams[team_row.slug]
        # The person it is about, or the resident who reported it (staff, the public).
        party = subject or rng.choice(self.groups["adult"])
        name, email = self.emails[party]
        case = Case(
            reference="",
            case_type=case_type,
            status=case_type.initial_status,
            stage=case_type.stage_of(case_type.initial_status),
            priority=priority,
            title=self._title(code, data, uprn),
            data=data,
            channel=channel,
            team=team,
            subject_person_id=subject,
            reporter={"name": name, **({"email": email} if email else {})}
            if channel in (Channel.OPEN311, Channel.PORTAL)
            else {},
            received_at=received,
            sensitive=case_type.sensitive,
            retention_class=case_type.retention_class,
            created_by_id=rng.choice(self.advisers) if channel == Channel.STAFF else None,
        )
        self._locate(case, uprn, position=code == "fly-tipping" and rng.random() < 0.4)
        sla_clock.start(case, received)
        self.cases.append(case)
        role = CaseParty.Role.SUBJECT if subject else CaseParty.Role.REPORTER
        self.rows["parties"].append(CaseParty(case=case, role=role, person_id=party))
        how = Channel(channel).label.lower()
        logged = f"{case_type.name} logged by {how}; sent to {team}"
        self._entry(case, received, "created", logged, case.created_by_id)
        self.rows["allocations"].append(
            CaseAllocation(case=case, at=received, team=team, how="routing")
        )
        self._live(case, script)

    def _office_hours(self, moment: datetime, *, any_time: bool) -> datetime:
        local = moment.astimezone(LONDON)
        if not any_time and local.weekday() >= 5:
            local -= timedelta(days=local.weekday() - 4)
        hour = self.rng.randint(7, 21) if any_time else self.rng.randint(9, 16)
        local = local.replace(hour=hour, minute=self.rng.randint(0, 59), second=0, microsecond=0)
        return min(local, self.now - timedelta(minutes=self.rng.randint(5, 90)))

    def _subject(self, script: Script) -> UUID | None:
        if script.subject == "none":
            return None
        known = self.groups.get(script.known_to, [])
        if known and self.rng.random() < 0.3:
            return self.rng.choice(known)
        return self.rng.choice(self.groups[script.subject] or self.groups["adult"])

    def _place(self, script: Script, subject: UUID | None) -> str:
        if script.place == "none":
            return ""
        if script.place == "street":
            return self.rng.choice(self.roadside)
        if subject is not None:
            return self.homes[subject]
        return self.homes[self.rng.choice(self.groups["householder"])]

    def _locate(self, case: Case, uprn: str, *, position: bool) -> None:
        if not uprn:
            return
        easting, northing = self.grid[uprn]
        if position:
            # Reported from a phone at the roadside: a position, no property.
            easting += self.rng.randint(-40, 40)
            northing += self.rng.randint(-40, 40)
            case.latitude, case.longitude = _degrees(easting, northing)
            case.address_text = f"Near {self.addresses[uprn]}"
            return
        case.uprn, case.address_text = uprn, self.addresses[uprn]
        case.easting, case.northing = easting, northing

    def _answers(
        self, code: str, uprn: str, subject: UUID | None, received: datetime
    ) -> dict[str, Any]:
        rng, script = self.rng, SCRIPTS[code]
        raw: dict[str, Any] = {}
        day = received.astimezone(LONDON).date()
        for question in self.fields[code]:
            if not question.required and rng.random() < 0.4:
                continue
            weights = script.answers.get(question.name)
            if question.type in ("radios", "select", "yes_no", "checkboxes"):
                values = list(weights) if weights else [o.value for o in question.options]
                if question.type == "yes_no" and not weights:
                    values = [False, True]
                counts = list(weights.values()) if weights else [1] * len(values)
                if question.type == "checkboxes":
                    picked = rng.choices(values, counts, k=rng.choice((1, 1, 2, 3)))
                    raw[question.name] = sorted(set(picked))
                else:
                    raw[question.name] = rng.choices(values, counts)[0]
            elif question.type == "date":
                raw[question.name] = (day - timedelta(days=rng.randint(0, 1))).isoformat()
            elif question.type == "phone":
                raw[question.name] = rng.choice(PHONES)
            elif question.name in TEXTS:
                raw[question.name] = rng.choice(TEXTS[question.name])
        if code == "missed-bin" and uprn:
            raw["collection_day"] = self.days.get(uprn, raw["collection_day"])
        if code == "council-tax-change-of-address":
            self._move(raw, subject, day)
        return case_fields.clean_data(self.fields[code], raw)

    def _move(self, raw: dict[str, Any], subject: UUID | None, day: date) -> None:
        new_home = self.rng.choice(self.homes_to_let)
        raw["moving_date"] = (day - timedelta(days=self.rng.randint(-20, 30))).isoformat()
        raw["new_address"] = self.addresses[new_home]
        raw["new_postcode"] = self.postcodes[new_home]
        raw["adults_at_new_address"] = self.rng.choice((1, 1, 2, 2, 2, 3))
        raw.pop("previous_address", None)
        if raw["move_type"] == "moving-within" and subject is not None:
            raw["previous_address"] = self.addresses[self.homes[subject]]

    def _title(self, code: str, data: dict[str, Any], uprn: str) -> str:
        """The type's name and its first answer in words: "Pothole: 40mm or deeper"."""
        wanted = SCRIPTS[code].title_field
        for question in self.fields[code]:
            if (
                question.options
                and question.name in data
                and question.name == (wanted or question.name)
            ):
                answer = case_fields.display_value(question, data[question.name])
                where = f", {self.streets[uprn]}" if uprn and code == "pothole" else ""
                return f"{self.types[code].name}: {answer}{where}"[:200]
        return self.types[code].name

    def _live(self, case: Case, script: Script) -> None:
        """Move the case through its type's statuses from receipt until it closes or now."""
        rng, case_type = self.rng, case.case_type
        due = case.sla_due_at or case.received_at + timedelta(days=5)
        span = due - case.received_at
        fate = rng.random()
        if fate < STALLED:
            pace = rng.uniform(1.5, 20)
        elif fate < STALLED + script.late:
            pace = rng.uniform(*script.overrun)
        else:
            pace = rng.uniform(0.15, 0.95)
        closes_at = case.received_at + span * pace
        closing = closes_at < self.now - timedelta(minutes=5)
        end = closes_at if closing else self.now
        owner = self._owner(case, closing)
        steps = self._walk(case_type, rng.randint(1, 3) if closing else rng.randint(0, 3))
        moments = sorted(
            case.received_at + (end - case.received_at) * rng.uniform(0.05, 0.95) for _ in steps
        )
        allocated_at = case.received_at + min((end - case.received_at) / 10, timedelta(hours=4))
        if owner is not None:
            self._allocate(case, owner, allocated_at)
        actor = owner or self.leaders.get(case.team.slug)
        previous = case.status
        for status, at in zip(steps, moments, strict=True):
            old_stage = case.stage
            case.status, case.stage = status, case_type.stage_of(status)
            sla_clock.follow_stage(case, old_stage, at)
            labels = (case_type.status_label(previous), case_type.status_label(status))
            self._entry(case, at, "status", "Status changed from {} to {}".format(*labels), actor)
            if status in script.decisions and owner is not None:
                self._decide(case, script.decisions[status], owner, at, closing)
            previous = status
        if owner is not None and script.notes and rng.random() < 0.7:
            kind, body = rng.choice(script.notes)
            at = case.received_at + (end - case.received_at) * rng.uniform(0.1, 0.9)
            self._note(case, kind, body, owner, at)
        if closing:
            self._close(case, script, owner or actor, closes_at)

    def _walk(self, case_type: CaseType, length: int) -> list[str]:
        status, walked = case_type.initial_status, []
        for _ in range(length):
            options = [s for s in case_type.transitions.get(status, []) if s not in walked]
            forward = [s for s in options if case_type.stage_of(s) == Stage.OPEN]
            if not options:
                break
            status = self.rng.choice(forward if forward and self.rng.random() < 0.8 else options)
            walked.append(status)
        return walked

    def _owner(self, case: Case, closing: bool) -> UUID | None:
        """Who holds the case: closed cases were worked by someone; open ones may still wait."""
        automatic = case.case_type.allocation != "manual"
        if not (closing or automatic or self.rng.random() < 0.6):
            return None
        members = self.members.get(case.team.slug, [])
        room = [
            m for m in members if self.load[m] < self.capacity.get(m, 0) * FULL_ENOUGH or closing
        ]
        if not room:
            return None
        favoured = [m for m in room if m in self.sign_ins and self.load[m] < SIGN_IN_CASES]
        owner = min(
            favoured if favoured and not closing else room,
            key=lambda m: (self.load[m], self.rng.random()),
        )
        if not closing:
            self.load[owner] += 1
        return owner

    def _allocate(self, case: Case, owner: UUID, at: datetime) -> None:
        rule = case.case_type.allocation
        if rule != "manual":
            how, by, summary = (
                rule,
                None,
                f"Allocated to {self.names[owner]} ({rule.replace('_', ' ')})",
            )
        elif self.rng.random() < 0.5 and case.team.slug in self.leaders:
            how, by = "manual", self.leaders[case.team.slug]
            summary = f"Allocated to {self.names[owner]} ({case.team})"
        else:
            how, by, summary = "take_next", owner, f"Taken from the queue by {self.names[owner]}"
        case.owner_id, case.allocated_at = owner, at
        self.rows["allocations"].append(
            CaseAllocation(case=case, at=at, team=case.team, owner_id=owner, by_id=by, how=how)
        )
        self._entry(case, at, "allocated", summary, by)

    def _decide(
        self,
        case: Case,
        decision: tuple[str, str, str],
        owner: UUID,
        at: datetime,
        closing: bool,
    ) -> None:
        kind, summary, reasons = decision
        kinds = {k["code"]: k for k in case.case_type.decision_kinds}
        leader = self.leaders.get(case.team.slug)
        needs = kinds[kind]["needs_authorisation"] and leader is not None
        decided = needs and (closing or self.rng.random() < 0.6)
        row = CaseDecision(
            case=case,
            kind=kind,
            summary=summary,
            reasons=reasons,
            state="authorised" if decided else "awaiting" if needs else "recorded",
            proposed_by_id=owner,
            proposed_at=at,
            decided_by_id=leader if decided else None,
            decided_at=at + timedelta(hours=3) if decided else None,
        )
        self.rows["decisions"].append(row)
        waiting = " (awaiting a manager's authorisation)" if needs else ""
        label = kinds[kind]["label"]
        self._entry(case, at, "decision", f"{label}: {summary}{waiting}", owner, ref=row)

    def _note(self, case: Case, kind: str, body: str, author: UUID, at: datetime) -> None:
        note = CaseNote(case=case, kind=kind, body=body, occurred_at=at, author_id=author)
        self.rows["notes"].append(note)
        entry = "note" if kind == "note" else "contact"
        self._entry(case, at, entry, f"{note.get_kind_display()}: {body}", author, ref=note)

    def _close(self, case: Case, script: Script, actor: UUID | None, at: datetime) -> None:
        case_type = case.case_type
        outcome = self.rng.choices(list(script.outcomes), list(script.outcomes.values()))[0]
        closed = [s["code"] for s in case_type.statuses if s["stage"] == Stage.CLOSED]
        status = closed[-1] if outcome in script.second_closed else closed[0]
        old_stage = case.stage
        case.status, case.stage, case.outcome, case.closed_at = status, Stage.CLOSED, outcome, at
        sla_clock.follow_stage(case, old_stage, at)
        label = case_type.outcome_label(outcome)
        self._entry(case, at, "closed", f"Closed: {label}", actor, significant=True)

    def _entry(
        self,
        case: Case,
        at: datetime,
        kind: str,
        summary: str,
        actor: UUID | None = None,
        *,
        ref: Any = None,
        significant: bool = False,
    ) -> None:
        self.rows["chronology"].append(
            ChronologyEntry(
                case=case,
                at=at,
                kind=kind,
                summary=summary[:500],
                actor_id=actor,
                actor_label=self.names[actor] if actor else "Burgh",
                significant=significant or kind == "decision",
                ref_type=ref._meta.model_name if ref is not None else "",
                ref_id=str(ref.pk) if ref is not None else "",
            )
        )

    def save(self) -> CasesReport:
        for case in self.cases:
            case.reference = reference_for(CaseNumber.objects.create().pk)
        Case.objects.bulk_create(self.cases, batch_size=BATCH_SIZE)
        CaseParty.objects.bulk_create(self.rows["parties"], batch_size=BATCH_SIZE)
        CaseAllocation.objects.bulk_create(self.rows["allocations"], batch_size=BATCH_SIZE)
        CaseNote.objects.bulk_create(self.rows["notes"], batch_size=BATCH_SIZE)
        CaseDecision.objects.bulk_create(self.rows["decisions"], batch_size=BATCH_SIZE)
        ChronologyEntry.objects.bulk_create(self.rows["chronology"], batch_size=BATCH_SIZE)
        still_open = [case for case in self.cases if case.stage != Stage.CLOSED]
        # The council switched its process flows on today: the open cases not yet begun on
        # (still in their type's first status) start them; the others go on as they were.
        for case in still_open:
            case_type = self.types[case.case_type.code]
            if case_type.process_key and case.status == case_type.initial_status:
                start_for_case(case)
        states = Counter(
            str(sla_clock.state(case, self.now)) for case in still_open if case.sla_due_at
        )
        report = CasesReport(
            case_types=len(self.types),
            cases=len(self.cases),
            closed=len(self.cases) - len(still_open),
            allocated=sum(case.owner_id is not None for case in still_open),
            queued=sum(case.owner_id is None for case in still_open),
            breached=states["breached"],
            at_risk=states["at_risk"],
        )
        audit.record("demo.cases_loaded", detail=asdict(report))
        return report


def _years(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _degrees(easting: int, northing: int) -> tuple[Decimal, Decimal]:
    """Latitude and longitude of a grid reference, roughly (within a couple of kilometres in
    the Highlands; a real conversion uses OSTN15): the grid's true origin is 49°N 2°W."""
    latitude = 49 + (northing + 100_000) / 111_320
    longitude = -2 + (easting - 400_000) / (111_320 * cos(radians(latitude)))
    return Decimal(f"{latitude:.6f}"), Decimal(f"{longitude:.6f}")
