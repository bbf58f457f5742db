"""What a reader may see of the person index: source records and golden values, by policy field.

The access policy knows a person's fields (given_name ... phone); the index holds more detail
(sex, postcode, UPRN, a national identifier). Each index attribute is shown only under the
policy field that covers it (postcode and UPRN under the address, sex with the date of birth),
and a national identifier only to someone who may see the whole record, so the person index
never shows more than the record page would.
"""

from collections.abc import Collection
from typing import Any

from django.urls import reverse

from burgh.people.access import PERSON_FIELDS
from burgh.people.index_display import (
    ATTRIBUTE_LABELS,
    LINK_METHOD_LABELS,
    shown_value,
    uk_time,
)
from burgh.people.models import SourceRecord
from burgh.people.services.golden import POLICY_FIELD

# The policy field that covers each attribute (as the golden record's own rule has it);
# None: only with the whole record.
COVERED_BY: dict[str, str | None] = {**POLICY_FIELD, "identifier": None}
WHOLE_RECORD = frozenset(name for name in PERSON_FIELDS if name != "involvements")


def permitted_attributes(fields: Collection[str]) -> frozenset[str]:
    """The index attributes a reader with these policy `fields` may see."""
    whole = set(fields) >= WHOLE_RECORD
    return frozenset(
        name
        for name, covering in COVERED_BY.items()
        if (covering is None and whole) or (covering is not None and covering in fields)
    )


def may_see_all_of(attributes: Collection[str]) -> bool:
    return set(COVERED_BY) <= set(attributes)


def record_summary(record: SourceRecord, attributes: Collection[str]) -> dict[str, Any]:
    """A source record for a page: where it came from, how it was linked, what it says."""
    return {
        "id": record.pk,
        "system": record.system.name,
        "source_id": record.source_id,
        "received": uk_time(record.received_at),
        "version": record.record_version,
        "link_method": LINK_METHOD_LABELS.get(record.link_method, record.link_method),
        "link_weight": f"{record.link_weight:.1f}" if record.link_weight is not None else "",
        "person_url": reverse("people:person", args=[record.person_id]),
        "person_id": record.person_id,
        "rows": [
            {"label": label, "text": shown_value(name, record.attributes.get(name))}
            for name, label in ATTRIBUTE_LABELS
            if name in attributes and (record.attributes.get(name) or name in _ALWAYS)
        ],
    }


# Shown even when blank, so a missing name or date of birth is visible as missing.
_ALWAYS = ("given_name", "family_name", "date_of_birth")

__all__ = [
    "COVERED_BY",
    "may_see_all_of",
    "permitted_attributes",
    "record_summary",
]
