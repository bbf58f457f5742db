"""Comparing a parsed query with one candidate property, part by part.

Each comparison puts the pair in one level (the street: named exactly, with a slip, without its
type, with another type...). The model gives every level a weight, so the reason a UPRN was
chosen can be read off as a short list: "same building number +4.1, same flat +3.8...".
"""

from dataclasses import dataclass

from burgh.places.matching.flats import resolve
from burgh.places.matching.index import AddressIndex, PropertyEntry, StreetEntry
from burgh.places.matching.parse import ParsedAddress
from burgh.places.matching.text import (
    QUALIFIERS,
    STREET_TYPES,
    postcode_district,
    postcode_sector,
)

# Comparison → level → what it means, in the custodian's words. The order is the order of
# the explanation.
LEVELS: dict[str, dict[str, str]] = {
    "number": {
        "same": "same building number",
        "suffix_differs": "same number, different letter (14 and 14A)",
        "query_missing": "the address gives no building number, the property has one",
        "property_missing": "the address gives a building number, the property has none",
        "both_missing": "neither has a building number",
        "differs": "different building numbers",
    },
    "flat": {
        "none": "no flat on either",
        "same": "same flat",
        "same_door": "the same door, written another way (counted up the stair, or left/right)",
        "query_missing": "the address names no flat, the property is one",
        "property_missing": "the address names a flat, the property is not one",
        "differs": "a different flat",
    },
    "street": {
        "same": "street named in full",
        "slip": "street named, with a spelling slip",
        "type_missing": "street named without its type (Road, Crescent...)",
        "type_differs": "street named with another type (Road for Crescent)",
        "qualifier_differs": "Upper, New, West... differs or is missing",
        "partial": "part of the street's name",
        "absent": "street not named",
    },
    "name": {
        "same": "building name given",
        "partial": "part of the building name given",
        "absent": "building name not given",
        "none": "the property has no building name",
    },
    "organisation": {
        "same": "business name given",
        "partial": "part of the business name given",
        "absent": "business name not given",
        "none": "the property has no business name",
    },
    "unexplained": {
        "0": "every word of the address accounted for",
        "1": "one word of the address not accounted for",
        "2": "two words of the address not accounted for",
        "3+": "three or more words of the address not accounted for",
    },
}
POSTCODE_LEVELS = {
    "same": "same postcode",
    "slip": "postcode one character different",
    "sector": "same postcode sector, other unit",
    "district": "same postcode district",
    "differs": "different postcode",
    "missing": "no postcode",
}
TOWN_LEVELS = {
    "named": "the property's town or locality named",
    "mixed": "its town named, and another town or locality too",
    "other": "another town named",
    "missing": "no town named",
}
# Postcode and town are weighed together: a full postcode outweighs a wrong town, while a
# wrong town with no postcode is strong evidence of another place.
LEVELS["place"] = {
    f"{code}+{town}": f"{code_text}; {town_text}"
    for code, code_text in POSTCODE_LEVELS.items()
    for town, town_text in TOWN_LEVELS.items()
}
COMPARISONS = ("number", "flat", "street", "place", "name", "organisation", "unexplained")


@dataclass(frozen=True)
class Query:
    """A parsed query with what every comparison with it needs, worked out once."""

    parsed: ParsedAddress
    groups: tuple[frozenset[str], ...]  # each word with the gazetteer words it may stand for
    words: frozenset[str]  # every word of every group
    slipped: frozenset[str]  # words read as a slip for them
    towns: frozenset[str]  # town and locality words the query names


def prepare(index: AddressIndex, parsed: ParsedAddress) -> Query:
    groups = index.word_groups(parsed)
    found = frozenset().union(*groups)
    return Query(
        parsed=parsed,
        groups=groups,
        words=found,
        slipped=found - frozenset(parsed.words),
        towns=found & index.town_words,
    )


def compare(index: AddressIndex, query: Query, at: int) -> tuple[str, ...]:
    """The level of each comparison (in COMPARISONS order) for query and property `at`."""
    entry = index.properties[at]
    street = index.streets[entry.street]
    parsed = query.parsed
    wanted = query.words
    own_place = set(street.town) | set(street.locality)
    names = set(entry.name) | set(entry.organisation)
    # Town names are the town comparison's business: never counted again as unexplained.
    explained = street.explained | names | set(entry.sub_building)
    unexplained = sum(not (group & explained) for group in query.groups)
    return (
        _number(parsed.number, entry.number),
        _flat(index, parsed, entry),
        _street(street, wanted, query.slipped, own_place | names),
        f"{_postcode(parsed, entry.postcode)}+{_town(query.towns - names, own_place, wanted)}",
        _named(entry.name, wanted),
        _named(entry.organisation, wanted),
        _unexplained(unexplained + len(parsed.other_numbers)),
    )


def _number(given: str, own: str) -> str:
    if given and own:
        if given == own:
            return "same"
        return "suffix_differs" if given.rstrip("abcdefgh") == own.rstrip("abcdefgh") else "differs"
    if own:
        return "query_missing"
    return "property_missing" if given else "both_missing"


def _flat(index: AddressIndex, parsed: ParsedAddress, entry: PropertyEntry) -> str:
    given, own = parsed.flat, entry.flat
    if given is None:
        return "query_missing" if (own is not None or entry.sub_building) else "none"
    if own is None:
        return "property_missing"
    if given.key() and given.key() == own.key():
        return "same"
    building = [index.properties[other].flat for other in index.buildings[entry.building]]
    named = resolve(given, [flat for flat in building if flat is not None])
    return "same_door" if named == own else "differs"


def _street(
    street: StreetEntry, wanted: frozenset[str], slipped: frozenset[str], elsewhere: set[str]
) -> str:
    """`elsewhere`: words the property's town, locality or names account for."""
    stems, kind, qualifier = street.stems, street.kind, street.qualifier
    present = stems & wanted
    if not present:
        return "absent"
    if present != stems:
        return "partial"
    other_qualifiers = (wanted & QUALIFIERS) - elsewhere - {qualifier} - stems
    if (qualifier and qualifier not in wanted) or other_qualifiers:
        return "qualifier_differs"
    if kind and kind not in wanted:
        other_kinds = (wanted & STREET_TYPES) - stems - elsewhere
        return "type_differs" if other_kinds else "type_missing"
    used = stems | {kind, qualifier}
    return "slip" if used & slipped else "same"


def _postcode(parsed: ParsedAddress, own: str) -> str:
    if parsed.postcode:
        if parsed.postcode == own:
            return "same"
        if _one_apart(parsed.postcode.replace(" ", ""), own.replace(" ", "")):
            return "slip"
        if postcode_sector(parsed.postcode) == postcode_sector(own):
            return "sector"
        return "district" if parsed.district == postcode_district(own) else "differs"
    if parsed.district:
        return "district" if parsed.district == postcode_district(own) else "differs"
    return "missing"


def _one_apart(left: str, right: str) -> bool:
    if len(left) != len(right):
        return False
    differ = [i for i, (a, b) in enumerate(zip(left, right, strict=True)) if a != b]
    if len(differ) == 1:
        return True
    # Two neighbouring characters swapped.
    return (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and left[differ[0]] == right[differ[1]]
        and left[differ[1]] == right[differ[0]]
    )


def _town(towns: frozenset[str], own_place: set[str], wanted: frozenset[str]) -> str:
    if own_place & wanted:
        return "mixed" if towns - own_place else "named"
    return "other" if towns else "missing"


def _named(name: tuple[str, ...], wanted: frozenset[str]) -> str:
    if not name:
        return "none"
    present = sum(word in wanted for word in name)
    if present == len(name):
        return "same"
    return "partial" if present * 2 >= len(name) else "absent"


def _unexplained(count: int) -> str:
    return "3+" if count >= 3 else str(count)
