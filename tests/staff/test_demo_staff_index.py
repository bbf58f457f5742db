"""The demo council's staff index: everyone but the heads has a line manager, skills follow
roles, and caseloads follow hours."""

from datetime import date
from decimal import Decimal

from faker import Faker

from burgh.demo.generator.staff import build_organisation, build_staff_index


def _council():
    fake = Faker("en_GB")
    fake.seed_instance(7)
    _, teams, staff = build_organisation(fake, "Kinloch Council")
    return teams, staff, build_staff_index(teams, staff, 7, date(2026, 4, 1))


def test_line_management_follows_the_structure():
    teams, staff, plan = _council()
    by_email = {person.email: person for person in staff}
    managed = {line.staff: by_email[line.manager] for line in plan.line_management}
    heads = {t.slug for t in teams if t.parent is None}
    unmanaged = [p for p in staff if p.email not in managed]
    assert unmanaged
    assert all(p.team in heads and p.position in ("leader", "manager") for p in unmanaged)
    leader = next(p for p in staff if p.email == "teamleader@kinloch.example")
    worker = next(p for p in staff if p.email == "socialworker@kinloch.example")
    assert managed[worker.email] == leader
    assert managed[leader.email].position == "manager"


def test_skills_and_caseloads_follow_roles_and_hours():
    _, staff, plan = _council()
    worker = "socialworker@kinloch.example"
    held = {s.skill for s in plan.staff_skills if s.email == worker}
    assert {"Child protection", "Adult support and protection"} <= held
    capacity = next(c for c in plan.capacities if c.email == worker)
    assert capacity.caseload_capacity == int(18 * capacity.contracted_hours / Decimal(35))
    assert len(plan.capacities) == len(staff)
