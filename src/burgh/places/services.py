"""The gazetteer's writes: importing address rows keyed by UPRN, and questions about UPRNs."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from burgh.core import audit, events
from burgh.places.matching import match as match  # address → UPRN (docs/place-matching.md)
from burgh.places.matching.text import postcode_form
from burgh.places.models import GazetteerImport, Property, PropertyChange, Street
from burgh.places.row_errors import refuse_rows, row_error

BATCH_SIZE = 1000
ADDRESS_FIELDS = ("organisation", "sub_building", "building_name", "building_number", "postcode")
STREET_FIELDS = ("street", "locality", "town")
# Streets that arrive without a USRN get a local reference in a block no real USRN uses.
LOCAL_USRN_BASE = 99000000
FIELD_LIMITS = {
    "organisation": 200,
    "sub_building": 120,
    "building_name": 120,
    "building_number": 20,
    "street": 200,
    "locality": 120,
    "town": 120,
}


@dataclass(frozen=True)
class GazetteerImportReport:
    added: int
    changed: int
    retired: int
    unchanged: int


def import_gazetteer(
    rows: Iterable[Mapping[str, Any]],
    *,
    full_refresh: bool = False,
    retire: Iterable[str] = (),
    source: str = "",
    file_format: str = "csv",
    actor: Any = None,
) -> GazetteerImportReport:
    """Bring the gazetteer in line with `rows` (uprn, organisation, sub_building, building_name,
    building_number, street, locality, town, postcode, and optionally usrn, easting, northing).

    A new UPRN is added; a known one whose address differs is updated and its version bumped;
    the same rows twice change nothing. With `full_refresh`, UPRNs absent from the rows are
    retired (dated, never deleted); UPRNs in `retire` (a change file's deletions) are retired
    whatever the mode. A retired UPRN that reappears comes back into use. Every import is kept
    as a GazetteerImport with each property's change, and all of it happens or none of it does.
    """
    clean = _clean_rows(rows)
    to_retire = set(retire)
    today = timezone.localdate()
    with transaction.atomic():
        # Read before the streets are brought up to date, so a renamed street shows as a change.
        existing = {unit.uprn: unit for unit in Property.objects.select_related("street")}
        before = {uprn: unit.single_line() for uprn, unit in existing.items()}
        streets = _ensure_streets(clean)
        added: list[Property] = []
        changed: list[Property] = []
        reinstated: set[str] = set()
        unchanged = 0
        for row in clean:
            street = streets[_street_key(row)]
            unit = existing.get(row["uprn"])
            if unit is None:
                added.append(
                    Property(
                        uprn=row["uprn"],
                        street=street,
                        easting=row.get("easting"),
                        northing=row.get("northing"),
                        **{name: row[name] for name in ADDRESS_FIELDS},
                    )
                )
                continue
            was_retired = unit.retired_on is not None
            if _update(unit, row, street):
                changed.append(unit)
                if was_retired:
                    reinstated.add(unit.uprn)
            else:
                unchanged += 1
        seen = {row["uprn"] for row in clean}
        retired: list[Property] = []
        for uprn, unit in existing.items():
            gone = uprn in to_retire or (full_refresh and uprn not in seen)
            if gone and unit.retired_on is None:
                unit.retired_on = today
                unit.version += 1
                retired.append(unit)
        Property.objects.bulk_create(added, batch_size=BATCH_SIZE)
        now = timezone.now()
        for unit in (*changed, *retired):
            unit.updated_at = now
        Property.objects.bulk_update(
            [*changed, *retired],
            [
                *ADDRESS_FIELDS,
                "street",
                "easting",
                "northing",
                "retired_on",
                "version",
                "updated_at",
            ],
            batch_size=BATCH_SIZE,
        )
        report = GazetteerImportReport(len(added), len(changed), len(retired), unchanged)
        record = GazetteerImport.objects.create(
            source=source[:300],
            file_format=file_format,
            full_refresh=full_refresh,
            rows=len(clean),
            actor_label=str(actor or "")[:200],
            **asdict(report),
        )
        _record_history(record, now, added, changed, retired, reinstated, before)
        audit.record(
            "places.gazetteer_imported",
            subject=record,
            actor=actor,
            detail={
                **asdict(report),
                "rows": len(clean),
                "full_refresh": full_refresh,
                "source": source,
                "format": file_format,
            },
        )
        events.emit(
            "gov.burgh.places.gazetteer.imported",
            f"places/gazetteer/{record.pk}",
            {"import": str(record.pk), **asdict(report)},
        )
    return report


def _record_history(
    record: GazetteerImport,
    at: datetime,
    added: list[Property],
    changed: list[Property],
    retired: list[Property],
    reinstated: set[str],
    before: dict[str, str],
) -> None:
    def change(unit: Property, kind: str, after: str) -> PropertyChange:
        return PropertyChange(
            gazetteer_import=record,
            uprn=unit.uprn,
            kind=kind,
            before=before.get(unit.uprn, ""),
            after=after,
            at=at,
        )

    kinds = PropertyChange.Kind
    history = [change(unit, kinds.ADDED, unit.single_line()) for unit in added]
    history += [
        change(
            unit, kinds.REINSTATED if unit.uprn in reinstated else kinds.CHANGED, unit.single_line()
        )
        for unit in changed
    ]
    history += [change(unit, kinds.RETIRED, before[unit.uprn]) for unit in retired]
    PropertyChange.objects.bulk_create(history, batch_size=BATCH_SIZE)


def gazetteer_revision() -> str:
    """A token that changes whenever the gazetteer does (the newest import's id), so that an
    address index held in memory knows when to rebuild; "" before the first import."""
    newest = GazetteerImport.objects.order_by("-created_at").values_list("id", flat=True).first()
    return str(newest or "")


def known_uprns(uprns: Iterable[str], *, in_use: bool = True) -> set[str]:
    """Which of `uprns` the gazetteer holds (by default only those not retired)."""
    wanted = list(dict.fromkeys(uprns))
    found: set[str] = set()
    for start in range(0, len(wanted), BATCH_SIZE):
        query = Property.objects.filter(uprn__in=wanted[start : start + BATCH_SIZE])
        if in_use:
            query = query.filter(retired_on__isnull=True)
        found.update(query.values_list("uprn", flat=True))
    return found


def addresses(uprns: Iterable[str]) -> dict[str, str]:
    """The single-line address of each of `uprns` the gazetteer holds, retired ones included.

    One query (batched for long lists), so a page of people costs the same whatever its size.
    """
    wanted = list(dict.fromkeys(uprns))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), BATCH_SIZE):
        batch = wanted[start : start + BATCH_SIZE]
        for unit in Property.objects.filter(uprn__in=batch).select_related("street"):
            found[unit.uprn] = unit.single_line()
    return found


@dataclass(frozen=True)
class Location:
    """Where a property is: its address and British National Grid position (metres)."""

    uprn: str
    address: str
    easting: int | None
    northing: int | None
    retired: bool


def locate(uprn: str) -> Location | None:
    """The property with `uprn` (retired ones too), or None when the gazetteer has no such UPRN."""
    unit = Property.objects.filter(uprn=uprn).select_related("street").first()
    if unit is None:
        return None
    return Location(
        unit.uprn, unit.single_line(), unit.easting, unit.northing, unit.retired_on is not None
    )


def _clean_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows tidied and checked; every bad row is reported, by row number and field, and
    then nothing is imported (a half-applied gazetteer would be worse than yesterday's)."""
    clean: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        # A file reader says which line of the file a row came from.
        line = int(row["_line"]) if "_line" in row else number
        item: dict[str, Any] = {
            name: " ".join(str(row.get(name) or "").split())
            for name in ("uprn", *ADDRESS_FIELDS, *STREET_FIELDS, "usrn")
        }
        item["postcode"] = _postcode(item["postcode"])
        problems = _row_problems(item, seen)
        # Coordinates are optional: a row without the column leaves what is stored alone.
        for axis in ("easting", "northing"):
            if axis in row:
                value = str(row[axis] or "").strip()
                try:
                    item[axis] = round(float(value)) if value else None
                except ValueError:
                    problems.append((axis, f"{value!r} is not a number of metres"))
                    continue
                if item[axis] is not None and not 0 <= item[axis] <= 1_300_000:
                    problems.append((axis, f"{value} is off the British National Grid"))
        if problems:
            errors += [row_error(line, field, detail) for field, detail in problems]
            continue
        seen.add(item["uprn"])
        clean.append(item)
    if errors:
        refuse_rows(errors, "gazetteer rows")
    return clean


def _row_problems(item: dict[str, Any], seen: set[str]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if not re.fullmatch(r"[1-9]\d{0,11}", item["uprn"]):
        problems.append(("uprn", f"{item['uprn']!r} is not a number of up to 12 digits"))
    elif item["uprn"] in seen:
        problems.append(("uprn", f"{item['uprn']} appears more than once"))
    if item["usrn"] and not re.fullmatch(r"\d{1,8}", item["usrn"]):
        problems.append(("usrn", f"{item['usrn']!r} is not a number of up to 8 digits"))
    if not item["street"]:
        problems.append(("street", "a street is needed"))
    if not item["town"]:
        problems.append(("town", "a town is needed"))
    if item["postcode"] and not postcode_form(item["postcode"]):
        problems.append(("postcode", f"{item['postcode']!r} is not a UK postcode"))
    for name, limit in FIELD_LIMITS.items():
        if len(item[name]) > limit:
            problems.append((name, f"longer than {limit} characters"))
    return problems


def _postcode(text: str) -> str:
    """As Royal Mail writes it ("kl24ab" → "KL2 4AB"); text that is no postcode kept, upper
    case, for the error that names it."""
    return postcode_form(text) or " ".join(text.split()).upper()


def _street_key(row: Mapping[str, Any]) -> str:
    return row["usrn"] or f"{row['street']}|{row['locality']}|{row['town']}".lower()


def _ensure_streets(rows: list[dict[str, Any]]) -> dict[str, Street]:
    """Every street the rows name, keyed as `_street_key` keys them; renames are applied."""
    wanted: dict[str, dict[str, Any]] = {}
    for row in rows:
        wanted.setdefault(_street_key(row), row)
    by_usrn = {street.usrn: street for street in Street.objects.all()}
    by_name = {f"{s.name}|{s.locality}|{s.town}".lower(): s for s in by_usrn.values()}
    next_local = max(
        [int(usrn) + 1 for usrn in by_usrn if int(usrn) >= LOCAL_USRN_BASE] or [LOCAL_USRN_BASE]
    )
    found: dict[str, Street] = {}
    new: list[Street] = []
    renamed: list[Street] = []
    for key, row in wanted.items():
        street = by_usrn.get(row["usrn"]) if row["usrn"] else by_name.get(key)
        if street is None:
            usrn = row["usrn"] or str(next_local)
            if not row["usrn"]:
                next_local += 1
            street = Street(
                usrn=usrn, name=row["street"], locality=row["locality"], town=row["town"]
            )
            new.append(street)
        elif (street.name, street.locality, street.town) != (
            row["street"],
            row["locality"],
            row["town"],
        ):
            street.name, street.locality, street.town = row["street"], row["locality"], row["town"]
            street.version += 1
            street.updated_at = timezone.now()
            renamed.append(street)
        found[key] = street
    Street.objects.bulk_create(new, batch_size=BATCH_SIZE)
    Street.objects.bulk_update(
        renamed, ["name", "locality", "town", "version", "updated_at"], batch_size=BATCH_SIZE
    )
    return found


def _update(unit: Property, row: dict[str, Any], street: Street) -> bool:
    """Apply the row to `unit`; True if anything a resident would see changed."""
    changes: dict[str, Any] = {name: row[name] for name in ADDRESS_FIELDS}
    changes["street_id"] = street.pk
    for axis in ("easting", "northing"):
        if axis in row:
            changes[axis] = row[axis]
    differs = any(getattr(unit, name) != value for name, value in changes.items())
    # A renamed street changes every address on it.
    street_renamed = (unit.street.name, unit.street.locality, unit.street.town) != (
        street.name,
        street.locality,
        street.town,
    )
    if not (differs or street_renamed or unit.retired_on is not None):
        return False
    for name, value in changes.items():
        setattr(unit, name, value)
    unit.street = street
    unit.retired_on = None
    unit.version += 1
    return True
