"""Loading a whole export at once: new records linked by the batch engine in one run.

A council's first load (or a system joining late) brings hundreds of thousands of records;
resolving them one at a time would be correct but slow. `load_records` checks every record,
links all the new ones together with the index in one batch run (the same engine and
constraints as a relink, so person ids stay stable), and passes changed records through
`resolve` so each keeps its history. A bad record is reported with its position and field and
never stops the good ones.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from burgh.core.errors import InvalidInputError
from burgh.people.linkage import Model
from burgh.people.models import SourceRecord, SourceSystem
from burgh.people.services.golden import MANAGE_SOURCE_RECORDS, require
from burgh.people.services.relink import RelinkReport, link_index
from burgh.people.services.resolution import resolve
from burgh.people.services.sources import Actor, CheckedRecord, IncomingRecord, check_record

READ_BATCH = 2000
# Fewer new records than this are resolved one by one: a batch run reads the whole index.
BATCH_FROM = 500


@dataclass(frozen=True)
class Rejected:
    """A record that was not loaded: its position in the input (from 1), its id, and why."""

    row: int
    source_id: str
    errors: list[dict[str, str]]


@dataclass(frozen=True)
class LoadReport:
    added: int
    changed: int
    unchanged: int
    rejected: list[Rejected] = field(default_factory=list)
    link: RelinkReport | None = None


def load_records(
    records: Iterable[IncomingRecord], *, actor: Actor = None, model: Model | None = None
) -> LoadReport:
    """Load many source records at once; see the module's docstring."""
    require(actor, MANAGE_SOURCE_RECORDS, "send source records")
    systems = {system.slug: system for system in SourceSystem.objects.all()}
    now = timezone.now()
    rejected: list[Rejected] = []
    fresh: dict[tuple[str, str], tuple[CheckedRecord, datetime]] = {}
    later: list[IncomingRecord] = []
    for row, record in enumerate(records, start=1):
        try:
            checked = check_record(record)
        except InvalidInputError as bad:
            rejected.append(Rejected(row, str(record.source_id), bad.errors))
            continue
        if checked.system not in systems:
            detail = f"Unknown source system {checked.system!r}."
            rejected.append(
                Rejected(row, checked.source_id, [{"pointer": "#/system", "detail": detail}])
            )
            continue
        key = (checked.system, checked.source_id)
        if key in fresh:
            # The same record twice in one load: the later one is a change to the earlier.
            later.append(record)
            continue
        fresh[key] = (checked, record.received_at or now)
    known = _known(systems, fresh)
    unchanged = changed = 0
    incoming: list[SourceRecord] = []
    keys = {}
    for (slug, source_id), (checked, received_at) in fresh.items():
        stored_hash = known.get((slug, source_id))
        if stored_hash == checked.content_hash:
            unchanged += 1
        elif stored_hash is not None:
            later.insert(0, IncomingRecord(slug, source_id, checked.received, received_at))
        else:
            stored = SourceRecord(
                id=uuid.uuid4(),
                system=systems[slug],
                source_id=source_id,
                attributes=checked.received,
                features=checked.features,
                received_at=received_at,
                content_hash=checked.content_hash,
            )
            keys[stored.pk] = checked.index_keys
            incoming.append(stored)
    link = None
    if len(incoming) >= BATCH_FROM:
        link = link_index(actor=actor, model=model, incoming=incoming, incoming_keys=keys)
    else:
        later[:0] = [
            IncomingRecord(r.system.slug, r.source_id, r.attributes, r.received_at)
            for r in incoming
        ]
    added = len(incoming)
    for record in later:
        result = resolve(record, actor=actor)
        if result.outcome == "unchanged":
            unchanged += 1
        elif result.record.record_version > 1:
            changed += 1
    return LoadReport(added, changed, unchanged, rejected, link)


def _known(
    systems: dict[str, SourceSystem], fresh: dict[tuple[str, str], tuple[CheckedRecord, datetime]]
) -> dict[tuple[str, str], str]:
    """The content hash of each record already stored, by (system, source id)."""
    wanted: dict[str, list[str]] = {}
    for slug, source_id in fresh:
        wanted.setdefault(slug, []).append(source_id)
    found: dict[tuple[str, str], str] = {}
    for slug, source_ids in wanted.items():
        system = systems[slug]
        for start in range(0, len(source_ids), READ_BATCH):
            rows = SourceRecord.objects.filter(
                system=system, source_id__in=source_ids[start : start + READ_BATCH]
            ).values_list("source_id", "content_hash")
            for source_id, content_hash in rows:
                found[(system.slug, source_id)] = content_hash
    return found
