"""Loading the generated demo council into the database, and writing its gazetteer as CSV."""

import time
from dataclasses import asdict, dataclass
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from burgh.core import audit, events
from burgh.demo.access_control import load_access_control
from burgh.demo.cases import load_demo_cases
from burgh.demo.generator import DEMO_PASSWORD, DemoCouncil, DemoSignIn
from burgh.demo.generator.staff import build_staff_index
from burgh.demo.index import load_source_records
from burgh.identity.services.organisation import (
    OrganisationRecord,
    RoleRecord,
    StaffRecord,
    TeamRecord,
    import_organisation_structure,
)
from burgh.places.attributes import load_attributes
from burgh.places.gazetteer_files import write_gazetteer_csv
from burgh.places.reviews import match_or_queue
from burgh.places.services import import_gazetteer
from burgh.staff.services.imports import import_staff_index


@dataclass(frozen=True)
class LoadReport:
    organisations: int
    teams: int
    roles: int
    staff: int
    memberships: int
    role_assignments: int
    # The staff index: who line-manages whom, skills held, contracted hours and caseloads.
    line_management: int
    staff_skills: int
    capacities: int
    streets: int
    properties: int
    place_attributes: int
    # Addresses from the old council tax system the matcher left for the custodian.
    address_reviews: int
    households: int
    residents: int
    # The person index: records sent through `resolve`, the people it made of them, how many
    # records it linked to someone already known, and the pairs left for a data steward.
    source_records: int
    people: int
    linked: int
    reviews: int
    involvements: int
    agreements: int
    consents: int
    restrictions: int
    case_types: int
    cases: int
    seconds: float


def load_demo_council(council: DemoCouncil) -> LoadReport:
    """Write the whole demo council in one transaction; one audit entry and one event say so.

    Residents enter through the person index (`resolve`), which audits and announces each
    person it makes, as it would for a real council's feeds.
    """
    started = time.monotonic()
    # Argon2 is slow on purpose: hash the demo password once and share the hash.
    demo_hash = make_password(DEMO_PASSWORD)
    with transaction.atomic():
        structure = import_organisation_structure(
            organisations=[
                OrganisationRecord(o.slug, o.name, o.kind) for o in council.organisations
            ],
            teams=[
                TeamRecord(t.organisation, t.slug, t.name, t.kind, t.parent, t.description)
                for t in council.teams
            ],
            roles=[
                RoleRecord(r.slug, r.name, r.permissions, r.requires_mfa, r.description)
                for r in council.roles
            ],
            staff=[
                StaffRecord(
                    email=s.email,
                    full_name=s.full_name,
                    organisation=s.organisation,
                    job_title=s.job_title,
                    team=s.team,
                    position=s.position,
                    roles=s.roles,
                    password_hash=demo_hash if s.demo_sign_in else None,
                    is_staff=s.is_staff,
                    is_superuser=s.is_superuser,
                )
                for s in council.staff
            ],
        )
        plan = build_staff_index(council.teams, council.staff, council.seed, timezone.localdate())
        staff_index = import_staff_index(
            skills=plan.skills,
            line_management=plan.line_management,
            staff_skills=plan.staff_skills,
            capacities=plan.capacities,
        )
        gazetteer = import_gazetteer(council.gazetteer_rows(), source="demo council")
        waste = load_attributes(council.waste_collection_rows(), service="waste", source="demo")
        address_reviews = _queue_unsettled_addresses(council)
        index = load_source_records(council)
        access = load_access_control(council, index.person_ids)
        cases = load_demo_cases(council, index.person_ids)
        counts = {
            "organisations": structure.organisations,
            "teams": structure.teams,
            "roles": structure.roles,
            "staff": structure.users,
            "memberships": structure.memberships,
            "role_assignments": structure.role_assignments,
            "line_management": staff_index.line_management,
            "staff_skills": staff_index.staff_skills,
            "capacities": staff_index.capacities,
            "streets": len(council.streets),
            "properties": gazetteer.added + gazetteer.changed + gazetteer.unchanged,
            "place_attributes": waste.added + waste.changed + waste.unchanged,
            "address_reviews": address_reviews,
            "households": len(council.households),
            "residents": len(council.people),
            "source_records": index.source_records,
            "people": index.people,
            "linked": index.linked,
            "reviews": index.reviews,
            "involvements": access.involvements,
            "agreements": access.agreements,
            "consents": access.consents,
            "restrictions": access.restrictions,
            "case_types": cases.case_types,
            "cases": cases.cases,
        }
        detail = {**counts, "seed": council.seed, "requested_residents": council.residents}
        audit.record("demo.council_loaded", detail=detail)
        events.emit("gov.burgh.demo.council.loaded", "demo/council", detail)
    return LoadReport(**counts, seconds=round(time.monotonic() - started, 2))


def _queue_unsettled_addresses(council: DemoCouncil) -> int:
    queued = [
        match_or_queue(text, source="council-tax", source_ref=reference)[1]
        for text, reference in council.unsettled_addresses()
    ]
    return sum(review is not None for review in queued)


def export_gazetteer(council: DemoCouncil, path: Path) -> int:
    """Write the council's gazetteer as CSV, columns in GAZETTEER_COLUMNS order; rows written."""
    rows = council.gazetteer_rows()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(write_gazetteer_csv(rows), encoding="utf-8", newline="")
    return len(rows)


def report_lines(report: LoadReport) -> list[str]:
    """The load's counts, one per line, for the command's summary."""
    return [
        f"{name.replace('_', ' ').capitalize():<18} {value}"
        for name, value in asdict(report).items()
        if name != "seconds"
    ]


def sign_in_table(accounts: list[DemoSignIn]) -> str:
    """The demo sign-ins as a plain-text table, with the one password they share."""
    width = max(len(account.email) for account in accounts)
    lines = [f"Demo sign-ins (the password for each is {DEMO_PASSWORD}):"]
    for account in accounts:
        note = f"  ({account.note})" if account.note else ""
        lines.append(f"  {account.email:<{width}}  {account.role}{note}")
    return "\n".join(lines)
