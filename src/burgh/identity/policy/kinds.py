"""Record kinds the access policy protects, and how each relates to teams, workers and residents.

A context registers each kind of record it holds about residents (a person, later a case) once,
when Django starts. The policy never imports those contexts: everything it needs to build a
queryset filter for a kind is in its `RecordKind`.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class KindPermissions:
    """The role permission codes that open each kind of access to a record kind."""

    # Records the holder has a relationship with: allocated, their team's, their teams' below.
    view: str
    # Council staff: every record of the kind (unless restricted), all fields.
    view_all: str
    # Council staff: find any record of the kind (unless restricted), directory fields only.
    directory: str
    change: str
    export: str
    break_glass: str


@dataclass(frozen=True)
class RecordKind:
    name: str
    model: type[models.Model]
    label: str
    # Every field a reader may receive, as the API and pages name them.
    fields: tuple[str, ...]
    # What a directory search may show: enough to tell two people apart, nothing more.
    directory_fields: tuple[str, ...]
    permissions: KindPermissions
    # Records that the given teams work on, on the given day.
    team_filter: Callable[[Collection[UUID], date], Q]
    # Records the given user is the allocated worker of, on the given day.
    worker_filter: Callable[[UUID, date], Q]
    # Lookup from a record to the resident it is about; consent is that resident's.
    person_field: str
    # How a record is named in the access log and the break-glass review queue.
    describe: Callable[[Any], str]
    # Reads of a sensitive kind are written to the access log.
    sensitive: bool = True
    # The records that role-wide grants (see every record, the directory) reach; None is all.
    # A kind holding some records only their workers may see (a child protection case among
    # missed bins) narrows it, so those records are reached through a relationship alone.
    broad_filter: Callable[[], Q] | None = None

    def broad(self) -> Q:
        return Q(pk__isnull=False) if self.broad_filter is None else self.broad_filter()

    def person_id(self, record: models.Model) -> UUID | None:
        value = record.pk if self.person_field == "pk" else getattr(record, self.person_field)
        return value if isinstance(value, UUID) else None


_KINDS: dict[str, RecordKind] = {}


class UnknownRecordKindError(LookupError):
    pass


def register(kind: RecordKind) -> RecordKind:
    """Add a kind (idempotent for the same name and model, so app reloads do no harm)."""
    existing = _KINDS.get(kind.name)
    if existing is not None and existing.model is not kind.model:
        raise ValueError(f"Record kind {kind.name} is already registered for {existing.model}.")
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> RecordKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise UnknownRecordKindError(f"No record kind is called {name!r}.") from None


def all_kinds() -> list[RecordKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.name)
