"""Open311 GeoReport v2, as a client sees it: over HTTP against a running server, with the
requests the specification shows (form-encoded posts, `.xml` and `.json` documents)."""

import json
import re
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
import requests
from defusedxml import ElementTree
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from burgh.cases import services
from burgh.cases.models import Case
from burgh.cases.open311.formats import parse_w3c, w3c
from burgh.cases.services import IntakeRequest, save_case_type
from burgh.identity.services.tokens import issue_api_token
from burgh.people.models import Person
from tests.cases.setting import HOME_UPRN, ROAD_UPRN, make_setting, pothole_definition
from tests.factories import RoleAssignmentFactory, RoleFactory, UserFactory

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# The XML element of each list and the element of its items (the Spark convention).
LISTS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
ROADS = "kinloch/roads-maintenance"


class Open311Client:
    """What a GeoReport v2 client does: GET with query parameters, POST a form."""

    def __init__(self, server_url: str) -> None:
        self.base = f"{server_url}/open311/v2/"

    def get(self, path, **params):
        return requests.get(self.base + path, params=params, timeout=30)

    def post(self, path, form):
        return requests.post(self.base + path, data=form, timeout=30)


def read(response, fmt, status=200):
    """The document in `response`, each value as text, whichever format it came in."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == CONTENT_TYPES[fmt]
    if fmt == "json":
        return _plain(json.loads(response.content.decode("utf-8")))
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return _from_xml(ElementTree.fromstring(response.content))


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_plain(inner) for inner in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _from_xml(element):
    if element.tag in LISTS:
        assert {child.tag for child in element} <= {LISTS[element.tag]}
        return [_from_xml(child) for child in element]
    if len(element):
        return {child.tag: _from_xml(child) for child in element}
    return element.text or ""


def error_descriptions(response, fmt, status):
    listed = read(response, fmt, status)
    assert listed, "an error document lists at least one error"
    assert {error["code"] for error in listed} == {str(status)}
    return " ".join(error["description"] for error in listed)


def bin_definition():
    return {
        "code": "missed-bin",
        "name": "Missed bin collection",
        "service": "Waste",
        "group": "Bins and recycling",
        "keywords": "bin, refuse, recycling",
        "public": True,
        "fields": [
            {
                "name": "bins",
                "label": "Which bins were missed?",
                "type": "checkboxes",
                "required": True,
                "options": [
                    {"value": "general", "label": "General waste (green)"},
                    {"value": "recycling", "label": "Recycling (blue)"},
                    {"value": "food", "label": "Food waste (grey caddy)"},
                ],
            },
            {"name": "missed_on", "label": "Date the bin was missed", "type": "date"},
            {"name": "bags", "label": "Extra bags", "type": "number", "min": 0, "max": 5},
            {
                "name": "access_notes",
                "label": "How the crew can reach the bin",
                "type": "textarea",
                "sensitive": True,
                "show_if": {"field": "bins", "equals": "general"},
            },
        ],
        "statuses": [
            {"code": "logged", "label": "Logged", "stage": "open"},
            {"code": "collected", "label": "Collected", "stage": "closed"},
        ],
        "initial_status": "logged",
        "outcomes": [{"code": "collected", "label": "Collected"}],
        "default_team": ROADS,
    }


@pytest.fixture
def kinloch(transactional_db):
    setting = make_setting()
    save_case_type(None, bin_definition())
    # Staff-only types: not public, or no longer taking requests.
    save_case_type(None, pothole_definition(ROADS, code="road-defect-internal", public=False))
    save_case_type(None, pothole_definition(ROADS, code="old-pothole-form", active=False))
    return setting


@pytest.fixture
def client(live_server, kinloch):
    return Open311Client(live_server.url)


def key_for(kinloch, *, scopes=("open311",), permissions=("cases.create_request",)):
    """An API token of a FixMyStreet-style integration account, as an api_key."""
    user = UserFactory(organisation=kinloch.council, full_name="FixMyStreet")
    RoleAssignmentFactory(user=user, role=RoleFactory(permissions=list(permissions)))
    _token, raw = issue_api_token(
        user, name="FixMyStreet", scopes=list(scopes), expires_in=timedelta(days=30)
    )
    return raw


@pytest.fixture
def api_key(kinloch):
    return key_for(kinloch)


def report(api_key, **more):
    """A pothole report as the specification's example request sends one."""
    form = {
        "api_key": api_key,
        "jurisdiction_id": "kinloch.example",
        "service_code": "pothole",
        "lat": "57.477800",
        "long": "-4.224700",
        "email": "jo.bloggs@example.net",
        "device_id": "tt222111",
        "account_id": "123456",
        "first_name": "Jo",
        "last_name": "Bloggs",
        "phone": "07700 900982",
        "description": "A large pothole outside the school gates",
        "media_url": "https://photos.example.net/pothole.jpg",
        "attribute[depth]": "over-40mm",
        "attribute[near_school]": "yes",
    }
    form.update(more)
    return form


def log_pothole(kinloch, **overrides):
    values = {
        "case_type": "pothole",
        "channel": "staff",
        "data": {"depth": "under-40mm"},
        "uprn": ROAD_UPRN,
    }
    values.update(overrides)
    return services.intake(kinloch.adviser, IntakeRequest(**values)).case


# Discovery and services


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_endpoint_the_spec_and_both_formats(client, live_server, fmt):
    found = read(client.get(f"discovery.{fmt}"), fmt)

    assert set(found) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = found["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == f"{live_server.url}/open311/v2/"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert "open311" in found["key_service"]
    # The base URL itself answers with the XML, and a client joining paths with "/" is served.
    assert read(requests.get(client.base, timeout=30), "xml")["endpoints"] == found["endpoints"]
    assert read(client.get(f"/discovery.{fmt}"), fmt)["endpoints"] == found["endpoints"]
    # The changeset moves when a case type changes, so clients refresh their service list.
    save_case_type(None, pothole_definition(ROADS, name="Pothole or sunken road"))
    later = read(client.get(f"discovery.{fmt}"), fmt)
    assert later["changeset"] > found["changeset"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_lists_the_public_active_case_types_only(client, fmt):
    found = read(client.get(f"services.{fmt}", jurisdiction_id="kinloch.example"), fmt)

    assert [service["service_code"] for service in found] == ["missed-bin", "pothole"]
    pothole = found[1]
    assert pothole == {
        "service_code": "pothole",
        "service_name": "Pothole",
        "description": "",
        "metadata": "true",
        "type": "realtime",
        "keywords": "",
        "group": "Roads",
    }
    assert found[0]["keywords"] == "bin, refuse, recycling"


def test_json_keeps_the_specifications_value_types(client):
    service = client.get("services.json").json()[1]
    assert service["metadata"] is True
    attribute = client.get("services/pothole.json").json()["attributes"][0]
    assert (attribute["variable"], attribute["required"], attribute["order"]) == (True, True, 1)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_maps_the_questions_to_attributes(client, fmt):
    pothole = read(client.get(f"services/pothole.{fmt}"), fmt)
    assert pothole["service_code"] == "pothole"
    depth, near_school = pothole["attributes"]
    assert depth["variable"] == "true"
    assert (depth["code"], depth["datatype"], depth["required"]) == (
        "depth",
        "singlevaluelist",
        "true",
    )
    assert (depth["order"], depth["description"]) == ("1", "How deep is it?")
    assert depth["values"] == [
        {"key": "under-40mm", "name": "Less than 40mm"},
        {"key": "over-40mm", "name": "40mm or more"},
    ]
    assert near_school["datatype"] == "singlevaluelist"
    assert near_school["required"] == "false"
    assert [value["key"] for value in near_school["values"]] == ["yes", "no"]

    bins, missed_on, bags, access = read(client.get(f"services/missed-bin.{fmt}"), fmt)[
        "attributes"
    ]
    assert (bins["datatype"], missed_on["datatype"], bags["datatype"], access["datatype"]) == (
        "multivaluelist",
        "datetime",
        "number",
        "text",
    )
    assert "attribute[bins][]" in bins["datatype_description"]
    assert "At most 5" in bags["datatype_description"]
    # Asked only after a given answer: not required of every request, and it says when.
    assert access["required"] == "false"
    assert "attribute[bins] is general" in access["datatype_description"]
    assert "never shown" in access["datatype_description"]
    assert "values" not in bags


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("code", ["no-such-service", "child-protection-referral"])
def test_a_service_that_is_not_offered_has_no_definition(client, fmt, code):
    described = error_descriptions(client.get(f"services/{code}.{fmt}"), fmt, 404)
    assert code in described


@pytest.mark.parametrize("path", ["services.csv", "services.html", "requests.yaml", "services"])
def test_an_unknown_format_is_not_found(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_another_jurisdiction_is_not_found(client, fmt):
    described = error_descriptions(
        client.get(f"services.{fmt}", jurisdiction_id="glasgow.gov.uk"), fmt, 404
    )
    assert "jurisdiction_id" in described


# Reporting a problem


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_client_reports_at_a_position_and_reads_the_request_back(client, kinloch, api_key, fmt):
    [created] = read(client.post(f"requests.{fmt}", report(api_key)), fmt)

    assert re.fullmatch(r"C\d{7}", created["service_request_id"])
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    assert created["service_notice"] == "We aim to deal with this within 5 working days."
    case = Case.objects.get(reference=created["service_request_id"])
    assert (case.channel, case.case_type.code, case.team) == ("open311", "pothole", kinloch.roads)
    assert case.data == {"depth": "over-40mm", "near_school": True}
    assert case.priority == 2  # The routing rule for deep potholes.
    assert case.reporter == {
        "name": "Jo Bloggs",
        "email": "jo.bloggs@example.net",
        "phone": "07700 900982",
    }
    assert case.external_ref == "tt222111"

    response = client.get(f"requests/{case.reference}.{fmt}", jurisdiction_id="kinloch.example")
    [record] = read(response, fmt)
    assert record["service_request_id"] == case.reference
    assert (record["status"], record["status_notes"]) == ("open", "Reported")
    assert (record["service_code"], record["service_name"]) == ("pothole", "Pothole")
    assert record["description"] == "A large pothole outside the school gates"
    assert record["media_url"] == "https://photos.example.net/pothole.jpg"
    assert record["agency_responsible"] == "Roads Maintenance"
    assert (record["lat"], record["long"]) == ("57.4778", "-4.2247")
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", record["requested_datetime"]
    )
    assert record["expected_datetime"] > record["requested_datetime"]
    # Who reported it is never published.
    for private in ("Bloggs", "jo.bloggs", "900982", "tt222111", "123456"):
        assert private not in response.text


def test_text_xml_cannot_carry_is_left_out_of_the_xml(client, api_key):
    form = report(api_key, description="Deep\x0b hole \u2014 near the Caf\u00e9")
    [created] = client.post("requests.json", form).json()

    [record] = read(client.get(f"requests/{created['service_request_id']}.xml"), "xml")
    assert record["description"] == "Deep hole \u2014 near the Caf\u00e9"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_client_reports_at_a_property_by_its_uprn(client, api_key, fmt):
    form = report(api_key, lat="", long="", address_id=ROAD_UPRN)
    del form["media_url"]
    [created] = read(client.post(f"requests.{fmt}", form), fmt)

    [record] = read(client.get(f"requests/{created['service_request_id']}.{fmt}"), fmt)
    assert record["address"] == "40 High Street, Kinloch, KL1 1AA"
    assert (record["address_id"], record["zipcode"]) == (ROAD_UPRN, "KL1 1AA")
    assert (record["lat"], record["long"], record["media_url"]) == ("", "", "")


def test_a_report_may_come_as_multipart_form_data(client, api_key):
    form = report(api_key)
    response = requests.post(
        f"{client.base}requests.json",
        files={name: (None, value) for name, value in form.items()},
        timeout=30,
    )
    assert response.request.headers["Content-Type"].startswith("multipart/form-data")
    [created] = read(response, "json")
    assert Case.objects.get(reference=created["service_request_id"]).reporter["name"] == "Jo Bloggs"


def test_several_values_of_a_multivaluelist_are_repeated_attributes(client, api_key):
    form = [
        ("api_key", api_key),
        ("service_code", "missed-bin"),
        ("address_id", HOME_UPRN),
        ("attribute[bins][]", "recycling"),
        ("attribute[bins][]", "general"),
        ("attribute[missed_on]", "2026-01-05T07:30:00Z"),
        ("attribute[access_notes]", "Round the back, past the dog"),
        ("attribute[fixmystreet_id]", "4201"),
    ]
    [created] = client.post("requests.json", form).json()

    case = Case.objects.get(reference=created["service_request_id"])
    assert case.data == {
        "bins": ["general", "recycling"],
        "missed_on": "2026-01-05",
        "access_notes": "Round the back, past the dog",
    }
    record = client.get(f"requests/{case.reference}.json").text
    assert "past the dog" not in record


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_report_without_an_api_key_is_refused(client, api_key, fmt):
    form = report(api_key)
    del form["api_key"]
    described = error_descriptions(client.post(f"requests.{fmt}", form), fmt, 403)

    assert "api_key" in described
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("scopes", "permissions", "because"),
    [
        (("cases:write",), ("cases.create_request",), "open311 scope"),
        (("open311",), ("cases.view_request",), "cases.create_request"),
    ],
)
def test_a_key_without_the_scope_or_the_permission_is_refused(
    client, kinloch, fmt, scopes, permissions, because
):
    key = key_for(kinloch, scopes=scopes, permissions=permissions)
    described = error_descriptions(client.post(f"requests.{fmt}", report(key)), fmt, 403)

    assert because in described
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_or_revoked_key_is_refused(client, fmt):
    described = error_descriptions(
        client.post(f"requests.{fmt}", report("burgh_0123456789ab_not-a-real-secret")), fmt, 403
    )
    assert "Invalid api_key" in described


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_bad_attribute_value_is_refused_naming_the_attribute(client, api_key, fmt):
    form = report(api_key, **{"attribute[depth]": "bottomless"})
    described = error_descriptions(client.post(f"requests.{fmt}", form), fmt, 400)
    assert "attribute[depth]" in described
    assert "under-40mm" in described

    form = report(api_key)
    del form["attribute[depth]"]
    described = error_descriptions(client.post(f"requests.{fmt}", form), fmt, 400)
    assert "attribute[depth]: Select how deep is it" in described
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("code", ["", "no-such-service", "road-defect-internal"])
def test_a_report_for_a_service_not_offered_is_refused(client, api_key, fmt, code):
    described = error_descriptions(
        client.post(f"requests.{fmt}", report(api_key, service_code=code)), fmt, 400
    )
    assert "service_code" in described
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_report_must_say_where(client, api_key, fmt):
    described = error_descriptions(
        client.post(f"requests.{fmt}", report(api_key, lat="", long="")), fmt, 400
    )
    assert "lat and long, address_string or address_id" in described
    for half in ({"long": ""}, {"lat": "north"}):
        described = error_descriptions(
            client.post(f"requests.{fmt}", report(api_key, **half)), fmt, 400
        )
        assert "Send lat and long together" in described
    described = error_descriptions(
        client.post(f"requests.{fmt}", report(api_key, lat="", long="", address_id="999")),
        fmt,
        400,
    )
    assert "address_id: The gazetteer has no property 999" in described
    assert not Case.objects.exists()


# Tokens


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_token_gives_the_service_request_id(client, kinloch, fmt):
    case = log_pothole(kinloch)

    [found] = read(client.get(f"tokens/{case.pk}.{fmt}"), fmt)
    assert found == {"service_request_id": case.reference, "token": str(case.pk)}
    error_descriptions(client.get(f"tokens/{uuid4()}.{fmt}"), fmt, 404)
    error_descriptions(client.get(f"tokens/12345.{fmt}"), fmt, 404)


# Following requests


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_are_filtered_by_status_newest_first(client, kinloch, fmt):
    older = log_pothole(kinloch, received_at=timezone.now() - timedelta(days=3))
    newer = log_pothole(kinloch)
    closed = log_pothole(kinloch, received_at=timezone.now() - timedelta(days=1))
    services.close_case(kinloch.roads_leader, closed.pk, "repaired", note="Filled the same day")

    listed = read(client.get(f"requests.{fmt}"), fmt)
    assert [r["service_request_id"] for r in listed] == [
        newer.reference,
        closed.reference,
        older.reference,
    ]
    only_closed = read(client.get(f"requests.{fmt}", status="closed"), fmt)
    assert [(r["service_request_id"], r["status"]) for r in only_closed] == [
        (closed.reference, "closed")
    ]
    assert only_closed[0]["status_notes"] == "Repaired: Filled the same day"
    assert only_closed[0]["updated_datetime"] >= only_closed[0]["requested_datetime"]
    only_open = read(client.get(f"requests.{fmt}", status="open"), fmt)
    assert {r["service_request_id"] for r in only_open} == {newer.reference, older.reference}
    both = read(client.get(f"requests.{fmt}", status="open,closed"), fmt)
    assert len(both) == 3
    error_descriptions(client.get(f"requests.{fmt}", status="pending"), fmt, 400)


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_by_id_and_by_service_code(client, kinloch, fmt):
    first, second = log_pothole(kinloch), log_pothole(kinloch)
    old = log_pothole(kinloch, received_at=timezone.now() - timedelta(days=200))

    ids = f"{first.reference},{old.reference}"
    by_id = read(client.get(f"requests.{fmt}", service_request_id=ids, status="closed"), fmt)
    assert {r["service_request_id"] for r in by_id} == {first.reference, old.reference}
    by_code = read(client.get(f"requests.{fmt}", service_code="missed-bin,pothole"), fmt)
    assert {r["service_request_id"] for r in by_code} == {first.reference, second.reference}
    assert read(client.get(f"requests.{fmt}", service_code="missed-bin"), fmt) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_cover_at_most_ninety_days(client, kinloch, fmt):
    now = timezone.now()
    recent = log_pothole(kinloch, received_at=now - timedelta(days=10))
    log_pothole(kinloch, received_at=now - timedelta(days=100))

    by_default = read(client.get(f"requests.{fmt}"), fmt)
    assert [r["service_request_id"] for r in by_default] == [recent.reference]
    in_range = read(
        client.get(
            f"requests.{fmt}",
            start_date=(now - timedelta(days=110)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            end_date=(now - timedelta(days=20)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        ),
        fmt,
    )
    assert len(in_range) == 1
    assert in_range[0]["service_request_id"] != recent.reference

    too_long = client.get(
        f"requests.{fmt}", start_date="2026-01-01T00:00:00Z", end_date="2026-04-02T00:00:00Z"
    )
    assert "at most 90 days" in error_descriptions(too_long, fmt, 400)
    backwards = client.get(f"requests.{fmt}", start_date="2026-03-01", end_date="2026-02-01")
    assert "before start_date" in error_descriptions(backwards, fmt, 400)
    for not_a_date in ("last tuesday", "2026-02-30", "9999-12-31T00:00:00Z", "9999-12-31"):
        response = client.get(f"requests.{fmt}", end_date=not_a_date)
        assert "W3C" in error_descriptions(response, fmt, 400)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_case_of_a_sensitive_type_is_never_shown(client, kinloch, fmt):
    morag = Person.objects.get(pk=kinloch.morag.pk)
    referral = services.intake(
        kinloch.adviser,
        IntakeRequest(
            case_type="child-protection-referral",
            channel="staff",
            data={"concern": "Neglect"},
            subject_person_id=morag.pk,
        ),
    ).case
    internal = log_pothole(kinloch, case_type="road-defect-internal")

    for case in (referral, internal):
        error_descriptions(client.get(f"requests/{case.reference}.{fmt}"), fmt, 404)
        error_descriptions(client.get(f"tokens/{case.pk}.{fmt}"), fmt, 404)
    listed = client.get(f"requests.{fmt}", service_request_id=referral.reference)
    assert read(listed, fmt) == []
    assert "Neglect" not in listed.text


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_public_type_that_is_or_was_sensitive_takes_reports_but_never_shows_them(
    client, kinloch, api_key, fmt
):
    concern = pothole_definition(ROADS, code="antisocial-behaviour", name="Antisocial behaviour")
    save_case_type(None, {**concern, "sensitive": True})
    form = report(api_key, service_code="antisocial-behaviour")
    [created] = read(client.post(f"requests.{fmt}", form), fmt)
    reported = Case.objects.get(reference=created["service_request_id"])
    # Made sensitive after a case was logged: the case is hidden from then on too.
    earlier = log_pothole(kinloch)
    save_case_type(None, pothole_definition(ROADS, sensitive=True))
    # No longer sensitive: what was logged while it was stays hidden.
    save_case_type(None, concern)

    for case in (reported, earlier):
        error_descriptions(client.get(f"requests/{case.reference}.{fmt}"), fmt, 404)
        error_descriptions(client.get(f"tokens/{case.pk}.{fmt}"), fmt, 404)
    assert read(client.get(f"requests.{fmt}"), fmt) == []


def test_what_staff_wrote_at_intake_is_not_published(client, kinloch):
    case = log_pothole(kinloch, description="Mrs Brown at number 38 called about it")

    [record] = client.get(f"requests/{case.reference}.json").json()
    assert record["description"] is None
    assert "Brown" not in json.dumps(record)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_other_methods_are_not_allowed(client, fmt):
    response = requests.put(f"{client.base}services.{fmt}", data={}, timeout=30)
    error_descriptions(response, fmt, 405)
    assert response.headers["Allow"] == "GET, HEAD"
    response = requests.delete(f"{client.base}requests.{fmt}", timeout=30)
    error_descriptions(response, fmt, 405)
    assert response.headers["Allow"] == "GET, POST, HEAD"
    assert requests.head(f"{client.base}services.{fmt}", timeout=30).status_code == 200


# Dates and times, as the specification writes them


@given(
    st.datetimes(
        min_value=datetime(1901, 1, 1),
        max_value=datetime(2999, 12, 31),
        timezones=st.sampled_from([UTC, timezone.get_fixed_timezone(-300)]),
    )
)
def test_a_w3c_date_and_time_reads_back_as_the_same_instant(moment):
    written = w3c(moment)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", written)
    assert parse_w3c(written) == moment.replace(microsecond=0)
    assert parse_w3c(written.replace("+", " ")) == moment.replace(microsecond=0)


@given(st.text(max_size=40))
def test_any_text_is_a_date_and_time_or_refused_as_not_one(text):
    try:
        parsed = parse_w3c(text)
    except (ValueError, OverflowError):
        return
    assert parsed.tzinfo is not None
