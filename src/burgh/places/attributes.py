"""The place attribute store: what each service records about a property (a waste collection
round, a council house's stock number, a road's maintenance category), set one at a time or
loaded in bulk, shown on the property page."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from burgh.core import audit, events
from burgh.core.errors import InvalidInputError
from burgh.places.models import PlaceAttribute, Property
from burgh.places.row_errors import refuse_rows, row_error

NAME = re.compile(r"[a-z][a-z0-9_]{0,79}")
SERVICE = re.compile(r"[a-z][a-z0-9_-]{0,59}")


@dataclass(frozen=True)
class AttributeLoadReport:
    added: int
    changed: int
    unchanged: int


def load_attributes(
    rows: Iterable[Mapping[str, Any]], *, service: str, source: str = "", actor: Any = None
) -> AttributeLoadReport:
    """Set `service`'s attributes from rows of `uprn, name, value` (and optionally valid_from,
    valid_to as yyyy-mm-dd). Every bad row is reported by row and field and then nothing is
    saved; a row the store already holds changes nothing."""
    clean = _clean(rows, service)
    with transaction.atomic():
        held = {
            (item.uprn, item.name): item
            for item in PlaceAttribute.objects.filter(
                service=service, uprn__in={row["uprn"] for row in clean}
            )
        }
        added: list[PlaceAttribute] = []
        changed: list[PlaceAttribute] = []
        now = timezone.now()
        for row in clean:
            item = held.get((row["uprn"], row["name"]))
            if item is None:
                added.append(PlaceAttribute(service=service, **row))
                continue
            new = (row["value"], row["valid_from"], row["valid_to"])
            if (item.value, item.valid_from, item.valid_to) != new:
                item.value, item.valid_from, item.valid_to = new
                item.version += 1
                item.updated_at = now
                changed.append(item)
        PlaceAttribute.objects.bulk_create(added, batch_size=1000)
        PlaceAttribute.objects.bulk_update(
            changed, ["value", "valid_from", "valid_to", "version", "updated_at"], batch_size=1000
        )
        report = AttributeLoadReport(
            len(added), len(changed), len(clean) - len(added) - len(changed)
        )
        audit.record(
            "places.attributes_loaded",
            actor=actor,
            detail={"service": service, "source": source, **report.__dict__},
        )
        events.emit(
            "gov.burgh.places.attributes.loaded",
            f"places/attributes/{service}",
            {"service": service, **report.__dict__},
        )
    return report


def attributes_of(uprn: str, *, on: date | None = None) -> list[PlaceAttribute]:
    """The attributes in force at `uprn` on `on` (today), by service and name."""
    day = on or timezone.localdate()
    return [
        item
        for item in PlaceAttribute.objects.filter(uprn=uprn).order_by("service", "name")
        if (item.valid_from is None or item.valid_from <= day)
        and (item.valid_to is None or day <= item.valid_to)
    ]


def _clean(rows: Iterable[Mapping[str, Any]], service: str) -> list[dict[str, Any]]:
    if not SERVICE.fullmatch(service or ""):
        detail = "a service is named in lower case letters, digits, - and _ (like waste)"
        raise InvalidInputError(
            f"The service {service!r} is not a service name: {detail}.",
            errors=[{"pointer": "#/service", "detail": detail}],
        )
    rows = list(rows)
    known = set(
        Property.objects.filter(
            uprn__in={str(row.get("uprn") or "").strip() for row in rows}
        ).values_list("uprn", flat=True)
    )
    clean: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(rows, start=1):
        line = int(row["_line"]) if "_line" in row else number
        item: dict[str, Any] = {
            "uprn": str(row.get("uprn") or "").strip(),
            "name": str(row.get("name") or "").strip().lower(),
            "value": " ".join(str(row.get("value") or "").split()),
        }
        problems: list[tuple[str, str]] = []
        if item["uprn"] not in known:
            problems.append(("uprn", f"{item['uprn']!r} is not a UPRN in the gazetteer"))
        if not NAME.fullmatch(item["name"]):
            problems.append(("name", f"{item['name']!r} is not a name like collection_round"))
        if not item["value"] or len(item["value"]) > 400:
            problems.append(("value", "enter a value of 1 to 400 characters"))
        if (item["uprn"], item["name"]) in seen:
            problems.append(("name", f"{item['name']} of {item['uprn']} appears more than once"))
        for field in ("valid_from", "valid_to"):
            text = str(row.get(field) or "").strip()
            try:
                item[field] = date.fromisoformat(text) if text else None
            except ValueError:
                problems.append((field, f"{text!r} is not a date like 2026-04-01"))
                item[field] = None
        if item["valid_from"] and item["valid_to"] and item["valid_to"] < item["valid_from"]:
            problems.append(("valid_to", "ends before it starts"))
        if problems:
            errors += [row_error(line, field, text) for field, text in problems]
            continue
        seen.add((item["uprn"], item["name"]))
        clean.append(item)
    if errors:
        refuse_rows(errors, "attribute rows")
    return clean
