"""The organisation page: behind sign-in, the tree of units with their people."""

from django.test import Client

from burgh.identity.models import Membership, Team
from burgh.staff.services import create_skill, give_skill, set_capacity, set_line_manager
from tests.factories import MembershipFactory, TeamFactory, UserFactory


def test_signed_out_people_are_sent_to_sign_in(db):
    response = Client().get("/staff/")
    assert response.status_code == 302
    assert "/sign-in" in response["Location"]


def test_the_tree_with_leaders_managers_skills_and_capacity(council, staff_user, staff_password):
    directorate = TeamFactory(
        organisation=council, name="Housing and communities", kind=Team.Kind.DIRECTORATE
    )
    service = TeamFactory(
        organisation=council, name="Housing options", kind=Team.Kind.SERVICE, parent=directorate
    )
    team = TeamFactory(organisation=council, name="Homelessness north", parent=service)
    leader = UserFactory(organisation=council, full_name="Fiona Black")
    worker = UserFactory(organisation=council, full_name="Calum Reid", job_title="Caseworker")
    gone = UserFactory(organisation=council, full_name="Left Already", is_active=False)
    MembershipFactory(user=leader, team=team, position=Membership.Position.LEADER)
    MembershipFactory(user=worker, team=team)
    MembershipFactory(user=gone, team=team)
    set_line_manager(worker, leader)
    give_skill(worker, create_skill(name="Homelessness assessment"), level=3)
    set_capacity(worker, contracted_hours="35", caseload_capacity=30)
    client = Client()
    client.login(email=staff_user.email, password=staff_password)

    page = client.get("/staff/").content.decode()

    assert (
        page.index("Housing and communities")
        < page.index("Housing options")
        < page.index("Homelessness north")
    )
    assert "Led by Fiona Black (team leader)" in page
    assert "Homelessness assessment (practitioner)" in page
    assert "35 hours a week, up to 30 cases" in page
    assert "Left Already" not in page
    assert 'href="/staff/"' in client.get("/").content.decode()
