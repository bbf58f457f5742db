"""places.services.match on the gazetteer in the database: retired properties left out, and
the process's index rebuilt when an import changes the gazetteer's revision."""

import pytest

from burgh.places import services
from burgh.places.matching import forget_index
from burgh.places.matching.index import AddressIndex
from burgh.places.models import GazetteerImport, Property, Street

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_index(settings):
    settings.BURGH_ADDRESS_INDEX_CHECK_SECONDS = 0
    forget_index()
    yield
    forget_index()


def _property(uprn: str, number: str, street: Street, **more) -> Property:
    return Property.objects.create(
        uprn=uprn, building_number=number, street=street, postcode="KL1 2AB", **more
    )


@pytest.fixture
def main_street() -> Street:
    return Street.objects.create(usrn="34600001", name="Main Street", town="Kinloch")


def test_match_uses_the_gazetteer_in_the_database(main_street):
    _property("134000100001", "14", main_street, sub_building="Flat 2/1")
    _property("134000100002", "14", main_street, sub_building="Flat 1/2")
    result = services.match("2/1 14 main st kinloch")
    assert result.uprn == "134000100001"
    assert result.candidates[0].address == "Flat 2/1, 14 Main Street, Kinloch, KL1 2AB"


def test_retired_properties_are_never_matched(main_street):
    _property("134000100003", "16", main_street, retired_on="2026-01-01")
    assert services.match("16 Main Street Kinloch KL1 2AB").uprn is None


def test_the_index_is_rebuilt_when_the_revision_changes(main_street, monkeypatch):
    builds = []
    real = AddressIndex.from_database.__func__

    def counting(cls):
        builds.append(1)
        return real(cls)

    monkeypatch.setattr(AddressIndex, "from_database", classmethod(counting))
    GazetteerImport.objects.create(source="first.csv")
    assert services.match("18 Main Street Kinloch").uprn is None
    services.match("18 Main Street Kinloch")
    assert len(builds) == 1  # same revision: the index is kept

    _property("134000100004", "18", main_street)
    GazetteerImport.objects.create(source="second.csv")
    assert services.match("18 Main Street Kinloch").uprn == "134000100004"
    assert len(builds) == 2


def test_the_revision_is_read_at_most_every_check_interval(main_street, settings, monkeypatch):
    settings.BURGH_ADDRESS_INDEX_CHECK_SECONDS = 3600
    GazetteerImport.objects.create(source="first.csv")
    services.match("18 Main Street Kinloch")
    reads = []
    monkeypatch.setattr(services, "gazetteer_revision", lambda: reads.append(1) or "x")
    for _ in range(5):
        services.match("18 Main Street Kinloch")
    assert reads == []


def test_the_threshold_is_a_setting(main_street, settings):
    _property("134000100005", "20", main_street)
    GazetteerImport.objects.create(source="first.csv")
    assert services.match("20 Main Street Kinloch").uprn == "134000100005"
    settings.BURGH_ADDRESS_MATCH_THRESHOLD = 1.01
    forget_index()
    result = services.match("20 Main Street Kinloch")
    assert (result.uprn, result.threshold) == (None, 1.01)
    assert result.candidates[0].uprn == "134000100005"


def test_the_threshold_outside_django_is_the_settings_default(monkeypatch):
    # Scripts and the benchmark's baselines use DEFAULT_THRESHOLD; pages and the API use the
    # setting. With no environment override, the two must be the same number.
    import importlib

    from burgh.places.matching import matcher
    from burgh.settings import base

    monkeypatch.delenv("BURGH_ADDRESS_MATCH_THRESHOLD", raising=False)
    fresh = importlib.reload(base)
    try:
        assert fresh.BURGH_ADDRESS_MATCH_THRESHOLD == matcher.DEFAULT_THRESHOLD
    finally:
        importlib.reload(base)
