"""The staff index for the browser tests: Ailsa (conftest's officer) with a line manager, a
colleague, skills and capacity, so the organisation page shows each column filled."""

from datetime import timedelta

from django.utils import timezone

from burgh.identity.models import Membership, Team, User
from burgh.staff.services import create_skill, give_skill, set_capacity, set_line_manager
from tests.factories import MembershipFactory, UserFactory

SIGNED_IN_EMAIL = "ailsa.macleod@kinloch.example"


def organisation() -> None:
    ailsa = User.objects.get(email=SIGNED_IN_EMAIL)
    waste = Team.objects.get(name="Waste and recycling")
    manager = UserFactory(
        organisation=ailsa.organisation, full_name="Morag Sinclair", job_title="Service manager"
    )
    MembershipFactory(user=manager, team=waste.parent, position=Membership.Position.MANAGER)
    colleague = UserFactory(
        organisation=ailsa.organisation, full_name="Iain Ross", job_title="Waste officer"
    )
    MembershipFactory(user=colleague, team=waste)
    set_line_manager(ailsa, manager, on=timezone.localdate() - timedelta(days=90))
    set_line_manager(colleague, ailsa, on=timezone.localdate() - timedelta(days=90))
    gaelic = create_skill(name="Scottish Gaelic", category="Languages")
    hgv = create_skill(name="HGV driving licence", category="Qualifications")
    give_skill(ailsa, gaelic, level=3)
    give_skill(colleague, hgv, level=2, valid_to=timezone.localdate() + timedelta(days=300))
    set_capacity(ailsa, contracted_hours="35", caseload_capacity=20)
    set_capacity(colleague, contracted_hours="22.5", caseload_capacity=12)
