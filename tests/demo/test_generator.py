"""The demo council generator: deterministic, and shaped like a real Scottish council area."""

import re
from collections import Counter

import pytest
from django.contrib.auth.password_validation import validate_password

from burgh.demo.generator import DEMO_PASSWORD, DemoCouncil, build_council, demo_sign_ins


@pytest.fixture(scope="module")
def council() -> DemoCouncil:
    return build_council(2000, 1)


def test_the_same_seed_gives_the_same_council() -> None:
    assert build_council(300, 7) == build_council(300, 7)


def test_a_different_seed_gives_a_different_council() -> None:
    first, second = build_council(300, 7), build_council(300, 8)
    assert first.people != second.people
    assert first.gazetteer_rows() != second.gazetteer_rows()
    assert [s.full_name for s in first.staff] != [s.full_name for s in second.staff]


def test_it_has_exactly_the_residents_asked_for(council: DemoCouncil) -> None:
    assert len(council.people) == 2000
    assert len(build_council(1, 3).people) == 1


def test_about_120_council_staff_in_every_named_service(council: DemoCouncil) -> None:
    council_staff = [s for s in council.staff if s.organisation == "kinloch"]
    assert 110 <= len(council_staff) <= 130
    names = " | ".join(t.name for t in council.teams if t.organisation == "kinloch")
    for service in (
        "Contact Centre",
        "Waste",
        "Roads",
        "Housing",
        "Council Tax",
        "Revenues",
        "Children's Social Work",
        "Adult Social Work",
        "Finance",
        "Information Governance",
        "IT Service Desk",
    ):
        assert service in names


def test_teams_sit_in_services_in_directorates(council: DemoCouncil) -> None:
    by_slug = {(t.organisation, t.slug): t for t in council.teams}
    for team in council.teams:
        if team.organisation != "kinloch":
            continue
        expected_parent = {"directorate": None, "service": "directorate", "team": "service"}
        parent = by_slug.get((team.organisation, team.parent)) if team.parent else None
        assert (parent.kind if parent else None) == expected_parent[team.kind], team.name


def test_every_team_has_a_leader_and_members(council: DemoCouncil) -> None:
    positions = Counter((s.team, s.position) for s in council.staff)
    for team in council.teams:
        if team.kind == "team":
            assert positions[(team.slug, "leader")] == 1, team.name
            assert positions[(team.slug, "member")] >= 1, team.name


def test_partner_agencies_have_their_own_staff_and_teams(council: DemoCouncil) -> None:
    kinds = {o.name: o.kind for o in council.organisations}
    assert kinds["NHS Kinloch and Glens"] == "health"
    assert kinds["Police Scotland Kinloch Division"] == "police"
    assert list(kinds.values()).count("charity") == 2
    for organisation in council.organisations:
        staff = [s for s in council.staff if s.organisation == organisation.slug]
        assert staff, organisation.name
        assert all(s.email.endswith(f"@{organisation.email_domain}") for s in staff)
        assert {t.organisation for t in council.teams if t.slug in {s.team for s in staff}} == {
            organisation.slug
        }


def test_staff_emails_are_unique_and_on_reserved_domains(council: DemoCouncil) -> None:
    emails = [s.email for s in council.staff]
    assert len(set(emails)) == len(emails)
    assert all(email.split("@")[1].endswith(".example") for email in emails)


def test_only_the_it_administrator_among_sign_ins_needs_mfa(council: DemoCouncil) -> None:
    mfa_roles = {r.slug for r in council.roles if r.requires_mfa}
    assert mfa_roles == {"it-administrator"}
    it_admin = next(r for r in council.roles if r.slug == "it-administrator")
    assert {"identity.manage_teams", "identity.manage_api_tokens"} <= set(it_admin.permissions)
    team_leader = next(r for r in council.roles if r.slug == "team-leader")
    assert "identity.manage_teams" in team_leader.permissions
    needs_mfa = {s.email for s in council.staff if s.demo_sign_in and mfa_roles & set(s.roles)}
    assert needs_mfa == {"itadmin@kinloch.example"}


def test_demo_sign_ins_are_the_documented_accounts(council: DemoCouncil) -> None:
    assert [a.email for a in demo_sign_ins()] == [
        "adviser@kinloch.example",
        "caseworker@kinloch.example",
        "socialworker@kinloch.example",
        "teamleader@kinloch.example",
        "igofficer@kinloch.example",
        "steward@kinloch.example",
        "itadmin@kinloch.example",
        "partner@nhs-kinloch.example",
    ]
    leader = next(s for s in council.staff if s.email == "teamleader@kinloch.example")
    assert leader.position == "leader"
    assert leader.team.startswith("children-and-families")
    admin = next(s for s in council.staff if s.email == "itadmin@kinloch.example")
    assert admin.is_staff


def test_the_demo_password_passes_the_validators() -> None:
    validate_password(DEMO_PASSWORD)


def test_uprns_and_usrns_are_well_formed_and_unique(council: DemoCouncil) -> None:
    uprns = [p.uprn for p in council.properties]
    assert len(set(uprns)) == len(uprns)
    assert all(re.fullmatch(r"1340\d{8}", uprn) for uprn in uprns)
    usrns = [s.usrn for s in council.streets]
    assert len(set(usrns)) == len(usrns)
    assert all(re.fullmatch(r"\d{8}", usrn) for usrn in usrns)
    assert {p.usrn for p in council.properties} <= set(usrns)


def test_addresses_look_scottish(council: DemoCouncil) -> None:
    sub_buildings = {p.sub_building for p in council.properties}
    assert any(re.fullmatch(r"Flat \d/\d", s) for s in sub_buildings)  # Flat 2/1
    assert any(re.fullmatch(r"[G\d]F\d", s) for s in sub_buildings)  # 2F1
    assert {"Flat A", "Flat B"} <= sub_buildings
    assert any(p.building_name and not p.building_number for p in council.properties)
    assert any(p.organisation for p in council.properties)
    assert all(re.fullmatch(r"KL\d{1,2} \d[A-Z]{2}", p.postcode) for p in council.properties)
    assert all(200000 <= p.easting <= 350000 for p in council.properties)
    assert all(680000 <= p.northing <= 800000 for p in council.properties)
    towns = {s.town for s in council.streets}
    assert {"Kinloch", "Ardmhor", "Inverbrae", "Glenrossie"} <= towns


def test_every_household_lives_at_its_own_home(council: DemoCouncil) -> None:
    homes = {p.uprn for p in council.properties if p.residential}
    uprns = [h.uprn for h in council.households]
    assert set(uprns) <= homes
    assert len(set(uprns)) == len(uprns)
    businesses = {p.uprn for p in council.properties if p.organisation}
    assert not businesses & set(uprns)


def test_households_hold_the_people_a_person_index_must_tell_apart(council: DemoCouncil) -> None:
    twins = father_and_son = 0
    for household in council.households:
        people = [m.person for m in household.members]
        children = [m.person for m in household.members if m.relationship == "child"]
        births = Counter((p.family_name, p.date_of_birth) for p in children)
        twins += any(count >= 2 for count in births.values())
        names = Counter((p.given_name, p.family_name) for p in people)
        same_name = [name for name, count in names.items() if count >= 2]
        father_and_son += any(
            len({p.date_of_birth for p in people if (p.given_name, p.family_name) == name}) > 1
            for name in same_name
        )
    assert twins >= 3
    assert father_and_son >= 3
    family_names = {p.family_name for p in council.people}
    assert any(name.startswith("Mac") for name in family_names)
    assert any(name.startswith("Mc") for name in family_names)
    assert any("-" in name for name in family_names)


def test_residents_span_every_age_with_some_contact_details(council: DemoCouncil) -> None:
    people = council.people
    born = [p.date_of_birth.year for p in people]
    assert min(born) <= 1940
    assert max(born) >= 2020
    assert 0.1 < sum(bool(p.email) for p in people) / len(people) < 0.5
    assert 0.2 < sum(bool(p.phone) for p in people) / len(people) < 0.6
    for household in council.households:
        assert household.members[0].relationship == "householder"
        assert household.moved_in_on >= max(m.person.date_of_birth for m in household.members)


def test_teams_work_with_residents_of_the_right_age(council: DemoCouncil) -> None:
    people = council.people
    allocated = Counter(i.worker for i in council.involvements if i.ended_on is None)
    for email in (
        "socialworker@kinloch.example",
        "caseworker@kinloch.example",
        "partner@nhs-kinloch.example",
    ):
        assert allocated[email] >= 5, email
    for involvement in council.involvements:
        person = people[involvement.person]
        assert involvement.started_on >= person.date_of_birth
        if involvement.team.startswith("children-and-families"):
            assert person.date_of_birth.year >= 2008, involvement
    assert 0.03 < len({i.person for i in council.involvements}) / len(people) < 0.15


def test_a_few_records_are_restricted_to_named_council_staff(council: DemoCouncil) -> None:
    assert [r.category for r in council.restrictions] == [
        "adoption",
        "staff_or_relative",
        "high_profile",
    ]
    assert len({r.person for r in council.restrictions}) == 3
    for restriction in council.restrictions:
        assert restriction.named
        assert all(email.endswith("@kinloch.example") for email in restriction.named)
    consents = council.consents
    assert len(consents) >= 5
    assert sum(1 for c in consents if c.withdrawn_on is not None) == 1
