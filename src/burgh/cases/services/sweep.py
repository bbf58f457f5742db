"""The SLA sweep: announce each case once as it turns at risk and once as it breaches.

Run by the worker every few seconds. Each announcement is an event (`case.sla_at_risk`,
`case.sla_breached`) and a chronology line, written with the case row locked, so two workers
sweeping at once announce nothing twice. A clock that pauses and resumes with a later deadline
is announced again as it reaches that one.
"""

from datetime import datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from burgh.cases.models import Case, Stage
from burgh.cases.services.common import announce, chronicle

BATCH = 500


def sweep_sla(now: datetime | None = None, *, limit: int = BATCH) -> int:
    """Announce the cases that turned at risk or breached since the last sweep; how many."""
    now = now or timezone.now()
    due = Q(stage=Stage.OPEN) & (
        Q(sla_due_at__lte=now) & ~Q(sla_announced="breached")
        | Q(sla_warn_at__lte=now, sla_announced="")
    )
    announced = 0
    with transaction.atomic():
        found = Case.objects.filter(due).select_related("case_type").order_by("sla_warn_at")
        if connection.features.has_select_for_update_skip_locked:
            found = found.select_for_update(skip_locked=True, of=("self",))
        for case in found[:limit]:
            state = "breached" if case.sla_due_at and case.sla_due_at <= now else "at_risk"
            case.sla_announced = state
            case.save(update_fields=["sla_announced"])
            when = f"{timezone.localtime(case.sla_due_at):%-d %B %Y %H:%M}"
            summary = (
                f"Deadline missed: it was due {when}"
                if state == "breached"
                else f"At risk: due {when}"
            )
            chronicle(case, "status", summary, by=None, significant=state == "breached")
            announce(
                case,
                f"sla_{state}",
                {
                    "due_at": case.sla_due_at.isoformat() if case.sla_due_at else None,
                    "team": str(case.team_id),
                    "owner": str(case.owner_id) if case.owner_id else None,
                },
                by=None,
            )
            announced += 1
    return announced
