"""The audit trail: `record()` appends a hash-chained entry; `verify()` walks the chain."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from burgh.core import context
from burgh.core.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64

# The fields a hash covers, in order. Adding one is a new chain format: never reorder.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "organisation_id",
    "action",
    "subject_type",
    "subject_id",
    "purpose",
    "outcome",
    "request_id",
    "source_ip",
    "detail",
    "prev_hash",
)

Subject = models.Model | tuple[str, str] | None


def entry_hash(values: dict[str, Any]) -> str:
    canonical = json.dumps(
        {name: values[name] for name in HASHED_FIELDS},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _hash_values(entry: AuditEntry) -> dict[str, Any]:
    values = {name: getattr(entry, name) for name in HASHED_FIELDS}
    values["at"] = entry.at.astimezone(UTC).isoformat(timespec="microseconds")
    return values


def _subject_key(subject: Subject) -> tuple[str, str]:
    if subject is None:
        return "", ""
    if isinstance(subject, tuple):
        return subject
    return subject._meta.label_lower, str(subject.pk)


def record(
    action: str,
    *,
    subject: Subject = None,
    actor: Any = None,
    purpose: str = "",
    outcome: str = "success",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. `actor` defaults to whoever the request context says is acting."""
    ctx = context.current()
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_id, actor_label = str(actor.pk), str(actor)
        organisation_id = str(getattr(actor, "organisation_id", "") or "")
    else:
        actor_id, actor_label, organisation_id = ctx.actor_id, ctx.actor_label, ctx.organisation_id
    subject_type, subject_id = _subject_key(subject)
    # No savepoint: an append that fails fails the change it records.
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        entry = AuditEntry(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor_id=actor_id,
            actor_label=actor_label,
            organisation_id=organisation_id,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            purpose=purpose,
            outcome=outcome,
            request_id=ctx.request_id,
            source_ip=ctx.source_ip,
            detail=json.loads(json.dumps(detail or {}, default=str)),
            prev_hash=head.last_hash,
        )
        entry.hash = entry_hash(_hash_values(entry))
        entry.save(force_insert=True)
        head.last_seq, head.last_hash = entry.seq, entry.hash
        head.entry_count += 1
        head.save(update_fields=["last_seq", "last_hash", "entry_count"])
    return entry


def _locked_head() -> AuditChainHead:
    # The head row is the lock: appends queue on it so every entry names its true predecessor.
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.get_or_create(
            pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH, "entry_count": 0}
        )
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


@dataclass(frozen=True)
class ChainReport:
    entries_checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(batch_size: int = 5000) -> ChainReport:
    """Walk the whole chain in order; report the first entry that does not fit.

    The head is read first: entries appended while the walk runs lie beyond it and are checked
    as links, but cannot be mistaken for a removed tail.
    """
    head = AuditChainHead.objects.filter(pk=1).first()
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    hash_at_head = ""
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            return ChainReport(
                checked,
                expected_seq,
                f"entry #{expected_seq} is missing (next entry found is #{entry.seq})",
            )
        if entry.prev_hash != expected_prev:
            return ChainReport(
                checked,
                entry.seq,
                f"entry #{entry.seq} does not follow #{entry.seq - 1}: "
                "an entry before it was changed, removed or reordered",
            )
        if entry_hash(_hash_values(entry)) != entry.hash:
            return ChainReport(
                checked, entry.seq, f"entry #{entry.seq} was altered after it was written"
            )
        if head is not None and entry.seq == head.last_seq:
            hash_at_head = entry.hash
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    last_seq = expected_seq - 1
    if head is None:
        if checked:
            return ChainReport(
                checked,
                last_seq + 1,
                f"the chain head is missing: nothing shows whether entries after #{last_seq} "
                "were removed",
            )
        return ChainReport(checked)
    if last_seq < head.last_seq:
        return ChainReport(
            checked,
            last_seq + 1,
            f"the chain ends at #{last_seq} but entries up to #{head.last_seq} were written: "
            "the latest entries were removed",
        )
    if head.last_seq and hash_at_head != head.last_hash:
        return ChainReport(
            checked,
            head.last_seq,
            f"entry #{head.last_seq} is not the entry the chain head recorded: "
            "it and the entries before it were rewritten",
        )
    return ChainReport(checked)


def recent(count: int = 20) -> list[AuditEntry]:
    """The latest `count` entries, oldest first."""
    latest = list(AuditEntry.objects.order_by("-seq")[:count])
    latest.reverse()
    return latest
