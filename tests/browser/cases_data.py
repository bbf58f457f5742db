"""The case pages' records for the browser tests: Ailsa (conftest's officer) leads the roads
team and works in the children's team, with a pothole case carrying a note, a document, a task,
a decision to authorise, a warning, a link and a merge; a closed pothole; a sensitive referral;
a pothole type with a letter, and a child protection type. Made through the services, then
given fixed ids so pages.PAGES can name them.
"""

import io
from dataclasses import asdict
from datetime import timedelta
from typing import Any

import docx
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from burgh.cases import services
from burgh.cases.models import Case
from burgh.cases.pages.intake import SESSION_KEY, Journey
from burgh.identity.models import Membership, Role, Team, User
from burgh.people.models import Person
from burgh.places.models import Property, Street
from burgh.staff.models import StaffCapacity
from tests.cases import setting
from tests.factories import (
    MembershipFactory,
    RoleAssignmentFactory,
    RoleFactory,
    TeamFactory,
    UserFactory,
)

SIGNED_IN_EMAIL = "ailsa.macleod@kinloch.example"
ROADS_ID = "c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8"
CHILDREN_ID = "c2b3c4d5-e6f7-4081-92a3-b4c5d6e7f809"
# Chosen on the allocate page's error form: sorts after Ailsa and before the case's worker.
IAIN_ID = "c3c4d5e6-f708-4192-a3b4-c5d6e7f8091a"
MORAG_ID = "c4d5e6f7-0819-42a3-b4c5-d6e7f8091a2b"
POTHOLE_TYPE_ID = "c5e6f708-192a-43b4-c5d6-e7f8091a2b3c"
REFERRAL_TYPE_ID = "c6f70819-2a3b-44c5-d6e7-f8091a2b3c4d"
POTHOLE_ID = "c7081920-3b4c-45d6-e7f8-091a2b3c4d5e"
CLOSED_ID = "c8192a3b-4c5d-46e7-f809-1a2b3c4d5e6f"
REFERRAL_ID = "c92a3b4c-5d6e-47f8-891a-2b3c4d5e6f70"
MERGE_ID = "ca3b4c5d-6e7f-4809-9a2b-3c4d5e6f7081"
NOTE_ID = "cb4c5d6e-7f80-491a-8b3c-4d5e6f708192"
DOCUMENT_ID = "cc5d6e7f-8091-4a2b-9c4d-5e6f708192a3"
TASK_ID = "cd6e7f80-91a2-4b3c-8d5e-6f708192a3b4"
DECISION_ID = "ce7f8091-a2b3-4c4d-9e6f-708192a3b4c5"
FLAG_ID = "cf8091a2-b3c4-4d5e-8f70-8192a3b4c5d6"
ROAD_UPRN = "134000000040"
ROADS_PATH = "kinloch/roads-maintenance"

LEADER = [
    "cases.view_case",
    "cases.update_case",
    "cases.allocate",
    "cases.authorise_decisions",
    "cases.take_next",
    "cases.create_request",
    "cases.view_request",
    "cases.manage_case_types",
    "people.search",
    "people.view_person",
    "places.search",
]
WORKER = ["cases.view_case", "cases.update_case", "cases.take_next", "people.view_person"]


def _fix_id(record: Model, fixed: str) -> None:
    """Give a record a service made the fixed id, moving every row that points to it along."""
    model = type(record)
    with transaction.atomic():  # the foreign keys are checked at the commit
        for relation in model._meta.related_objects:
            if relation.one_to_many or relation.one_to_one:
                name = relation.field.name
                relation.related_model._base_manager.filter(**{name: record.pk}).update(
                    **{name: fixed}
                )
        model._base_manager.filter(pk=record.pk).update(**{model._meta.pk.attname: fixed})


def pothole_definition() -> dict[str, Any]:
    return setting.pothole_definition(
        ROADS_PATH,
        decision_kinds=[
            {"code": "claim", "label": "Damage claim decision", "needs_authorisation": True}
        ],
    )


def referral_definition() -> dict[str, Any]:
    return setting.child_protection_definition("kinloch/children-north")


def _letter() -> bytes:
    document = docx.Document()
    document.add_paragraph("Dear {{ person.name }},")
    document.add_paragraph("We have your report {{ case.reference }}.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pothole(by: User, fixed: str | None, title: str, **more: Any) -> Case:
    request = services.IntakeRequest(
        case_type="pothole",
        channel="staff",
        title=title,
        data={"depth": "over-40mm", "near_school": True},
        uprn=ROAD_UPRN,
        **more,
    )
    case = services.intake(by, request).case
    if fixed is None:
        return case
    _fix_id(case, fixed)
    return Case.objects.get(pk=fixed)


def _roads_worker(team: Team, role: Role, name: str, **fields: Any) -> User:
    user: User = UserFactory(organisation=team.organisation, full_name=name, **fields)
    MembershipFactory(user=user, team=team)
    RoleAssignmentFactory(user=user, role=role)
    StaffCapacity.objects.create(user=user, contracted_hours=35, caseload_capacity=8)
    return user


def case_worker() -> None:
    """Make Ailsa the roads team's leader, in a small council with cases in every state."""
    ailsa = User.objects.get(email=SIGNED_IN_EMAIL)
    council = ailsa.organisation
    assert council is not None
    RoleAssignmentFactory(
        user=ailsa,
        role=RoleFactory(name="Roads team leader", slug="roads-team-leader", permissions=LEADER),
    )
    roads = TeamFactory(
        id=ROADS_ID, organisation=council, name="Roads Maintenance", slug="roads-maintenance"
    )
    children = TeamFactory(
        id=CHILDREN_ID,
        organisation=council,
        name="Children and Families North",
        slug="children-north",
    )
    MembershipFactory(user=ailsa, team=roads, position=Membership.Position.LEADER)
    MembershipFactory(user=ailsa, team=children, position=Membership.Position.LEADER)
    inspector = RoleFactory(name="Roads inspector", slug="roads-inspector", permissions=WORKER)
    _roads_worker(roads, inspector, "Iain Inspector", id=IAIN_ID)
    shona = _roads_worker(roads, inspector, "Shona Walker")
    street = Street.objects.create(usrn="99000040", name="High Street", town="Kinloch")
    Property.objects.create(
        uprn=ROAD_UPRN,
        building_number="40",
        street=street,
        postcode="KL1 1AA",
        easting=290030,
        northing=780010,
    )
    Person.objects.create(id=MORAG_ID, given_name="Morag", family_name="MacLeod")

    pothole_type = services.save_case_type(ailsa, pothole_definition())[0]
    _fix_id(pothole_type, POTHOLE_TYPE_ID)
    referral_type = services.save_case_type(ailsa, referral_definition())[0]
    _fix_id(referral_type, REFERRAL_TYPE_ID)
    services.save_letter_template(
        ailsa,
        "pothole-received",
        "Pothole report received",
        "pothole-received.docx",
        _letter(),
        case_types=["pothole"],
    )

    pothole = _pothole(ailsa, POTHOLE_ID, "Pothole outside number 40", subject_person_id=MORAG_ID)
    services.allocate_case(ailsa, pothole.pk, shona)
    note = services.add_note(ailsa, pothole.pk, "Phoned Morag: the hole is by the bus stop.")
    _fix_id(note, NOTE_ID)
    document = services.add_document(
        ailsa, pothole.pk, "inspection.txt", b"Inspected: 60mm deep.", declared_type="text/plain"
    )
    _fix_id(document, DOCUMENT_ID)
    task = services.add_task(
        ailsa,
        pothole.pk,
        "Book the contractor",
        owner=shona,
        due_on=timezone.localdate() + timedelta(days=3),
    )
    _fix_id(task, TASK_ID)
    decision = services.record_decision(
        shona, pothole.pk, "claim", "Pay the tyre claim", "The hole was reported a week earlier."
    )
    _fix_id(decision, DECISION_ID)
    flag = services.raise_flag(
        ailsa, MORAG_ID, "lone_worker", "Large dog; visit in pairs", case_id=pothole.pk
    )
    _fix_id(flag, FLAG_ID)
    again = _pothole(ailsa, None, "The same pothole, reported again")
    merge = services.merge_cases(ailsa, again.pk, pothole.pk, reason="The same hole")
    _fix_id(merge, MERGE_ID)
    closed = _pothole(ailsa, CLOSED_ID, "Pothole on the bridge")
    services.close_case(ailsa, closed.pk, "repaired", note="Filled")
    services.link_cases(ailsa, pothole.pk, closed.pk, note="Reported by the same bus driver")

    referral = services.intake(
        ailsa,
        services.IntakeRequest(
            case_type="child-protection-referral",
            channel="staff",
            title="Referral from school",
            data={"concern": "Bruising noticed at school"},
            subject_person_id=MORAG_ID,
        ),
    ).case
    _fix_id(referral, REFERRAL_ID)
    services.allocate_case(ailsa, REFERRAL_ID, ailsa)


def _keep_journey(journey: Journey) -> None:
    """Put a request half-logged into Ailsa's session, as the intake pages keep it."""
    ailsa = User.objects.get(email=SIGNED_IN_EMAIL)
    for session in Session.objects.all():
        if session.get_decoded().get("_auth_user_id") == str(ailsa.pk):
            store = SessionStore(session_key=session.session_key)
            store[SESSION_KEY] = asdict(journey)
            store.save()


MORAG = {"id": MORAG_ID, "name": "Morag MacLeod", "details": ""}
AT_ROAD = {"uprn": ROAD_UPRN, "address": "40 High Street, Kinloch, KL1 1AA"}


def logging_a_pothole() -> None:
    """A pothole chosen, Morag calling."""
    case_worker()
    _keep_journey(Journey(case_type="pothole", caller=MORAG))


def pothole_located() -> None:
    """A pothole chosen, Morag calling, at 40 High Street."""
    case_worker()
    _keep_journey(Journey(case_type="pothole", caller=MORAG, place=AT_ROAD))


def pothole_answered() -> None:
    """Every question answered: check answers offers the open pothole at the same place."""
    case_worker()
    answers = {"depth": "over-40mm", "near_school": True}
    _keep_journey(
        Journey(case_type="pothole", caller=MORAG, place=AT_ROAD, answers=answers, pages_done=[1])
    )


def pothole_logged() -> None:
    """The request logged: the reference to give the caller."""
    case_worker()
    pothole = Case.objects.get(pk=POTHOLE_ID)
    done = {
        "reference": pothole.reference,
        "case_id": POTHOLE_ID,
        "team": "Roads Maintenance",
        "due": "",
        "linked": "",
        "case_type": "Pothole",
    }
    _keep_journey(Journey(done=done))
