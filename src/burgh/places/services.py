"""The gazetteer's writes: importing address rows keyed by UPRN, and questions about UPRNs."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from burgh.core import audit
from burgh.core.errors import InvalidInputError
from burgh.places.models import GazetteerImport, Property, Street

BATCH_SIZE = 1000
ADDRESS_FIELDS = ("organisation", "sub_building", "building_name", "building_number", "postcode")
STREET_FIELDS = ("street", "locality", "town")
# Streets that arrive without a USRN get a local reference in a block no real USRN uses.
LOCAL_USRN_BASE = 99000000


@dataclass(frozen=True)
class GazetteerImportReport:
    added: int
    changed: int
    retired: int
    unchanged: int


def import_gazetteer(
    rows: Iterable[Mapping[str, Any]], *, full_refresh: bool = False
) -> GazetteerImportReport:
    """Bring the gazetteer in line with `rows` (uprn, organisation, sub_building, building_name,
    building_number, street, locality, town, postcode, and optionally usrn, easting, northing).

    A new UPRN is added; a known one whose address differs is updated and its version bumped;
    the same rows twice change nothing. With `full_refresh`, UPRNs absent from the rows are
    retired (dated, never deleted). A retired UPRN that reappears comes back into use.
    """
    clean = _clean_rows(rows)
    today = timezone.localdate()
    with transaction.atomic():
        # Read before the streets are brought up to date, so a renamed street shows as a change.
        existing = {unit.uprn: unit for unit in Property.objects.select_related("street")}
        streets = _ensure_streets(clean)
        added: list[Property] = []
        changed: list[Property] = []
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
            elif _update(unit, row, street):
                changed.append(unit)
            else:
                unchanged += 1
        retired: list[Property] = []
        if full_refresh:
            seen = {row["uprn"] for row in clean}
            for uprn, unit in existing.items():
                if uprn not in seen and unit.retired_on is None:
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
        audit.record(
            "places.gazetteer_imported",
            detail={**asdict(report), "rows": len(clean), "full_refresh": full_refresh},
        )
    return report


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


def _clean_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    clean: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        item: dict[str, Any] = {
            name: " ".join(str(row.get(name) or "").split())
            for name in ("uprn", *ADDRESS_FIELDS, *STREET_FIELDS, "usrn")
        }
        item["postcode"] = _postcode(item["postcode"])
        # Coordinates are optional: a row without the column leaves what is stored alone.
        for axis in ("easting", "northing"):
            if axis in row:
                value = str(row[axis] or "").strip()
                item[axis] = int(float(value)) if value else None
        problem = _row_problem(item, seen)
        if problem:
            errors.append({"pointer": f"#/rows/{number}", "detail": problem})
            continue
        seen.add(item["uprn"])
        clean.append(item)
    if errors:
        shown = "; ".join(
            f"row {e['pointer'].rsplit('/', 1)[1]}: {e['detail']}" for e in errors[:5]
        )
        raise InvalidInputError(
            f"{len(errors)} gazetteer rows cannot be imported, so none were: {shown}.",
            errors=errors,
        )
    return clean


def _row_problem(item: dict[str, Any], seen: set[str]) -> str:
    if not re.fullmatch(r"[1-9]\d{0,11}", item["uprn"]):
        return f"the UPRN {item['uprn']!r} is not a number of up to 12 digits"
    if item["uprn"] in seen:
        return f"the UPRN {item['uprn']} appears more than once"
    if item["usrn"] and not re.fullmatch(r"\d{1,8}", item["usrn"]):
        return f"the USRN {item['usrn']!r} is not a number of up to 8 digits"
    if not item["street"] or not item["town"]:
        return "a street and a town are needed"
    if len(item["postcode"]) > 8:
        return f"the postcode {item['postcode']!r} is too long"
    return ""


def _postcode(text: str) -> str:
    compact = text.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


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
