"""A case's process on its pages: the panel on the case page (stage bar, steps waiting, where
the process stopped) and the page where a worker does a step, its form built from the BPMN."""

import json
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from burgh.cases.fields_forms import form_class, initial, to_data
from burgh.cases.pages.common import case_page as staff_page
from burgh.cases.services import read_case
from burgh.core.errors import BurghError, InvalidInputError, NotFoundError, PermissionDeniedError
from burgh.core.paging import paged
from burgh.core.views import not_found
from burgh.flows import services
from burgh.flows.engine import forms
from burgh.flows.models import ProcessInstance, ProcessTask
from burgh.flows.services import oversight
from burgh.flows.services.running import may_retry
from burgh.identity import policy
from burgh.identity.models import Team, User
from burgh.people.pages import current_purpose


def case_process(case: Any, *, may_change: bool, user: User) -> dict[str, Any] | None:
    """What the case page shows of the case's process, or None when it runs none."""
    instance = ProcessInstance.objects.filter(case=case).select_related("definition").first()
    if instance is None:
        return None
    stages = instance.definition.stages
    current = stages.index(instance.stage) if instance.stage in stages else -1
    finished = instance.status == ProcessInstance.Status.COMPLETED
    steps = [
        {
            "number": n + 1,
            "name": stage,
            "state": "done" if finished or n < current else "current" if n == current else "to-do",
        }
        for n, stage in enumerate(stages)
    ]
    waiting = (
        ProcessTask.objects.filter(instance=instance, status=ProcessTask.Status.OPEN)
        .select_related("team", "owner")
        .order_by("due_at", "created_at")
    )
    return {
        "instance": instance,
        "stages": steps,
        "current": instance.stage,
        "waiting": list(waiting),
        "may_change": may_change,
        "may_retry": instance.status == ProcessInstance.Status.FAILED and may_retry(user, instance),
    }


@staff_page
@require_http_methods(["GET", "POST"])
def task(request: HttpRequest, user: User, task_id: UUID) -> HttpResponseBase:
    """Do a step of a case's process: its questions on a GOV.UK page, then back to the case."""
    try:
        found = services.step_for(user, task_id)
    except NotFoundError:
        return not_found(request)
    questions = forms.questions_of(found.form)
    form = form_class(questions, 1)(
        request.POST if request.method == "POST" else None,
        initial=initial(questions, found.answers),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_task(
                user,
                found.pk,
                to_data(form),
                expected_version=int(request.POST.get("_version") or found.version),
            )
        except InvalidInputError as error:
            for problem in error.errors or [{"pointer": "", "detail": error.detail}]:
                name = problem["pointer"].removeprefix("#/")
                form.add_error(name if name in form.fields else None, problem["detail"])
        except BurghError as error:
            form.add_error(None, error.detail)
        else:
            messages.success(request, f"Done: {found.name}.")
            return redirect(reverse("cases:case", kwargs={"case_id": found.case_id}) + "#process")
    context = {
        "task": found,
        "form": form,
        "case_url": reverse("cases:case", kwargs={"case_id": found.case_id}),
    }
    return render(request, "flows/task.html", context)


@staff_page
@require_http_methods(["GET"])
def team_processes(request: HttpRequest, user: User, team_id: UUID) -> HttpResponseBase:
    """A team leader's view of the team's cases' processes: running, stopped, late."""
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        return not_found(request)
    show = request.GET.get("show", "running")
    if show not in oversight.SHOWS:
        show = "running"
    try:
        found = paged(request, oversight.team_processes(user, team, show))
    except PermissionDeniedError as refusal:
        raise PermissionDenied(refusal.detail) from refusal
    instances = list(found["page"].object_list)
    steps = oversight.shown(user, instances)
    now = timezone.now()
    rows = [
        {
            "instance": instance,
            "steps": steps[instance.pk],
            "late": [s for s in steps[instance.pk] if s.due_at and s.due_at < now],
        }
        for instance in instances
    ]
    context = {
        "team": team,
        "show": show,
        "shows": oversight.SHOWS,
        "show_label": oversight.SHOWS[show],
        "counts": oversight.counts(user, team),
        "rows": rows,
        **found,
    }
    return render(request, "flows/team.html", context)


def _instance_seen(request: HttpRequest, user: User, case_id: UUID) -> ProcessInstance | None:
    """The case's process, if the case is one `user` may read (the read is logged as any
    case read is, by cases.services.read_case)."""
    try:
        read_case(user, case_id, purpose=current_purpose(request))
    except (NotFoundError, policy.AccessRefusedError):
        return None
    return (
        ProcessInstance.objects.filter(case_id=case_id).select_related("definition", "case").first()
    )


@staff_page
@require_http_methods(["GET"])
def case_diagram(request: HttpRequest, user: User, case_id: UUID) -> HttpResponseBase:
    """The case's process diagram, read only, its current steps marked (bpmn-js), and the
    same in words for anyone without scripts or sight of the drawing."""
    instance = _instance_seen(request, user, case_id)
    if instance is None:
        return not_found(request)
    current = services.where_now(instance)
    context = {
        "instance": instance,
        "current": current,
        "current_json": json.dumps([element for element, _ in current]),
        "case_url": reverse("cases:case", kwargs={"case_id": case_id}),
    }
    return render(request, "flows/diagram.html", context)


@staff_page
@require_http_methods(["GET"])
def case_diagram_file(request: HttpRequest, user: User, case_id: UUID) -> HttpResponseBase:
    """The BPMN file of the version the case's process runs."""
    instance = _instance_seen(request, user, case_id)
    if instance is None:
        return not_found(request)
    return HttpResponse(instance.definition.xml, content_type="application/xml; charset=utf-8")


@staff_page
@require_http_methods(["POST"])
def retry_process(request: HttpRequest, user: User, case_id: UUID) -> HttpResponseBase:
    """Set the case's stopped process going again (the case page's button)."""
    instance = _instance_seen(request, user, case_id)
    if instance is None:
        return not_found(request)
    try:
        services.retry(user, instance.pk)
    except BurghError as refusal:
        messages.error(request, refusal.detail)
    else:
        instance.refresh_from_db()
        if instance.status == ProcessInstance.Status.FAILED:
            messages.error(request, f"The process stopped again: {instance.failure}")
        else:
            messages.success(request, "The process is going again.")
    return redirect(reverse("cases:case", kwargs={"case_id": case_id}) + "#process")
