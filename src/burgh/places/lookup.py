"""Finding properties: by postcode (the GOV.UK address lookup), by typed text, by UPRN."""

import re
from dataclasses import dataclass

from burgh.core.errors import InvalidInputError
from burgh.places.matching.text import postcode_form
from burgh.places.models import Property

MAX_AT_POSTCODE = 500


@dataclass(frozen=True)
class PlaceChoice:
    """A property as a list of choices shows it."""

    uprn: str
    address: str


def normalise_postcode(text: str) -> str:
    """`text` as a postcode is written (`KL2 4AB`), or InvalidInputError saying what is wrong."""
    if not text or not text.strip():
        raise InvalidInputError(
            "Enter a postcode", errors=[{"pointer": "#/postcode", "detail": "Enter a postcode"}]
        )
    found = postcode_form(text)
    if not found:
        detail = "Enter a full UK postcode, like KL2 4AB"
        raise InvalidInputError(detail, errors=[{"pointer": "#/postcode", "detail": detail}])
    return found


def addresses_at_postcode(postcode: str, *, building: str = "") -> list[PlaceChoice]:
    """Every property in use at `postcode`, in the order a street runs (14, 14A, 16; Flat 0/1,
    Flat 0/2, Flat 1/1), narrowed to those whose building name or number, flat or organisation
    contains `building` when it is given."""
    units = (
        Property.objects.filter(postcode=normalise_postcode(postcode), retired_on__isnull=True)
        .select_related("street")
        .order_by("uprn")[:MAX_AT_POSTCODE]
    )
    wanted = " ".join(building.lower().split())
    chosen = [
        unit
        for unit in units
        if not wanted
        or wanted
        in " ".join(
            (unit.organisation, unit.sub_building, unit.building_name, unit.building_number)
        ).lower()
    ]
    chosen.sort(key=_street_order)
    return [PlaceChoice(unit.uprn, unit.single_line()) for unit in chosen]


def place(uprn: str) -> Property | None:
    """The property with this UPRN, retired or not, with its street."""
    if not re.fullmatch(r"\d{1,12}", uprn or ""):
        return None
    return Property.objects.select_related("street").filter(uprn=uprn).first()


def _natural(text: str) -> tuple[tuple[int, str], ...]:
    """Sort key that puts 2 before 10 and Flat 0/2 before Flat 1/1."""
    return tuple(
        (int(part), "") if part.isdigit() else (-1, part)
        for part in re.findall(r"\d+|[^\d\W]+", text.lower())
    )


def _street_order(unit: Property) -> tuple[object, ...]:
    return (
        unit.street.name,
        _natural(unit.building_number),
        unit.building_name.lower(),
        _natural(unit.sub_building),
        unit.organisation.lower(),
    )
