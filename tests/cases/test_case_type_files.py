"""The demo's case type files: each loads as an administrator would load it, says what the
council promises (team, SLA, routing, decisions, retention), and a broken file is refused
with the file and the place in it named, and nothing saved."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from faker import Faker

from burgh.cases.models import (
    Case,
    CaseDecision,
    CaseNote,
    CaseType,
    ChronologyEntry,
    Priority,
    Stage,
)
from burgh.cases.services import clock as sla_clock
from burgh.cases.services import route
from burgh.demo.cases import (
    CASE_TYPES_DIR,
    case_type_definitions,
    deploy_demo_flows,
    load_case_types,
)
from burgh.demo.generator import build_council
from burgh.demo.generator.staff import SKILLS, build_organisation
from burgh.demo.services import load_demo_council
from burgh.identity.services.organisation import (
    OrganisationRecord,
    TeamRecord,
    import_organisation_structure,
)
from burgh.people.models import Person
from burgh.places.models import Property

pytestmark = pytest.mark.django_db

FILES = sorted(CASE_TYPES_DIR.glob("*.json"))
# code: (team, SLA unit, target, public, sensitive, needs subject, needs location, radius)
PROMISES = {
    "missed-bin": ("waste-collection", "working_days", 2, True, False, False, True, 0),
    "fly-tipping": ("waste-collection", "working_days", 5, True, False, False, True, 50),
    "pothole": ("roads-maintenance", "working_days", 5, True, False, False, True, 25),
    "council-tax-change-of-address": (
        "council-tax",
        "working_days",
        10,
        False,
        False,
        True,
        False,
        0,
    ),
    "housing-repair": ("housing-repairs", "working_hours", 24, False, False, False, True, 0),
    "adult-social-care-referral": (
        "adult-social-work-kinloch",
        "working_days",
        20,
        False,
        True,
        True,
        False,
        0,
    ),
    "child-protection-referral": (
        "children-and-families-north",
        "calendar_hours",
        24,
        False,
        True,
        True,
        False,
        0,
    ),
    "complaint": ("contact-centre", "working_days", 5, False, False, False, False, 0),
    "subject-access-request": (
        "information-governance",
        "calendar_months",
        1,
        False,
        True,
        True,
        False,
        0,
    ),
}


@pytest.fixture
def demo_teams() -> None:
    """The demo council's organisations and teams, as the demo loads them (no staff), and its
    process flows, which five of the types run (deployed before the types that name them)."""
    fake = Faker("en_GB")
    fake.seed_instance(1)
    organisations, teams, _staff = build_organisation(fake, "Kinloch Council")
    import_organisation_structure(
        organisations=[OrganisationRecord(o.slug, o.name, o.kind) for o in organisations],
        teams=[TeamRecord(t.organisation, t.slug, t.name, t.kind, t.parent) for t in teams],
        roles=[],
        staff=[],
    )
    deploy_demo_flows()


@pytest.fixture
def loaded(demo_teams: None) -> dict[str, CaseType]:
    return load_case_types()


def fields_of(case_type: CaseType) -> dict[str, dict[str, Any]]:
    return {field["name"]: field for field in case_type.fields}


def test_the_nine_demo_files_load_cleanly_through_the_command(demo_teams: None) -> None:
    out = StringIO()
    call_command("cases", "types", "load", *map(str, FILES), stdout=out)

    assert sorted(CaseType.objects.values_list("code", flat=True)) == sorted(PROMISES)
    assert out.getvalue().count(" created") == 9
    assert [path.stem for path in FILES] == sorted(d["code"] for d in case_type_definitions())


@pytest.mark.parametrize("code", sorted(PROMISES))
def test_each_type_keeps_its_promises(loaded: dict[str, CaseType], code: str) -> None:
    team, unit, target, public, sensitive, subject, location, radius = PROMISES[code]
    case_type = loaded[code]

    assert case_type.default_team.slug == team
    assert case_type.default_team.organisation.slug == "kinloch"
    assert (case_type.sla["unit"], case_type.sla["target"]) == (unit, target)
    assert case_type.public is public
    assert case_type.sensitive is sensitive
    assert case_type.needs_subject is subject
    assert case_type.needs_location is location
    assert case_type.duplicate_radius_m == radius
    stages = {status["stage"] for status in case_type.statuses}
    assert {Stage.OPEN, Stage.CLOSED} <= stages
    assert case_type.transitions
    assert case_type.outcomes
    assert case_type.retention_class
    assert case_type.keywords
    assert case_type.group
    assert case_type.description
    assert case_type.fields
    # Every open status but the last of a path can be left, and every status is reachable.
    reachable = {case_type.initial_status}
    for targets in case_type.transitions.values():
        reachable.update(targets)
    open_codes = {s["code"] for s in case_type.statuses if s["stage"] != Stage.CLOSED}
    assert reachable == open_codes


def test_routing_rules_set_priorities_a_user_would_expect(loaded: dict[str, CaseType]) -> None:
    pothole, repair, complaint = (
        loaded["pothole"],
        loaded["housing-repair"],
        loaded["complaint"],
    )
    assert route(pothole, {"depth": "over-40mm"}, channel="open311")[1] == Priority.HIGH
    assert route(pothole, {"depth": "under-40mm"}, channel="open311")[1] == Priority.NORMAL
    assert route(repair, {"repair_category": "emergency"}, channel="staff")[1] == Priority.URGENT
    assert route(repair, {"repair_category": "urgent"}, channel="staff")[1] == Priority.HIGH
    asbestos = route(loaded["fly-tipping"], {"waste_types": ["asbestos", "tyres"]}, channel="api")
    assert asbestos[1] == Priority.URGENT
    housing = route(complaint, {"service_area": "housing"}, channel="portal")[0]
    assert housing.slug == "housing-options"
    assert route(complaint, {"service_area": "other"}, channel="portal")[0].slug == (
        "contact-centre"
    )


def test_the_forms_ask_what_each_service_needs(loaded: dict[str, CaseType]) -> None:
    bin_fields = fields_of(loaded["missed-bin"])
    assert bin_fields["bin_type"]["type"] == "radios"
    assert {"monday", "friday"} <= {o["value"] for o in bin_fields["collection_day"]["options"]}
    assert fields_of(loaded["fly-tipping"])["waste_types"]["type"] == "checkboxes"
    assert "size" in fields_of(loaded["fly-tipping"])
    assert {"depth", "size"} <= set(fields_of(loaded["pothole"]))
    moving = fields_of(loaded["council-tax-change-of-address"])
    assert moving["moving_date"]["type"] == "date"
    assert moving["new_address"]["required"]
    assert moving["new_postcode"]["type"] == "postcode"
    categories = fields_of(loaded["housing-repair"])["repair_category"]["options"]
    assert [o["value"] for o in categories] == ["emergency", "urgent", "routine"]
    assert fields_of(loaded["complaint"])["complaint_stage"]["type"] == "radios"


def test_social_work_types_pause_wait_and_need_a_managers_authorisation(
    loaded: dict[str, CaseType],
) -> None:
    adults = loaded["adult-social-care-referral"]
    assert {"screening", "assessment"} <= {s["code"] for s in adults.statuses}
    assert adults.stage_of("awaiting-information") == Stage.PAUSED
    kinds = {k["code"]: k["needs_authorisation"] for k in adults.decision_kinds}
    assert kinds["eligibility"] is True
    assert adults.allocation == "least_loaded"
    assert adults.required_skill in {skill.name.lower().replace(" ", "-") for skill in SKILLS}
    children = loaded["child-protection-referral"]
    kinds = {k["code"]: k["needs_authorisation"] for k in children.decision_kinds}
    assert kinds["section-decision"] is True
    assert "strategy-discussion" in kinds
    assert "reg43" in children.retention_class
    assert "Regulations 2009, reg. 43" in children.statutory_timescale


def test_complaints_and_access_requests_follow_their_statutory_models(
    loaded: dict[str, CaseType],
) -> None:
    complaint = loaded["complaint"]
    assert {"stage-1", "stage-2"} <= {s["code"] for s in complaint.statuses}
    assert "stage-2" in complaint.transitions["stage-1"]
    assert "20 working days" in complaint.statutory_timescale
    access = loaded["subject-access-request"]
    assert access.stage_of("awaiting-id") == Stage.PAUSED
    assert access.stage_of("extended") == Stage.OPEN
    assert access.statutory_timescale == (
        "One calendar month; extendable by two months for complex requests"
    )


def test_a_broken_file_is_refused_with_its_name_and_pointers_and_nothing_is_saved(
    demo_teams: None, tmp_path: Path
) -> None:
    broken = json.loads((CASE_TYPES_DIR / "pothole.json").read_text())
    broken["statuses"][0]["stage"] = "pending"
    broken["default_team"] = "kinloch/pothole-squad"
    broken["sla"]["unit"] = "fortnights"
    bad = tmp_path / "pothole.json"
    bad.write_text(json.dumps(broken))
    not_json = tmp_path / "missed-bin.json"
    not_json.write_text('{"code": "missed-bin",}')

    with pytest.raises(CommandError) as refused:
        call_command(
            "cases",
            "types",
            "load",
            str(CASE_TYPES_DIR / "complaint.json"),
            str(bad),
            str(not_json),
            stdout=StringIO(),
        )

    message = str(refused.value)
    assert refused.value.returncode == 2
    assert "2 of 3 files cannot be loaded, so none were saved" in message
    assert f"{bad}: #/statuses/0/stage: " in message
    assert f"{bad}: #/default_team: There is no team 'kinloch/pothole-squad'" in message
    assert f"{bad}: #/sla/unit: " in message
    assert f"{not_json}: #: not valid JSON" in message
    assert "line 1" in message
    # The good file was not saved either: a load is all or nothing.
    assert not CaseType.objects.exists()


def test_loading_again_changes_only_what_changed(demo_teams: None, tmp_path: Path) -> None:
    call_command("cases", "types", "load", *map(str, FILES), stdout=StringIO())
    changed = json.loads((CASE_TYPES_DIR / "pothole.json").read_text())
    changed["sla"]["target"] = 3
    path = tmp_path / "pothole.json"
    path.write_text(json.dumps(changed))
    out = StringIO()

    call_command(
        "cases", "types", "load", str(CASE_TYPES_DIR / "missed-bin.json"), str(path), stdout=out
    )

    assert "missed-bin unchanged (version 1)" in out.getvalue()
    assert "pothole changed (now version 2; 0 open cases)" in out.getvalue()
    assert CaseType.objects.get(code="pothole").sla["target"] == 3
    listing = StringIO()
    call_command("cases", "types", "list", stdout=listing)
    assert "to kinloch/roads-maintenance; SLA 3 working days" in listing.getvalue()


def test_the_demo_council_has_a_season_of_cases_of_every_type() -> None:
    report = load_demo_council(build_council(300, 3))

    cases = list(Case.objects.select_related("case_type"))
    assert report.case_types == 9
    assert report.cases == len(cases) >= 150
    assert {case.case_type.code for case in cases} == set(PROMISES)
    for case in cases:
        case_type = case.case_type
        assert case_type.stage_of(case.status) == case.stage, case.reference
        assert (case.outcome in {o["code"] for o in case_type.outcomes}) == case.is_closed
        assert case.subject_person_id or not case_type.needs_subject
    still_open = [case for case in cases if not case.is_closed]
    assert any(case.owner_id for case in still_open)
    assert any(case.owner_id is None for case in still_open)
    now = timezone.now()
    states = {str(sla_clock.state(case, now)) for case in cases}
    assert {"met", "missed", "on_track", "breached"} <= states
    people = {case.subject_person_id for case in cases if case.subject_person_id}
    assert Person.objects.filter(pk__in=people).count() == len(people)
    places = {case.uprn for case in cases if case.uprn}
    assert Property.objects.filter(uprn__in=places).count() == len(places)
    assert ChronologyEntry.objects.filter(kind__in=["note", "contact"]).exists()
    assert CaseNote.objects.exists()
    assert CaseDecision.objects.exists()
