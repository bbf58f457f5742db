"""A team leader's view of the processes of their team's cases: every one running, the ones
that stopped, the steps past their due date and the timers the sweep has not yet fired.

Cases come through the access policy like any list of cases (and the ones shown are logged),
so a leader sees the processes of exactly the cases they may see.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from burgh.cases.access import CASE
from burgh.cases.models import Case
from burgh.core.errors import PermissionDeniedError
from burgh.flows.models import ProcessInstance, ProcessTask
from burgh.identity import policy
from burgh.identity.models import Purpose, Team, User

SHOWS = {
    "running": "Running",
    "stopped": "Stopped by an error",
    "overdue-steps": "Steps past due",
    "late-timers": "Timers not yet fired",
}
# A timer still unfired this long after it fell due means the sweep is not running.
TIMER_GRACE = timedelta(minutes=1)


@dataclass(frozen=True)
class Counts:
    running: int
    stopped: int
    overdue_steps: int
    late_timers: int


def _instances(by: User, team: Team) -> "QuerySet[ProcessInstance]":
    visible = policy.visible(by, CASE, queryset=Case.objects.filter(team=team)).queryset
    return ProcessInstance.objects.filter(case__in=visible.values("pk"))


def _overdue(now: Any) -> Exists:
    late = ProcessTask.objects.filter(
        instance=OuterRef("pk"), status=ProcessTask.Status.OPEN, due_at__lt=now
    )
    return Exists(late)


def require_leader(by: User, team: Team) -> None:
    """Only the team's leaders and managers see its processes."""
    if team.pk not in policy.viewer_for(by).manages:
        raise PermissionDeniedError("Only the team's leaders and managers see its processes.")


def team_processes(by: User, team: Team, show: str) -> "QuerySet[ProcessInstance]":
    """The team's cases' processes that `show` names, oldest first."""
    assert show in SHOWS
    require_leader(by, team)
    now = timezone.now()
    found = _instances(by, team)
    running = ProcessInstance.Status.RUNNING
    if show == "running":
        found = found.filter(status=running)
    elif show == "stopped":
        found = found.filter(status=ProcessInstance.Status.FAILED)
    elif show == "overdue-steps":
        found = found.filter(_overdue(now), status=running)
    else:
        found = found.filter(status=running, next_timer_at__lt=now - TIMER_GRACE)
    return found.select_related("case", "definition").order_by("created_at", "pk")


def counts(by: User, team: Team) -> Counts:
    now = timezone.now()
    found = _instances(by, team)
    running = found.filter(status=ProcessInstance.Status.RUNNING)
    return Counts(
        running=running.count(),
        stopped=found.filter(status=ProcessInstance.Status.FAILED).count(),
        overdue_steps=running.filter(_overdue(now)).count(),
        late_timers=running.filter(next_timer_at__lt=now - TIMER_GRACE).count(),
    )


def shown(by: User, instances: list[ProcessInstance]) -> dict[Any, list[ProcessTask]]:
    """Log the cases shown (as any list of cases is), and give each instance's open steps."""
    if not instances:
        return {}
    policy.log_listed(
        by, CASE, [instance.case for instance in instances], purpose=Purpose.SERVICE_DELIVERY
    )
    steps: dict[Any, list[ProcessTask]] = {instance.pk: [] for instance in instances}
    rows = ProcessTask.objects.filter(
        instance__in=[i.pk for i in instances], status=ProcessTask.Status.OPEN
    ).select_related("owner", "team")
    for step in rows.order_by("due_at", "created_at"):
        steps[step.instance_id].append(step)
    return steps


STEPS_SHOWN = 20


def team_steps(by: User, team: Team, *, limit: int = STEPS_SHOWN) -> tuple[list[ProcessTask], int]:
    """The steps waiting for the team (soonest due first, up to `limit`) and how many there
    are, of the cases `by` may see."""
    open_steps = ProcessTask.objects.filter(team=team, status=ProcessTask.Status.OPEN)
    # One probe of the open steps' index first: most queues have none, and the page then
    # costs nothing more (no policy subquery, no empty entry in the access log).
    if not open_steps.exists():
        return [], 0
    visible = policy.visible(by, CASE, queryset=Case.objects.filter(team=team)).queryset
    waiting = open_steps.filter(case__in=visible.values("pk"))
    shown = list(
        waiting.select_related("case", "owner").order_by(F("due_at").asc(nulls_last=True), "pk")[
            :limit
        ]
    )
    if not shown:
        return [], 0
    policy.log_listed(by, CASE, [step.case for step in shown], purpose=Purpose.SERVICE_DELIVERY)
    return shown, waiting.count() if len(shown) == limit else len(shown)
