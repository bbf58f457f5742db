"""A resident's own access log: who saw their records, when, doing what, and why."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from burgh.identity import policy
from burgh.identity.models import AccessLogEntry, Organisation, Purpose


@dataclass(frozen=True)
class ResidentAccess:
    """One access to a resident's record, as the resident may be shown it.

    Council staff are named, since the council is accountable for each of them; a partner
    agency's staff are shown by organisation only, as the agency answers for its own people.
    """

    at: datetime
    # The member of staff's name; empty for a partner agency's staff.
    staff_name: str
    organisation: str
    action: AccessLogEntry.Action
    action_label: str
    purpose: Purpose
    purpose_label: str
    # What was seen, in words: "person record".
    record: str
    # Seen under emergency access, which information governance reviews.
    emergency: bool

    @property
    def who(self) -> str:
        return f"{self.staff_name}, {self.organisation}" if self.staff_name else self.organisation


def access_log_for_person(person_id: UUID, *, limit: int | None = None) -> list[ResidentAccess]:
    """Every access to records about the resident, newest first.

    Refused attempts are left out: nothing was seen, and the information-governance team
    follows them up. Uses of emergency access are in, both the taking and each read under it.
    """
    council = set(
        Organisation.objects.filter(kind=Organisation.Kind.COUNCIL).values_list("name", flat=True)
    )
    entries = (
        AccessLogEntry.objects.filter(person_id=person_id, outcome=AccessLogEntry.Outcome.ALLOWED)
        .select_related("user")
        .order_by("-at", "-id")
    )
    if limit is not None:
        entries = entries[:limit]
    return [
        ResidentAccess(
            at=entry.at,
            staff_name=entry.user.full_name if entry.organisation in council else "",
            organisation=entry.organisation,
            action=AccessLogEntry.Action(entry.action),
            action_label=entry.get_action_display(),
            purpose=Purpose(entry.purpose),
            purpose_label=entry.get_purpose_display(),
            record=_record_words(entry.kind),
            emergency=entry.break_glass_id is not None
            or entry.action == AccessLogEntry.Action.EMERGENCY_ACCESS,
        )
        for entry in entries
    ]


def _record_words(kind_name: str) -> str:
    try:
        return policy.get(kind_name).label
    except LookupError:
        return "record"
