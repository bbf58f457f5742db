"""The SLA sweep: each case announced once as it turns at risk and once as it breaches."""

from datetime import timedelta

from django.utils import timezone

from burgh.cases import services
from burgh.cases.models import Case
from burgh.cases.services import IntakeRequest
from burgh.core import sweeps
from burgh.core.models import OutboxEvent
from tests.cases.setting import ROAD_UPRN


def log_pothole(cases):
    request = IntakeRequest(
        case_type="pothole", channel="staff", data={"depth": "under-40mm"}, uprn=ROAD_UPRN
    )
    return services.intake(cases.adviser, request).case


def events(verb):
    return list(
        OutboxEvent.objects.filter(type=f"gov.burgh.cases.case.{verb}").values_list(
            "data__reference", flat=True
        )
    )


def test_cases_are_announced_once_at_risk_and_once_breached(cases):
    now = timezone.now()
    quiet, risky, late = (log_pothole(cases) for _ in range(3))
    Case.objects.filter(pk=risky.pk).update(
        sla_warn_at=now - timedelta(minutes=1), sla_due_at=now + timedelta(hours=3)
    )
    Case.objects.filter(pk=late.pk).update(
        sla_warn_at=now - timedelta(days=1), sla_due_at=now - timedelta(minutes=1)
    )

    assert services.sweep_sla(now) == 2
    assert services.sweep_sla(now) == 0
    assert events("sla_at_risk") == [risky.reference]
    assert events("sla_breached") == [late.reference]
    assert services.sweep_sla(now + timedelta(hours=4)) == 1
    assert sorted(events("sla_breached")) == sorted([late.reference, risky.reference])
    assert late.chronology.filter(summary__startswith="Deadline missed", significant=True).exists()
    assert quiet.chronology.count() == 1


def test_a_paused_or_closed_case_is_not_announced(cases):
    now = timezone.now()
    paused, closed = log_pothole(cases), log_pothole(cases)
    services.change_status(cases.roads_leader, paused.pk, "inspection")
    services.change_status(cases.roads_leader, paused.pk, "awaiting-contractor")
    services.close_case(cases.roads_leader, closed.pk, "repaired")

    assert services.sweep_sla(now + timedelta(days=30)) == 0


def test_the_worker_runs_the_sla_sweep():
    assert sweeps.registered()["cases.sla"] is services.sweep_sla
