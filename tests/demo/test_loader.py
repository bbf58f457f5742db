"""Loading the demo council: everything lands in one go, and the demo accounts can sign in."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from burgh.core.models import AuditEntry, OutboxEvent
from burgh.demo.generator import DEMO_PASSWORD, GAZETTEER_COLUMNS, build_council, demo_sign_ins
from burgh.demo.services import load_demo_council
from burgh.identity.models import Membership, Organisation, Role, Team, User
from burgh.identity.permissions import has_permission
from burgh.identity.services.mfa import mfa_required_by_role
from burgh.people.models import Household, Person
from burgh.places.models import AddressMatchReview, PlaceAttribute, Property, Street

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    council = build_council(200, 1)
    return council, load_demo_council(council)


def test_the_whole_council_is_loaded(loaded) -> None:
    council, report = loaded
    assert User.objects.count() == len(council.staff) == report.staff
    assert Organisation.objects.count() == 5
    assert Team.objects.count() == len(council.teams)
    assert Role.objects.count() == 9
    assert Street.objects.count() == len(council.streets)
    assert Property.objects.count() == len(council.properties) == report.properties
    assert report.residents == 200
    # Every resident is someone in the index; a few may still wait for a data steward's review.
    current = Person.objects.filter(merged_into__isnull=True).count()
    assert current == report.people
    assert 200 <= current <= 200 + report.reviews + 10
    assert Household.objects.count() == len(council.households)
    known = set(Property.objects.values_list("uprn", flat=True))
    assert set(Household.objects.values_list("uprn", flat=True)) <= known


def test_the_place_index_has_collection_rounds_and_addresses_for_the_custodian(loaded) -> None:
    council, report = loaded
    assert PlaceAttribute.objects.filter(service="waste").count() == 2 * len(council.properties)
    assert report.place_attributes == 2 * len(council.properties)
    # A close without its flat, and a new build, are never given a UPRN by the matcher alone.
    waiting = AddressMatchReview.objects.filter(status="open", source="council-tax")
    assert waiting.count() == report.address_reviews
    assert report.address_reviews >= 2
    assert waiting.filter(address__startswith="Plot 7, new development").exists()


def test_teams_form_directorates_services_and_teams(loaded) -> None:
    contact_centre = Team.objects.get(slug="contact-centre")
    assert contact_centre.kind == "team"
    assert contact_centre.parent is not None
    assert contact_centre.parent.kind == "service"
    assert contact_centre.parent.parent is not None
    assert contact_centre.parent.parent.kind == "directorate"
    positions = set(
        Membership.objects.filter(team=contact_centre).values_list("position", flat=True)
    )
    assert positions == {"leader", "member"}
    nhs = Organisation.objects.get(name="NHS Kinloch and Glens")
    assert nhs.kind == "health"
    assert Team.objects.filter(organisation=nhs).exists()


def test_each_demo_account_signs_in_with_the_documented_password(loaded) -> None:
    for account in demo_sign_ins():
        user = authenticate(email=account.email, password=DEMO_PASSWORD)
        assert user is not None, account.email
        assert authenticate(email=account.email, password="Kinloch-demo-2025") is None


def test_other_staff_cannot_sign_in(loaded) -> None:
    demo_emails = {account.email for account in demo_sign_ins()}
    others = User.objects.exclude(email__in=demo_emails)
    assert others.exists()
    assert not any(user.has_usable_password() for user in others)


def test_only_the_it_administrator_must_set_up_mfa(loaded) -> None:
    it_admin = User.objects.get(email="itadmin@kinloch.example")
    assert mfa_required_by_role(it_admin)
    assert it_admin.is_staff
    assert has_permission(it_admin, "identity.manage_api_tokens")
    for account in demo_sign_ins():
        if account.email != it_admin.email:
            assert not mfa_required_by_role(User.objects.get(email=account.email)), account.email


def test_the_team_leader_leads_a_social_work_team_and_may_manage_teams(loaded) -> None:
    leader = User.objects.get(email="teamleader@kinloch.example")
    membership = Membership.objects.get(user=leader)
    assert membership.position == "leader"
    assert membership.team.parent is not None
    assert membership.team.parent.name == "Children's Social Work"
    assert has_permission(leader, "identity.manage_teams")
    partner = User.objects.get(email="partner@nhs-kinloch.example")
    assert partner.organisation is not None
    assert partner.organisation.kind == "health"


def test_the_load_is_audited_once_and_announced_once(loaded) -> None:
    council, report = loaded
    entry = AuditEntry.objects.get(action="demo.council_loaded")
    assert entry.detail["residents"] == 200
    assert entry.detail["staff"] == report.staff
    gazetteer = AuditEntry.objects.get(action="places.gazetteer_imported")
    assert gazetteer.detail["added"] == len(council.properties)
    event = OutboxEvent.objects.get(type="gov.burgh.demo.council.loaded")
    assert event.data["properties"] == len(council.properties)
    # Besides, the person index announces each person it made, as for any council feed.
    created = OutboxEvent.objects.filter(type="gov.burgh.people.person.created").count()
    assert created == Person.objects.count()


def test_demo_command_loads_and_prints_the_sign_ins() -> None:
    out = StringIO()
    call_command("demo", residents=150, seed=2, stdout=out)
    text = out.getvalue()
    assert "Residents          150" in text
    assert "Source records" in text
    assert DEMO_PASSWORD in text
    assert "itadmin@kinloch.example" in text
    assert "steward@kinloch.example" in text
    assert Person.objects.count() >= 150


def test_demo_command_if_empty_does_nothing_when_users_exist(staff_user) -> None:
    out = StringIO()
    call_command("demo", residents=150, if_empty=True, stdout=out)
    assert "not loaded" in out.getvalue()
    assert User.objects.count() == 1
    assert Person.objects.count() == 0


def test_demo_command_refuses_a_database_with_users(staff_user) -> None:
    with pytest.raises(CommandError, match="already has users"):
        call_command("demo", residents=150, stdout=StringIO())
    assert Person.objects.count() == 0


def test_demo_command_refuses_production_settings(settings) -> None:
    settings.SETTINGS_MODULE = "burgh.settings.production"
    with pytest.raises(CommandError, match="never loaded in production"):
        call_command("demo", residents=150, stdout=StringIO())
    assert User.objects.count() == 0


def test_export_gazetteer_writes_csv_without_touching_the_database(tmp_path: Path) -> None:
    path = tmp_path / "gazetteer.csv"
    call_command("demo", residents=300, seed=4, export_gazetteer=path, stdout=StringIO())
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames or ()) == GAZETTEER_COLUMNS
    assert rows == build_council(300, 4).gazetteer_rows()
    assert Property.objects.count() == 0
    assert User.objects.count() == 0
