"""The address index: the gazetteer held in memory, and the candidates a query could mean.

Candidates come from four small lookups, so a query never meets more than a few dozen of the
council's properties: streets by the distinctive words of their names (spelling slips put
right against the gazetteer's own words first), properties by postcode, house names, and
business names. Within a street only the properties with the query's building number are
taken (and its lettered neighbours: 14 brings 14A).
"""

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from burgh.places.gazetteer_files import CSV_COLUMNS
from burgh.places.matching.flats import FlatRef, gazetteer_flat, resolve
from burgh.places.matching.parse import ParsedAddress, parse
from burgh.places.matching.text import (
    FLAT_WORDS,
    QUALIFIERS,
    STREET_TYPES,
    postcode_district,
    postcode_form,
    single_line,
    words,
)

ROW_FIELDS = CSV_COLUMNS
UPRN = re.compile(r"^[1-9][0-9]{0,11}$")
STREETS_PER_QUERY = 40
FEW_STREETS = 6
MAX_CANDIDATES = 80
_BASE_NUMBER = re.compile(r"^([0-9]+)")


class GazetteerRowError(ValueError):
    """A gazetteer row the index cannot hold: `row` counts from 1, `column` names the field."""

    def __init__(self, row: int, column: str, message: str) -> None:
        super().__init__(f"row {row}: {column}: {message}")
        self.row, self.column, self.message = row, column, message


@dataclass
class StreetEntry:
    name: str
    stems: frozenset[str]  # the distinctive words: "burnside" of "Upper Burnside Road"
    kind: str  # "road", or ""
    qualifier: str  # "upper", or ""
    locality: tuple[str, ...]
    town: tuple[str, ...]
    town_name: str
    by_number: dict[str, list[int]] = field(default_factory=dict)
    by_base: dict[str, list[int]] = field(default_factory=dict)  # "14" → 14, 14A, 14B
    unnumbered: list[int] = field(default_factory=list)
    stem_weight: float = 0.0  # the idf of its stems, summed once the index is built
    town_set: frozenset[str] = frozenset()
    locality_set: frozenset[str] = frozenset()
    # Query words an address on this street accounts for whatever the property: the street's
    # own, flat words and every town's (set once the index is built, for the comparisons).
    explained: frozenset[str] = frozenset()

    @property
    def all_words(self) -> frozenset[str]:
        extra = {self.kind, self.qualifier} - {""}
        return self.stems | extra


@dataclass(frozen=True)
class PropertyEntry:
    uprn: str
    line: str
    street: int
    number: str
    flat: FlatRef | None
    sub_building: tuple[str, ...]
    name: tuple[str, ...]
    organisation: tuple[str, ...]
    postcode: str
    building: int


class AddressIndex:
    """The gazetteer in memory: build with `from_rows` or `from_database`."""

    def __init__(self) -> None:
        self.properties: list[PropertyEntry] = []
        self.streets: list[StreetEntry] = []
        self.buildings: list[list[int]] = []
        self.street_words: dict[str, list[int]] = {}
        # (street word, base building number) → the streets with both: a numbered query
        # weighs only the streets that have its number.
        self.street_words_by_base: dict[tuple[str, str], list[int]] = {}
        self.by_postcode: dict[str, list[int]] = {}
        self.name_words: dict[str, list[int]] = {}
        self.organisation_words: dict[str, list[int]] = {}
        # (name word, town or postcode district) → properties: a common house name is looked
        # up only where the address says it is.
        self.names_by_place: dict[tuple[str, str], list[int]] = {}
        self.towns: dict[str, str] = {}  # a town's words joined → its name
        self.town_words: frozenset[str] = frozenset()
        self._town_word_sets: list[tuple[str, frozenset[str]]] = []
        self.districts: frozenset[str] = frozenset()
        self.vocabulary: list[str] = []
        self._known: frozenset[str] = frozenset()
        self._corrections: dict[str, frozenset[str]] = {}
        self._street_idf: dict[str, float] = {}
        self.revision = ""

    def __len__(self) -> int:
        return len(self.properties)

    # -- building -----------------------------------------------------------------------

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]], *, revision: str = "") -> "AddressIndex":
        """An index of gazetteer rows (dicts with the gazetteer CSV's columns).

        A row without a valid UPRN, street or town raises GazetteerRowError naming it.
        """
        index = cls()
        index.revision = revision
        streets: dict[tuple[str, str, str], int] = {}
        buildings: dict[tuple[int, str, tuple[str, ...]], int] = {}
        seen: set[str] = set()
        for number, raw in enumerate(rows, start=1):
            row = {name: " ".join(str(raw.get(name) or "").split()) for name in ROW_FIELDS}
            index._check(row, number, seen)
            street_key = (row["street"].lower(), row["locality"].lower(), row["town"].lower())
            street_id = streets.get(street_key)
            if street_id is None:
                street_id = streets[street_key] = index._add_street(row)
            building_number = row["building_number"].lower().replace(" ", "")
            name = tuple(words(row["building_name"]))
            building_key = (street_id, building_number, name)
            building = buildings.get(building_key)
            if building is None:
                building = buildings[building_key] = len(index.buildings)
                index.buildings.append([])
            postcode = postcode_form(row["postcode"]) or row["postcode"].upper()
            entry = PropertyEntry(
                uprn=row["uprn"],
                line=single_line({**row, "postcode": postcode}),
                street=street_id,
                number=building_number,
                flat=gazetteer_flat(row["sub_building"]) if row["sub_building"] else None,
                sub_building=tuple(words(row["sub_building"])),
                name=name,
                organisation=tuple(words(row["organisation"])),
                postcode=postcode,
                building=building,
            )
            index._add_property(entry)
        index._finish()
        return index

    @classmethod
    def from_database(cls) -> "AddressIndex":
        """An index of every property in use (not retired) in the gazetteer tables."""
        from burgh.places.models import Property
        from burgh.places.services import gazetteer_revision

        revision = gazetteer_revision()
        query = (
            Property.objects.filter(retired_on__isnull=True)
            .order_by()
            .values_list(
                "uprn",
                "organisation",
                "sub_building",
                "building_name",
                "building_number",
                "street__name",
                "street__locality",
                "street__town",
                "postcode",
            )
        )
        rows = (dict(zip(ROW_FIELDS, values, strict=True)) for values in query.iterator(5000))
        return cls.from_rows(rows, revision=revision)

    def _check(self, row: dict[str, str], number: int, seen: set[str]) -> None:
        if not UPRN.match(row["uprn"]):
            raise GazetteerRowError(
                number, "uprn", f"{row['uprn']!r} is not a UPRN (a number of up to 12 digits)"
            )
        if row["uprn"] in seen:
            raise GazetteerRowError(number, "uprn", f"UPRN {row['uprn']} appears twice")
        seen.add(row["uprn"])
        for column in ("street", "town"):
            if not row[column]:
                raise GazetteerRowError(number, column, "is blank")

    def _add_street(self, row: dict[str, str]) -> int:
        name_words = words(row["street"])
        kind = name_words[-1] if len(name_words) > 1 and name_words[-1] in STREET_TYPES else ""
        qualifier = name_words[0] if len(name_words) > 1 and name_words[0] in QUALIFIERS else ""
        stems = [w for w in name_words if w not in (kind, qualifier)] or name_words
        entry = StreetEntry(
            name=row["street"],
            stems=frozenset(stems),
            kind=kind,
            qualifier=qualifier,
            locality=tuple(words(row["locality"])),
            town=tuple(words(row["town"])),
            town_name=row["town"],
        )
        street_id = len(self.streets)
        self.streets.append(entry)
        for word in entry.stems:
            self.street_words.setdefault(word, []).append(street_id)
        self.towns[" ".join(entry.town)] = row["town"]
        if entry.locality:
            self.towns.setdefault(" ".join(entry.locality), row["town"])
        return street_id

    def _add_property(self, entry: PropertyEntry) -> None:
        at = len(self.properties)
        self.properties.append(entry)
        street = self.streets[entry.street]
        if entry.number:
            street.by_number.setdefault(entry.number, []).append(at)
            street.by_base.setdefault(_base(entry.number), []).append(at)
        else:
            street.unnumbered.append(at)
        self.buildings[entry.building].append(at)
        if entry.postcode:
            self.by_postcode.setdefault(entry.postcode, []).append(at)
        for word in set(entry.name):
            self.name_words.setdefault(word, []).append(at)
        for word in set(entry.organisation):
            self.organisation_words.setdefault(word, []).append(at)
        town = " ".join(street.town)
        district = postcode_district(entry.postcode)
        for word in set(entry.name) | set(entry.organisation):
            self.names_by_place.setdefault((word, town), []).append(at)
            self.names_by_place.setdefault((word, district), []).append(at)

    def _finish(self) -> None:
        vocabulary: set[str] = set(self.street_words) | set(self.name_words)
        vocabulary |= set(self.organisation_words) | STREET_TYPES | QUALIFIERS
        town_words: set[str] = set()
        for street in self.streets:
            town_words.update(street.town)
            town_words.update(street.locality)
        vocabulary |= town_words
        self.town_words = frozenset(town_words)
        self._town_word_sets = [(town, frozenset(town.split())) for town in self.towns if town]
        self.vocabulary = sorted(word for word in vocabulary if word.isalpha())
        self._known = frozenset(vocabulary)
        self.districts = frozenset(postcode_district(code) for code in self.by_postcode)
        total = max(1, len(self.streets))
        self._street_idf = {
            word: math.log(1 + total / len(ids)) for word, ids in self.street_words.items()
        }
        for street_id, street in enumerate(self.streets):
            for base in street.by_base:
                for word in street.stems:
                    self.street_words_by_base.setdefault((word, base), []).append(street_id)
        for street in self.streets:
            street.explained = street.all_words | FLAT_WORDS | self.town_words
            street.stem_weight = sum(self._street_idf[word] for word in street.stems)
            street.town_set = frozenset(street.town)
            street.locality_set = frozenset(street.locality)

    # -- querying -----------------------------------------------------------------------

    def parse(self, text: str) -> ParsedAddress:
        return parse(text, districts=self.districts)

    def correct(self, word: str) -> frozenset[str]:
        """The gazetteer's words `word` may be a slip for (itself when it knows it).

        Every word one slip away counts ("mane" may be "manse" or "lane"): the comparisons
        decide which, as they see the whole address.
        """
        if word in self._known or not word.isalpha() or len(word) < 4:
            return frozenset([word])
        cached = self._corrections.get(word)
        if cached is not None:
            return cached
        allowed = 1 if len(word) < 8 else 2
        found = process.extract(
            word, self.vocabulary, scorer=OSA.distance, score_cutoff=allowed, limit=None
        )
        best = min((distance for _word, distance, _at in found), default=allowed)
        near = frozenset(known for known, distance, _at in found if distance == best)
        corrected = near or frozenset([word])
        if len(self._corrections) < 200_000:
            self._corrections[word] = corrected
        return corrected

    def word_groups(self, parsed: ParsedAddress) -> tuple[frozenset[str], ...]:
        """Each word of the query with the gazetteer words it may stand for."""
        out: list[frozenset[str]] = []
        given = parsed.words
        skip = False
        for at, word in enumerate(given):
            if skip:
                skip = False
                continue
            following = given[at + 1] if at + 1 < len(given) else ""
            joined = word + following
            if (
                following
                and joined in self._known
                and not (word in self._known and following in self._known)
            ):
                # "Hill view" for "Hillview", "burn side" for "Burnside".
                out.append(frozenset([joined]))
                skip = True
                continue
            out.append(self.correct(word))
        return tuple(out)

    def candidate_streets(
        self, query_words: frozenset[str], number: str = ""
    ) -> list[tuple[float, int]]:
        """Streets whose distinctive words the query has, best first, as (score, street);
        with a building `number`, only the streets that have it (14 brings 14A's too)."""
        scores: dict[int, float] = {}
        base = _base(number) if number else ""
        for word in query_words:
            idf = self._street_idf.get(word, 0.0)
            if base:
                streets = self.street_words_by_base.get((word, base), [])
            else:
                streets = self.street_words.get(word, [])
            for street_id in streets:
                scores[street_id] = scores.get(street_id, 0.0) + idf
        ranked: list[tuple[float, int]] = []
        for street_id, found in scores.items():
            street = self.streets[street_id]
            score = found / street.stem_weight
            if score < 0.5:
                continue
            score += 0.3 * (street.kind in query_words) + 0.3 * (street.qualifier in query_words)
            score -= 0.3 * bool(street.qualifier and street.qualifier not in query_words)
            score += 0.2 * (street.town_set <= query_words)
            score += 0.2 * bool(street.locality_set and street.locality_set <= query_words)
            ranked.append((score, street_id))
        ranked.sort(reverse=True)
        return ranked

    def candidates(self, parsed: ParsedAddress, query_words: frozenset[str]) -> list[int]:
        """The properties the query could mean (at most MAX_CANDIDATES), unordered.

        Where the query names a flat, only the flats of a building that it names are taken
        (others of the building would only score lower); where it names none, all are.
        """
        wanted = query_words
        found: dict[int, None] = {}
        number = parsed.number
        streets_with_hits = 0
        ranked = self.candidate_streets(wanted, number)
        best = ranked[0][0] if ranked else 0.0
        for score, street_id in ranked:
            # Streets that fit less well than the best (another type, no town) are only
            # looked at while there are few candidates.
            if score < best - 0.25 and streets_with_hits >= FEW_STREETS:
                break
            hits = list(self._on_street(street_id, number, wanted))
            if hits:
                streets_with_hits += 1
                for at in self._flats_named(hits, parsed.flat):
                    found[at] = None
            if streets_with_hits >= STREETS_PER_QUERY or len(found) >= MAX_CANDIDATES:
                break
        if parsed.postcode in self.by_postcode:
            hits = []
            for at in self.by_postcode[parsed.postcode]:
                entry = self.properties[at]
                if (number and _same_base(entry.number, number)) or (
                    not number and (set(entry.name) | set(entry.organisation)) & wanted
                ):
                    hits.append(at)
            for at in self._flats_named(hits, parsed.flat):
                found[at] = None
        for lookup, field_name in ((self.name_words, "name"), (self.organisation_words, "org")):
            for at in self._named(lookup, field_name, parsed, wanted):
                found[at] = None
        return list(found)[:MAX_CANDIDATES]

    def _flats_named(self, hits: list[int], flat: FlatRef | None) -> list[int]:
        if flat is None:
            return hits
        out: list[int] = []
        by_building: dict[int, list[int]] = {}
        for at in hits:
            by_building.setdefault(self.properties[at].building, []).append(at)
        for building, ids in by_building.items():
            flats = [self.properties[at].flat for at in self.buildings[building]]
            named = resolve(flat, [f for f in flats if f is not None])
            chosen = [at for at in ids if named is not None and self.properties[at].flat == named]
            out.extend(chosen or ids)
        return out

    def _on_street(self, street_id: int, number: str, wanted: frozenset[str]) -> Iterator[int]:
        street = self.streets[street_id]
        if number:
            yield from street.by_base.get(_base(number), ())
            return
        for at in street.unnumbered:
            entry = self.properties[at]
            if (set(entry.name) | set(entry.organisation)) & wanted:
                yield at
        for ids in street.by_number.values():
            for at in ids:
                if set(self.properties[at].organisation) & wanted:
                    yield at

    def _named(
        self,
        lookup: dict[str, list[int]],
        field_name: str,
        parsed: ParsedAddress,
        wanted: frozenset[str],
    ) -> list[int]:
        present = [word for word in wanted if word in lookup and word not in self.town_words]
        if parsed.number:
            # A numbered address is found through its street; a name word that is also a
            # street's ("Rowan" of Rowan Road and of Rowan Cottage) would only add noise.
            present = [word for word in present if word not in self.street_words]
        if not present:
            return []
        places = [town for town, town_words in self._town_word_sets if town_words <= wanted]
        if parsed.district:
            places.append(parsed.district)
        found: dict[int, None] = {}
        for word in present:
            if places:
                for place in places:
                    found.update(dict.fromkeys(self.names_by_place.get((word, place), ())))
            elif len(lookup[word]) <= 400:
                found.update(dict.fromkeys(lookup[word]))
        out = []
        for at in found:
            entry = self.properties[at]
            name = entry.name if field_name == "name" else entry.organisation
            if sum(word in wanted for word in name) * 2 >= len(name):
                out.append(at)
        return out[:MAX_CANDIDATES]


def _base(number: str) -> str:
    found = _BASE_NUMBER.match(number)
    return found.group(1) if found else number


def _same_base(left: str, right: str) -> bool:
    return bool(left) and _base(left) == _base(right)
