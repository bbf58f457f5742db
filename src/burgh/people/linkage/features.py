"""A source record's attributes made comparable (prepare) and the keys that find its candidates.

`prepare` does every piece of normalisation once, so that scoring a pair is only lookups and
cheap string comparisons. Its output is a plain JSON-serialisable dict, stored beside each
source record and fed to Splink as columns of the same names.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

import jellyfish

from burgh.people.linkage.addresses import parse_address, parse_postcode
from burgh.people.linkage.names import (
    family_name_parts,
    given_name_groups,
    given_name_key,
    given_name_parts,
)

FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "address",
    "postcode",
    "email",
    "phone",
)
OPTIONAL_FIELDS = ("uprn", "identifier")

# Features: a dict with exactly the keys FEATURE_KEYS (below), all text or lists of text
# except dob_year (int or None). Blank means not known.
Features = dict[str, Any]

EARLIEST_YEAR = 1850
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})-(\d{2}))?$")
_SEXES = {
    "m": "m",
    "male": "m",
    "man": "m",
    "1": "m",
    "f": "f",
    "female": "f",
    "woman": "f",
    "2": "f",
}


class InvalidRecord(ValueError):  # noqa: N818 - the name the engine contract gives
    """A source record that cannot be read: names the field and says what is wrong."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def parse_date_of_birth(text: str, *, today: date | None = None) -> str:
    """The date as "yyyy-mm-dd" or "yyyy" (blank for blank); InvalidRecord when it is not one."""
    text = text.strip()
    if not text:
        return ""
    found = _DATE.match(text)
    if not found:
        raise InvalidRecord("date_of_birth", f"{text!r} is not a date: write yyyy-mm-dd or yyyy")
    year = int(found.group(1))
    today = today or date.today()
    if found.group(2):
        try:
            born = date(year, int(found.group(2)), int(found.group(3)))
        except ValueError:
            raise InvalidRecord(
                "date_of_birth", f"{text!r} is not a date in the calendar"
            ) from None
        if born > today:
            raise InvalidRecord("date_of_birth", f"{text!r} is in the future")
    elif year > today.year:
        raise InvalidRecord("date_of_birth", f"{text!r} is in the future")
    if year < EARLIEST_YEAR:
        raise InvalidRecord("date_of_birth", f"{text!r} is before {EARLIEST_YEAR}")
    return text


def normalise_sex(text: str) -> str:
    """ "m", "f", "x" for another recorded value, or blank when not known."""
    value = text.strip().lower()
    if value in ("", "u", "unknown", "not known", "0", "9", "not stated"):
        return ""
    return _SEXES.get(value, "x")


def normalise_phone(text: str) -> str:
    """UK numbers in national form (07700 900123, +44 7700 900123, 0044... all 07700900123)."""
    digits = re.sub(r"\D", "", text)
    if digits.startswith("00"):
        digits = digits[2:]
    elif text.strip().startswith("+") and not digits.startswith("44"):
        return "+" + digits
    if digits.startswith("44") and len(digits) >= 11:
        digits = digits[2:]
        digits = digits if digits.startswith("0") else "0" + digits
    return digits


def normalise_email(text: str) -> str:
    return text.strip().lower()


def normalise_identifier(text: str) -> str:
    """A national identifier (CHI, NHS, NI number) without spaces or punctuation, uppercase."""
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def _text(field: str, raw: object) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise InvalidRecord(field, f"expected text, got {type(raw).__name__}")
    return raw


@lru_cache(maxsize=200_000)
def sound(name: str) -> str:
    """How a name sounds (Metaphone), so Grierson and Griersn share a blocking key."""
    return str(jellyfish.metaphone(name)).replace(" ", "") if name else ""


def _date_parts(raw: object) -> tuple[Any, ...]:
    dob = parse_date_of_birth(_text("date_of_birth", raw))
    return dob, int(dob[:4]) if dob else None


def _given_parts(raw: object) -> tuple[Any, ...]:
    given, middle = given_name_parts(_text("given_name", raw))
    return given, list(middle), list(given_name_groups(given)), given_name_key(given), sound(given)


def _family_parts(raw: object) -> tuple[Any, ...]:
    family, parts = family_name_parts(_text("family_name", raw))
    return family, list(parts), sound(family)


def _postcode_parts(raw: object) -> tuple[Any, ...]:
    postcode = parse_postcode(_text("postcode", raw))
    return postcode.code, postcode.sector, postcode.district


def _address_parts(raw: object) -> tuple[Any, ...]:
    address = parse_address(_text("address", raw))
    return address.flat, address.building, address.street


# Each attribute's parser and the features it gives, in the order they come out.
_PARSERS: dict[str, tuple[Callable[[object], tuple[Any, ...]], tuple[str, ...]]] = {
    "given_name": (
        _given_parts,
        ("given", "given_middle", "given_groups", "given_key", "given_sound"),
    ),
    "family_name": (_family_parts, ("family", "family_parts", "family_sound")),
    "date_of_birth": (_date_parts, ("dob", "dob_year")),
    "sex": (lambda raw: (normalise_sex(_text("sex", raw)),), ("sex",)),
    "postcode": (_postcode_parts, ("postcode", "postcode_sector", "postcode_district")),
    "address": (_address_parts, ("flat", "building", "street")),
    "email": (lambda raw: (normalise_email(_text("email", raw)),), ("email",)),
    "phone": (lambda raw: (normalise_phone(_text("phone", raw)),), ("phone",)),
    "identifier": (
        lambda raw: (normalise_identifier(_text("identifier", raw)),),
        ("identifier",),
    ),
    "uprn": (lambda raw: (re.sub(r"\D", "", _text("uprn", raw)).lstrip("0"),), ("uprn",)),
}
FEATURE_KEYS = tuple(name for _parse, names in _PARSERS.values() for name in names)
LIST_FEATURES = ("given_middle", "given_groups", "family_parts")


def prepare(attrs: Mapping[str, str]) -> Features:
    """Comparable features of one record's attributes; blank or missing means not known.

    Raises InvalidRecord when an attribute cannot be read (a date of birth that is not one).
    """
    features: Features = {}
    for field, (parse, names) in _PARSERS.items():
        features.update(zip(names, parse(attrs.get(field)), strict=True))
    return features


class FeatureColumns:
    """The features of many records, one list per feature, and a row as a dict on demand.

    The batch path keeps features this way: a million dicts of twenty entries would cost
    seconds to build and a gigabyte to hold, and Splink wants columns anyway. Rows share
    their lists with other rows (one list per distinct name): treat them as read-only.
    """

    def __init__(self, columns: Mapping[str, list[Any]]) -> None:
        missing = set(FEATURE_KEYS) - set(columns)
        if missing:
            raise ValueError(f"feature columns missing: {sorted(missing)}")
        self.columns = {key: columns[key] for key in FEATURE_KEYS}
        self._keyed = tuple(self.columns.items())
        self._size = len(self.columns["given"])
        self._rows: dict[int, Features] = {}

    @classmethod
    def from_rows(cls, rows: Sequence[Features]) -> "FeatureColumns":
        return cls({key: [row[key] for row in rows] for key in FEATURE_KEYS})

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, index: int) -> Features:
        row = self._rows.get(index)
        if row is None:
            if not 0 <= index < self._size:
                raise IndexError(index)
            row = self._rows[index] = {key: column[index] for key, column in self._keyed}
        return row


def prepare_columns(records: Sequence[Mapping[str, object]]) -> tuple[list[str], FeatureColumns]:
    """Keys and features of records carrying a "key", each distinct value parsed once.

    Raises InvalidRecord naming the record's key and the field when a value cannot be read.
    """
    if not records:
        return [], FeatureColumns({name: [] for name in FEATURE_KEYS})
    # One pass over the records, reading every field of a record together: a million
    # records are a million scattered dicts, and one pass per field would visit each ten times.
    fields = ("key", *_PARSERS)
    read = (tuple(map(record.get, fields)) for record in records)
    key_values, *by_field = zip(*read, strict=True)
    keys = list(key_values)
    if len(set(keys)) != len(keys) or not all(isinstance(key, str) and key for key in keys):
        seen: set[object] = set()
        for number, key in enumerate(keys, start=1):
            if not isinstance(key, str) or not key:
                raise InvalidRecord("key", f"record {number} has no key")
            if key in seen:
                raise InvalidRecord("key", f"record {number}: key {key!r} appears twice")
            seen.add(key)
    columns: dict[str, list[Any]] = {}
    for (field, (parse, names)), raw_values in zip(_PARSERS.items(), by_field, strict=True):
        raw = list(raw_values)
        try:
            distinct = set(raw)
        except TypeError:  # an unhashable value, so certainly not text
            i = next(i for i, v in enumerate(raw) if not (isinstance(v, str) or v is None))
            raise InvalidRecord(
                field, f"record {keys[i]}: expected text, got {type(raw[i]).__name__}"
            ) from None
        parsed: dict[object, tuple[Any, ...]] = {}
        for value in distinct:
            try:
                parsed[value] = parse(value)
            except InvalidRecord as error:
                key = keys[raw.index(value)]
                raise InvalidRecord(error.field, f"record {key}: {error.reason}") from None
        values = [parsed[value] for value in raw]
        if len(names) == 1:
            columns[names[0]] = [value[0] for value in values]
        else:
            for name, column in zip(names, zip(*values, strict=True), strict=True):
                columns[name] = list(column)
    return [str(key) for key in keys], FeatureColumns(columns)
